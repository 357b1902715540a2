import type { ControlSample } from './control-sample.js';
import type { ControllerCore, Outcome } from './controller-core.js';
import { drainState } from './drain-state.js';
import { fmt } from './interval-signals.js';
import { probeState } from './probe-state.js';

/**
 * Broker throttling, now or within a quota window of the end of the last mute (docs/controller.md "Under a broker
 * quota"): a client quota Q̂ estimated by QuotaEstimator. `AdaptiveController` asks this before any other rule
 * while the throttle is recent: the quota's delays explain the latency (and any backlog), and cutting on latency
 * or on a bursty 1-s ack rate would undershoot.
 *
 * Hold at `throttleHoldFactor`·Q̂, but first pay the broker's window back: send only what keeps the window (acks
 * of its last seconds, what is queued, and the next interval) within the held rate × the window. Without that, the
 * queue built while muted, sent at once when the mute ends, lands in the window and is throttled again (69 s
 * until the SLO came back after a halving on the real broker: bench/RESULTS.md). No latency cut while the
 * throttle lasts. A probe throttled here failed: the failing rate is remembered.
 */
function decide(core: ControllerCore, sample: ControlSample): Outcome {
  const { settings } = core;
  const quota = core.quotaRate!;
  let target = settings.throttleHoldFactor * quota;
  if (core.generatorLimited) target = Math.min(target, core.generatorCap!.rate);
  target = core.clampRate(target);
  const throttleNote =
    sample.throttleTimeMs > 0 ? `broker throttling ${fmt(sample.throttleTimeMs)} ms` : 'throttled';
  const why = `${throttleNote}, quota ≈ ${fmt(quota)}/s`;
  const from =
    core.state === 'DRAIN' ? core.drainTargetRate : core.state === 'PROBE' ? core.probeRate : core.rate;
  if (core.state === 'PROBE') probeState.end(core, true);
  else if (from > quota) core.rememberFailure(from);
  core.pendingCounts = undefined;
  core.edgeRate = target;
  core.climbing = false;
  core.refineCutTarget = false;
  core.probeStep = settings.probeStepMin;
  core.increaseDetector.reset();
  const aboveTarget = from > target * (1 + settings.probeMinGain);
  if (aboveTarget) {
    const reason = `${why}: hold ${fmt(settings.throttleHoldFactor)}× quota`;
    core.lastCut = { fromRate: from, toRate: target, atNs: core.nowNs, reason };
  }
  // Pay the broker back: whatever this client sends counts in the broker's window for W, so the next interval
  // may add only what keeps (acked over the last W − 1 interval + queued + next) ≤ the held rate × W. After a
  // quota halves, or after a catch-up burst, this drains below the quota until the window has room again,
  // instead of being throttled (and muted) once more.
  const budget = paybackRate(core, target, sample.inflight);
  const rate = core.clampRate(Math.min(target, budget));
  if (rate < target * (1 - settings.probeMinGain)) {
    if (core.state !== 'DRAIN') drainState.enter(core, target);
    core.drainTargetRate = target;
    return {
      rate,
      kind: aboveTarget ? 'cut' : 'drain',
      reason: `${why}: ${fmt(rate)}/s until the quota window has room for ${fmt(target)}/s`,
    };
  }
  if (core.state !== 'HOLD' || Math.abs(core.rate - target) > 1e-6 * target) {
    core.enterHold(target);
    return {
      rate: target,
      kind: aboveTarget ? 'cut' : 'cap',
      reason: `${why}: hold at ${fmt(target)}/s`,
    };
  }
  return { rate: target, kind: 'hold', reason: `${why}: holding under the quota` };
}

/**
 * The rate (msg/s) for the next interval that keeps the broker's window at or under `target` × its span. The span
 * is taken as (num − 1)/num of W (10 of 11 s): a broker whose window restarted after a mute divides by that.
 */
function paybackRate(core: ControllerCore, target: number, inflight: number): number {
  const { quotaWindowMs, intervalMs } = core.settings;
  const spanMs = (quotaWindowMs * 10) / 11;
  const earlier = core.quotaEstimator.sentInLast(spanMs - intervalMs);
  return ((target * spanMs) / 1000 - earlier - inflight) / (intervalMs / 1000);
}

export const quotaPolicy = { decide };
