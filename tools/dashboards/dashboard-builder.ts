/**
 * Turns a dashboard spec (panel-spec.ts) into Grafana's dashboard JSON with Grafana's foundation SDK
 * (@grafana/grafana-foundation-sdk, the builders Grafana generates from its own schema), laid out left to
 * right, row by row. The SDK fills Grafana's defaults; this file sets what soakbench chooses.
 */

import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  CustomVariableBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  FieldColorBuilder,
  FieldColorModeId,
  type GridPos,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DataqueryBuilder,
  PromQueryFormat,
  QueryEditorMode,
} from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { annotationBuilders } from './annotations.js';
import { DATASOURCE_REF } from './datasource.js';
import type { CustomVariableSpec, DashboardSpec, PanelSpec, QueryVariableSpec } from './panel-spec.js';

const GRID_COLUMNS = 24;
const DATASOURCE = DATASOURCE_REF;

/** The metric whose `instance` label values fill the instance variable: every daemon exports it. */
export const INSTANCE_VARIABLE_QUERY = 'label_values(soakbench_info, instance)';

type AnyPanelBuilder =
  | timeseries.PanelBuilder
  | stat.PanelBuilder
  | statetimeline.PanelBuilder
  | table.PanelBuilder;

/** Turns a dashboard spec into Grafana's JSON model. */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const d = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['soakbench'])
    .id(null)
    .version(1)
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' })
    .timezone('browser')
    .link(
      new DashboardLinkBuilder('soakbench dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags(['soakbench'])
        .asDropdown(false)
        .includeVars(true)
        .keepTime(true)
        .icon('external link')
        .targetBlank(false)
        .tooltip('')
        .url(''),
    )
    .withVariable(datasourceVariable())
    .withVariable(instanceVariable());
  for (const v of spec.queryVariables ?? []) d.withVariable(queryVariable(v));
  for (const v of spec.customVariables ?? []) d.withVariable(customVariable(v));
  for (const a of annotationBuilders(spec.annotations ?? [])) d.annotation(a);

  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    d.withRow(
      new RowBuilder(row.title)
        .id(id++)
        .collapsed(false)
        .gridPos(pos(0, y, GRID_COLUMNS, 1)),
    );
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
      d.withPanel(buildPanel(id++, panel, pos(x, y, w, h)));
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return d.build();
}

function pos(x: number, y: number, w: number, h: number): GridPos {
  return { x, y, w, h };
}

function buildPanel(id: number, spec: PanelSpec, gridPos: GridPos): AnyPanelBuilder {
  const panel = typedPanel(spec)
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .gridPos(gridPos)
    .unit(spec.unit)
    .colorScheme(
      new FieldColorBuilder().mode(
        spec.kind === 'timeseries' ? FieldColorModeId.PaletteClassic : FieldColorModeId.Thresholds,
      ),
    )
    .thresholds(
      new ThresholdsConfigBuilder()
        .mode(ThresholdsMode.Absolute)
        .steps(spec.thresholds ?? [{ color: 'green', value: null }]),
    )
    .mappings(spec.mappings ?? [])
    .overrides(spec.overrides ?? [])
    .targets(spec.queries.map((q, i) => target(i, q.expr, q.legend, spec)));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.kind === 'table') {
    panel.withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, Value: true, __name__: true },
        indexByName: {},
        renameByName: {},
      },
    });
  }
  return panel;
}

/**
 * One Prometheus query. The SDK's range() and instant() can only switch a mode on; both are written
 * explicitly (an instant query with `range` left out would be run as a range query too).
 */
