import type { SweepResult } from '../rate/sweep-plan.js';
/**
 * OMB's result JSON: the fields of benchmark-framework TestResult.java, same names, same order, same units
 * (publish and end-to-end latencies in milliseconds, publish delay in microseconds, rates per second, backlog in
 * messages). Quantile maps are keyed by Java's Double.toString of the percentile ("50.0", "99.9").
 * Fields that OMB does not have come after them, under new names.
 */
export interface TestResult {
  workload: string;
  driver: string;
  messageSize: number;
  topics: number;
  partitions: number;
  producersPerTopic: number;
  consumersPerTopic: number;

  publishRate: number[];
  publishErrorRate: number[];
  consumeRate: number[];
  backlog: number[];

  publishLatencyAvg: number[];
  publishLatency50pct: number[];
  publishLatency75pct: number[];
  publishLatency95pct: number[];
  publishLatency99pct: number[];
  publishLatency999pct: number[];
  publishLatency9999pct: number[];
  publishLatencyMax: number[];

  publishDelayLatencyAvg: number[];
  publishDelayLatency50pct: number[];
  publishDelayLatency75pct: number[];
  publishDelayLatency95pct: number[];
  publishDelayLatency99pct: number[];
  publishDelayLatency999pct: number[];
  publishDelayLatency9999pct: number[];
  publishDelayLatencyMax: number[];

  aggregatedPublishLatencyAvg: number;
  aggregatedPublishLatency50pct: number;
  aggregatedPublishLatency75pct: number;
  aggregatedPublishLatency95pct: number;
  aggregatedPublishLatency99pct: number;
  aggregatedPublishLatency999pct: number;
  aggregatedPublishLatency9999pct: number;
  aggregatedPublishLatencyMax: number;

  aggregatedPublishDelayLatencyAvg: number;
  aggregatedPublishDelayLatency50pct: number;
  aggregatedPublishDelayLatency75pct: number;
  aggregatedPublishDelayLatency95pct: number;
  aggregatedPublishDelayLatency99pct: number;
  aggregatedPublishDelayLatency999pct: number;
  aggregatedPublishDelayLatency9999pct: number;
  aggregatedPublishDelayLatencyMax: number;

  aggregatedPublishLatencyQuantiles: Record<string, number>;
  aggregatedPublishDelayLatencyQuantiles: Record<string, number>;

  endToEndLatencyAvg: number[];
  endToEndLatency50pct: number[];
  endToEndLatency75pct: number[];
  endToEndLatency95pct: number[];
  endToEndLatency99pct: number[];
  endToEndLatency999pct: number[];
  endToEndLatency9999pct: number[];
  endToEndLatencyMax: number[];

  aggregatedEndToEndLatencyQuantiles: Record<string, number>;

  aggregatedEndToEndLatencyAvg: number;
  aggregatedEndToEndLatency50pct: number;
  aggregatedEndToEndLatency75pct: number;
  aggregatedEndToEndLatency95pct: number;
  aggregatedEndToEndLatency99pct: number;
  aggregatedEndToEndLatency999pct: number;
  aggregatedEndToEndLatency9999pct: number;
  aggregatedEndToEndLatencyMax: number;

  // ---- soakbench additions (not in OMB) ----

  /** Version of soakbench that wrote the file. */
  soakbenchVersion: string;
  /** Seconds covered by each entry of the per-period lists (OMB prints every 10 s). */
  periodSeconds: number[];
  /** Publish response time (broker ack − intended send, no coordinated omission), ms, per period. */
  publishResponseTimeAvg: number[];
  publishResponseTime50pct: number[];
  publishResponseTime75pct: number[];
  publishResponseTime95pct: number[];
  publishResponseTime99pct: number[];
  publishResponseTime999pct: number[];
  publishResponseTime9999pct: number[];
  publishResponseTimeMax: number[];

