import { SOAKBENCH_ANNOTATIONS } from './annotations.js';
import type { DashboardSpec, PanelSpec } from './panel-spec.js';
import { increaseOf, maxBy, orZero, quantile, rateOf, select, sumBy } from './promql.js';

const BY_INSTANCE = ['instance'];

const librdkafka: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Broker round-trip time',
    description:
      'librdkafka statistics, per broker: request round-trip time (avg and p99 of the statistics window). Rising RTT at a constant rate points at the broker or the network.',
    unit: 's',
    min: 0,
    queries: [
      {
        expr: maxBy(['instance', 'broker', 'stat'], select('soakbench_librdkafka_broker_rtt_seconds')),
        legend: '{{instance}} {{broker}} {{stat}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Broker throttle time',
    description:
      'librdkafka statistics, per broker: time the broker asked the client to wait (quotas). Kafka delays responses instead of failing them, so this is the quota signal.',
    unit: 's',
    min: 0,
    queries: [
      {
        expr: maxBy(['instance', 'broker', 'stat'], select('soakbench_librdkafka_broker_throttle_seconds')),
        legend: '{{instance}} {{broker}} {{stat}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Producer queue depth',
    description:
      'Messages waiting in librdkafka’s producer queue (msg_cnt), not yet sent or not yet acknowledged.',
    unit: 'count:msg',
    min: 0,
    width: 8,
    queries: [
      { expr: sumBy(BY_INSTANCE, select('soakbench_librdkafka_queue_messages')), legend: '{{instance}}' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Produce request retries',
    description:
      'Requests librdkafka retried per second (txretries). Retries hide errors but inflate latency.',
    unit: 'count:req/s',
    min: 0,
    width: 8,
    queries: [
      { expr: sumBy(BY_INSTANCE, rateOf('soakbench_librdkafka_tx_retries_total')), legend: '{{instance}}' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'In-flight messages',
    description: 'Messages handed to the client and not yet acknowledged or failed.',
    unit: 'count:msg',
    min: 0,
    width: 8,
    queries: [{ expr: sumBy(BY_INSTANCE, select('soakbench_inflight_messages')), legend: '{{instance}}' }],
  },
];

const workers: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Worker restarts',
    description: 'Producer and consumer workers restarted after a failure, per rate window.',
    unit: 'short',
    min: 0,
    bars: true,
    queries: [
      {
        expr: orZero(sumBy(['instance', 'role'], increaseOf('soakbench_worker_restarts_total'))),
        legend: '{{instance}} {{role}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Latencies above the histogram range',
    description:
      'Values larger than the largest histogram bucket, per histogram and rate window. They were clamped, so percentiles near the top are underestimates.',
    unit: 'short',
    min: 0,
    bars: true,
    queries: [
      {
        expr: orZero(sumBy(['instance', 'histogram'], increaseOf('soakbench_latency_overflow_total'))),
        legend: '{{instance}} {{histogram}}',
      },
    ],
  },
];

const runtime: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Event-loop lag',
    description:
      'Node.js event-loop delay (prom-client, monitorEventLoopDelay). Sends are driven by timers on this loop, so lag here becomes publish delay.',
    unit: 's',
    min: 0,
    queries: [
      { expr: maxBy(BY_INSTANCE, select('nodejs_eventloop_lag_p50_seconds')), legend: '{{instance}} p50' },
      { expr: maxBy(BY_INSTANCE, select('nodejs_eventloop_lag_p99_seconds')), legend: '{{instance}} p99' },
      { expr: maxBy(BY_INSTANCE, select('nodejs_eventloop_lag_max_seconds')), legend: '{{instance}} max' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'CPU',
    description: 'Process CPU time per second; 100 % is one core.',
    unit: 'percentunit',
    min: 0,
    queries: [
      { expr: sumBy(BY_INSTANCE, rateOf('process_cpu_user_seconds_total')), legend: '{{instance}} user' },
      { expr: sumBy(BY_INSTANCE, rateOf('process_cpu_system_seconds_total')), legend: '{{instance}} system' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Time in garbage collection',
    description: 'Share of wall time spent in GC pauses, by GC kind.',
    unit: 'percentunit',
    min: 0,
    queries: [
      {
        expr: sumBy(['instance', 'kind'], rateOf('nodejs_gc_duration_seconds_sum')),
        legend: '{{instance}} {{kind}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'GC pause p99',
    description: '99th percentile of GC pause duration, all kinds (prom-client buckets: 1 ms to 5 s).',
    unit: 's',
    min: 0,
    queries: [{ expr: quantile(0.99, 'nodejs_gc_duration_seconds'), legend: '{{instance}} p99' }],
  },
  {
    kind: 'timeseries',
    title: 'Memory',
    description: 'Resident set size, V8 heap used and total, and memory held outside the heap (buffers).',
    unit: 'bytes',
    min: 0,
    queries: [
      { expr: sumBy(BY_INSTANCE, select('process_resident_memory_bytes')), legend: '{{instance}} resident' },
      { expr: sumBy(BY_INSTANCE, select('nodejs_heap_size_used_bytes')), legend: '{{instance}} heap used' },
      { expr: sumBy(BY_INSTANCE, select('nodejs_heap_size_total_bytes')), legend: '{{instance}} heap total' },
      { expr: sumBy(BY_INSTANCE, select('nodejs_external_memory_bytes')), legend: '{{instance}} external' },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Heap used by space',
    description: 'V8 heap used per space; a steadily growing old space over hours is a leak.',
    unit: 'bytes',
    min: 0,
    queries: [
      {
        expr: sumBy(['instance', 'space'], select('nodejs_heap_space_size_used_bytes')),
        legend: '{{instance}} {{space}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Open file descriptors',
    description: 'Open file descriptors (sockets to brokers among them).',
    unit: 'short',
    min: 0,
    queries: [{ expr: sumBy(BY_INSTANCE, select('process_open_fds')), legend: '{{instance}}' }],
  },
  {
    kind: 'timeseries',
    title: 'Active handles and requests',
    description: 'libuv handles (timers, sockets) and requests alive in the process.',
    unit: 'short',
    min: 0,
    queries: [
      { expr: sumBy(BY_INSTANCE, select('nodejs_active_handles_total')), legend: '{{instance}} handles' },
      { expr: sumBy(BY_INSTANCE, select('nodejs_active_requests_total')), legend: '{{instance}} requests' },
    ],
  },
];

/** Client and process internals: librdkafka statistics, workers, event loop, GC and memory. */
export const internalsDashboard: DashboardSpec = {
  uid: 'soakbench-internals',
  title: 'soakbench internals',
  description: 'librdkafka client statistics and Node.js process internals of soakbench daemons.',
  fileName: 'soakbench-internals.json',
  annotations: SOAKBENCH_ANNOTATIONS,
  rows: [
    { title: 'Kafka client (librdkafka)', panels: librdkafka },
    { title: 'Workers and measurement', panels: workers },
    { title: 'Node.js process', panels: runtime },
  ],
};
