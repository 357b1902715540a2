import type { Clock } from '../../clock.js';
import type { ControllerSettings } from './controller-settings.js';
import type { CutRecord, RateMark } from './controller-status.js';
import type { ControllerState, DecisionKind } from './decision.js';
import { IncreaseDetector } from './increase-detector.js';
import type { IntervalCounts, Thresholds } from './interval-counts.js';
import { fmt } from './interval-signals.js';
import { LatencyBand } from './latency-band.js';
import { mulberry32 } from './mulberry32.js';
import { QuotaEstimator } from './quota-estimator.js';

/** What one state decided for the next interval, before `AdaptiveController` clamps and records it. */
export interface Outcome {
  rate: number;
  kind: DecisionKind;
  reason: string;
}

export const NS_PER_MS = 1e6;

export function pct(x: number): string {
  return `${fmt(x * 100)} %`;
}

/**
 * The memory of the adaptive controller (docs/controller.md "What it does"), shared by the state modules
 * (startup-state.ts, hold-state.ts, probe-state.ts, drain-state.ts, overload-state.ts, quota-policy.ts,
 * degraded-state.ts) and the helpers more than one of them needs. It is mutable on purpose: each state reads and
 * writes the fields it owns here, and `AdaptiveController` is the only public face.
 */
export class ControllerCore {
  settings: ControllerSettings;
  readonly clock: Clock;
  /** Seeded from settings.seed: the probe cadence jitter is reproducible. */
  readonly random: () => number;
  state: ControllerState = 'STARTUP';
  /** The rate in force (msg/s). */
  rate: number;
  /** The highest rate believed sustainable: the last accepted probe, drained target or cut target. */
  edgeRate = 0;
  /** Virtual time of the latest sample (or of setMode): all time in the controller is read from here. */
  nowNs = 0;

  // STARTUP
  /** The last start-up rate whose interval stayed within the setpoint: where a failed growth step falls back. */
  lastGoodStartupRate: number | undefined;
  /**
   * The rate start-up began from: taken as sustainable (a quota is assumed at least this), so start-up may send
   * up to settings.startupWindowMultiple × it before the quota window has filled (startup-state.ts).
   */
  startupFromRate = 0;
  /** WARMUP began here (setMode / restart). */
  warmupStartNs = 0;

  // HOLD
  /** Intervals merged for judging (HOLD and PROBE), at most settings.judgeIntervals, newest last. */
  judgeWindow: IntervalCounts[] = [];
  /** An interval with too few acks, merged into the next one before judging. */
  pendingCounts: IntervalCounts | undefined;
  /** Consecutive HOLD evaluations whose merged p99 was above the upper deadband. */
  holdAboveHighStreak = 0;
  /** HOLD evaluations since the rate last changed. */
  holdEvaluationsSinceChange = 0;
  /** After an anchored overload cut: refine upward at once where latency shows the knee (not on a cliff). */
  refineCutTarget = false;
  /** Queueing delay is watched here: a fall at the same rate means capacity grew. */
  readonly increaseDetector = new IncreaseDetector();
  /** The learned latency floor and the thresholds measured above it. */
  readonly latencyBand = new LatencyBand();

  // PROBE
  /** The climb goes on: the next probe starts as soon as the window is judged, not on the cadence. */
  climbing = false;
  /** The probe's relative step above the edge; doubles on each accepted probe far below the knee. */
  probeStep: number;
  /** The rate being probed. */
  probeRate = 0;
  /** The rate held before the probe: where a failed probe reverts to. */
  rateBeforeProbe = 0;
  /** The probe rate was lowered by a cap (failing rate, generator, maxRate, ack rate): its step does not grow. */
  probeRateCapped = false;
  /** The last accepted probe was far below the knee: the next climb step may be judged on one evaluation. */
  lastAcceptFarBelowKnee = false;
  /** This probe may be judged on one quiet evaluation (see lastAcceptFarBelowKnee). */
  judgeProbeOnOneInterval = false;
  /** Evaluations of the running probe. */
  probeEvaluations = 0;
  probeStartNs = 0;
  lastProbeEndNs = Number.NEGATIVE_INFINITY;
  /** The jittered wait between periodic probes while latency is flat (settings.probeEveryMs ± jitter). */
  probeWaitMs: number;
  /** The last rate that failed (hiMem of docs/controller.md): caps probes at √(edge·rate) while remembered. */
  lastFailure: RateMark | undefined;

  // DRAIN
  drainTargetRate = 0;
  /** Intervals spent in DRAIN since it began or its target was last cut. */
  drainIntervals = 0;
  /** Consecutive DRAIN intervals with no queue left yet acks still late: the target is above capacity. */
  lateWithoutQueueStreak = 0;