  aggregatedPublishResponseTimeAvg: number;
  aggregatedPublishResponseTime50pct: number;
  aggregatedPublishResponseTime75pct: number;
  aggregatedPublishResponseTime95pct: number;
  aggregatedPublishResponseTime99pct: number;
  aggregatedPublishResponseTime999pct: number;
  aggregatedPublishResponseTime9999pct: number;
  aggregatedPublishResponseTimeMax: number;
  aggregatedPublishResponseTimeQuantiles: Record<string, number>;

  /** Latencies above a recorder's maximum (recorded as the maximum), all recorders, over the measured run. */
  latencyOverflowCount: number;
  /** Failed sends by reason over the measured run. */
  publishErrorsByReason: Record<string, number>;
  /** Messages acknowledged by the broker over the measured run (after warm-up). */
  messagesSent: number;
  /** Messages consumed over the measured run, all subscriptions together. */
  messagesReceived: number;
  /** Failed sends over the measured run. */
  sendErrors: number;
  /** Length of the measured run, seconds. */
  testSeconds: number;
  /** Whole-run totals including warm-up and the final drain: acknowledged and consumed should match. */
  totalMessagesSent: number;
  totalMessagesReceived: number;
  /** Integrity checker, whole run, counted once per consumer group: acknowledged messages never consumed. */
  messagesLost: number;
  messagesDuplicated: number;
  messagesOutOfOrder: number;
  /** Consumed later than the late SLA after their intended send time. */
  messagesLate: number;
  /** producerRate 0 only: the highest rate (msg/s) the adaptive controller found sustainable, and its p99 target. */
  maxSustainableRate?: number;
  maxSustainableRateP99TargetMs?: number;
  /**
   * Extension: the SLO verdict (SloVerdict of src/slo/slo-verdict.ts, docs/workloads.md "SLO verdicts"),
   * when the workload or `--slo` gave thresholds. Typed by shape here: src/slo reads results, not the reverse.
   */
  slo?: { readonly pass: boolean; readonly failed: readonly string[]; readonly checks: readonly object[] };
  /**
   * consumerBacklogSizeGB > 0 only (OMB's backlog mode; OMB only logs these): build and drain times,
   * backlog at resume, catch-up read rate while draining (docs/workloads.md "Backlog mode").
   */
  consumerBacklog?: BacklogResult;
  /** `run --sweep` only: the capacity curve, one entry per held rate, and its knee (docs/sweep.md). */
  sweep?: SweepResult;
}

/** The workload and driver facts a result starts with (OMB copies them from the workload file). */
export interface ResultMeta {
  /** The workload's `name`. */
  workload: string;
  /** The driver file's `name`. */
  driver: string;
  messageSize: number;
  topics: number;
  /** The workload's `partitionsPerTopic`. */
  partitions: number;
  producersPerTopic: number;
  /** The workload's `consumerPerSubscription` (OMB's naming). */
  consumersPerTopic: number;
  soakbenchVersion: string;
}

/** The figures of one backlog build and drain (src/worker/backlog-phase.ts). Rates per second of the drain; MB are MiB, as OMB's console. */
export interface BacklogResult {
  sizeBytes: number;
  drainRatio: number;
  /** The backlog the drain ends at (messages): max(1,000, (1 − drainRatio) × sizeBytes / messageSize). */
  drainedBelowMessages: number;
  /** From pausing the consumers to the backlog reaching `sizeBytes`. */
  buildSeconds: number;
  /** From resuming the consumers to the backlog at or below `drainedBelowMessages`. */
  drainSeconds: number;
  /** Backlog when the consumers were resumed. */
  peakBacklogMessages: number;
  peakBacklogBytes: number;
  /** Consumed while draining, and the catch-up read rate: consumed / drainSeconds. */
  drainedMessages: number;
  drainedBytes: number;
  catchUpMsgPerSec: number;
  catchUpBytesPerSec: number;
  catchUpMBPerSec: number;
  /** False when the phase was stopped before the drain ended (figures then cover what happened). */
  completed: boolean;
}
