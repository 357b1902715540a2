import { SOAKBENCH_ANNOTATIONS } from './annotations.js';
import { brokers } from './overview-brokers.js';
import { fleet } from './overview-fleet.js';
import type { DashboardSpec, PanelSpec } from './panel-spec.js';
import { dashedLine, MSG_RATE, valueMapping } from './panel-spec.js';
import { increaseOf, maxBy, orZero, quantile, rateOf, select, sumBy } from './promql.js';

const BY_INSTANCE = ['instance'];

import { CONTROLLER_STATES } from '../../src/metrics/metric-labels.js';

export { CONTROLLER_STATES };

const STATE_COLORS: Record<(typeof CONTROLLER_STATES)[number], string> = {
  warmup: 'blue',
  startup: 'purple',
  drain: 'orange',
  hold: 'green',
  probe: 'yellow',
  fixed: 'text',
  degraded: 'red',
};

/**
 * Bucket `le` matcher for the chosen SLO bound. Prometheus 3 stores classic-histogram bounds in float
 * form ("1" becomes "1.0"), Prometheus 2 as exposed; the optional ".0" matches both.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const SLO_BUCKET = 'le=~"${slo}(\\\\.0)?"';

/** One code per instance: the weight of the state whose gauge is 1 (0 when none is). */
function controllerStateCode(): string {
  const weighted = CONTROLLER_STATES.map(
    (state, index) => `${select('soakbench_controller_state', `state="${state}"`)} * ${index + 1}`,
  );
  return maxBy(BY_INSTANCE, weighted.join(' or '));
}

function percentiles(histogram: string): PanelSpec['queries'] {
  return [
    { expr: quantile(0.5, histogram), legend: '{{instance}} p50' },
    { expr: quantile(0.99, histogram), legend: '{{instance}} p99' },
    { expr: quantile(0.999, histogram), legend: '{{instance}} p99.9' },
  ];
}

function underSlo(histogram: string, window: string): string {
  return `${sumBy(BY_INSTANCE, increaseOf(`${histogram}_bucket`, window, SLO_BUCKET))} / ${sumBy(
    BY_INSTANCE,
    increaseOf(`${histogram}_count`, window),
  )}`;
}

const INTEGRITY = [
  ['soakbench_messages_lost_total', 'lost'],
  ['soakbench_messages_duplicated_total', 'duplicated'],
  ['soakbench_messages_out_of_order_total', 'out of order'],
  ['soakbench_messages_late_total', 'late'],
] as const;

