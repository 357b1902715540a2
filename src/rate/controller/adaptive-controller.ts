import type { Clock } from '../../clock.js';
import { invalid } from '../../errors.js';
import type { ControlSample } from './control-sample.js';
import { type ControllerSettings, resolveControllerSettings } from './controller-settings.js';
import type { ControllerStatus, CutRecord, RateMark } from './controller-status.js';
import { type ControllerState, causeOf, type Decision, type DecisionKind } from './decision.js';
import { IncreaseDetector } from './increase-detector.js';
import {
  countsOf,
  type IntervalCounts,
  mergeAll,
  mergeCounts,
  p99Above,
  perSecond,
  type Thresholds,
} from './interval-counts.js';
import { fmt, type IntervalSignals, intervalSignals, latencyOver } from './interval-signals.js';
import { LatencyBand } from './latency-band.js';
import { mulberry32 } from './mulberry32.js';
import { QuotaEstimator } from './quota-estimator.js';

interface Outcome {
  rate: number;
  kind: DecisionKind;
  reason: string;
}

const NS_PER_MS = 1e6;
/** A probe accepted this far above the quota estimate, a whole quota window long, means the quota was lifted. */
const QUOTA_LIFTED = 1.15;

/**
 * The adaptive rate controller of CONTROLLER.md: pure and deterministic. Feed it one `ControlSample` per control
 * interval (default 1 s) and send at the returned `Decision.rate` until the next one. It reads time only from the
 * samples and, in `setMode`, from the injected clock (the same clock must stamp the samples); it keeps no
 * reference to a sample.
 *
 * The law, in short: STARTUP grows ×1.5 per interval until an abort condition, then one cut anchored on the rate
 * the broker delivered in that interval, and DRAIN sends below delivery until the backlog is gone. HOLD probes at
 * once while climbing, else every `probeEveryMs` (30 s) while latency is flat or every `kneeProbeEveryMs` (5 min)
 * while queueing delay is visible (there a capacity-increase detector restarts the climb instead). The candidate
 * is the edge (highest accepted rate) plus a step that doubles on each accepted probe far below the knee, capped
 * at √(edge·hiMem) while a failing rate is remembered (CUBIC's W_max). A probe is accepted on a merged 3-interval
 * window (p99w ≤ setpoint, no interval above the upper deadband); when the climb ends the controller holds
 * `holdMargin` below the edge. Mild misses cut ×0.95 (compounding while they repeat). A broker throttle time (a
 * client quota) comes before all of that: the quota is estimated from it (QuotaEstimator), the rate held at
 * `throttleHoldFactor` × the estimate, and from then on each probe lasts a quota window. bench/RESULTS.md has the
 * measurements behind each departure from CONTROLLER.md.
 *
 * Use: `update(sample)` once per interval → `Decision`; `setMode('fixed', rate)` / `setMode('adaptive', rate?)`;
 * `configure(partialSettings)` (PUT /controller); `status()` (GET /controller); `decisions()` (recent history).
 */
export class AdaptiveController {
  private s: ControllerSettings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private st: ControllerState = 'STARTUP';
  private r: number;
  private edge = 0;
  private candidate = 0;
  private heldRate = 0;
  private candidateCapped = false;
  private drainTarget = 0;
  private drainIntervals = 0;
  private lastGood: number | undefined;
  private step: number;
  private climbing = false;
  /** The last accepted probe was far below the knee: the next climb step may be judged on one evaluation. */
  private lastAcceptQuiet = false;
  private quickJudge = false;
  private drainSlow = 0;
  /** After an anchored overload cut: refine upward at once where latency shows the knee (not on a cliff). */
  private refine = false;
  private judged = 0;
  private probeStartNs = 0;
  private window: IntervalCounts[] = [];
  private pending: IntervalCounts | undefined;
  private hiMem: RateMark | undefined;
  private genCap: RateMark | undefined;
  private cut: CutRecord | undefined;
  private readonly detector = new IncreaseDetector();
  private readonly band = new LatencyBand();
  private lastProbeEndNs = Number.NEGATIVE_INFINITY;
  private probeWaitMs: number;
  private warmupStartNs = 0;
  private holdHigh = 0;
  /** HOLD evaluations since the rate last changed. */
  private heldFor = 0;
  private cutStreak = 0;
  private lastGentleCutNs = Number.NEGATIVE_INFINITY;
  private freezeUntilNs = Number.NEGATIVE_INFINITY;
  private readonly quota: QuotaEstimator;
  private quotaCalm = 0;
  /** A broker quota was seen: probes are judged over a quota window from now on (quotas change, and lag). */
  private quotaSeen = false;
  private pinned = 0;
  private degradedUntilNs = 0;
  private recentAckRates: number[] = [];
  private history: Decision[] = [];
  private nowNs = 0;