function target(index: number, expr: string, legend: string, spec: PanelSpec): cog.Builder<cog.Dataquery> {
  const instant = spec.instant === true;
  const query = new DataqueryBuilder()
    .refId(String.fromCharCode(65 + index))
    .datasource(DATASOURCE)
    .editorMode(QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .format(spec.kind === 'table' ? PromQueryFormat.Table : PromQueryFormat.TimeSeries);
  return { build: () => ({ ...query.build(), range: !instant, instant }) };
}

/** The panel builder of the spec's kind, with soakbench's display choices for that kind. */
function typedPanel(spec: PanelSpec): AnyPanelBuilder {
  switch (spec.kind) {
    case 'timeseries':
      return new timeseries.PanelBuilder()
        .drawStyle(spec.bars === true ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
        .lineWidth(1)
        .fillOpacity(spec.bars === true ? 60 : 10)
        .showPoints(common.VisibilityMode.Never)
        .spanNulls(false)
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.None).group('A'))
        .legend(
          new common.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.Table)
            .placement(common.LegendPlacement.Bottom)
            .calcs(['mean', 'max', 'lastNotNull']),
        )
        .tooltip(
          new common.VizTooltipOptionsBuilder()
            .mode(common.TooltipDisplayMode.Multi)
            .sort(common.SortOrder.Descending),
        );
    case 'stat':
      return new stat.PanelBuilder()
        .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']).fields(''))
        .orientation(common.VizOrientation.Auto)
        .textMode(common.BigValueTextMode.ValueAndName)
        .colorMode(common.BigValueColorMode.Value)
        .graphMode(spec.instant === true ? common.BigValueGraphMode.None : common.BigValueGraphMode.Area)
        .justifyMode(common.BigValueJustifyMode.Auto)
        .wideLayout(true)
        .showPercentChange(false);
    case 'state-timeline':
      return new statetimeline.PanelBuilder()
        .fillOpacity(80)
        .lineWidth(0)
        .mergeValues(true)
        .showValue(common.VisibilityMode.Auto)
        .alignValue(common.TimelineValueAlignment.Left)
        .rowHeight(0.9)
        .legend(new common.VizLegendOptionsBuilder().showLegend(false))
        .tooltip(
          new common.VizTooltipOptionsBuilder()
            .mode(common.TooltipDisplayMode.Single)
            .sort(common.SortOrder.None),
        );
    case 'table':
      return new table.PanelBuilder()
        .showHeader(true)
        .cellHeight(common.TableCellHeight.Sm)
        .align(common.FieldTextAlignment.Auto)
        .cellOptions({ type: common.TableCellDisplayMode.Auto })
        .footer(new common.TableFooterOptionsBuilder().show(false).reducer(['sum']).fields([]));
  }
}

function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .description('The Prometheus that scrapes the soakbench daemons.')
    .type('prometheus')
    .hide(VariableHide.DontHide)
    .includeAll(false)
    .multi(false);
}

function instanceVariable(): QueryVariableBuilder {
  return (
    new QueryVariableBuilder('instance')
      .label('Instance')
      .description('soakbench daemons to show; each one is its own series, side by side.')
      .datasource(DATASOURCE)
      .definition(INSTANCE_VARIABLE_QUERY)
      .query({
        query: INSTANCE_VARIABLE_QUERY,
        refId: 'PrometheusVariableQueryEditor-VariableQuery',
        qryType: 1,
      })
      // `.+`, not Grafana's default `.*`: an "All" that matched the empty string would also match series
      // without an instance label.
      .allValue('.+')
      .current({ selected: true, text: ['All'], value: ['$__all'] })
      .hide(VariableHide.DontHide)
      .includeAll(true)
      .multi(true)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .regex('')
      .sort(VariableSort.AlphabeticalAsc)
  );
}

/** A variable whose value is read from Prometheus: `query_result(...)` and a regex that keeps the value. */
function queryVariable(spec: QueryVariableSpec): QueryVariableBuilder {
  return new QueryVariableBuilder(spec.name)
    .label(spec.label)
    .description(spec.description)
    .datasource(DATASOURCE)
    .definition(spec.query)
    .query({ query: spec.query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 3 })
    .regex(spec.regex)
    .current({ selected: true, text: spec.fallback, value: spec.fallback })
    .hide(VariableHide.DontHide)
    .includeAll(false)
    .multi(false)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.Disabled);
}

function customVariable(spec: CustomVariableSpec): CustomVariableBuilder {
  return new CustomVariableBuilder(spec.name)
    .label(spec.label)
    .description(spec.description)
    .values(spec.values.join(','))
    .current({ selected: true, text: spec.defaultValue, value: spec.defaultValue })
    .options(spec.values.map((value) => ({ selected: value === spec.defaultValue, text: value, value })))
    .hide(VariableHide.DontHide)
    .includeAll(false)
    .multi(false);
}
