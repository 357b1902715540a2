import type { ControllerCore, Outcome } from './controller-core.js';
import { type IntervalCounts, p99Above, perSecond } from './interval-counts.js';
import { fmt } from './interval-signals.js';

/**
 * STARTUP (docs/controller.md "What it does"): grow ×growthFactor per interval while the interval's p99 stays
 * within the setpoint, and at most to startupWindowMultiple × the windowed rate; on the first interval above the
 * setpoint, fall back to the last good rate and HOLD. Growth also ends at maxRate, at ackRateCap × the ack rate
 * and under a quota already estimated.
 */
function decide(core: ControllerCore, counts: IntervalCounts): Outcome {
  const { settings } = core;
  if (core.increasesBlocked())
    return { rate: core.rate, kind: 'freeze', reason: core.increasesBlockedReason() };
  if (p99Above(counts.overSetpoint, counts.acks)) {
    const fallback = core.lastGoodStartupRate ?? core.rate;
    const failedRate = core.rate;
    core.rememberFailure(failedRate);
    core.edgeRate = fallback;
    core.enterHold(fallback);
    const setpoint = fmt(core.thresholds().setpointMs);
    return {
      rate: fallback,
      kind: 'hold',
      reason: `p99 above setpoint ${setpoint} ms at ${fmt(failedRate)}/s: hold at last good rate`,
    };
  }
  const ackRate = perSecond(counts.acks, counts);
  let next = Math.min(core.rate * settings.growthFactor, settings.maxRate, settings.ackRateCap * ackRate);
  // A quota already estimated (seen in fixed mode, or before a restart): start-up stops under it, and
  // probes (a quota window each) find out whether it still holds.
  const quotaCap = core.quotaRate === undefined ? Infinity : settings.throttleHoldFactor * core.quotaRate;
  next = Math.min(next, Math.max(quotaCap, settings.minRate));
  // Paced by the quota window (settings.startupWindowMultiple; docs/controller.md "Under a broker quota"): a
  // broker throttles only once the windowed rate passes its quota, so until then the quota is at least that rate
  // (or the start rate, taken as sustainable), and a rate within the multiple of it is within the multiple of
  // the quota. Where the window holds growth back, grow as far as it allows, or wait an interval.
  const multiple = settings.startupWindowMultiple;
  const windowCap =
    multiple > 0
      ? multiple * Math.max(core.quotaEstimator.windowRate(core.startupFromRate), core.startupFromRate)
      : Infinity;
  if (windowCap < next && next > core.rate) {
    const paced = Math.max(core.rate, windowCap);
    if (paced > core.rate) {
      core.lastGoodStartupRate = core.rate;
      core.edgeRate = core.rate;
    }
    return {
      rate: paced,
      kind: paced > core.rate ? 'grow' : 'hold',
      reason: `p99 within setpoint: paced at ${fmt(multiple)}× the windowed rate ${fmt(paced / multiple)}/s`,
    };
  }
  if (next <= core.rate) {
    const holdRate = Math.min(core.rate, next);
    core.edgeRate = holdRate;
    core.enterHold(holdRate);
    const limit = next === quotaCap ? `the quota estimate ${fmt(core.quotaRate!)}/s` : 'maxRate';
    return {
      rate: holdRate,
      kind: 'hold',
      reason: `growth capped (${limit} or ${settings.ackRateCap}× ack rate)`,
    };
  }
  core.lastGoodStartupRate = core.rate;
  core.edgeRate = core.rate;
  return { rate: next, kind: 'grow', reason: `p99 within setpoint: ×${settings.growthFactor}` };
}

export const startupState = { decide };
