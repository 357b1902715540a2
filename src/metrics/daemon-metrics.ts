// The one import of prom-client (docs/architecture.md, "Seams").
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { BrokerSeries } from '../stats/broker-latency.js';
import type { BucketCounter } from '../stats/bucket-counter.js';
import { BROKER_CONNECTION_STATES, type BrokerClientStats } from '../stats/client-stats.js';
import { CONTROLLER_STATES } from './metric-labels.js';
import { type ProfileSloSource, profileSloMetrics } from './profile-slo-metrics.js';
import { type Sample, ViewMetric } from './view-metric.js';

export { CONTROLLER_STATES };

/** Histogram bucket bounds in µs: 0.1 ms (loopback acks take about 1 ms) up to 300 s (librdkafka's default message.timeout.ms). */
export const LATENCY_BUCKETS_US: readonly number[] = [
  100, 250, 500, 1_000, 2_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
  5_000_000, 10_000_000, 30_000_000, 60_000_000, 120_000_000, 300_000_000,
];

/** Send error reasons whose series exist from the start (strimzi canary: pre-zeroed error series). */
export const KNOWN_SEND_ERRORS: readonly string[] = [
  'ERR__MSG_TIMED_OUT',
  'ERR__QUEUE_FULL',
  'ERR__TRANSPORT',
  'ERR__ALL_BROKERS_DOWN',
  'ERR__STATE',
  'ERR_REQUEST_TIMED_OUT',
  'ERR_NOT_ENOUGH_REPLICAS',
  'ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'ERR_NOT_LEADER_FOR_PARTITION',
  'ERR_LEADER_NOT_AVAILABLE',
  'ERR_UNKNOWN_TOPIC_OR_PART',
  'ERR_MSG_SIZE_TOO_LARGE',
  'ERR_TOPIC_AUTHORIZATION_FAILED',
];

/**
 * The (kind, reason) pairs of `soakbench_controller_decisions_total`, pre-zeroed: every pair the controller makes
 * on the simulated harnesses (a unit test runs them and checks), so that `increase()` sees the first one.
 */
export const DECISION_PAIRS: readonly (readonly [string, string])[] = [
  ['accept', 'probe'],
  ['cap', 'generator'],
  ['cap', 'quota'],
  ['cut', 'backlog'],
  ['cut', 'errors'],
  ['cut', 'latency'],
  ['cut', 'quota'],
  ['degraded', 'degraded'],
  ['drain', 'backlog'],
  ['drain', 'quota'],
  ['fixed', 'operator'],
  ['freeze', 'quota'],
  ['freeze', 'topology'],
  ['grow', 'startup'],
  ['hold', 'backlog'],
  ['hold', 'latency'],
  ['hold', 'limit'],
  ['hold', 'operator'],
  ['hold', 'probe'],
  ['hold', 'quota'],
  ['hold', 'samples'],
  ['hold', 'steady'],
  ['hold', 'warmup'],
  ['probe', 'probe'],
  ['revert', 'backlog'],
  ['revert', 'errors'],
  ['revert', 'latency'],
  ['revert', 'probe'],
  ['revert', 'quota'],
  ['revert', 'topology'],
  ['warmup', 'operator'],
  ['warmup', 'warmup'],
];

