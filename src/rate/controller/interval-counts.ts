import type { ControlSample } from './control-sample.js';

/** Latency thresholds (ms) the controller compares p99 against: the SLO and the band inside it. */
export interface Thresholds {
  severeMs: number;
  sloMs: number;
  highMs: number;
  setpointMs: number;
  lowMs: number;
  climbMs: number;
}

/**
 * Counts of one or more merged control intervals. Sums of counts stay exact under merging, which percentiles do
 * not: "p99 of the merged window > X" is `over(X) > 1 % of acks` over the summed counts.
 */
export interface IntervalCounts {
  intervals: number;
  durationNs: number;
  sent: number;
  acks: number;
  overSevere: number;
  overSlo: number;
  overHigh: number;
  overSetpoint: number;
  overLow: number;
  overClimb: number;
  /** p99 of the interval (max over merged intervals), ms: only for the queueing-delay level, never for the band. */
  p99Ms: number;
  congestion: number;
  topology: number;
  fatal: number;
  other: number;
  retries: number;
}

const nonNegative = (x: number | undefined): number =>
  x !== undefined && Number.isFinite(x) && x > 0 ? x : 0;

/** Reads one sample at the given thresholds (the sample's views are not kept). */
export function countsOf(sample: ControlSample, t: Thresholds, fallbackIntervalNs: number): IntervalCounts {
  const r = sample.response;
  const above = (ms: number) => nonNegative(r.countAboveMs(ms));
  return {
    intervals: 1,
    durationNs: sample.intervalNs > 0 ? sample.intervalNs : fallbackIntervalNs,
    sent: nonNegative(sample.sent),
    acks: nonNegative(sample.acks),
    overSevere: above(t.severeMs),
    overSlo: above(t.sloMs),
    overHigh: above(t.highMs),
    overSetpoint: above(t.setpointMs),
    overLow: above(t.lowMs),
    overClimb: above(t.climbMs),
    p99Ms: Number.isFinite(r.p99Ms) && r.p99Ms > 0 ? r.p99Ms : 0,
    congestion: nonNegative(sample.errors.congestion),
    topology: nonNegative(sample.errors.topology),
    fatal: nonNegative(sample.errors.fatal),
    other: nonNegative(sample.errors.other),
    retries: nonNegative(sample.retries),
  };
}

/** a + b, as a new object. */
export function mergeCounts(a: IntervalCounts, b: IntervalCounts): IntervalCounts {
  return {
    intervals: a.intervals + b.intervals,
    durationNs: a.durationNs + b.durationNs,
    sent: a.sent + b.sent,
    acks: a.acks + b.acks,
    overSevere: a.overSevere + b.overSevere,
    overSlo: a.overSlo + b.overSlo,
    overHigh: a.overHigh + b.overHigh,
    overSetpoint: a.overSetpoint + b.overSetpoint,
    overLow: a.overLow + b.overLow,
    overClimb: a.overClimb + b.overClimb,
    p99Ms: Math.max(a.p99Ms, b.p99Ms),
    congestion: a.congestion + b.congestion,
    topology: a.topology + b.topology,
    fatal: a.fatal + b.fatal,
    other: a.other + b.other,
    retries: a.retries + b.retries,
  };
}

/** All counts of a list merged; undefined for an empty list. */
export function mergeAll(list: readonly IntervalCounts[]): IntervalCounts | undefined {
  let out: IntervalCounts | undefined;
  for (const c of list) out = out === undefined ? c : mergeCounts(out, c);
  return out;
}

/** True when more than 1 % of `n` values are above the threshold, i.e. the p99 is above it. */
export function p99Above(over: number, n: number): boolean {
  return n > 0 && over > 0.01 * n;
}

/** Per-second rate of `count` over the counts' duration. */
export function perSecond(count: number, c: IntervalCounts): number {
  return c.durationNs > 0 ? (count * 1e9) / c.durationNs : 0;
}