  constructor(settings: Partial<ControllerSettings>, clock: Clock) {
    this.s = resolveControllerSettings(settings);
    this.clock = clock;
    this.random = mulberry32(this.s.seed);
    this.quota = new QuotaEstimator(this.s.quotaWindowMs);
    this.step = this.s.probeStepMin;
    this.probeWaitMs = this.nextProbeWait();
    this.r = this.clampRate(this.s.initialRate);
    if (this.s.mode === 'fixed') this.setMode('fixed', this.s.fixedRate);
    else this.setMode('adaptive', this.s.initialRate);
  }

  get state(): ControllerState {
    return this.st;
  }

  /** The rate in force (msg/s). */
  get rate(): number {
    return this.r;
  }

  /** The highest rate the controller believes sustainable: its edge (last accepted probe or drained target). */
  get bestRate(): number {
    return this.edge;
  }

  get lastCut(): CutRecord | undefined {
    return this.cut;
  }

  /** True while the rate is capped because this process could not keep its schedule. */
  get generatorLimited(): boolean {
    return this.genCap !== undefined && this.nowNs - this.genCap.atNs <= this.s.failMemoryMs * NS_PER_MS;
  }

  /** The broker quota estimated from throttle time (msg/s); kept until a probe well above it is accepted. */
  private get quotaRate(): number | undefined {
    return this.quota.current();
  }

  get settings(): Readonly<ControllerSettings> {
    return this.s;
  }

  /** The last `historyLength` decisions, oldest first. */
  decisions(): readonly Decision[] {
    return this.history;
  }

  status(): ControllerStatus {
    return {
      mode: this.st === 'FIXED' ? 'fixed' : 'adaptive',
      state: this.st,
      rate: this.r,
      bestRate: this.edge,
      lastCut: this.cut,
      failingRate: this.freshHiMem(),
      quotaRate: this.quotaRate,
      generatorLimited: this.generatorLimited,
      latencyFloorMs: this.band.seenFloorMs(),
      thresholds: this.thresholds(),
      settings: this.s,
    };
  }

  /**
   * `fixed`: send at `rate` (default settings.fixedRate) until told otherwise. `adaptive`: restart the search
   * (WARMUP, then STARTUP) from `rate`, else from the rate in force, else initialRate.
   */
  setMode(mode: 'adaptive' | 'fixed', rate?: number): Decision {
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
      throw invalid('INVALID_ARGUMENT', { field: 'rate' }, 'a rate > 0 (msg/s)', rate);
    this.nowNs = Math.max(this.nowNs, this.clock.nowNs());
    if (mode === 'fixed') {
      const fixed = rate ?? this.s.fixedRate;
      this.s = { ...this.s, mode: 'fixed', fixedRate: fixed };
      this.st = 'FIXED';
      this.r = fixed;
      return this.record({
        rate: fixed,
        kind: 'fixed',
        reason: `fixed rate ${fmt(fixed)}/s set by operator`,
      });
    }
    if (mode !== 'adaptive')
      throw invalid('INVALID_ARGUMENT', { field: 'mode' }, '"adaptive" or "fixed"', mode);
    const start = this.clampRate(rate ?? (this.history.length > 0 ? this.r : this.s.initialRate));
    this.s = { ...this.s, mode: 'adaptive' };
    this.restart(start);
    const warm = this.s.warmupMs > 0;
    this.st = warm ? 'WARMUP' : 'STARTUP';
    const reason = warm ? `adaptive: warm-up for ${this.s.warmupMs} ms` : 'adaptive: startup';
    return this.record({
      rate: start,
      kind: warm ? 'warmup' : 'hold',
      reason: `${reason} at ${fmt(start)}/s`,
    });
  }

  /**
   * Changes settings (PUT /controller); throws INVALID_ARGUMENT and changes nothing on a bad value. Merged windows
   * are dropped (their counts were taken at the old thresholds); a mode change goes through `setMode`.
   */
  configure(overrides: Partial<ControllerSettings>): void {
    const { mode, ...rest } = overrides;
    const next = resolveControllerSettings({ ...rest, ...(mode === undefined ? {} : { mode }) }, this.s);
    this.s = { ...next, mode: this.s.mode };
    this.quota.window = this.s.quotaWindowMs;
    this.window = [];
    this.pending = undefined;
    this.detector.resetBaseline();
    if (mode !== undefined && mode !== this.s.mode) this.setMode(mode);
    else if (this.st === 'FIXED') this.r = this.s.fixedRate;
    else this.r = this.clampRate(this.r);
  }