/** What /metrics reads, all at scrape time. */
export interface MetricsSource extends ProfileSloSource {
  counters(): {
    messagesSent: number;
    bytesSent: number;
    messagesReceived: number;
    bytesReceived: number;
    sendErrorsByReason: ReadonlyMap<string, number>;
    lost: number;
    duplicated: number;
    outOfOrder: number;
    late: number;
  };
  histograms(): {
    publishLatency: BucketCounter;
    publishDelay: BucketCounter;
    responseTime: BucketCounter;
    endToEnd: BucketCounter;
  };
  latencyOverflows(): Record<string, number>;
  targetRate(): number;
  backlog(): { subscription: string; messages: number }[];
  controller(): {
    state: string;
    /** Decisions counted by kind, then by cause (Decision.cause). */
    decisions: Readonly<Record<string, Readonly<Record<string, number>>>>;
    lastCutRate: number;
    bestRate: number;
    p99TargetSeconds: number;
  };
  generatorSaturated(): boolean;
  paused(): boolean;
  ready(): boolean;
  inFlight(): number;
  /** Producer processes running now (0: the send path runs in the main process). */
  producerProcesses?(): number;
  workerRestarts(): { producer: number; consumer: number };
  info(): { version: string; driver: string; workload: string };
  client(): { brokers: BrokerClientStats[]; queueMessages: number; txRetries: number };
  /**
   * Publish latency, response time and send errors by partition leader (Stats.brokers). When given, the
   * two histograms and soakbench_send_errors_total carry a `broker` label (sum over it for the totals).
   */
  brokers?(): readonly BrokerSeries[];
  /** A fleet member's view of its fleet (docs/fleet.md); absent or undefined: not in a fleet, no fleet series. */
  fleet?(): FleetGauges | undefined;
}

/** What the soakbench_fleet_* gauges show. */
export interface FleetGauges {
  name: string;
  /** This member's part of the fleet rate, 0 to 1. */
  share: number;
  /** Members this member heard from recently (itself included). */
  members: number;
  /** The fleet's total target rate, msg/s (0 while the fleet is paused). */
  targetRate: number;
}

