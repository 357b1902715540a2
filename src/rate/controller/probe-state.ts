import { type ControllerCore, NS_PER_MS, type Outcome, pct } from './controller-core.js';
import { type IntervalCounts, mergeAll, p99Above, type Thresholds } from './interval-counts.js';
import { fmt } from './interval-signals.js';

/** A probe accepted this far above the quota estimate, a whole quota window long, means the quota was lifted. */
const QUOTA_LIFTED = 1.15;
/**
 * Under a quota estimate Q̂ a probe goes to LIFT_PROBE·Q̂ at once (not up the ladder of small steps, a quota window
 * each), and once the client's windowed rate passes LIFT_WINDOW·Q̂ without a throttle the quota was raised or
 * lifted: start-up takes over (paced by the quota window, startup-state.ts). An unchanged quota throttles the
 * probe within about two intervals, and the quota policy pays the overshoot back.
 */
const LIFT_PROBE = 1.1;
const LIFT_WINDOW = 1.05;

/**
 * Starts a PROBE (docs/controller.md "What it does") at edge·(1 + step), capped at √(edge·failing rate) while a
 * failing rate is remembered (CUBIC's W_max), by the generator's cap, maxRate and ackRateCap × the recent ack
 * rate. A probe that would gain less than probeMinGain is skipped and the climb ends.
 */
function start(core: ControllerCore, why: string): Outcome {
  const { settings } = core;
  const base = Math.max(core.edgeRate, core.rate);
  const uncapped = base * (1 + core.probeStep);
  let probeRate = uncapped;
  const failure = core.recentFailure();
  if (failure !== undefined) probeRate = Math.min(probeRate, Math.sqrt(base * failure.rate));
  const quota = core.quotaRate;
  if (quota !== undefined) probeRate = Math.max(probeRate, LIFT_PROBE * quota);
  if (core.generatorLimited) probeRate = Math.min(probeRate, core.generatorCap!.rate);
  probeRate = Math.min(probeRate, settings.maxRate, settings.ackRateCap * Math.max(...core.recentAckRates));
  if (probeRate < base * (1 + settings.probeMinGain)) {
    core.climbing = false;
    core.probeStep = settings.probeStepMin;
    core.lastProbeEndNs = core.nowNs;
    return {
      rate: core.rate,
      kind: 'hold',
      reason: `${why}probe skipped: capped within ${pct(settings.probeMinGain)}`,
    };
  }
  core.rateBeforeProbe = core.rate;
  core.refineCutTarget = false;
  core.judgeProbeOnOneInterval = core.climbing && core.lastAcceptFarBelowKnee;
  core.probeRate = probeRate;
  core.probeRateCapped = probeRate < uncapped;
  core.probeEvaluations = 0;
  core.probeStartNs = core.nowNs;
  core.judgeWindow = [];
  core.state = 'PROBE';
  const capNote = failure !== undefined && core.probeRateCapped ? ` (≤ √(edge·${fmt(failure.rate)}))` : '';
  return {
    rate: probeRate,
    kind: 'probe',
    reason: `${why}probe ${fmt(probeRate)}/s = edge +${pct(probeRate / base - 1)}${capNote}`,
  };
}

/**
 * Judges the running probe on a merged window of judgeIntervals intervals (and, once a quota was seen, at least a
 * quota window): accepted if the window's p99 is within the setpoint, no interval is above the upper deadband and
 * nothing failed with a congestion error. Accepted far below the knee: climb on with a bigger step; else hold
 * holdMargin below the accepted rate. Rejected: revert to the rate held before the probe.
 */
function decide(core: ControllerCore, counts: IntervalCounts): Outcome {
  const { settings } = core;
  if (core.increasesBlocked()) {
    end(core, false);
    core.enterHold(core.rateBeforeProbe);
    return { rate: core.rate, kind: 'revert', reason: `probe stopped: ${core.increasesBlockedReason()}` };
  }
  const quota = core.quotaRate;
  const windowRate = core.quotaEstimator.windowRate();
  if (quota !== undefined && windowRate >= LIFT_WINDOW * quota) return lifted(core, quota, windowRate);
  core.pushToJudgeWindow(counts);
  core.probeEvaluations += 1;
  const thresholds = core.thresholds();
  // Far below the knee a queue settles within an interval: one quiet evaluation judges a climb step. Under a
  // known quota it does not: the broker may throttle up to a quota window after the rate rose.
  const judgedQuickly =
    !core.quotaSeen &&
    core.judgeProbeOnOneInterval &&
    core.judgeWindow.every((c) => !p99Above(c.overClimb, c.acks) && c.congestion === 0);
  const needed = settings.judgeIntervals;
  // Once a quota was seen, a probe also lasts a quota window and an interval: enforcement lags by a window.
  const quotaWaitMs = core.quotaSeen ? settings.quotaWindowMs + settings.intervalMs : 0;
  const ranMs = (core.nowNs - core.probeStartNs) / NS_PER_MS;
  if ((core.probeEvaluations < needed || ranMs < quotaWaitMs) && !judgedQuickly) {
    const more =
      ranMs < quotaWaitMs ? `, quota window ${fmt(ranMs / 1000)}/${fmt(quotaWaitMs / 1000)} s` : '';
    return {
      rate: core.rate,
      kind: 'hold',
      reason: `judging probe ${core.probeEvaluations}/${needed}${more}`,
    };
  }
  const merged = mergeAll(core.judgeWindow)!;
  const noIntervalHigh = core.judgeWindow.every((c) => !p99Above(c.overHigh, c.acks));
  if (!p99Above(merged.overSetpoint, merged.acks) && noIntervalHigh && merged.congestion === 0)
    return accept(core, merged, thresholds);
  const fallback = core.rateBeforeProbe;
  end(core, true);
  core.enterHold(fallback);
  return {
    rate: fallback,
    kind: 'revert',
    reason: `probe p99w above ${fmt(thresholds.setpointMs)} ms or an interval above ${fmt(thresholds.highMs)} ms: revert`,
  };
}

