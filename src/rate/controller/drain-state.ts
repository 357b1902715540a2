import type { ControllerCore, Outcome } from './controller-core.js';
import type { IntervalCounts } from './interval-counts.js';
import { fmt, type IntervalSignals, latencyOver } from './interval-signals.js';

/** Enters DRAIN toward `targetRate`: send below delivery until the backlog is gone, then HOLD at the target. */
function enter(core: ControllerCore, targetRate: number): void {
  core.state = 'DRAIN';
  core.drainTargetRate = targetRate;
  core.drainIntervals = 0;
  core.lateWithoutQueueStreak = 0;
  core.judgeWindow = [];
  core.pendingCounts = undefined;
}

/**
 * DRAIN (docs/controller.md "What it does"): drained once no backlog, stall, late acks or residual queue is left.
 * Late acks with no queue left (twice), or drainMaxIntervals without draining, cut the target again.
 */
function decide(
  core: ControllerCore,
  latest: IntervalCounts,
  signals: IntervalSignals,
  inflight: number,
): Outcome {
  const { settings } = core;
  core.drainIntervals += 1;
  const late = latencyOver(latest.overSlo, latest.acks, signals.censoredOverSlo, settings.minSamples);
  // Drained means back to about the floor's worth of messages in flight, not merely under the SLO: a residual
  // queue at a rate just under capacity would take many seconds to clear on its own.
  const residual = inflight > 2 * core.drainTargetRate * core.latencyBand.floorLatencyS(settings) + 1;
  if (!(signals.backlog || signals.stall || late || residual)) {
    const target = core.drainTargetRate;
    core.enterHold(target);
    return { rate: target, kind: 'hold', reason: `drained: hold at ${fmt(target)}/s` };
  }
  // No queue left, yet acks are still late: the target itself is above capacity (the cut was not deep enough).
  core.lateWithoutQueueStreak = !residual && !signals.stall && late ? core.lateWithoutQueueStreak + 1 : 0;
  if (core.lateWithoutQueueStreak >= 2 || core.drainIntervals >= settings.drainMaxIntervals) {
    core.lateWithoutQueueStreak = 0;
    const from = core.drainTargetRate;
    let to = from * settings.latencyBeta;
    if (latest.acks > 0) to = Math.min(to, settings.deliveredFraction * signals.ackRate);
    to = core.clampRate(to);
    const reason = `still over the SLO after ${core.drainIntervals} intervals: cut target to ${fmt(to)}/s`;
    core.lastCut = { fromRate: from, toRate: to, atNs: core.nowNs, reason };
    core.rememberFailure(from);
    core.drainTargetRate = to;
    core.edgeRate = Math.min(core.edgeRate, to);
    core.drainIntervals = 0;
    return { rate: rate(core, signals, inflight), kind: 'cut', reason };
  }
  return { rate: rate(core, signals, inflight), kind: 'drain', reason: 'draining backlog' };
}

/** The DRAIN send rate: below delivery, to clear the in-flight excess over the floor's worth in about a second. */
function rate(core: ControllerCore, signals: IntervalSignals, inflight: number): number {
  const { settings } = core;
  const target = core.drainTargetRate;
  const excess = Math.max(0, inflight - target * core.latencyBand.floorLatencyS(settings));
  return Math.max(settings.minRate, settings.drainFloor * target, Math.min(target, signals.ackRate - excess));
}

export const drainState = { enter, decide, rate };