  /** One control interval: read the sample, decide the rate for the next interval. */
  update(sample: ControlSample): Decision {
    this.nowNs = sample.nowNs;
    const cur = countsOf(sample, this.thresholds(), this.s.intervalMs * NS_PER_MS);
    const sig = intervalSignals(sample, cur, this.r, this.s);
    this.band.learn(cur, this.s);
    // The broker's quota window is the client's history, whatever the controller's state: observe every interval.
    this.quota.observe(sample.acks, sample.intervalNs);
    if (sample.throttleTimeMs > 0) {
      this.quota.throttled(sample.throttleTimeMs, sample.nowNs);
      this.quotaSeen = true;
    }
    this.recentAckRates.push(sig.ackRate);
    if (this.recentAckRates.length > this.s.judgeIntervals) this.recentAckRates.shift();
    return this.record(this.decide(sample, cur, sig), sig, sample.inflight);
  }

  private decide(sample: ControlSample, cur: IntervalCounts, sig: IntervalSignals): Outcome {
    if (this.st === 'FIXED') {
      const why = sig.generatorLimited ? `; generator-limited: ${sig.generatorReason}` : '';
      return { rate: this.r, kind: 'fixed', reason: `fixed rate${why}` };
    }
    if (cur.fatal > 0) return this.degrade(`${cur.fatal} fatal send errors`);
    if (this.st === 'DEGRADED') return this.whileDegraded();
    if (this.st === 'WARMUP') {
      if (this.nowNs - this.warmupStartNs < this.s.warmupMs * NS_PER_MS)
        return { rate: this.r, kind: 'warmup', reason: 'warming up' };
      this.st = 'STARTUP';
      return { rate: this.r, kind: 'hold', reason: 'warm-up over: startup' };
    }
    if (cur.topology > 0) this.freezeUntilNs = this.nowNs + this.s.topologyFreezeMs * NS_PER_MS;
    // A quota is checked first: its delays explain the latency (and any backlog) until a window after the last
    // throttle, and the estimate says where to hold; cutting on latency or a bursty 1-s ack rate would undershoot.
    if (this.quotaRate !== undefined && this.quota.active(this.nowNs)) {
      if (this.errorOverload(cur) === undefined) return this.checkPinned(this.underQuota(sig, sample));
    }
    if (this.st === 'DRAIN') return this.checkPinned(this.whileDraining(cur, sig, sample.inflight));

    // Priority when signals disagree (CONTROLLER.md): fatal > congestion errors > self-saturation > latency.
    const g = this.pending === undefined ? cur : mergeCounts(this.pending, cur);
    const errorWhy = this.errorOverload(g);
    if (errorWhy !== undefined) return this.overload(errorWhy, true, true, sig, sample.inflight);
    if (sig.generatorLimited) return this.capAtGenerator(sig);
    const late = this.latencyOverload(g, sig);
    if (late !== undefined) return this.overload(late.why, late.severe, false, sig, sample.inflight);
    if (g.acks < this.s.minSamples && g.intervals < this.s.maxMergeIntervals) {
      this.pending = g;
      return {
        rate: this.r,
        kind: 'hold',
        reason: `too few samples (${g.acks} < ${this.s.minSamples} acks)`,
      };
    }
    this.pending = undefined;
    if (this.st === 'STARTUP') return this.whileStarting(g);
    if (this.st === 'PROBE') return this.whileProbing(g);
    return this.checkPinned(this.whileHolding(g));
  }

  private whileStarting(g: IntervalCounts): Outcome {
    if (this.blocked()) return { rate: this.r, kind: 'freeze', reason: this.blockedReason() };
    if (p99Above(g.overSetpoint, g.acks)) {
      const back = this.lastGood ?? this.r;
      const at = this.r;
      this.failed(at);
      this.edge = back;
      this.enterHold(back);
      const sp = fmt(this.thresholds().setpointMs);
      return {
        rate: back,
        kind: 'hold',
        reason: `p99 above setpoint ${sp} ms at ${fmt(at)}/s: hold at last good rate`,
      };
    }
    const ackRate = perSecond(g.acks, g);
    let next = Math.min(this.r * this.s.growthFactor, this.s.maxRate, this.s.ackRateCap * ackRate);
    // A quota already estimated (seen in fixed mode, or before a restart): start-up stops under it, and
    // probes (a quota window each) find out whether it still holds.
    const quotaCap = this.quotaRate === undefined ? Infinity : this.s.throttleHoldFactor * this.quotaRate;
    next = Math.min(next, Math.max(quotaCap, this.s.minRate));
    if (next <= this.r) {
      const at = Math.min(this.r, next);
      this.edge = at;
      this.enterHold(at);
      const why = next === quotaCap ? `the quota estimate ${fmt(this.quotaRate!)}/s` : 'maxRate';
      return {
        rate: at,
        kind: 'hold',
        reason: `growth capped (${why} or ${this.s.ackRateCap}× ack rate)`,
      };
    }
    this.lastGood = this.r;
    this.edge = this.r;
    return { rate: next, kind: 'grow', reason: `p99 within setpoint: ×${this.s.growthFactor}` };
  }