/** Builds the registry: our metrics (names fixed by docs/architecture.md, "Metrics") plus Node's default metrics. */
export function createDaemonRegistry(
  source: MetricsSource,
  options: { defaultMetrics?: boolean } = {},
): Registry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const add = (
    name: string,
    help: string,
    type: 'counter' | 'gauge' | 'histogram',
    read: () => Sample[],
  ): void => {
    registry.registerMetric(new ViewMetric(name, help, type, read) as never);
  };
  const counter = (name: string, help: string, value: () => number): void =>
    add(name, help, 'counter', () => [{ value: value() }]);
  const gauge = (name: string, help: string, value: () => number): void =>
    add(name, help, 'gauge', () => [{ value: value() }]);

  counter(
    'soakbench_messages_sent_total',
    'Messages acknowledged by the broker.',
    () => source.counters().messagesSent,
  );
  counter(
    'soakbench_bytes_sent_total',
    'Payload bytes acknowledged by the broker.',
    () => source.counters().bytesSent,
  );
  add(
    'soakbench_send_errors_total',
    'Failed sends, by error kind (librdkafka error name) and partition leader (broker id, or unknown).',
    'counter',
    () => {
      const byBroker = source.brokers?.();
      if (byBroker === undefined) {
        const byReason = source.counters().sendErrorsByReason;
        const reasons = new Set([...KNOWN_SEND_ERRORS, ...byReason.keys()]);
        return [...reasons]
          .sort()
          .map((reason) => ({ labels: { reason }, value: byReason.get(reason) ?? 0 }));
      }
      return byBroker.flatMap(({ broker, sendErrorsByReason: byReason }) => {
        const reasons = new Set([...KNOWN_SEND_ERRORS, ...byReason.keys()]);
        return [...reasons]
          .sort()
          .map((reason) => ({ labels: { reason, broker }, value: byReason.get(reason) ?? 0 }));
      });
    },
  );
  counter(
    'soakbench_messages_received_total',
    'Messages consumed, all subscriptions.',
    () => source.counters().messagesReceived,
  );
  counter(
    'soakbench_bytes_received_total',
    'Payload bytes consumed, all subscriptions.',
    () => source.counters().bytesReceived,
  );

  const bucketSamples = (name: string, b: BucketCounter, labels: Record<string, string>): Sample[] => {
    const samples: Sample[] = b.boundsUs.map((bound, i) => ({
      metricName: `${name}_bucket`,
      labels: { ...labels, le: String(bound / 1e6) },
      value: b.cumulative[i]!,
    }));
    samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: b.count });
    samples.push({ metricName: `${name}_sum`, labels, value: b.sumUs / 1e6 });
    samples.push({ metricName: `${name}_count`, labels, value: b.count });
    return samples;
  };
  const histogram = (
    name: string,
    help: string,
    pick: (h: ReturnType<MetricsSource['histograms']>) => BucketCounter,
    perBroker?: (b: BrokerSeries) => BucketCounter,
  ): void =>
    add(name, help, 'histogram', () => {
      const byBroker = perBroker ? source.brokers?.() : undefined;
      if (byBroker === undefined || perBroker === undefined)
        return bucketSamples(name, pick(source.histograms()), {});
      return byBroker.flatMap((b) => bucketSamples(name, perBroker(b), { broker: b.broker }));
    });
  histogram(
    'soakbench_publish_latency_seconds',
    'Broker ack time minus actual send time (OMB publish latency), by partition leader (broker).',
    (h) => h.publishLatency,
    (b) => b.publishLatency,
  );
  histogram(
    'soakbench_publish_delay_seconds',
    'Actual send time minus intended send time (OMB publish delay).',
    (h) => h.publishDelay,
  );
  histogram(
    'soakbench_publish_response_time_seconds',
    'Ack time minus intended send time: publish latency without coordinated omission, by partition leader (broker).',
    (h) => h.responseTime,
    (b) => b.responseTime,
  );
  histogram(
    'soakbench_end_to_end_latency_seconds',
    'Receive time minus intended send time.',
    (h) => h.endToEnd,
  );

  gauge('soakbench_target_rate', 'Messages/s the daemon is trying to send now.', () => source.targetRate());
  add(
    'soakbench_consumer_backlog_messages',
    'Acknowledged but not yet consumed, per subscription.',
    'gauge',
    () => source.backlog().map((b) => ({ labels: { subscription: b.subscription }, value: b.messages })),
  );
  counter(
    'soakbench_messages_lost_total',
    'Acknowledged messages that never arrived (integrity checker).',
    () => source.counters().lost,
  );
  counter(
    'soakbench_messages_duplicated_total',
    'Messages consumed more than once (integrity checker).',
    () => source.counters().duplicated,
  );
  counter(
    'soakbench_messages_out_of_order_total',
    'Messages that arrived after a later one of the same producer and partition (integrity checker).',
    () => source.counters().outOfOrder,
  );
  counter(
    'soakbench_messages_late_total',
    'Acknowledged messages not consumed within the late SLA.',
    () => source.counters().late,
  );
  add('soakbench_controller_state', '1 for the rate controller state now, 0 for the others.', 'gauge', () => {
    const state = source.controller().state;
    return CONTROLLER_STATES.map((s) => ({ labels: { state: s }, value: s === state ? 1 : 0 }));
  });
  add(
    'soakbench_controller_decisions_total',
    'Rate controller decisions, by kind and reason (the cause class of the decision).',
    'counter',
    () => {
      const decisions = source.controller().decisions;
      const pairs = new Map<string, { kind: string; reason: string }>();
      const note = (kind: string, reason: string) => pairs.set(`${kind}\u0000${reason}`, { kind, reason });
      for (const [kind, reason] of DECISION_PAIRS) note(kind, reason);
      for (const [kind, byCause] of Object.entries(decisions))
        for (const reason of Object.keys(byCause)) note(kind, reason);
      return [...pairs.values()]
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.reason.localeCompare(b.reason))
        .map((l) => ({ labels: l, value: decisions[l.kind]?.[l.reason] ?? 0 }));
    },
  );
  gauge(
    'soakbench_controller_last_cut_rate',
    'Rate (msg/s) at the controller’s last overload cut (0: none yet).',
    () => source.controller().lastCutRate,
  );
  gauge(
    'soakbench_controller_best_rate',
    'Highest rate (msg/s) the controller believes sustainable (0: unknown).',
    () => source.controller().bestRate,
  );
  gauge(
    'soakbench_slo_p99_target_seconds',
    'The p99 response-time target (SLO) of the controller and alerts.',
    () => source.controller().p99TargetSeconds,
  );
  gauge('soakbench_generator_saturated', '1 when soakbench itself cannot keep its schedule.', () =>
    source.generatorSaturated() ? 1 : 0,
  );
  gauge('soakbench_paused', '1 while producing is paused on purpose.', () => (source.paused() ? 1 : 0));
  gauge('soakbench_ready', '1 when connected and producing (or paused on purpose), as /readyz.', () =>
    source.ready() ? 1 : 0,
  );
  gauge('soakbench_inflight_messages', 'Messages sent and not yet acknowledged or failed.', () =>
    source.inFlight(),
  );
  gauge(
    'soakbench_producer_processes',
    'Producer child processes running now (0: the send path runs in the main process).',
    () => source.producerProcesses?.() ?? 0,
  );
  add(
    'soakbench_worker_restarts_total',
    'Producers or consumers restarted after a failure.',
    'counter',
    () => {
      const r = source.workerRestarts();
      return [
        { labels: { role: 'consumer' }, value: r.consumer },
        { labels: { role: 'producer' }, value: r.producer },
      ];
    },
  );
  add(
    'soakbench_latency_overflow_total',
    'Latencies above a histogram’s range (clamped to it), by histogram.',
    'counter',
    () =>
      Object.entries(source.latencyOverflows()).map(([histogram, value]) => ({
        labels: { histogram },
        value,
      })),
  );
  add('soakbench_info', 'Always 1; labels say what runs.', 'gauge', () => [
    { labels: source.info(), value: 1 },
  ]);
  add(
    'soakbench_librdkafka_broker_rtt_seconds',
    'Round-trip time to each broker (librdkafka statistics).',
    'gauge',
    () =>
      source.client().brokers.flatMap((b) => [
        { labels: { broker: b.broker, stat: 'avg' }, value: b.rttAvgSeconds },
        { labels: { broker: b.broker, stat: 'p99' }, value: b.rttP99Seconds },
      ]),
  );
  add(
    'soakbench_librdkafka_broker_throttle_seconds',
    'Broker throttle time (quotas), librdkafka statistics.',
    'gauge',
    () =>
      source.client().brokers.flatMap((b) => [
        { labels: { broker: b.broker, stat: 'avg' }, value: b.throttleAvgSeconds },
        { labels: { broker: b.broker, stat: 'max' }, value: b.throttleMaxSeconds },
      ]),
  );
  add(
    'soakbench_librdkafka_broker_requests_waiting',
    'Requests to each broker not yet sent (queue=outbuf) or not yet answered (queue=waitresp), librdkafka statistics.',
    'gauge',
    () =>
      source.client().brokers.flatMap((b) => [
        { labels: { broker: b.broker, queue: 'outbuf' }, value: b.outbufRequests },
        { labels: { broker: b.broker, queue: 'waitresp' }, value: b.waitrespRequests },
      ]),
  );
  add(
    'soakbench_librdkafka_broker_state',
    'Connection to each broker, 1 for its state now (up, idle: never needed, down: disconnected or connecting), worst over the producer clients.',
    'gauge',
    () =>
      source.client().brokers.flatMap((b) =>
        BROKER_CONNECTION_STATES.map((state) => ({
          labels: { broker: b.broker, state },
          value: b.state === state ? 1 : 0,
        })),
      ),
  );
  gauge(
    'soakbench_librdkafka_queue_messages',
    'Messages in the producers’ internal queues (msg_cnt).',
    () => source.client().queueMessages,
  );
  counter(
    'soakbench_librdkafka_tx_retries_total',
    'Produce request retries (txretries), as librdkafka counts them.',
    () => source.client().txRetries,
  );
  for (const metric of profileSloMetrics(source)) registry.registerMetric(metric as never);
  const fleetGauge = (name: string, help: string, value: (f: FleetGauges) => number): void =>
    add(name, help, 'gauge', () => {
      const f = source.fleet?.();
      return f === undefined ? [] : [{ labels: { fleet: f.name }, value: value(f) }];
    });
  fleetGauge('soakbench_fleet_share', "This member's share of its fleet's rate (0 to 1).", (f) => f.share);
  fleetGauge('soakbench_fleet_members', 'Members of the fleet this member hears from.', (f) => f.members);
  fleetGauge(
    'soakbench_fleet_target_rate',
    "The fleet's total target rate, msg/s (0 while paused).",
    (f) => f.targetRate,
  );
  return registry;
}
