import {
  type FieldConfigSource,
  MappingType,
  type Threshold,
  type ValueMap,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** Grafana's types, from the foundation SDK (the JSON model is Grafana's, not ours). */
export type ThresholdStep = Threshold;
export type ValueMapping = ValueMap;
export type FieldOverride = FieldConfigSource['overrides'][number];

/** One query of a panel, with the legend Grafana shows for its series. */
/** Grafana's unit for message rates: every msg/s panel of the dashboards uses it. */
export const MSG_RATE = 'count:msg/s';

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
  /** Variables read from Prometheus (e.g. the SLO bound from the configured p99 target). */
  queryVariables?: QueryVariableSpec[];
  /** Custom variables besides datasource and instance. */
  customVariables?: CustomVariableSpec[];
  /** Prometheus annotations (operator actions, controller state changes) besides Grafana's own. */
  annotations?: readonly AnnotationSpec[];
}

/**
 * A variable whose value comes from a PromQL query: `query` is Grafana's `query_result(<PromQL>)`, whose
 * lines read `<labels> <value> <timestamp>`; `regex` keeps the value (its first group). `fallback` is the
 * value saved in the file, shown until Grafana has run the query.
 */
export interface QueryVariableSpec {
  name: string;
  label: string;
  description: string;
  query: string;
  regex: string;
  fallback: string;
}

/**
 * A Prometheus annotation: a marker wherever `expr` has a value, one evaluation per `step`;
 * `title` and `text` may use the series' labels (`{{state}}`).
 */
export interface AnnotationSpec {
  name: string;
  description: string;
  expr: string;
  step: string;
  title: string;
  text: string;
  color: string;
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
  return { type: MappingType.ValueToText, options };
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