  private whileHolding(g: IntervalCounts): Outcome {
    const t = this.thresholds();
    this.heldFor += 1;
    this.pushWindow(g);
    const w = mergeAll(this.window)!;
    const full = this.window.length >= this.s.judgeIntervals;
    this.holdHigh = p99Above(w.overHigh, w.acks) ? this.holdHigh + 1 : 0;
    if (this.holdHigh >= this.s.holdCutIntervals)
      return this.gentleCut(`p99w above ${fmt(t.highMs)} ms for ${this.holdHigh} evaluations`);
    const why = full ? this.detectIncrease() : '';
    if (this.blocked()) return { rate: this.r, kind: 'freeze', reason: this.blockedReason() };
    // Refining a fresh cut target only makes sense if its first full window leaves room below the band.
    if (full && p99Above(w.overLow, w.acks)) this.refine = false;
    // No probe from a window that is over the lower band, or whose latest interval is in the upper one.
    const rising = p99Above(g.overHigh, g.acks);
    if (!full || rising || p99Above(w.overLow, w.acks) || this.r >= this.s.maxRate)
      return { rate: this.r, kind: 'hold', reason: 'hold' };
    const visible = this.detector.visible(this.band.visibleMs(this.s));
    const wait = visible ? this.s.kneeProbeEveryMs : this.probeWaitMs;
    const due = this.nowNs - this.lastProbeEndNs >= wait * NS_PER_MS || (this.refine && visible);
    if (!this.climbing && !due) return { rate: this.r, kind: 'hold', reason: 'hold' };
    return this.startProbe(why);
  }

  /** Runs the capacity-increase detector on a full window; on a detection, forget hiMem and climb at once. */
  private detectIncrease(): string {
    const why = this.detector.observe(
      this.r,
      this.queueDelayMs(),
      this.band.visibleMs(this.s),
      this.s.increaseDetectRatio,
    );
    if (why === undefined) return '';
    this.hiMem = undefined;
    this.step = this.s.probeStepMin;
    this.climbing = true;
    return `${why}: capacity grew; `;
  }

  /** Probe edge·(1 + step), capped by hiMem, the generator's cap, maxRate and 2× the ack rate. */
  private startProbe(why: string): Outcome {
    const base = Math.max(this.edge, this.r);
    const uncapped = base * (1 + this.step);
    let cand = uncapped;
    const hi = this.freshHiMem();
    if (hi !== undefined) cand = Math.min(cand, Math.sqrt(base * hi.rate));
    if (this.generatorLimited) cand = Math.min(cand, this.genCap!.rate);
    cand = Math.min(cand, this.s.maxRate, this.s.ackRateCap * Math.max(...this.recentAckRates));
    if (cand < base * (1 + this.s.probeMinGain)) {
      this.climbing = false;
      this.step = this.s.probeStepMin;
      this.lastProbeEndNs = this.nowNs;
      return {
        rate: this.r,
        kind: 'hold',
        reason: `${why}probe skipped: capped within ${pct(this.s.probeMinGain)}`,
      };
    }
    this.heldRate = this.r;
    this.refine = false;
    this.quickJudge = this.climbing && this.lastAcceptQuiet;
    this.candidate = cand;
    this.candidateCapped = cand < uncapped;
    this.judged = 0;
    this.probeStartNs = this.nowNs;
    this.window = [];
    this.st = 'PROBE';
    const capped = hi !== undefined && this.candidateCapped ? ` (≤ √(edge·${fmt(hi.rate)}))` : '';
    return {
      rate: cand,
      kind: 'probe',
      reason: `${why}probe ${fmt(cand)}/s = edge +${pct(cand / base - 1)}${capped}`,
    };
  }

