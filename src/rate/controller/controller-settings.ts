import { invalid } from '../../errors.js';

/**
 * Settings of the adaptive rate controller. Fractions of the SLO (`setpoint`, `deadbandLow`, `deadbandHigh`) are
 * measured above the latency floor (the lowest interval p99 seen, see `floorRelative`): the band is about queueing
 * delay, which grows with load, not about the fixed part (batching linger, replication) which does not.
 * Defaults are those of docs/controller.md ("State machine and parameters") unless a comment says why they differ.
 */
export interface ControllerSettings {
  /** `adaptive` searches for the highest rate that holds the SLO; `fixed` reports `fixedRate`. */
  mode: 'adaptive' | 'fixed';
  /** Operator-set rate (msg/s) in `fixed` mode. */
  fixedRate: number;
  /** S: the SLO on p99 response time (ack − intended send time), ms. */
  p99TargetMs: number;
  /** Congestion-class errors / (acks + errors) above this cut the rate. */
  maxErrorRate: number;
  /** Client retries / acks above this count as congestion (hidden errors inflate latency). */
  maxRetryRate: number;
  /** r_min > 0: keeps samples flowing and avoids OMB's zero-rate trap. */
  minRate: number;
  /** r_max: operator cap, msg/s. */
  maxRate: number;
  /** r₀: rate of WARMUP and of the first STARTUP interval, msg/s. */
  initialRate: number;
  /** WARMUP: no decisions for this long after (re)starting adaptive mode. */
  warmupMs: number;
  /** Nominal control interval T (the caller's cadence); timers below are in ms of sample time. */
  intervalMs: number;
  /** N_min: acks needed before a latency decision; intervals merge until reached (max `maxMergeIntervals`). */
  minSamples: number;
  maxMergeIntervals: number;
  /** sp: p99 setpoint as a fraction of the SLO; probes are accepted at p99w ≤ sp. */
  setpoint: number;
  /** Below this fraction of the SLO a probe may start. */
  deadbandLow: number;
  /** An accepted probe with p99w below this fraction keeps climbing (next step doubled, no wait). */
  climbFraction: number;
  /** Above this fraction for `holdCutIntervals` evaluations in HOLD: gentle cut by `holdCutFactor`. */
  deadbandHigh: number;
  /** p99 above this multiple of the SLO (or backlog, stall, ack deficit) is an overload, not a mild miss. */
  severeFactor: number;
  /**
   * After an accepted probe that ends a climb, hold this fraction below the accepted rate (the edge): near a
   * steep knee a latency band cannot resolve the last few percent of rate, a rate margin can.
   */
  holdMargin: number;
  /**
   * Capacity-increase detector: queueing delay (p99 − floor) at the held rate falling below this fraction of
   * its value when the rate was first held restarts the probe ladder without waiting for the cadence.
   */
  increaseDetectRatio: number;
  /** Measure the band above the latency floor (lowest interval p99 seen, capped at `maxFloorFraction`·S). */
  floorRelative: boolean;
  maxFloorFraction: number;
  /** STARTUP growth per evaluation (g), also capped at `ackRateCap` × measured ack rate. */
  growthFactor: number;
  ackRateCap: number;
  /** β for overload cuts caused by latency/backlog and by congestion errors. */
  latencyBeta: number;
  errorBeta: number;
  /** The cut target is at most this fraction of the ack rate measured in the overloaded interval. */
  deliveredFraction: number;
  holdCutFactor: number;
  holdCutIntervals: number;
  /** judgeN: evaluations at a probe's rate before it is accepted; also the size of the p99w window. */
  judgeIntervals: number;
  /** Probe ladder: first step s₀, doubling on each accepted probe, up to `probeStepMax`. */
  probeStepMin: number;
  probeStepMax: number;
  /** Skip a probe whose candidate is less than this fraction above the current rate. */
  probeMinGain: number;
  /** Probe cadence while latency at the held rate is flat (no visible knee: a cliff can only be found by probing). */
  probeEveryMs: number;
  /**
   * Probe cadence while queueing delay is visible at the held rate: the capacity-increase detector covers
   * increases, and near a steep knee every probe above the edge risks an SLO miss.
   */
  kneeProbeEveryMs: number;
  /** ±fraction of random jitter on the cadence (Envoy uses 15 % when instances share a cluster). */
  probeJitter: number;
  /** How long the last failing rate (hiMem, CUBIC's W_max) caps probes at √(r·hiMem). */
  failMemoryMs: number;
  /** DRAIN sends at least this fraction of the target; re-cuts if still overloaded after `drainMaxIntervals`. */
  drainFloor: number;
  drainMaxIntervals: number;
  /** Topology errors freeze increases for this long. */
  topologyFreezeMs: number;
  /**
   * The broker's quota window (`quota.window.num` × `quota.window.size.seconds`, Kafka's default 11 × 1 s). A
   * broker throttle time means a client quota: the controller estimates the quota from the throttle time and its
   * acks over this window (see QuotaEstimator), holds `throttleHoldFactor` × the estimate, and judges probes for
   * one window plus an interval (enforcement lags by up to a window).
   */
  quotaWindowMs: number;
  throttleHoldFactor: number;
  /**
   * STARTUP (and the climb after a lifted quota) sends at most this multiple of the client's rate as a quota
   * window judges it (acks over `quotaWindowMs`, at least 10/11 of it, the part before the start counted at the
   * start rate). Until a broker throttles, a quota is at least that windowed rate, so the first climb stays
   * within this multiple of any quota at or above the start rate. 0 turns the pacing off (×growthFactor only).
   */
  startupWindowMultiple: number;
  /** Generator saturation thresholds: publish delay p99, event-loop delay p99, achieved/commanded send ratio. */
  maxPublishDelayP99Ms: number;
  maxEventLoopDelayP99Ms: number;
  minSendRatio: number;
  /** DEGRADED after this many evaluations pinned at minRate; STARTUP again after the cooldown. */
  degradedAfterIntervals: number;
  degradedCooldownMs: number;
  /** How many decisions `decisions()` keeps. */
  historyLength: number;
  /** Seed of the jitter generator (deterministic tests). */
  seed: number;
}