const summary: PanelSpec[] = [
  {
    kind: 'table',
    title: 'Daemons',
    description: 'One line per soakbench daemon (soakbench_info): version, driver and workload.',
    unit: 'none',
    instant: true,
    width: 8,
    height: 5,
    queries: [{ expr: select('soakbench_info'), legend: '' }],
  },
  {
    kind: 'stat',
    title: 'Achieved produce rate',
    description: 'Messages acknowledged by the broker per second.',
    unit: MSG_RATE,
    width: 4,
    height: 5,
    queries: [{ expr: sumBy(BY_INSTANCE, rateOf('soakbench_messages_sent_total')), legend: '{{instance}}' }],
  },
  {
    kind: 'stat',
    title: 'Consume rate',
    description: 'Messages consumed per second, all subscriptions together.',
    unit: MSG_RATE,
    width: 4,
    height: 5,
    queries: [
      { expr: sumBy(BY_INSTANCE, rateOf('soakbench_messages_received_total')), legend: '{{instance}}' },
    ],
  },
  {
    kind: 'stat',
    title: 'Under the SLO bound ($slo s), whole range',
    description:
      'Share of messages acknowledged within the SLO bound (variable "SLO bound") counted from intended send time, over the selected time range. Red below 99 %.',
    unit: 'percentunit',
    instant: true,
    decimals: 2,
    width: 4,
    height: 5,
    thresholds: [
      { color: 'red', value: null },
      { color: 'green', value: 0.99 },
    ],
    queries: [
      { expr: underSlo('soakbench_publish_response_time_seconds', '$__range'), legend: '{{instance}}' },
    ],
  },
  {
    kind: 'stat',
    title: 'Generator saturated',
    description:
      'SATURATED when soakbench itself cannot keep its send schedule (publish delay over its bound): the numbers then measure the client, not the cluster.',
    unit: 'none',
    width: 4,
    height: 5,
    thresholds: [
      { color: 'green', value: null },
      { color: 'red', value: 1 },
    ],
    mappings: [valueMapping({ 0: ['no', 'green'], 1: ['SATURATED', 'red'] })],
    queries: [{ expr: maxBy(BY_INSTANCE, select('soakbench_generator_saturated')), legend: '{{instance}}' }],
  },
  {
    kind: 'stat',
    title: 'Integrity, whole range',
    description:
      'Messages lost, duplicated, out of order, or late (acknowledged but not consumed within the SLA) over the selected time range. Red from one.',
    unit: 'short',
    instant: true,
    decimals: 0,
    width: 8,
    height: 5,
    thresholds: [
      { color: 'green', value: null },
      { color: 'red', value: 1 },
    ],
    queries: INTEGRITY.map(([metric, what]) => ({
      expr: sumBy(BY_INSTANCE, increaseOf(metric, '$__range')),
      legend: `{{instance}} ${what}`,
    })),
  },
  {
    kind: 'stat',
    title: 'Target rate',
    description:
      'Messages per second the daemon is trying to send now (fixed rate or the controller’s choice).',
    unit: MSG_RATE,
    width: 4,
    height: 5,
    queries: [{ expr: sumBy(BY_INSTANCE, select('soakbench_target_rate')), legend: '{{instance}}' }],
  },
  {
    kind: 'stat',
    title: 'Ready',
    description: 'The /readyz answer: ready once connected and producing, or paused on purpose.',
    unit: 'none',
    width: 4,
    height: 5,
    thresholds: [
      { color: 'red', value: null },
      { color: 'green', value: 1 },
    ],
    mappings: [valueMapping({ 0: ['NOT READY', 'red'], 1: ['ready', 'green'] })],
    queries: [{ expr: maxBy(BY_INSTANCE, select('soakbench_ready')), legend: '{{instance}}' }],
  },
  {
    kind: 'stat',
    title: 'Producing',
    description: 'PAUSED after POST /pause (consumers keep draining) until POST /resume.',
    unit: 'none',
    width: 4,
    height: 5,
    thresholds: [
      { color: 'green', value: null },
      { color: 'orange', value: 1 },
    ],
    mappings: [valueMapping({ 0: ['producing', 'green'], 1: ['PAUSED', 'orange'] })],
    queries: [{ expr: maxBy(BY_INSTANCE, select('soakbench_paused')), legend: '{{instance}}' }],
  },
  {
    kind: 'stat',
    title: 'Send errors, whole range',
    description: 'Failed sends (all reasons) over the selected time range.',
    unit: 'short',
    instant: true,
    decimals: 0,
    width: 4,
    height: 5,
    thresholds: [
      { color: 'green', value: null },
      { color: 'red', value: 1 },
    ],
    queries: [
      {
        expr: sumBy(BY_INSTANCE, increaseOf('soakbench_send_errors_total', '$__range')),
        legend: '{{instance}}',
      },
    ],
  },
];