  private whileProbing(g: IntervalCounts): Outcome {
    if (this.blocked()) {
      this.endProbe(false);
      this.enterHold(this.heldRate);
      return { rate: this.r, kind: 'revert', reason: `probe stopped: ${this.blockedReason()}` };
    }
    this.pushWindow(g);
    this.judged += 1;
    const t = this.thresholds();
    // Far below the knee a queue settles within an interval: one quiet evaluation judges a climb step. Under a
    // known quota it does not: the broker may throttle up to a quota window after the rate rose.
    const quick =
      !this.quotaSeen &&
      this.quickJudge &&
      this.window.every((c) => !p99Above(c.overClimb, c.acks) && c.congestion === 0);
    const need = this.s.judgeIntervals;
    // Once a quota was seen, a probe also lasts a quota window and an interval: enforcement lags by a window.
    const quotaWaitMs = this.quotaSeen ? this.s.quotaWindowMs + this.s.intervalMs : 0;
    const ranMs = (this.nowNs - this.probeStartNs) / NS_PER_MS;
    if ((this.judged < need || ranMs < quotaWaitMs) && !quick) {
      const more =
        ranMs < quotaWaitMs ? `, quota window ${fmt(ranMs / 1000)}/${fmt(quotaWaitMs / 1000)} s` : '';
      return { rate: this.r, kind: 'hold', reason: `judging probe ${this.judged}/${need}${more}` };
    }
    const w = mergeAll(this.window)!;
    const everyInterval = this.window.every((c) => !p99Above(c.overHigh, c.acks));
    if (!p99Above(w.overSetpoint, w.acks) && everyInterval && w.congestion === 0) {
      const accepted = this.candidate;
      this.edge = accepted;
      const lifted = this.quotaRate !== undefined && accepted > QUOTA_LIFTED * this.quotaRate;
      if (lifted) {
        // A quota window at a rate well above the estimate without a throttle: the quota was raised or lifted.
        this.quota.forget();
      }
      const note = lifted ? 'quota lifted; ' : '';
      // Far below the knee: double the step. Inside the lower band: keep approaching with the smallest step.
      // Past the lower band: this is the edge; hold a margin below it.
      const quiet = !p99Above(w.overClimb, w.acks);
      this.lastAcceptQuiet = quiet;
      this.climbing = !p99Above(w.overLow, w.acks);
      // Once a quota was seen each probe lasts a quota window: the step grows ×4, not ×2, to keep the climb
      // after a quota increase to a few windows.
      const grow = this.quotaSeen ? 4 : 2;
      if (quiet && !this.candidateCapped) this.step = Math.min(this.step * grow, this.s.probeStepMax);
      else if (!quiet) this.step = this.s.probeStepMin;
      this.lastProbeEndNs = this.nowNs;
      this.probeWaitMs = this.nextProbeWait();
      if (this.climbing) {
        this.st = 'HOLD';
        const below = fmt(quiet ? t.climbMs : t.lowMs);
        const next = this.startProbe(`${note}accept ${fmt(accepted)}/s (p99w below ${below} ms); `);
        if (next.kind === 'probe') return next;
        this.enterHold(accepted);
        return { ...next, rate: accepted };
      }
      const hold = accepted * (1 - this.s.holdMargin);
      this.enterHold(hold);
      return {
        rate: hold,
        kind: 'accept',
        reason: `${note}accept ${fmt(accepted)}/s (p99w ≤ ${fmt(t.setpointMs)} ms): hold ${pct(this.s.holdMargin)} below`,
      };
    }
    const back = this.heldRate;
    this.endProbe(true);
    this.enterHold(back);
    return {
      rate: back,
      kind: 'revert',
      reason: `probe p99w above ${fmt(t.setpointMs)} ms or an interval above ${fmt(t.highMs)} ms: revert`,
    };
  }

  private whileDraining(cur: IntervalCounts, sig: IntervalSignals, inflight: number): Outcome {
    this.drainIntervals += 1;
    const late = latencyOver(cur.overSlo, cur.acks, sig.censoredOverSlo, this.s.minSamples);
    // Drained means back to about the floor's worth of messages in flight, not merely under the SLO: a residual
    // queue at a rate just under capacity would take many seconds to clear on its own.
    const residual = inflight > 2 * this.drainTarget * this.band.floorLatencyS(this.s) + 1;
    if (!(sig.backlog || sig.stall || late || residual)) {
      const target = this.drainTarget;
      this.enterHold(target);
      return { rate: target, kind: 'hold', reason: `drained: hold at ${fmt(target)}/s` };
    }
    // No queue left, yet acks are still late: the target itself is above capacity (the cut was not deep enough).
    this.drainSlow = !residual && !sig.stall && late ? this.drainSlow + 1 : 0;
    if (this.drainSlow >= 2 || this.drainIntervals >= this.s.drainMaxIntervals) {
      this.drainSlow = 0;
      const from = this.drainTarget;
      let to = from * this.s.latencyBeta;
      if (cur.acks > 0) to = Math.min(to, this.s.deliveredFraction * sig.ackRate);
      to = this.clampRate(to);
      const reason = `still over the SLO after ${this.drainIntervals} intervals: cut target to ${fmt(to)}/s`;
      this.cut = { fromRate: from, toRate: to, atNs: this.nowNs, reason };
      this.failed(from);
      this.drainTarget = to;
      this.edge = Math.min(this.edge, to);
      this.drainIntervals = 0;
      return { rate: this.drainRate(sig, inflight), kind: 'cut', reason };
    }
    return { rate: this.drainRate(sig, inflight), kind: 'drain', reason: 'draining backlog' };
  }

