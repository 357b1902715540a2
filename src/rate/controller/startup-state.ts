import type { ControllerCore, Outcome } from './controller-core.js';
import { type IntervalCounts, p99Above, perSecond } from './interval-counts.js';
import { fmt } from './interval-signals.js';

/**
 * STARTUP (docs/controller.md "What it does"): grow ×growthFactor per interval while the interval's p99 stays
 * within the setpoint; on the first interval above it, fall back to the last good rate and HOLD. Growth also ends
 * at maxRate, at ackRateCap × the ack rate and under a quota already estimated.
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
