import type { Clock } from '../../clock.js';
import { invalid } from '../../errors.js';
import type { ControlSample } from './control-sample.js';
import { ControllerCore, NS_PER_MS, type Outcome } from './controller-core.js';
import { type ControllerSettings, resolveControllerSettings } from './controller-settings.js';
import type { ControllerStatus, CutRecord } from './controller-status.js';
import { type ControllerState, causeOf, type Decision } from './decision.js';
import { degradedState } from './degraded-state.js';
import { drainState } from './drain-state.js';
import { fixedState } from './fixed-state.js';
import { holdState } from './hold-state.js';
import { countsOf, type IntervalCounts, mergeCounts } from './interval-counts.js';
import { fmt, type IntervalSignals, intervalSignals } from './interval-signals.js';
import { overloadState } from './overload-state.js';
import { probeState } from './probe-state.js';
import { quotaPolicy } from './quota-policy.js';
import { startupState } from './startup-state.js';
import { warmupState } from './warmup-state.js';

/**
 * The adaptive rate controller of docs/controller.md: pure and deterministic. Feed it one `ControlSample` per control
 * interval (default 1 s) and send at the returned `Decision.rate` until the next one. It reads time only from the
 * samples and, in `setMode`, from the injected clock (the same clock must stamp the samples); it keeps no
 * reference to a sample.
 *
 * The law, in short: STARTUP grows ×1.5 per interval until an abort condition, then one cut anchored on the rate
 * the broker delivered in that interval, and DRAIN sends below delivery until the backlog is gone. HOLD probes at
 * once while climbing, else every `probeEveryMs` (30 s) while latency is flat or every `kneeProbeEveryMs` (5 min)
 * while queueing delay is visible (there a capacity-increase detector restarts the climb instead). The candidate
 * is the edge (highest accepted rate) plus a step that doubles on each accepted probe far below the knee, capped
 * at √(edge·failing rate) while a failing rate is remembered (CUBIC's W_max). A probe is accepted on a merged 3-interval
 * window (p99w ≤ setpoint, no interval above the upper deadband); when the climb ends the controller holds
 * `holdMargin` below the edge. Mild misses cut ×0.95 (compounding while they repeat). A broker throttle time (a
 * client quota) comes before all of that: the quota is estimated from it (QuotaEstimator), the rate held at
 * `throttleHoldFactor` × the estimate, and from then on each probe lasts a quota window. bench/RESULTS.md has the
 * measurements behind each departure from the original proposal.
 *
 * This class is the public face and the dispatcher; each state's rule is a module of its own (warmup-state.ts,
 * startup-state.ts, hold-state.ts, probe-state.ts, drain-state.ts, overload-state.ts, degraded-state.ts,
 * fixed-state.ts, and quota-policy.ts for a broker quota), all sharing one ControllerCore (controller-core.ts).
 *
 * Use: `update(sample)` once per interval → `Decision`; `setMode('fixed', rate)` / `setMode('adaptive', rate?)`;
 * `configure(partialSettings)` (PUT /controller); `status()` (GET /controller); `decisions()` (recent history).
 */
export class AdaptiveController {
  private readonly core: ControllerCore;
  private decisionHistory: Decision[] = [];

  constructor(settings: Partial<ControllerSettings>, clock: Clock) {
    this.core = new ControllerCore(resolveControllerSettings(settings), clock);
    const { mode, fixedRate, initialRate } = this.core.settings;
    if (mode === 'fixed') this.setMode('fixed', fixedRate);
    else this.setMode('adaptive', initialRate);
  }

  get state(): ControllerState {
    return this.core.state;
  }

  /** The rate in force (msg/s). */
  get rate(): number {
    return this.core.rate;
  }

  /** The highest rate the controller believes sustainable: its edge (last accepted probe or drained target). */
  get bestRate(): number {
    return this.core.edgeRate;
  }

  get lastCut(): CutRecord | undefined {
    return this.core.lastCut;
  }

  /** True while the rate is capped because this process could not keep its schedule. */
  get generatorLimited(): boolean {
    return this.core.generatorLimited;
  }