  /**
   * Overload. STARTUP/HOLD: one cut anchored on the delivered rate, then DRAIN (a mild latency miss in HOLD is a
   * gentle cut instead). PROBE: abort back to the rate held before the probe.
   */
  private overload(
    why: string,
    severe: boolean,
    errors: boolean,
    sig: IntervalSignals,
    inflight: number,
  ): Outcome {
    this.pending = undefined;
    if (this.st === 'HOLD' && !severe) {
      // The first evaluation after a change still carries the previous rate's queue: judge the new rate next time.
      if (this.heldFor++ === 0)
        return { rate: this.r, kind: 'hold', reason: `${why}: settling after a change` };
      return this.gentleCut(why);
    }
    if (this.st === 'PROBE') {
      const back = this.heldRate;
      this.endProbe(true);
      this.enterDrain(back);
      return { rate: this.drainRate(sig, inflight), kind: 'revert', reason: `probe aborted: ${why}` };
    }
    const from = this.r;
    let to = from * (errors ? this.s.errorBeta : this.s.latencyBeta);
    // Anchor on what the broker delivered in this very interval: older ack rates are stale after a capacity drop.
    const anchored = !sig.stall && sig.ackRate > 0;
    if (anchored) to = Math.min(to, this.s.deliveredFraction * sig.ackRate);
    to = this.clampRate(to);
    this.failed(from);
    const reason = `${why}: cut to ${fmt(to)}/s`;
    this.cut = { fromRate: from, toRate: to, atNs: this.nowNs, reason };
    this.edge = to;
    this.detector.reset();
    this.step = this.s.probeStepMin;
    this.lastProbeEndNs = this.nowNs;
    this.enterDrain(to);
    // Without a delivery measurement (a stall) the cut is a guess: climb back toward hiMem once drained. With one,
    // the target sits `deliveredFraction` under what was delivered: refine it where latency shows the knee.
    this.climbing = !anchored;
    this.refine = anchored;
    return { rate: this.drainRate(sig, inflight), kind: 'cut', reason };
  }

  /** A mild miss (p99 over the SLO but not severe, or p99w in the upper deadband): ×holdCutFactor, no drain. */
  private gentleCut(why: string): Outcome {
    const from = this.r;
    // Misses that keep coming (capacity sliding down) compound the cut: ×0.95, ×0.90, ×0.86 … (at least ×0.5).
    const recent = this.nowNs - this.lastGentleCutNs <= 10 * this.s.intervalMs * NS_PER_MS;
    this.cutStreak = recent ? this.cutStreak + 1 : 1;
    this.lastGentleCutNs = this.nowNs;
    const factor = Math.max(0.5, this.s.holdCutFactor ** this.cutStreak);
    const to = this.clampRate(from * factor);
    const reason = `${why}: ×${fmt(factor)}`;
    this.failed(from);
    this.cut = { fromRate: from, toRate: to, atNs: this.nowNs, reason };
    this.edge = Math.min(this.edge, to);
    this.enterHold(to);
    this.step = this.s.probeStepMin;
    this.climbing = false;
    this.lastProbeEndNs = this.nowNs;
    return { rate: to, kind: 'cut', reason };
  }

  private errorOverload(g: IntervalCounts): string | undefined {
    const n = g.acks + g.congestion;
    const enough = g.acks >= this.s.minSamples;
    if (g.congestion > 0 && g.congestion > this.s.maxErrorRate * n && (enough || g.congestion >= 10))
      return `congestion errors ${pct(g.congestion / n)} > ${pct(this.s.maxErrorRate)}`;
    if (enough && g.topology === 0 && g.retries > this.s.maxRetryRate * g.acks)
      return `retries ${pct(g.retries / g.acks)} of acks > ${pct(this.s.maxRetryRate)}`;
    return undefined;
  }

  /** Latency-side overload: severe (stall, backlog, p99 > severeFactor·S, ack deficit) or mild (p99 > S). */
  private latencyOverload(
    g: IntervalCounts,
    sig: IntervalSignals,
  ): { why: string; severe: boolean } | undefined {
    const slo = this.s.p99TargetMs;
    const n = this.s.minSamples;
    if (sig.stall) return { why: `no acks, oldest in flight past the SLO ${slo} ms`, severe: true };
    if (sig.backlog) return { why: 'backlog: in flight > 2·r·S', severe: true };
    if (latencyOver(g.overSevere, g.acks, sig.censoredOverSevere, n))
      return { why: `p99 ${fmt(sig.p99Ms)} ms > ${this.s.severeFactor}·SLO`, severe: true };
    if (g.acks >= n && g.acks < 0.9 * g.sent) return { why: 'ack rate < 0.9·send rate', severe: true };
    if (latencyOver(g.overSlo, g.acks, sig.censoredOverSlo, n))
      return { why: `p99 ${fmt(sig.p99Ms)} ms > SLO ${slo} ms`, severe: false };
    return undefined;
  }

