/**
 * The committed dashboard JSON as the tests read it: the part of Grafana's dashboard model they look at.
 * The generator (tools/dashboards/) builds the files with Grafana's foundation SDK and its types; these
 * are only a reading view of the result. Field names are Grafana's; see
 * https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */

/** A reference to a data source; `uid` is `${datasource}` so every panel follows the dashboard variable. */
export interface DataSourceRef {
  type: 'prometheus';
  uid: string;
}

/** One PromQL query of a panel. */
export interface PrometheusTarget {
  refId: string;
  datasource: DataSourceRef;
  editorMode: 'code';
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
  format: 'time_series' | 'table';
}

/** Position on Grafana's 24-column grid. */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A threshold step: `value: null` is the base step. */
export interface ThresholdStep {
  color: string;
  value: number | null;
}

/** A value-to-text mapping (Grafana's `type: "value"` mapping). */
export interface ValueMapping {
  type: 'value';
  options: Record<string, { text: string; color: string; index: number }>;
}

/** Defaults applied to every field (series) of a panel. */
export interface FieldDefaults {
  unit: string;
  min?: number;
  max?: number;
  decimals?: number;
  color: { mode: string };
  thresholds: { mode: 'absolute'; steps: ThresholdStep[] };
  mappings: ValueMapping[];
  custom: Record<string, unknown>;
}

/** A per-series override, e.g. drawing the SLO line dashed. */
export interface FieldOverride {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}

/** A visualisation panel that queries Prometheus. */
export interface QueryPanel {
  id: number;
  type: 'timeseries' | 'stat' | 'state-timeline' | 'table';
  title: string;
  description: string;
  datasource: DataSourceRef;
  gridPos: GridPos;
  fieldConfig: { defaults: FieldDefaults; overrides: FieldOverride[] };
  options: Record<string, unknown>;
  targets: PrometheusTarget[];
  transformations: unknown[];
}

/** A row header; its panels follow it in the dashboard's flat panel list. */
export interface RowPanel {
  id: number;
  type: 'row';
  title: string;
  collapsed: false;
  gridPos: GridPos;
  panels: [];
}

export type Panel = QueryPanel | RowPanel;

/** A dashboard template variable (datasource, query or custom). */
export interface TemplateVariable {
  name: string;
  label: string;
  type: 'datasource' | 'query' | 'custom';
  description: string;
  [key: string]: unknown;
}

/** A whole dashboard, as Grafana's file provisioner reads it. */
export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  [key: string]: unknown;
  templating: { list: TemplateVariable[] };
  annotations: { list: AnnotationJson[] };
  panels: Panel[];
}

/** A dashboard annotation: Grafana's built-in one, or a Prometheus query (`expr`). */
export interface AnnotationJson {
  name: string;
  builtIn?: number;
  datasource: { type: string; uid: string };
  expr?: string;
  [key: string]: unknown;
}