export const DEFAULT_CONTROLLER_SETTINGS: Readonly<ControllerSettings> = Object.freeze({
  mode: 'adaptive',
  fixedRate: 1_000,
  // docs/controller.md leaves S to the operator; 50 ms suits acks=all on a staging cluster with linger ≤ 5 ms.
  p99TargetMs: 50,
  maxErrorRate: 0.001,
  maxRetryRate: 0.01,
  minRate: 100,
  maxRate: 1_000_000,
  initialRate: 1_000,
  warmupMs: 30_000,
  intervalMs: 1_000,
  minSamples: 1_000,
  maxMergeIntervals: 10,
  setpoint: 0.8,
  deadbandLow: 0.6,
  climbFraction: 0.3,
  deadbandHigh: 0.9,
  severeFactor: 2,
  holdMargin: 0.03,
  increaseDetectRatio: 0.5,
  floorRelative: true,
  maxFloorFraction: 0.8,
  growthFactor: 1.5,
  ackRateCap: 2,
  latencyBeta: 0.9,
  errorBeta: 0.7,
  deliveredFraction: 0.9,
  holdCutFactor: 0.95,
  holdCutIntervals: 2,
  judgeIntervals: 3,
  probeStepMin: 0.02,
  probeStepMax: 0.5,
  probeMinGain: 0.005,
  probeEveryMs: 30_000,
  kneeProbeEveryMs: 300_000,
  probeJitter: 0,
  failMemoryMs: 60_000,
  drainFloor: 0.5,
  drainMaxIntervals: 15,
  topologyFreezeMs: 10_000,
  quotaWindowMs: 11_000,
  throttleHoldFactor: 0.97,
  startupWindowMultiple: 2,
  maxPublishDelayP99Ms: 20,
  maxEventLoopDelayP99Ms: 50,
  minSendRatio: 0.95,
  degradedAfterIntervals: 5,
  degradedCooldownMs: 30_000,
  historyLength: 300,
  seed: 1,
});

type NumericKey = {
  [K in keyof ControllerSettings]: ControllerSettings[K] extends number ? K : never;
}[keyof ControllerSettings];

