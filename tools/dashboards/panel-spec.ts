import type { FieldOverride, ThresholdStep, ValueMapping } from './grafana-model.js';

/** One query of a panel, with the legend Grafana shows for its series. */
export interface QuerySpec {
  expr: string;
  legend: string;
}

/**
 * What a dashboard author writes for one panel; dashboard-builder.ts turns it into Grafana JSON.
 * `unit` is a Grafana unit id (`s`, `percentunit`, `Bps`, `bytes`, `short`, `none`) or a custom one
 * (`count:msg/s`: scaled count with a suffix).
 */
export interface PanelSpec {
  kind: 'timeseries' | 'stat' | 'state-timeline' | 'table';
  title: string;
  description: string;
  unit: string;
  queries: QuerySpec[];
  /** Grid columns (of 24); default 12. */
  width?: number;
  /** Grid rows; default 8. */
  height?: number;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: ThresholdStep[];
  mappings?: ValueMapping[];
  overrides?: FieldOverride[];
  /** Draw bars instead of lines (counts per interval). */
  bars?: boolean;
  /** Evaluate once at the end of the range (tables, stats over `$__range`). */
  instant?: boolean;
}

/** A titled group of panels. */
export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

/** A whole dashboard before layout. */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** File name under grafana/dashboards/. */
  fileName: string;
  rows: RowSpec[];
  /** Custom variables besides datasource and instance (e.g. the SLO bound). */
  customVariables?: CustomVariableSpec[];
}

/** A Grafana custom variable: a fixed list of values with a default. */
export interface CustomVariableSpec {
  name: string;
  label: string;
  description: string;
  values: readonly string[];
  defaultValue: string;
}

/** Value mapping helper: `{0: ['ok', 'green'], 1: ['SATURATED', 'red']}`. */
export function valueMapping(entries: Record<string, readonly [text: string, color: string]>): ValueMapping {
  const options: ValueMapping['options'] = {};
  Object.entries(entries).forEach(([value, [text, color]], index) => {
    options[value] = { text, color, index };
  });
  return { type: 'value', options };
}

/** Series whose display name matches `regex` are drawn as a dashed line in `color` (targets, limits). */
export function dashedLine(regex: string, color: string): FieldOverride {
  return {
    matcher: { id: 'byRegexp', options: regex },
    properties: [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'color', value: { mode: 'fixed', fixedColor: color } },
    ],
  };
}