  private capAtGenerator(sig: IntervalSignals): Outcome {
    const base = this.st === 'PROBE' ? this.heldRate : this.r;
    const to = this.clampRate(Math.min(base, sig.sendRate));
    this.genCap = { rate: to, atNs: this.nowNs };
    if (this.st === 'PROBE') this.endProbe(false);
    this.edge = Math.min(this.edge || to, to);
    this.enterHold(to);
    return {
      rate: to,
      kind: 'cap',
      reason: `generator-limited (${sig.generatorReason}): cap at achieved rate`,
    };
  }

  /**
   * Broker throttling (now or within a quota window): a client quota Q̂ (see QuotaEstimator). Hold at
   * `throttleHoldFactor`·Q̂, draining first while more than one SLO's worth of messages waits in flight (the
   * overshoot that made the broker throttle is still queued). No latency cut while the throttle lasts: the broker
   * is paying back the overshoot over its window, and the 1-s ack rate (muted, then a burst) is no delivery
   * estimate. A probe throttled here failed: hiMem caps the next ones while it is remembered.
   */
  private underQuota(sig: IntervalSignals, sample: ControlSample): Outcome {
    const q = this.quotaRate!;
    let target = this.s.throttleHoldFactor * q;
    if (this.generatorLimited) target = Math.min(target, this.genCap!.rate);
    target = this.clampRate(target);
    const now =
      sample.throttleTimeMs > 0 ? `broker throttling ${fmt(sample.throttleTimeMs)} ms` : 'throttled';
    const why = `${now}, quota ≈ ${fmt(q)}/s`;
    const from = this.st === 'DRAIN' ? this.drainTarget : this.st === 'PROBE' ? this.candidate : this.r;
    if (this.st === 'PROBE') this.endProbe(true);
    else if (from > q) this.failed(from);
    this.pending = undefined;
    this.edge = target;
    this.climbing = false;
    this.refine = false;
    this.step = this.s.probeStepMin;
    this.lastProbeEndNs = this.nowNs;
    this.detector.reset();
    const above = from > target * (1 + this.s.probeMinGain);
    if (above) {
      const reason = `${why}: hold ${fmt(this.s.throttleHoldFactor)}× quota`;
      this.cut = { fromRate: from, toRate: target, atNs: this.nowNs, reason };
    }
    // More than an SLO's worth of messages waits, or the broker mutes for longer than the SLO: drain. Mutes come
    // and go while the broker pays back an overshoot, so DRAIN ends only after two calm intervals in a row.
    const slo = this.s.p99TargetMs;
    const calm =
      !sig.backlog &&
      !sig.stall &&
      sample.acks > 0 &&
      sample.throttleTimeMs < slo &&
      sample.inflight <= (target * slo) / 1000;
    this.quotaCalm = calm ? this.quotaCalm + 1 : 0;
    const queued = this.st === 'DRAIN' ? this.quotaCalm < 2 : !calm;
    if (queued) {
      if (this.st !== 'DRAIN') this.enterDrain(target);
      this.drainTarget = target;
      const kind = above ? 'cut' : 'drain';
      return {
        rate: this.drainRate(sig, sample.inflight),
        kind,
        reason: `${why}: drain to ${fmt(target)}/s`,
      };
    }
    if (this.st !== 'HOLD' || Math.abs(this.r - target) > 1e-6 * target) {
      this.enterHold(target);
      return { rate: target, kind: above ? 'cut' : 'cap', reason: `${why}: hold at ${fmt(target)}/s` };
    }
    return { rate: target, kind: 'hold', reason: `${why}: holding under the quota` };
  }

  private degrade(why: string): Outcome {
    this.st = 'DEGRADED';
    this.degradedUntilNs = this.nowNs + this.s.degradedCooldownMs * NS_PER_MS;
    this.pending = undefined;
    this.window = [];
    return { rate: this.s.minRate, kind: 'degraded', reason: `${why}: stopped controlling` };
  }

  private whileDegraded(): Outcome {
    if (this.nowNs < this.degradedUntilNs)
      return { rate: this.s.minRate, kind: 'degraded', reason: 'cooling down' };
    const start = this.clampRate(this.s.initialRate);
    this.restart(start);
    this.st = 'STARTUP';
    return { rate: start, kind: 'hold', reason: 'cooldown over: startup again' };
  }