const throughput: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Produce rate: target vs achieved',
    description:
      'Target: the rate the daemon is trying to send (dashed). Achieved: messages acknowledged per second. A gap means the cluster or the generator cannot keep up.',
    unit: MSG_RATE,
    min: 0,
    overrides: [dashedLine('.* target$', 'blue')],
    queries: [
      { expr: sumBy(BY_INSTANCE, select('soakbench_target_rate')), legend: '{{instance}} target' },
      {
        expr: sumBy(BY_INSTANCE, rateOf('soakbench_messages_sent_total')),
        legend: '{{instance}} achieved (acked)',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Consume rate',
    description: 'Messages consumed per second, all subscriptions together, next to the acknowledged rate.',
    unit: MSG_RATE,
    min: 0,
    queries: [
      {
        expr: sumBy(BY_INSTANCE, rateOf('soakbench_messages_received_total')),
        legend: '{{instance}} consumed',
      },
      { expr: sumBy(BY_INSTANCE, rateOf('soakbench_messages_sent_total')), legend: '{{instance}} acked' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Payload throughput',
    description: 'Payload bytes acknowledged and consumed per second.',
    unit: 'Bps',
    min: 0,
    queries: [
      { expr: sumBy(BY_INSTANCE, rateOf('soakbench_bytes_sent_total')), legend: '{{instance}} sent (acked)' },
      { expr: sumBy(BY_INSTANCE, rateOf('soakbench_bytes_received_total')), legend: '{{instance}} consumed' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Consumer backlog',
    description:
      'Messages acknowledged but not yet consumed, per subscription. Growing means consumers fall behind.',
    unit: 'count:msg',
    min: 0,
    queries: [
      {
        expr: sumBy(['instance', 'subscription'], select('soakbench_consumer_backlog_messages')),
        legend: '{{instance}} {{subscription}}',
      },
    ],
  },
];

const latency: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Publish response time (intended send → ack)',
    description:
      'Latency without coordinated omission: a late send counts from when it should have been sent. This is the SLO signal; the dashed line is the controller’s p99 target.',
    unit: 's',
    min: 0,
    overrides: [dashedLine('.* p99 target$', 'red')],
    queries: [
      ...percentiles('soakbench_publish_response_time_seconds'),
      {
        expr: maxBy(BY_INSTANCE, select('soakbench_slo_p99_target_seconds')),
        legend: '{{instance}} p99 target',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Publish latency (send → ack)',
    description: 'Broker acknowledgement time measured from the actual send (OMB’s publish latency).',
    unit: 's',
    min: 0,
    queries: percentiles('soakbench_publish_latency_seconds'),
  },
  {
    kind: 'timeseries',
    title: 'End-to-end latency (intended send → receive)',
    description: 'From the intended send time to the consumer receiving the message.',
    unit: 's',
    min: 0,
    queries: percentiles('soakbench_end_to_end_latency_seconds'),
  },
  {
    kind: 'timeseries',
    title: 'Publish delay (intended → actual send)',
    description:
      'How late soakbench sends compared with its schedule (OMB’s publish delay). High values mean the generator, not the cluster, is the bottleneck.',
    unit: 's',
    min: 0,
    queries: percentiles('soakbench_publish_delay_seconds'),
  },
  {
    kind: 'state-timeline',
    title: 'Generator saturated',
    description:
      'Red while soakbench cannot keep its send schedule; results from those periods measure the client.',
    unit: 'none',
    height: 5,
    thresholds: [
      { color: 'green', value: null },
      { color: 'red', value: 1 },
    ],
    mappings: [valueMapping({ 0: ['ok', 'green'], 1: ['SATURATED', 'red'] })],
    queries: [{ expr: maxBy(BY_INSTANCE, select('soakbench_generator_saturated')), legend: '{{instance}}' }],
  },
  {
    kind: 'timeseries',
    title: '% of messages under the SLO bound ($slo s)',
    description:
      'Share of messages whose response time (intended send → ack) and end-to-end latency are within the bound chosen in the "SLO bound" variable (a histogram bucket bound).',
    unit: 'percentunit',
    max: 1,
    height: 5,
    queries: [
      {
        expr: underSlo('soakbench_publish_response_time_seconds', '$__rate_interval'),
        legend: '{{instance}} acked',
      },
      {
        expr: underSlo('soakbench_end_to_end_latency_seconds', '$__rate_interval'),
        legend: '{{instance}} end to end',
      },
    ],
  },
];

const errors: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Send errors by reason',
    description:
      'Failed sends per second by librdkafka error code (every reason is exported from the start at 0).',
    unit: 'count:err/s',
    min: 0,
    queries: [
      {
        expr: sumBy(['instance', 'reason'], rateOf('soakbench_send_errors_total')),
        legend: '{{instance}} {{reason}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Send error ratio',
    description: 'Failed sends / (failed + acknowledged sends). Empty while nothing is sent.',
    unit: 'percentunit',
    min: 0,
    queries: [
      {
        expr: `${sumBy(BY_INSTANCE, rateOf('soakbench_send_errors_total'))} / (${sumBy(
          BY_INSTANCE,
          rateOf('soakbench_send_errors_total'),
        )} + ${sumBy(BY_INSTANCE, rateOf('soakbench_messages_sent_total'))})`,
        legend: '{{instance}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Lost, duplicated, out-of-order and late messages',
    description:
      'Integrity checker events per second. Lost: acknowledged, never consumed. Late: acknowledged but not consumed within the SLA.',
    unit: MSG_RATE,
    min: 0,
    width: 24,
    queries: INTEGRITY.map(([metric, what]) => ({
      expr: sumBy(BY_INSTANCE, rateOf(metric)),
      legend: `{{instance}} ${what}`,
    })),
  },
];

const controller: PanelSpec[] = [
  {
    kind: 'state-timeline',
    title: 'Controller state',
    description:
      'warmup → startup → hold, with drain after an overload cut and probe when trying a higher rate; fixed when a rate was set by hand; degraded when pinned at the minimum rate.',
    unit: 'none',
    height: 6,
    mappings: [
      valueMapping({
        0: ['unknown', 'transparent'],
        ...Object.fromEntries(
          CONTROLLER_STATES.map((state, index) => [index + 1, [state, STATE_COLORS[state]]]),
        ),
      }),
    ],
    queries: [{ expr: controllerStateCode(), legend: '{{instance}}' }],
  },
  {
    kind: 'timeseries',
    title: 'Rate decisions',
    description:
      'Controller decisions per rate window, by kind (grow, hold, cut, probe, accept, revert, drain, fixed) and the class of their reason (latency, backlog, errors, quota, generator, probe …; docs/metrics.md).',
    unit: 'short',
    min: 0,
    height: 6,
    bars: true,
    queries: [
      {
        expr: orZero(
          sumBy(['instance', 'kind', 'reason'], increaseOf('soakbench_controller_decisions_total')),
        ),
        legend: '{{instance}} {{kind}} ({{reason}})',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Controller rates',
    description:
      'The commanded rate, the best rate accepted so far and the rate of the last overload cut (the failing rate the controller remembers).',
    unit: MSG_RATE,
    min: 0,
    width: 24,
    queries: [
      { expr: sumBy(BY_INSTANCE, select('soakbench_target_rate')), legend: '{{instance}} target' },
      {
        expr: maxBy(BY_INSTANCE, select('soakbench_controller_best_rate')),
        legend: '{{instance}} best accepted',
      },
      {
        expr: maxBy(BY_INSTANCE, select('soakbench_controller_last_cut_rate')),
        legend: '{{instance}} last cut',
      },
    ],
  },
];

/** The overview: load, latency, errors, integrity, brokers and the controller, one series per daemon. */
export const overviewDashboard: DashboardSpec = {
  uid: 'soakbench-overview',
  title: 'soakbench overview',
  description: 'Load, latency, errors, integrity, brokers and rate control of soakbench daemons.',
  fileName: 'soakbench-overview.json',
  queryVariables: [
    {
      name: 'slo',
      label: 'SLO bound (s)',
      description:
        'Latency bound for the "% under the SLO" panels: the p99 target the daemons are configured with (soakbench_slo_p99_target_seconds, PUT /controller p99TargetMs), the largest when they differ. These panels count a histogram bucket, so they show data when the target is one of the bucket bounds (docs/metrics.md); the default 50 ms is.',
      query: `query_result(max(${select('soakbench_slo_p99_target_seconds')}))`,
      // query_result lines read `{} 0.05 1733450000000`: keep the value.
      regex: '/^\\S*\\s+(\\S+)\\s/',
      fallback: '0.05',
    },
  ],
  annotations: SOAKBENCH_ANNOTATIONS,
  rows: [
    { title: 'Summary', panels: summary },
    { title: 'Throughput', panels: throughput },
    { title: 'Latency', panels: latency },
    { title: 'Errors and integrity', panels: errors },
    { title: 'Brokers', panels: brokers },
    { title: 'Fleet', panels: fleet },
    { title: 'Rate controller', panels: controller },
  ],
};
