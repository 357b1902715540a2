import type { Clock } from '../clock.js';
import { BrokerLatency, UNKNOWN_BROKER_SLOT } from './broker-latency.js';
import {
  type CumulativeLatencySummary,
  DEFAULT_MAX_LATENCY_US,
  LatencyRecorder,
  type LatencyRecorderOptions,
} from './latency-recorder.js';
import type { LatencySummary } from './latency-summary.js';
import { RunEvents } from './run-events.js';

/** OMB keeps end-to-end latencies up to 12 hours (WorkerStats.java): a consumer may read an old backlog. */
export const DEFAULT_MAX_END_TO_END_US = 12 * 3600 * 1_000_000;

/** Counters of one interval or of a whole run. */
export interface StatsCounts {
  /** Messages acknowledged by the broker. */
  messagesSent: number;
  /** Payload bytes acknowledged. */
  bytesSent: number;
  /** Failed sends. */
  sendErrors: number;
  /** Failed sends by reason (only reasons seen in the period). */
  sendErrorsByReason: Record<string, number>;
  /** Messages handed to the client (`produce()` calls), acknowledged or not. */
  sendAttempts: number;
  messagesReceived: number;
  bytesReceived: number;
}

/** Rates of a period, per second over its elapsed time (OMB divides by the measured elapsed time too). */
export interface StatsRates {
  publishRate: number;
  publishBytesRate: number;
  errorRate: number;
  consumeRate: number;
  consumeBytesRate: number;
}

/** What a run measured during one interval (OMB's PeriodStats, computed). Latencies in µs. */
export interface PeriodStats extends StatsCounts, StatsRates {
  startNs: number;
  endNs: number;
  elapsedSeconds: number;
  /** Lifetime totals when the interval ended (never reset). */
  totalMessagesSent: number;
  totalMessagesReceived: number;
  totalSendErrors: number;
  /** OMB's backlog: subscriptionsPerTopic × total acknowledged − total received, at least 0. */
  backlog: number;
  /** Broker ack − actual send (OMB's publish latency). */
  publishLatency: LatencySummary;
  /** Actual send − intended send (OMB's publish delay). */
  publishDelay: LatencySummary;
  /** Broker ack − intended send: the latency without coordinated omission. */
  responseTime: LatencySummary;
  /** Response time over the last `windowIntervals` intervals merged (for the controller). */
  responseTimeWindow: LatencySummary;
  /** Receive − intended send. */
  endToEnd: LatencySummary;
}

/** What a run measured since the last `reset()`, with OMB's quantile distributions. Latencies in µs. */
export interface CumulativeStats extends StatsCounts, StatsRates {
  startNs: number;
  endNs: number;
  elapsedSeconds: number;
  publishLatency: CumulativeLatencySummary;
  publishDelay: CumulativeLatencySummary;
  responseTime: CumulativeLatencySummary;
  endToEnd: CumulativeLatencySummary;
  /** Values clamped to a recorder's maximum, all recorders together. */
  latencyOverflowCount: number;
}

export interface StatsOptions {
  clock: Clock;
  /** Each acknowledged message is due once per subscription (OMB's backlog formula). Default 1. */
  subscriptionsPerTopic?: number;
  /** Recorders for publish latency, publish delay and response time (default max 600 s). */
  latency?: LatencyRecorderOptions;
  /** The end-to-end recorder (default max 12 h). */
  endToEnd?: LatencyRecorderOptions;
  /** Intervals merged in `responseTimeWindow` (default 3, docs/controller.md "Signals"). */
  windowIntervals?: number;
  /** Bucket bounds (µs) of per-broker histograms for /metrics; absent: no per-broker tracking. */
  brokerBucketsUs?: readonly number[];
}

type CounterName =
  | 'messagesSent'
  | 'bytesSent'
  | 'sendErrors'
  | 'sendAttempts'
  | 'messagesReceived'
  | 'bytesReceived';
const COUNTERS: readonly CounterName[] = [
  'messagesSent',
  'bytesSent',
  'sendErrors',
  'sendAttempts',
  'messagesReceived',
  'bytesReceived',
];

type Marks = Record<CounterName, number> & { errors: Map<string, number> };

/**
 * Everything a run measures. The counters are lifetime totals (monotonic, for Prometheus); intervals and runs are
 * differences against marks taken at each snapshot and at `reset()`. Hot-path methods allocate nothing, except
 * `recordSendError` (errors are rare).
 */