  get settings(): Readonly<ControllerSettings> {
    return this.core.settings;
  }

  /** The last `historyLength` decisions, oldest first. */
  decisions(): readonly Decision[] {
    return this.decisionHistory;
  }

  status(): ControllerStatus {
    const core = this.core;
    return {
      mode: core.state === 'FIXED' ? 'fixed' : 'adaptive',
      state: core.state,
      rate: core.rate,
      bestRate: core.edgeRate,
      lastCut: core.lastCut,
      failingRate: core.recentFailure(),
      quotaRate: core.quotaRate,
      generatorLimited: core.generatorLimited,
      latencyFloorMs: core.latencyBand.seenFloorMs(),
      thresholds: core.thresholds(),
      settings: core.settings,
    };
  }

  /**
   * `fixed`: send at `rate` (default settings.fixedRate) until told otherwise. `adaptive`: restart the search
   * (WARMUP, then STARTUP) from `rate`, else from the rate in force, else initialRate.
   */
  setMode(mode: 'adaptive' | 'fixed', rate?: number): Decision {
    const core = this.core;
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0))
      throw invalid('INVALID_ARGUMENT', { field: 'rate' }, 'a rate > 0 (msg/s)', rate);
    core.nowNs = Math.max(core.nowNs, core.clock.nowNs());
    if (mode === 'fixed') {
      const fixedRate = rate ?? core.settings.fixedRate;
      core.settings = { ...core.settings, mode: 'fixed', fixedRate };
      core.state = 'FIXED';
      core.rate = fixedRate;
      return this.record({
        rate: fixedRate,
        kind: 'fixed',
        reason: `fixed rate ${fmt(fixedRate)}/s set by operator`,
      });
    }
    if (mode !== 'adaptive')
      throw invalid('INVALID_ARGUMENT', { field: 'mode' }, '"adaptive" or "fixed"', mode);
    const startRate = core.clampRate(
      rate ?? (this.decisionHistory.length > 0 ? core.rate : core.settings.initialRate),
    );
    core.settings = { ...core.settings, mode: 'adaptive' };
    core.restart(startRate);
    const warm = core.settings.warmupMs > 0;
    core.state = warm ? 'WARMUP' : 'STARTUP';
    const reason = warm ? `adaptive: warm-up for ${core.settings.warmupMs} ms` : 'adaptive: startup';
    return this.record({
      rate: startRate,
      kind: warm ? 'warmup' : 'hold',
      reason: `${reason} at ${fmt(startRate)}/s`,
    });
  }

  /**
   * Changes settings (PUT /controller); throws INVALID_ARGUMENT and changes nothing on a bad value. Merged windows
   * are dropped (their counts were taken at the old thresholds); a mode change goes through `setMode`.
   */
  configure(overrides: Partial<ControllerSettings>): void {
    const core = this.core;
    const { mode, ...rest } = overrides;
    const next = resolveControllerSettings(
      { ...rest, ...(mode === undefined ? {} : { mode }) },
      core.settings,
    );
    core.settings = { ...next, mode: core.settings.mode };
    core.quotaEstimator.window = core.settings.quotaWindowMs;
    core.judgeWindow = [];
    core.pendingCounts = undefined;
    core.increaseDetector.resetBaseline();
    if (mode !== undefined && mode !== core.settings.mode) this.setMode(mode);
    else if (core.state === 'FIXED') core.rate = core.settings.fixedRate;
    else core.rate = core.clampRate(core.rate);
  }

  /** One control interval: read the sample, decide the rate for the next interval. */
  update(sample: ControlSample): Decision {
    const core = this.core;
    const { settings } = core;
    core.nowNs = sample.nowNs;
    const latest = countsOf(sample, core.thresholds(), settings.intervalMs * NS_PER_MS);
    const signals = intervalSignals(sample, latest, core.rate, settings);
    core.latencyBand.learn(latest, settings);
    // The broker's quota window is the client's history, whatever the controller's state: observe every interval.
    core.quotaEstimator.observe(sample.acks, sample.intervalNs);
    if (sample.throttleTimeMs > 0) {
      core.quotaEstimator.throttled(sample.throttleTimeMs, sample.nowNs);
      core.quotaSeen = true;
    }
    core.recentAckRates.push(signals.ackRate);
    if (core.recentAckRates.length > settings.judgeIntervals) core.recentAckRates.shift();
    return this.record(this.decide(sample, latest, signals), signals, sample.inflight);
  }

  /** Which rule speaks this interval: the state's own, unless a guard rail or an overload comes first. */
  private decide(sample: ControlSample, latest: IntervalCounts, signals: IntervalSignals): Outcome {
    const core = this.core;
    const { settings } = core;
    if (core.state === 'FIXED') return fixedState.decide(core, signals);
    if (latest.fatal > 0) return degradedState.enter(core, `${latest.fatal} fatal send errors`);
    if (core.state === 'DEGRADED') return degradedState.decide(core);
    if (core.state === 'WARMUP') return warmupState.decide(core);
    if (latest.topology > 0) core.topologyFreezeUntilNs = core.nowNs + settings.topologyFreezeMs * NS_PER_MS;
    // A quota is checked first: its delays explain the latency (and any backlog) until a window after the last
    // throttle, and the estimate says where to hold; cutting on latency or a bursty 1-s ack rate would undershoot.
    if (core.quotaRate !== undefined && core.quotaEstimator.active(core.nowNs)) {
      if (overloadState.errorCause(core, latest) === undefined) {
        const outcome = quotaPolicy.decide(core, sample);
        // Paying the broker's window back at minRate is deliberate, not a controller pinned by overload.
        if (core.state === 'DRAIN') {
          core.intervalsAtMinRate = 0;
          return outcome;
        }
        return degradedState.checkPinned(core, outcome);
      }
    }
    if (core.state === 'DRAIN')
      return degradedState.checkPinned(core, drainState.decide(core, latest, signals, sample.inflight));

    // Priority when signals disagree (docs/controller.md): fatal > congestion errors > self-saturation > latency.
    const counts = core.pendingCounts === undefined ? latest : mergeCounts(core.pendingCounts, latest);
    const errorWhy = overloadState.errorCause(core, counts);
    if (errorWhy !== undefined)
      return overloadState.cut(core, errorWhy, true, true, signals, sample.inflight);
    if (signals.generatorLimited) return overloadState.capAtGenerator(core, signals);
    const late = overloadState.latencyCause(core, counts, signals);
    if (late !== undefined)
      return overloadState.cut(core, late.why, late.severe, false, signals, sample.inflight);
    if (counts.acks < settings.minSamples && counts.intervals < settings.maxMergeIntervals) {
      core.pendingCounts = counts;
      return {
        rate: core.rate,
        kind: 'hold',
        reason: `too few samples (${counts.acks} < ${settings.minSamples} acks)`,
      };
    }
    core.pendingCounts = undefined;
    if (core.state === 'STARTUP') return startupState.decide(core, counts);
    if (core.state === 'PROBE') return probeState.decide(core, counts);
    return degradedState.checkPinned(core, holdState.decide(core, counts));
  }

  /** Clamps the outcome (except a fixed rate), makes it the rate in force and keeps it in the history. */
  private record(outcome: Outcome, signals?: IntervalSignals, inflight = 0): Decision {
    const core = this.core;
    const rate = core.state === 'FIXED' ? outcome.rate : core.clampRate(outcome.rate);
    core.rate = rate;
    const decision: Decision = {
      atNs: core.nowNs,
      rate,
      state: core.state,
      kind: outcome.kind,
      reason: outcome.reason,
      cause: causeOf(outcome.kind, outcome.reason),
      generatorLimited: signals?.generatorLimited ?? false,
      p99Ms: signals?.p99Ms ?? 0,
      ackRate: signals?.ackRate ?? 0,
      sendRate: signals?.sendRate ?? 0,
      errorRate: signals?.errorRate ?? 0,
      inflight,
    };
    this.decisionHistory.push(decision);
    if (this.decisionHistory.length > core.settings.historyLength) this.decisionHistory.shift();
    return decision;
  }
}