  // Overload and guard rails
  /** The rate this process achieved when it could not keep its schedule (generator-limited). */
  generatorCap: RateMark | undefined;
  lastCut: CutRecord | undefined;
  /** Consecutive gentle cuts (compounding while misses keep coming). */
  gentleCutStreak = 0;
  lastGentleCutNs = Number.NEGATIVE_INFINITY;
  /** Topology errors freeze increases until then. */
  topologyFreezeUntilNs = Number.NEGATIVE_INFINITY;
  /** Consecutive decisions at minRate: enough of them and the controller gives up (DEGRADED). */
  intervalsAtMinRate = 0;
  degradedUntilNs = 0;
  /** Ack rates of the last settings.judgeIntervals intervals: probes stay under ackRateCap × their maximum. */
  recentAckRates: number[] = [];

  // Quota
  readonly quotaEstimator: QuotaEstimator;
  /** A broker quota was seen: probes are judged over a quota window from now on (quotas change, and lag). */
  quotaSeen = false;

  constructor(settings: ControllerSettings, clock: Clock) {
    this.settings = settings;
    this.clock = clock;
    this.random = mulberry32(settings.seed);
    this.quotaEstimator = new QuotaEstimator(settings.quotaWindowMs);
    this.probeStep = settings.probeStepMin;
    this.probeWaitMs = this.nextProbeWait();
    this.rate = this.clampRate(settings.initialRate);
  }

  /** The broker quota estimated from throttle time (msg/s); kept until a probe well above it is accepted. */
  get quotaRate(): number | undefined {
    return this.quotaEstimator.current();
  }

  /** True while the rate is capped because this process could not keep its schedule. */
  get generatorLimited(): boolean {
    const cap = this.generatorCap;
    return cap !== undefined && this.nowNs - cap.atNs <= this.settings.failMemoryMs * NS_PER_MS;
  }

  thresholds(): Thresholds {
    return this.latencyBand.thresholds(this.settings);
  }

  clampRate(rate: number): number {
    if (!Number.isFinite(rate)) return this.settings.minRate;
    return Math.min(this.settings.maxRate, Math.max(this.settings.minRate, rate));
  }

  /** A rate failed now: remember it (hiMem) so probes approach it slowly. */
  rememberFailure(rate: number): void {
    this.lastFailure = { rate, atNs: this.nowNs };
  }

  /** The failing rate while it is remembered (settings.failMemoryMs). */
  recentFailure(): RateMark | undefined {
    const failure = this.lastFailure;
    return failure !== undefined && this.nowNs - failure.atNs <= this.settings.failMemoryMs * NS_PER_MS
      ? failure
      : undefined;
  }

  /** No increase while topology errors froze them or the broker throttles. */
  increasesBlocked(): boolean {
    return this.nowNs < this.topologyFreezeUntilNs || this.quotaEstimator.active(this.nowNs);
  }

  increasesBlockedReason(): string {
    return this.quotaEstimator.active(this.nowNs)
      ? 'broker throttling: no increase'
      : 'topology errors: increases frozen';
  }

  enterHold(rate: number): void {
    this.state = 'HOLD';
    this.rate = this.clampRate(rate);
    this.judgeWindow = [];
    this.holdAboveHighStreak = 0;
    this.holdEvaluationsSinceChange = 0;
  }

  /** Adds an interval to the judging window, dropping the oldest beyond settings.judgeIntervals. */
  pushToJudgeWindow(counts: IntervalCounts): void {
    this.judgeWindow.push(counts);
    if (this.judgeWindow.length > this.settings.judgeIntervals) this.judgeWindow.shift();
  }

  /** Forgets what the search learned (setMode adaptive, end of DEGRADED) and starts over from `rate`. */
  restart(rate: number): void {
    this.rate = rate;
    this.startupFromRate = rate;
    this.edgeRate = 0;
    this.warmupStartNs = this.nowNs;
    this.judgeWindow = [];
    this.pendingCounts = undefined;
    this.lastFailure = undefined;
    this.generatorCap = undefined;
    this.lastGoodStartupRate = undefined;
    this.refineCutTarget = false;
    this.increaseDetector.reset();
    this.probeStep = this.settings.probeStepMin;
    this.climbing = false;
    this.holdAboveHighStreak = 0;
    this.intervalsAtMinRate = 0;
    this.lastProbeEndNs = Number.NEGATIVE_INFINITY;
    this.latencyBand.reset();
    this.recentAckRates = [];
  }

  /** Probe cadence with ±probeJitter (Envoy's jitter keeps instances sharing a cluster out of step). */
  nextProbeWait(): number {
    const { probeEveryMs, probeJitter } = this.settings;
    if (probeJitter === 0) return probeEveryMs;
    return probeEveryMs * (1 + probeJitter * (2 * this.random() - 1));
  }
}
