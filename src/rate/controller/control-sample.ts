/**
 * A latency distribution of one control interval, read synchronously during `AdaptiveController.update()` and
 * never kept: the caller may reset its histogram right after. Over an HdrHistogram, `countAboveMs` is the sum of
 * the counts of recorded values above the threshold (hdr-histogram-js `RecordedValuesIterator`).
 *
 * Counts above thresholds, not percentiles, are what the controller keeps: they add up across intervals, so
 * merged windows (p99w) and merged low-rate intervals are exact ("p99 > X" ⟺ more than 1 % of values > X).
 */
export interface LatencyView {
  /** Values in the distribution. */
  count: number;
  /** The p99 in ms (NaN or 0 when empty); used in reasons and reports, not in decisions. */
  p99Ms: number;
  /** How many values are strictly above `ms`. */
  countAboveMs(ms: number): number;
}

/** Failed sends in the interval, by `classifySendError` class. */
export interface SendErrorCounts {
  congestion: number;
  topology: number;
  fatal: number;
  other: number;
}

/** The classes of SendErrorCounts, for code that walks them. */
export const SEND_ERROR_CLASSES: readonly (keyof SendErrorCounts)[] = Object.freeze([
  'congestion',
  'topology',
  'fatal',
  'other',
]);

/** Zero of every class. */
export function noSendErrors(): SendErrorCounts {
  return { congestion: 0, topology: 0, fatal: 0, other: 0 };
}

/**
 * What the producer side measured during one control interval (ending at `nowNs`). Everything is per interval
 * except `inflight*`, which are snapshots at `nowNs`. The controller derives rates from counts and `intervalNs`.
 */
export interface ControlSample {
  /** End of the interval, on the controller's clock. */
  nowNs: number;
  /** Length of the interval (the daemon's tick may drift; rates use the real length). */
  intervalNs: number;
  /** Messages handed to the client during the interval (achieved send rate = sent / interval). */
  sent: number;
  /** Successful acks during the interval (ack rate = acks / interval). */
  acks: number;
  /** Response time (ack − intended send time) of this interval's acks, ms. The SLO signal. */
  response: LatencyView;
  /** Failed sends during the interval. */
  errors: SendErrorCounts;
  /** Client-side retries during the interval, when known (librdkafka stats `txretries` delta); else 0. */
  retries?: number;
  /** Messages sent and not yet acked or failed, at `nowNs`. */
  inflight: number;
  /** Age (now − intended) of the oldest in-flight message, ms; 0 when none. */
  oldestInflightAgeMs: number;
  /**
   * Ages (now − intended) of the in-flight messages, ms: censored latencies, a leading indicator during a stall.
   * Optional: without it the controller counts the oldest in-flight message only.
   */
  inflightAge?: LatencyView;
  /** p99 of publish delay (actual send − intended) this interval, ms (OMB's "publish delay"). */
  publishDelayP99Ms: number;
  /** p99 of `perf_hooks.monitorEventLoopDelay` this interval, ms. */
  eventLoopDelayP99Ms: number;
  /** Broker produce throttle time this interval (max over brokers), ms; 0 when none or unknown. */
  throttleTimeMs: number;
}

/** An empty latency view (no values). */
export const EMPTY_LATENCY_VIEW: LatencyView = Object.freeze({
  count: 0,
  p99Ms: 0,
  countAboveMs: () => 0,
});