/** The quota was raised or lifted: forget it and climb as start-up does, from the probe rate. */
function lifted(core: ControllerCore, quota: number, windowRate: number): Outcome {
  core.quotaEstimator.forget();
  core.lastFailure = undefined;
  core.climbing = false;
  core.probeStep = core.settings.probeStepMin;
  core.lastProbeEndNs = core.nowNs;
  core.edgeRate = core.probeRate;
  core.lastGoodStartupRate = core.probeRate;
  core.startupFromRate = core.probeRate;
  core.judgeWindow = [];
  core.pendingCounts = undefined;
  core.state = 'STARTUP';
  return {
    rate: core.probeRate,
    kind: 'hold',
    reason: `quota lifted: windowed rate ${fmt(windowRate)}/s above ${fmt(LIFT_WINDOW)}× the quota estimate ${fmt(quota)}/s without a throttle; start-up`,
  };
}

function accept(core: ControllerCore, merged: IntervalCounts, thresholds: Thresholds): Outcome {
  const { settings } = core;
  const accepted = core.probeRate;
  core.edgeRate = accepted;
  const lifted = core.quotaRate !== undefined && accepted > QUOTA_LIFTED * core.quotaRate;
  if (lifted) {
    // A quota window at a rate well above the estimate without a throttle: the quota was raised or lifted.
    core.quotaEstimator.forget();
  }
  const note = lifted ? 'quota lifted; ' : '';
  // Far below the knee: double the step. Inside the lower band: keep approaching with the smallest step.
  // Past the lower band: this is the edge; hold a margin below it.
  const farBelowKnee = !p99Above(merged.overClimb, merged.acks);
  core.lastAcceptFarBelowKnee = farBelowKnee;
  core.climbing = !p99Above(merged.overLow, merged.acks);
  // Once a quota was seen each probe lasts a quota window: the step grows ×4, not ×2, to keep the climb
  // after a quota increase to a few windows.
  const stepGrowth = core.quotaSeen ? 4 : 2;
  if (farBelowKnee && !core.probeRateCapped)
    core.probeStep = Math.min(core.probeStep * stepGrowth, settings.probeStepMax);
  else if (!farBelowKnee) core.probeStep = settings.probeStepMin;
  core.lastProbeEndNs = core.nowNs;
  core.probeWaitMs = core.nextProbeWait();
  if (core.climbing) {
    core.state = 'HOLD';
    const below = fmt(farBelowKnee ? thresholds.climbMs : thresholds.lowMs);
    const next = start(core, `${note}accept ${fmt(accepted)}/s (p99w below ${below} ms); `);
    if (next.kind === 'probe') return next;
    core.enterHold(accepted);
    return { ...next, rate: accepted };
  }
  const holdRate = accepted * (1 - settings.holdMargin);
  core.enterHold(holdRate);
  return {
    rate: holdRate,
    kind: 'accept',
    reason: `${note}accept ${fmt(accepted)}/s (p99w ≤ ${fmt(thresholds.setpointMs)} ms): hold ${pct(settings.holdMargin)} below`,
  };
}

/** A probe that failed leaves a failing rate; a failed big step keeps climbing (capped) from the edge at once. */
function end(core: ControllerCore, failed: boolean): void {
  if (failed) core.rememberFailure(core.probeRate);
  core.climbing = failed && core.probeStep > core.settings.probeStepMin;
  core.lastAcceptFarBelowKnee = false;
  core.probeStep = core.settings.probeStepMin;
  core.lastProbeEndNs = core.nowNs;
  core.probeWaitMs = core.nextProbeWait();
}

export const probeState = { start, decide, end };