export class Stats {
  messagesSent = 0;
  bytesSent = 0;
  sendErrors = 0;
  sendAttempts = 0;
  messagesReceived = 0;
  bytesReceived = 0;
  /** Lifetime failed sends by reason. */
  readonly sendErrorsByReason = new Map<string, number>();

  // `declare`, as in LatencyRecorder: keeps V8's field type so the hot-path calls stay fast.
  declare readonly publishLatency: LatencyRecorder;
  declare readonly publishDelay: LatencyRecorder;
  declare readonly responseTime: LatencyRecorder;
  declare readonly endToEnd: LatencyRecorder;
  /** Latencies and errors by partition leader, when `brokerBucketsUs` was given. */
  declare readonly brokers: BrokerLatency | undefined;

  /** Restarts, controller decisions, latest errors, saturation: what happened besides the traffic. */
  readonly events: RunEvents;

  private readonly clock: Clock;
  private readonly subscriptions: number;
  private intervalStartNs: number;
  private runStartNs: number;
  private intervalMarks: Marks;
  private runMarks: Marks;

  constructor(options: StatsOptions) {
    this.clock = options.clock;
    this.events = new RunEvents(options.clock);
    this.subscriptions = options.subscriptionsPerTopic ?? 1;
    const latency = { maxUs: DEFAULT_MAX_LATENCY_US, ...options.latency };
    this.publishLatency = new LatencyRecorder(latency);
    this.publishDelay = new LatencyRecorder(latency);
    this.responseTime = new LatencyRecorder({ ...latency, windowIntervals: options.windowIntervals ?? 3 });
    this.endToEnd = new LatencyRecorder({ maxUs: DEFAULT_MAX_END_TO_END_US, ...options.endToEnd });
    this.brokers = options.brokerBucketsUs
      ? new BrokerLatency(options.brokerBucketsUs, latency.maxUs)
      : undefined;
    this.intervalStartNs = this.runStartNs = this.clock.nowNs();
    this.intervalMarks = this.marks();
    this.runMarks = this.marks();
  }

  /** A message was handed to the client: counts the attempt and records its publish delay. */
  recordSendAttempt(intendedNs: number, sentNs: number): void {
    this.sendAttempts++;
    this.publishDelay.record((sentNs - intendedNs) / 1000);
  }

  /**
   * The broker acknowledged a message: counts it and records publish latency and response time, also
   * at `brokerSlot` (its partition leader's slot in `brokers`).
   */
  recordAck(
    payloadBytes: number,
    intendedNs: number,
    sentNs: number,
    ackNs: number,
    brokerSlot: number = UNKNOWN_BROKER_SLOT,
  ): void {
    this.messagesSent++;
    this.bytesSent += payloadBytes;
    const publishUs = (ackNs - sentNs) / 1000;
    const responseUs = (ackNs - intendedNs) / 1000;
    this.publishLatency.record(publishUs);
    this.responseTime.record(responseUs);
    if (this.brokers !== undefined) this.brokers.recordAck(brokerSlot, publishUs, responseUs);
  }

  /** A send failed; `reason` is a short stable error kind (it becomes a metric label). */
  recordSendError(reason: string, brokerSlot: number = UNKNOWN_BROKER_SLOT): void {
    this.sendErrors++;
    this.sendErrorsByReason.set(reason, (this.sendErrorsByReason.get(reason) ?? 0) + 1);
    if (this.brokers !== undefined) this.brokers.recordError(brokerSlot, reason);
  }

  /** A message was consumed; the caller computes receive − intended (µs), usually from wall-clock headers. */
  recordReceive(payloadBytes: number, endToEndUs: number): void {
    this.messagesReceived++;
    this.bytesReceived += payloadBytes;
    this.endToEnd.record(endToEndUs);
  }

  /** Messages received elsewhere (a consumer thread), merged as counts; ship latencies via `endToEnd.addEncoded`. */
  addReceived(messages: number, bytes: number): void {
    this.messagesReceived += messages;
    this.bytesReceived += bytes;
  }

  /**
   * Sends measured elsewhere (a producer process's report), merged as counts: acknowledged messages and
   * bytes, sends handed to a client, failed sends by reason. Latencies arrive through the recorders'
   * `addEncoded`, per-broker values through `brokers.addShare`.
   */
  addSent(c: {
    messages: number;
    bytes: number;
    attempts: number;
    errorsByReason: Record<string, number>;
  }): void {
    this.messagesSent += c.messages;
    this.bytesSent += c.bytes;
    this.sendAttempts += c.attempts;
    for (const [reason, n] of Object.entries(c.errorsByReason)) {
      this.sendErrors += n;
      this.sendErrorsByReason.set(reason, (this.sendErrorsByReason.get(reason) ?? 0) + n);
    }
  }

