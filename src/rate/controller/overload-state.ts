import { type ControllerCore, NS_PER_MS, type Outcome, pct } from './controller-core.js';
import { drainState } from './drain-state.js';
import type { IntervalCounts } from './interval-counts.js';
import { fmt, type IntervalSignals, latencyOver } from './interval-signals.js';
import { probeState } from './probe-state.js';

/**
 * Overload (docs/controller.md "What it does"). STARTUP/HOLD: one cut anchored on the delivered rate, then DRAIN
 * (a mild latency miss in HOLD is a gentle cut instead). PROBE: abort back to the rate held before the probe.
 * `errors`: the cause is congestion errors or retries (errorBeta), else latency (latencyBeta).
 */
function cut(
  core: ControllerCore,
  why: string,
  severe: boolean,
  errors: boolean,
  signals: IntervalSignals,
  inflight: number,
): Outcome {
  const { settings } = core;
  core.pendingCounts = undefined;
  if (core.state === 'HOLD' && !severe) {
    // The first evaluation after a change still carries the previous rate's queue: judge the new rate next time.
    if (core.holdEvaluationsSinceChange++ === 0)
      return { rate: core.rate, kind: 'hold', reason: `${why}: settling after a change` };
    return gentleCut(core, why);
  }
  if (core.state === 'PROBE') {
    const fallback = core.rateBeforeProbe;
    probeState.end(core, true);
    drainState.enter(core, fallback);
    return {
      rate: drainState.rate(core, signals, inflight),
      kind: 'revert',
      reason: `probe aborted: ${why}`,
    };
  }
  const from = core.rate;
  let to = from * (errors ? settings.errorBeta : settings.latencyBeta);
  // Anchor on what the broker delivered in this very interval: older ack rates are stale after a capacity drop.
  const anchored = !signals.stall && signals.ackRate > 0;
  if (anchored) to = Math.min(to, settings.deliveredFraction * signals.ackRate);
  to = core.clampRate(to);
  core.rememberFailure(from);
  const reason = `${why}: cut to ${fmt(to)}/s`;
  core.lastCut = { fromRate: from, toRate: to, atNs: core.nowNs, reason };
  core.edgeRate = to;
  core.increaseDetector.reset();
  core.probeStep = settings.probeStepMin;
  core.lastProbeEndNs = core.nowNs;
  drainState.enter(core, to);
  // Without a delivery measurement (a stall) the cut is a guess: climb back toward the failing rate once
  // drained. With one, the target sits `deliveredFraction` under what was delivered: refine it where latency
  // shows the knee.
  core.climbing = !anchored;
  core.refineCutTarget = anchored;
  return { rate: drainState.rate(core, signals, inflight), kind: 'cut', reason };
}

/** A mild miss (p99 over the SLO but not severe, or p99w in the upper deadband): ×holdCutFactor, no drain. */
function gentleCut(core: ControllerCore, why: string): Outcome {
  const { settings } = core;
  const from = core.rate;
  // Misses that keep coming (capacity sliding down) compound the cut: ×0.95, ×0.90, ×0.86 … (at least ×0.5).
  const recent = core.nowNs - core.lastGentleCutNs <= 10 * settings.intervalMs * NS_PER_MS;
  core.gentleCutStreak = recent ? core.gentleCutStreak + 1 : 1;
  core.lastGentleCutNs = core.nowNs;
  const factor = Math.max(0.5, settings.holdCutFactor ** core.gentleCutStreak);
  const to = core.clampRate(from * factor);
  const reason = `${why}: ×${fmt(factor)}`;
  core.rememberFailure(from);
  core.lastCut = { fromRate: from, toRate: to, atNs: core.nowNs, reason };
  core.edgeRate = Math.min(core.edgeRate, to);
  core.enterHold(to);
  core.probeStep = settings.probeStepMin;
  core.climbing = false;
  core.lastProbeEndNs = core.nowNs;
  return { rate: to, kind: 'cut', reason };
}

/** Error-side overload: congestion errors or retries above their thresholds; undefined if none. */
function errorCause(core: ControllerCore, counts: IntervalCounts): string | undefined {
  const { settings } = core;
  const attempts = counts.acks + counts.congestion;
  const enough = counts.acks >= settings.minSamples;
  if (
    counts.congestion > 0 &&
    counts.congestion > settings.maxErrorRate * attempts &&
    (enough || counts.congestion >= 10)
  )
    return `congestion errors ${pct(counts.congestion / attempts)} > ${pct(settings.maxErrorRate)}`;
  if (enough && counts.topology === 0 && counts.retries > settings.maxRetryRate * counts.acks)
    return `retries ${pct(counts.retries / counts.acks)} of acks > ${pct(settings.maxRetryRate)}`;
  return undefined;
}

/** Latency-side overload: severe (stall, backlog, p99 > severeFactor·S, ack deficit) or mild (p99 > S). */
function latencyCause(
  core: ControllerCore,
  counts: IntervalCounts,
  signals: IntervalSignals,
): { why: string; severe: boolean } | undefined {
  const { settings } = core;
  const slo = settings.p99TargetMs;
  const minSamples = settings.minSamples;
  if (signals.stall) return { why: `no acks, oldest in flight past the SLO ${slo} ms`, severe: true };
  if (signals.backlog) return { why: 'backlog: in flight > 2·r·S', severe: true };
  if (latencyOver(counts.overSevere, counts.acks, signals.censoredOverSevere, minSamples))
    return { why: `p99 ${fmt(signals.p99Ms)} ms > ${settings.severeFactor}·SLO`, severe: true };
  if (counts.acks >= minSamples && counts.acks < 0.9 * counts.sent)
    return { why: 'ack rate < 0.9·send rate', severe: true };
  if (latencyOver(counts.overSlo, counts.acks, signals.censoredOverSlo, minSamples))
    return { why: `p99 ${fmt(signals.p99Ms)} ms > SLO ${slo} ms`, severe: false };
  return undefined;
}

/** Self-saturation: this process could not keep its schedule; cap at the rate it achieved and HOLD there. */
function capAtGenerator(core: ControllerCore, signals: IntervalSignals): Outcome {
  const base = core.state === 'PROBE' ? core.rateBeforeProbe : core.rate;
  const to = core.clampRate(Math.min(base, signals.sendRate));
  core.generatorCap = { rate: to, atNs: core.nowNs };
  if (core.state === 'PROBE') probeState.end(core, false);
  core.edgeRate = Math.min(core.edgeRate || to, to);
  core.enterHold(to);
  return {
    rate: to,
    kind: 'cap',
    reason: `generator-limited (${signals.generatorReason}): cap at achieved rate`,
  };
}

export const overloadState = { cut, gentleCut, errorCause, latencyCause, capAtGenerator };