/** [lowest, highest, inclusive-low] for each numeric setting. */
const ranges: Record<NumericKey, readonly [number, number, boolean]> = {
  fixedRate: [0, Number.MAX_SAFE_INTEGER, false],
  p99TargetMs: [0, 3_600_000, false],
  maxErrorRate: [0, 1, true],
  maxRetryRate: [0, Number.MAX_SAFE_INTEGER, true],
  minRate: [0, Number.MAX_SAFE_INTEGER, false],
  maxRate: [0, Number.MAX_SAFE_INTEGER, false],
  initialRate: [0, Number.MAX_SAFE_INTEGER, false],
  warmupMs: [0, Number.MAX_SAFE_INTEGER, true],
  intervalMs: [0, 3_600_000, false],
  minSamples: [0, Number.MAX_SAFE_INTEGER, true],
  maxMergeIntervals: [1, 1_000, true],
  setpoint: [0, 1, false],
  deadbandLow: [0, 1, false],
  climbFraction: [0, 1, true],
  deadbandHigh: [0, 1, false],
  maxFloorFraction: [0, 1, true],
  severeFactor: [1, 1_000, true],
  holdMargin: [0, 0.5, true],
  increaseDetectRatio: [0, 1, true],
  growthFactor: [1, 10, false],
  ackRateCap: [1, 100, true],
  latencyBeta: [0, 1, false],
  errorBeta: [0, 1, false],
  deliveredFraction: [0, 1, false],
  holdCutFactor: [0, 1, false],
  holdCutIntervals: [1, 1_000, true],
  judgeIntervals: [1, 1_000, true],
  probeStepMin: [0, 10, false],
  probeStepMax: [0, 10, false],
  probeMinGain: [0, 1, true],
  probeEveryMs: [0, Number.MAX_SAFE_INTEGER, true],
  kneeProbeEveryMs: [0, Number.MAX_SAFE_INTEGER, true],
  probeJitter: [0, 1, true],
  failMemoryMs: [0, Number.MAX_SAFE_INTEGER, true],
  drainFloor: [0, 1, true],
  drainMaxIntervals: [1, 1_000_000, true],
  topologyFreezeMs: [0, Number.MAX_SAFE_INTEGER, true],
  quotaWindowMs: [0, 3_600_000, false],
  throttleHoldFactor: [0, 1, false],
  startupWindowMultiple: [0, 100, true],
  maxPublishDelayP99Ms: [0, Number.MAX_SAFE_INTEGER, false],
  maxEventLoopDelayP99Ms: [0, Number.MAX_SAFE_INTEGER, false],
  minSendRatio: [0, 1, true],
  degradedAfterIntervals: [1, 1_000_000, true],
  degradedCooldownMs: [0, Number.MAX_SAFE_INTEGER, true],
  historyLength: [1, 1_000_000, true],
  seed: [0, 2 ** 32, true],
};

/**
 * Defaults overlaid with `overrides`, checked. Throws INVALID_ARGUMENT naming the field (`field` prefixed with
 * `prefix`, e.g. "controller.") and what was expected.
 */
export function resolveControllerSettings(
  overrides: Partial<ControllerSettings> = {},
  base: Readonly<ControllerSettings> = DEFAULT_CONTROLLER_SETTINGS,
  prefix = '',
): ControllerSettings {
  const s: ControllerSettings = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in base))
      throw invalid('INVALID_ARGUMENT', { field: prefix + key }, 'a controller setting', key);
    (s as unknown as Record<string, unknown>)[key] = value;
  }
  if (s.mode !== 'adaptive' && s.mode !== 'fixed')
    throw invalid('INVALID_ARGUMENT', { field: `${prefix}mode` }, '"adaptive" or "fixed"', s.mode);
  if (typeof s.floorRelative !== 'boolean')
    throw invalid('INVALID_ARGUMENT', { field: `${prefix}floorRelative` }, 'true or false', s.floorRelative);
  for (const [key, [lo, hi, inclusive]] of Object.entries(ranges) as [
    NumericKey,
    (typeof ranges)[NumericKey],
  ][]) {
    const v = s[key];
    const ok = typeof v === 'number' && Number.isFinite(v) && (inclusive ? v >= lo : v > lo) && v <= hi;
    if (!ok) {
      const expected = `a number ${inclusive ? '≥' : '>'} ${lo} and ≤ ${hi}`;
      throw invalid('INVALID_ARGUMENT', { field: prefix + key }, expected, v);
    }
  }
  const order = (a: NumericKey, b: NumericKey, what: string) => {
    if (s[a] > s[b])
      throw invalid('INVALID_ARGUMENT', { field: prefix + a }, `${what} (${b} = ${s[b]})`, s[a]);
  };
  order('minRate', 'maxRate', 'at most maxRate');
  order('climbFraction', 'deadbandLow', 'at most deadbandLow');
  order('deadbandLow', 'setpoint', 'at most setpoint');
  order('setpoint', 'deadbandHigh', 'at most deadbandHigh');
  order('probeStepMin', 'probeStepMax', 'at most probeStepMax');
  return s;
}