  private checkPinned(o: Outcome): Outcome {
    this.pinned = o.rate <= this.s.minRate && this.st !== 'DEGRADED' ? this.pinned + 1 : 0;
    if (this.pinned < this.s.degradedAfterIntervals) return o;
    this.pinned = 0;
    return this.degrade(
      `pinned at minRate ${this.s.minRate}/s for ${this.s.degradedAfterIntervals} intervals`,
    );
  }

  private enterHold(rate: number): void {
    this.st = 'HOLD';
    this.r = this.clampRate(rate);
    this.window = [];
    this.holdHigh = 0;
    this.heldFor = 0;
  }

  private enterDrain(target: number): void {
    this.st = 'DRAIN';
    this.drainTarget = target;
    this.drainIntervals = 0;
    this.drainSlow = 0;
    this.window = [];
    this.pending = undefined;
  }

  /** A probe that failed leaves hiMem; a failed big step keeps climbing (capped) from the edge at once. */
  private endProbe(failed: boolean): void {
    if (failed) this.failed(this.candidate);
    this.climbing = failed && this.step > this.s.probeStepMin;
    this.lastAcceptQuiet = false;
    this.step = this.s.probeStepMin;
    this.lastProbeEndNs = this.nowNs;
    this.probeWaitMs = this.nextProbeWait();
  }

  /** DRAIN: send below delivery to clear the in-flight excess over the floor's worth in about one second. */
  private drainRate(sig: IntervalSignals, inflight: number): number {
    const target = this.drainTarget;
    const excess = Math.max(0, inflight - target * this.band.floorLatencyS(this.s));
    return Math.max(this.s.minRate, this.s.drainFloor * target, Math.min(target, sig.ackRate - excess));
  }

  private restart(rate: number): void {
    this.r = rate;
    this.edge = 0;
    this.warmupStartNs = this.nowNs;
    this.window = [];
    this.pending = undefined;
    this.hiMem = undefined;
    this.genCap = undefined;
    this.lastGood = undefined;
    this.refine = false;
    this.detector.reset();
    this.step = this.s.probeStepMin;
    this.climbing = false;
    this.holdHigh = 0;
    this.pinned = 0;
    this.lastProbeEndNs = Number.NEGATIVE_INFINITY;
    this.band.reset();
    this.recentAckRates = [];
  }

  private pushWindow(g: IntervalCounts): void {
    this.window.push(g);
    if (this.window.length > this.s.judgeIntervals) this.window.shift();
  }

  /** Queueing delay at the held rate: mean p99 of the window above the floor. */
  private queueDelayMs(): number {
    const sum = this.window.reduce((acc, c) => acc + c.p99Ms, 0);
    return Math.max(0, sum / Math.max(1, this.window.length) - this.band.queueFloorMs(this.s));
  }

  private blocked(): boolean {
    return this.nowNs < this.freezeUntilNs || this.quota.active(this.nowNs);
  }

  private blockedReason(): string {
    return this.quota.active(this.nowNs)
      ? 'broker throttling: no increase'
      : 'topology errors: increases frozen';
  }

  private failed(rate: number): void {
    this.hiMem = { rate, atNs: this.nowNs };
  }

  private freshHiMem(): RateMark | undefined {
    const h = this.hiMem;
    return h !== undefined && this.nowNs - h.atNs <= this.s.failMemoryMs * NS_PER_MS ? h : undefined;
  }

  private thresholds(): Thresholds {
    return this.band.thresholds(this.s);
  }

  private clampRate(rate: number): number {
    if (!Number.isFinite(rate)) return this.s.minRate;
    return Math.min(this.s.maxRate, Math.max(this.s.minRate, rate));
  }

  /** Probe cadence with ±probeJitter (Envoy's jitter keeps instances sharing a cluster out of step). */
  private nextProbeWait(): number {
    if (this.s.probeJitter === 0) return this.s.probeEveryMs;
    return this.s.probeEveryMs * (1 + this.s.probeJitter * (2 * this.random() - 1));
  }

  private record(o: Outcome, sig?: IntervalSignals, inflight = 0): Decision {
    const rate = this.st === 'FIXED' ? o.rate : this.clampRate(o.rate);
    this.r = rate;
    const d: Decision = {
      atNs: this.nowNs,
      rate,
      state: this.st,
      kind: o.kind,
      reason: o.reason,
      cause: causeOf(o.kind, o.reason),
      generatorLimited: sig?.generatorLimited ?? false,
      p99Ms: sig?.p99Ms ?? 0,
      ackRate: sig?.ackRate ?? 0,
      sendRate: sig?.sendRate ?? 0,
      errorRate: sig?.errorRate ?? 0,
      inflight,
    };
    this.history.push(d);
    if (this.history.length > this.s.historyLength) this.history.shift();
    return d;
  }
}

function pct(x: number): string {
  return `${fmt(x * 100)} %`;
}
