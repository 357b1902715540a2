import type {
  Dashboard,
  DataSourceRef,
  FieldDefaults,
  GridPos,
  Panel,
  PrometheusTarget,
  QueryPanel,
  TemplateVariable,
} from './grafana-model.js';
import type { CustomVariableSpec, DashboardSpec, PanelSpec } from './panel-spec.js';

const GRID_COLUMNS = 24;
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The metric whose `instance` label values fill the instance variable: every daemon exports it. */
export const INSTANCE_VARIABLE_QUERY = 'label_values(soakbench_info, instance)';

/** Turns a dashboard spec into Grafana's JSON model: lays panels out left to right, row by row. */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const panels: Panel[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: pos(0, y, 24, 1),
      panels: [],
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      const w = panel.width ?? 12;
      const h = panel.height ?? 8;
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push(buildPanel(id++, panel, pos(x, y, w, h)));
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['soakbench'],
    id: null,
    version: 1,
    schemaVersion: 39,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    liveNow: false,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    weekStart: '',
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    links: [
      {
        title: 'soakbench dashboards',
        type: 'dashboards',
        tags: ['soakbench'],
        asDropdown: false,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    templating: {
      list: [datasourceVariable(), instanceVariable(), ...(spec.customVariables ?? []).map(customVariable)],
    },
    panels,
  };
}

function pos(x: number, y: number, w: number, h: number): GridPos {
  return { x, y, w, h };
}

function buildPanel(id: number, spec: PanelSpec, gridPos: GridPos): QueryPanel {
  return {
    id,
    type: spec.kind,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: fieldDefaults(spec), overrides: spec.overrides ?? [] },
    options: panelOptions(spec),
    targets: spec.queries.map((query, index) => target(index, query.expr, query.legend, spec)),
    transformations:
      spec.kind === 'table'
        ? [
            {
              id: 'organize',
              options: {
                excludeByName: { Time: true, Value: true, __name__: true },
                indexByName: {},
                renameByName: {},
              },
            },
          ]
        : [],
  };
}

function target(index: number, expr: string, legend: string, spec: PanelSpec): PrometheusTarget {
  const instant = spec.instant === true;
  return {
    refId: String.fromCharCode(65 + index),
    datasource: DATASOURCE,
    editorMode: 'code',
    expr,
    legendFormat: legend,
    range: !instant,
    instant,
    format: spec.kind === 'table' ? 'table' : 'time_series',
  };
}

function fieldDefaults(spec: PanelSpec): FieldDefaults {
  const defaults: FieldDefaults = {
    unit: spec.unit,
    color: { mode: spec.kind === 'timeseries' ? 'palette-classic' : 'thresholds' },
    thresholds: { mode: 'absolute', steps: spec.thresholds ?? [{ color: 'green', value: null }] },
    mappings: spec.mappings ?? [],
    custom: customFieldConfig(spec),
  };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.decimals !== undefined) defaults.decimals = spec.decimals;
  return defaults;
}

function customFieldConfig(spec: PanelSpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'timeseries':
      return {
        drawStyle: spec.bars === true ? 'bars' : 'line',
        lineWidth: 1,
        fillOpacity: spec.bars === true ? 60 : 10,
        showPoints: 'never',
        spanNulls: false,
        stacking: { mode: 'none', group: 'A' },
      };
    case 'state-timeline':
      return { fillOpacity: 80, lineWidth: 0 };
    case 'table':
      return { align: 'auto', cellOptions: { type: 'auto' } };
    case 'stat':
      return {};
  }
}

function panelOptions(spec: PanelSpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'timeseries':
      return {
        legend: {
          showLegend: true,
          displayMode: 'table',
          placement: 'bottom',
          calcs: ['mean', 'max', 'lastNotNull'],
        },
        tooltip: { mode: 'multi', sort: 'desc' },
      };
    case 'stat':
      return {
        reduceOptions: { values: false, calcs: ['lastNotNull'], fields: '' },
        orientation: 'auto',
        textMode: 'value_and_name',
        colorMode: 'value',
        graphMode: spec.instant === true ? 'none' : 'area',
        justifyMode: 'auto',
        wideLayout: true,
        showPercentChange: false,
      };
    case 'state-timeline':
      return {
        mergeValues: true,
        showValue: 'auto',
        alignValue: 'left',
        rowHeight: 0.9,
        legend: { showLegend: false },
        tooltip: { mode: 'single', sort: 'none' },
      };
    case 'table':
      return { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } };
  }
}

function datasourceVariable(): TemplateVariable {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    description: 'The Prometheus that scrapes the soakbench daemons.',
    query: 'prometheus',
    current: {},
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
    skipUrlSync: false,
  };
}

function instanceVariable(): TemplateVariable {
  return {
    name: 'instance',
    label: 'Instance',
    type: 'query',
    description: 'soakbench daemons to show; each one is its own series, side by side.',
    datasource: DATASOURCE,
    definition: INSTANCE_VARIABLE_QUERY,
    query: {
      query: INSTANCE_VARIABLE_QUERY,
      refId: 'PrometheusVariableQueryEditor-VariableQuery',
      qryType: 1,
    },
    // `.+`, not Grafana's default `.*`: an "All" that matched the empty string would also match series
    // without an instance label.
    allValue: '.+',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    hide: 0,
    includeAll: true,
    multi: true,
    options: [],
    refresh: 2,
    regex: '',
    skipUrlSync: false,
    sort: 1,
  };
}

function customVariable(spec: CustomVariableSpec): TemplateVariable {
  return {
    name: spec.name,
    label: spec.label,
    type: 'custom',
    description: spec.description,
    query: spec.values.join(','),
    current: { selected: true, text: spec.defaultValue, value: spec.defaultValue },
    options: spec.values.map((value) => ({ selected: value === spec.defaultValue, text: value, value })),
    hide: 0,
    includeAll: false,
    multi: false,
    skipUrlSync: false,
  };
}
