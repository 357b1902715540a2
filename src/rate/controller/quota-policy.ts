import type { ControlSample } from './control-sample.js';
import type { ControllerCore, Outcome } from './controller-core.js';
import { drainState } from './drain-state.js';
import { fmt, type IntervalSignals } from './interval-signals.js';
import { probeState } from './probe-state.js';

/**
 * Broker throttling, now or within a quota window (docs/controller.md "Under a broker quota"): a client quota Q̂ estimated by
 * QuotaEstimator. `AdaptiveController` asks this before any other rule while the throttle is recent: the quota's
 * delays explain the latency (and any backlog), and cutting on latency or on a bursty 1-s ack rate would
 * undershoot.
 *
 * Hold at `throttleHoldFactor`·Q̂, draining first while more than one SLO's worth of messages waits in flight (the
 * overshoot that made the broker throttle is still queued). No latency cut while the throttle lasts: the broker
 * is paying back the overshoot over its window, and the 1-s ack rate (muted, then a burst) is no delivery
 * estimate. A probe throttled here failed: the failing rate caps the next ones while it is remembered.
 */
function decide(core: ControllerCore, signals: IntervalSignals, sample: ControlSample): Outcome {
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
  core.lastProbeEndNs = core.nowNs;
  core.increaseDetector.reset();
  const aboveTarget = from > target * (1 + settings.probeMinGain);
  if (aboveTarget) {
    const reason = `${why}: hold ${fmt(settings.throttleHoldFactor)}× quota`;
    core.lastCut = { fromRate: from, toRate: target, atNs: core.nowNs, reason };
  }
  // More than an SLO's worth of messages waits, or the broker mutes for longer than the SLO: drain. Mutes come
  // and go while the broker pays back an overshoot, so DRAIN ends only after two calm intervals in a row.
  const slo = settings.p99TargetMs;
  const calm =
    !signals.backlog &&
    !signals.stall &&
    sample.acks > 0 &&
    sample.throttleTimeMs < slo &&
    sample.inflight <= (target * slo) / 1000;
  core.calmIntervalsUnderQuota = calm ? core.calmIntervalsUnderQuota + 1 : 0;
  const queued = core.state === 'DRAIN' ? core.calmIntervalsUnderQuota < 2 : !calm;
  if (queued) {
    if (core.state !== 'DRAIN') drainState.enter(core, target);
    core.drainTargetRate = target;
    return {
      rate: drainState.rate(core, signals, sample.inflight),
      kind: aboveTarget ? 'cut' : 'drain',
      reason: `${why}: drain to ${fmt(target)}/s`,
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

export const quotaPolicy = { decide };
