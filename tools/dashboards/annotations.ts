/**
 * Dashboard annotations: Grafana's own (annotations and alerts saved in Grafana) and soakbench's Prometheus
 * ones, markers drawn on every time-series panel where an annotation query has a value.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { type AnnotationQuery, AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCE_REF } from './datasource.js';
import type { AnnotationSpec } from './panel-spec.js';

/**
 * The SDK sets `placement: "inControlsMenu"` on every annotation, which newer Grafana versions read as
 * "hide the toggle in the controls menu": left out, the toggles stay in the dashboard's top bar.
 */
function withoutPlacement(builder: AnnotationQueryBuilder): cog.Builder<AnnotationQuery> {
  return {
    build: () => {
      const { placement: _placement, ...rest } = builder.build();
      return rest;
    },
  };
}

export function annotationBuilders(specs: readonly AnnotationSpec[]): cog.Builder<AnnotationQuery>[] {
  const builtIn = new AnnotationQueryBuilder()
    .builtIn(1)
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .enable(true)
    .hide(true)
    .iconColor('rgba(0, 211, 255, 1)')
    .name('Annotations & Alerts')
    .type('dashboard');
  return [
    builtIn,
    ...specs.map((a) =>
      new AnnotationQueryBuilder()
        .name(a.name)
        .datasource(DATASOURCE_REF)
        .enable(true)
        .hide(false)
        .iconColor(a.color)
        .expr(a.expr)
        .step(a.step)
        .titleFormat(a.title)
        .textFormat(a.text)
        .useValueForTime(false),
    ),
  ].map(withoutPlacement);
}

const INSTANCE = 'instance=~"$instance"';

/**
 * Operator actions and controller state changes, from soakbench's metrics (docs/metrics.md) so they need
 * nothing but Prometheus. Each query has a value in the one-minute step in which the change happened.
 */
export const SOAKBENCH_ANNOTATIONS: readonly AnnotationSpec[] = [
  {
    name: 'Rate set (fixed rate)',
    description:
      'The target rate changed while the controller was in fixed mode: PUT /rate, or a workload swap.',
    expr: `(changes(soakbench_target_rate{${INSTANCE}}[1m]) > 0) and on(instance) (soakbench_controller_state{${INSTANCE},state="fixed"} == 1) and on(instance) (soakbench_paused{${INSTANCE}} == 0)`,
    step: '1m',
    title: 'rate set',
    text: '{{instance}}: new target rate (PUT /rate or a workload swap)',
    color: 'blue',
  },
  {
    name: 'Pause and resume',
    description: 'POST /pause or POST /resume.',
    expr: `changes(soakbench_paused{${INSTANCE}}[1m]) > 0`,
    step: '1m',
    title: 'pause / resume',
    text: '{{instance}}: paused or resumed',
    color: 'purple',
  },
  {
    name: 'Workload started or swapped',
    description:
      'A soakbench_info series that was not there a minute before: a daemon start or PUT /workload.',
    expr: `soakbench_info{${INSTANCE}} unless soakbench_info{${INSTANCE}} offset 1m`,
    step: '1m',
    title: 'workload',
    text: '{{instance}}: {{workload}} ({{driver}}, soakbench {{version}})',
    color: 'green',
  },
  {
    name: 'Controller state change',
    description: 'The rate controller entered a new state (docs/controller.md): the marker names it.',
    expr: `(changes(soakbench_controller_state{${INSTANCE}}[1m]) > 0) and (soakbench_controller_state{${INSTANCE}} == 1)`,
    step: '1m',
    title: 'controller: {{state}}',
    text: '{{instance}} entered {{state}}',
    color: 'orange',
  },
  {
    name: 'Controller cut and probe',
    description: 'The adaptive controller cut the rate on overload, or probed upwards.',
    expr: `sum by (instance, kind) (increase(soakbench_controller_decisions_total{${INSTANCE},kind=~"cut|probe"}[1m])) > 0`,
    step: '1m',
    title: '{{kind}}',
    text: '{{instance}}: controller {{kind}}',
    color: 'red',
  },
];