  /** Closes the current interval at `nowNs` and starts the next one. */
  snapshotInterval(nowNs: number): PeriodStats {
    const counts = this.countsSince(this.intervalMarks);
    const elapsedSeconds = (nowNs - this.intervalStartNs) / 1e9;
    const period: PeriodStats = {
      startNs: this.intervalStartNs,
      endNs: nowNs,
      elapsedSeconds,
      ...counts,
      ...rates(counts, elapsedSeconds),
      totalMessagesSent: this.messagesSent,
      totalMessagesReceived: this.messagesReceived,
      totalSendErrors: this.sendErrors,
      backlog: Math.max(0, this.subscriptions * this.messagesSent - this.messagesReceived),
      publishLatency: this.publishLatency.intervalSnapshot(),
      publishDelay: this.publishDelay.intervalSnapshot(),
      responseTime: this.responseTime.intervalSnapshot(),
      responseTimeWindow: this.responseTime.windowSummary(),
      endToEnd: this.endToEnd.intervalSnapshot(),
    };
    this.brokers?.drain();
    this.intervalStartNs = nowNs;
    this.intervalMarks = this.marks();
    return period;
  }

  /** Everything since the last `reset()` (or creation), up to `nowNs`; does not end the interval. */
  cumulativeSnapshot(nowNs: number = this.clock.nowNs()): CumulativeStats {
    const counts = this.countsSince(this.runMarks);
    const elapsedSeconds = (nowNs - this.runStartNs) / 1e9;
    const recorders = [this.publishLatency, this.publishDelay, this.responseTime, this.endToEnd];
    return {
      startNs: this.runStartNs,
      endNs: nowNs,
      elapsedSeconds,
      ...counts,
      ...rates(counts, elapsedSeconds),
      publishLatency: this.publishLatency.cumulativeWithQuantiles(),
      publishDelay: this.publishDelay.cumulativeWithQuantiles(),
      responseTime: this.responseTime.cumulativeWithQuantiles(),
      endToEnd: this.endToEnd.cumulativeWithQuantiles(),
      latencyOverflowCount: recorders.reduce((sum, r) => sum + r.overflowCount, 0),
    };
  }

  /** Starts the measured run afresh (after warm-up): latencies, interval and run counts. Totals stay. */
  reset(): void {
    for (const r of [this.publishLatency, this.publishDelay, this.responseTime, this.endToEnd]) r.reset();
    this.intervalStartNs = this.runStartNs = this.clock.nowNs();
    this.intervalMarks = this.marks();
    this.runMarks = this.marks();
  }

  /** Frees the histograms (required with the WebAssembly build). */
  destroy(): void {
    for (const r of [this.publishLatency, this.publishDelay, this.responseTime, this.endToEnd]) r.destroy();
    this.brokers?.destroy();
  }

  private marks(): Marks {
    const m = { errors: new Map(this.sendErrorsByReason) } as Marks;
    for (const c of COUNTERS) m[c] = this[c];
    return m;
  }

  private countsSince(m: Marks): StatsCounts {
    const byReason: Record<string, number> = {};
    for (const [reason, n] of this.sendErrorsByReason) {
      const d = n - (m.errors.get(reason) ?? 0);
      if (d > 0) byReason[reason] = d;
    }
    return {
      messagesSent: this.messagesSent - m.messagesSent,
      bytesSent: this.bytesSent - m.bytesSent,
      sendErrors: this.sendErrors - m.sendErrors,
      sendErrorsByReason: byReason,
      sendAttempts: this.sendAttempts - m.sendAttempts,
      messagesReceived: this.messagesReceived - m.messagesReceived,
      bytesReceived: this.bytesReceived - m.bytesReceived,
    };
  }
}

/** Per-second rates of a period's counts (0 for a zero-length period: JSON cannot carry NaN). */
export function rates(c: StatsCounts, elapsedSeconds: number): StatsRates {
  // A zero-length period has no rate; report 0 rather than NaN or Infinity (JSON cannot carry them).
  const per = (n: number): number => (elapsedSeconds > 0 ? n / elapsedSeconds : 0);
  return {
    publishRate: per(c.messagesSent),
    publishBytesRate: per(c.bytesSent),
    errorRate: per(c.sendErrors),
    consumeRate: per(c.messagesReceived),
    consumeBytesRate: per(c.bytesReceived),
  };
}
