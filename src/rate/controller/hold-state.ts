import { type ControllerCore, NS_PER_MS, type Outcome } from './controller-core.js';
import { type IntervalCounts, mergeAll, p99Above } from './interval-counts.js';
import { fmt } from './interval-signals.js';
import { overloadState } from './overload-state.js';
import { probeState } from './probe-state.js';

/** How many times more often than probeEveryMs HOLD probes while a quota estimate stands. */
const QUOTA_PROBE_RATE = 2;

/**
 * HOLD (docs/controller.md "What it does"): keep the rate, judged on a merged window of judgeIntervals
 * intervals. p99w above the upper deadband for holdCutIntervals evaluations: a gentle cut. Otherwise probe at once
 * while climbing, else every probeEveryMs (jittered) while latency is flat, or every kneeProbeEveryMs while
 * queueing delay is visible — there the capacity-increase detector restarts the climb instead.
 */
function decide(core: ControllerCore, counts: IntervalCounts): Outcome {
  const { settings } = core;
  const thresholds = core.thresholds();
  core.holdEvaluationsSinceChange += 1;
  core.pushToJudgeWindow(counts);
  const merged = mergeAll(core.judgeWindow)!;
  const windowFull = core.judgeWindow.length >= settings.judgeIntervals;
  core.holdAboveHighStreak = p99Above(merged.overHigh, merged.acks) ? core.holdAboveHighStreak + 1 : 0;
  if (core.holdAboveHighStreak >= settings.holdCutIntervals)
    return overloadState.gentleCut(
      core,
      `p99w above ${fmt(thresholds.highMs)} ms for ${core.holdAboveHighStreak} evaluations`,
    );
  const increaseNote = windowFull ? detectIncrease(core) : '';
  if (core.increasesBlocked())
    return { rate: core.rate, kind: 'freeze', reason: core.increasesBlockedReason() };
  // Refining a fresh cut target only makes sense if its first full window leaves room below the band.
  if (windowFull && p99Above(merged.overLow, merged.acks)) core.refineCutTarget = false;
  // No probe from a window that is over the lower band, or whose latest interval is in the upper one.
  const rising = p99Above(counts.overHigh, counts.acks);
  if (!windowFull || rising || p99Above(merged.overLow, merged.acks) || core.rate >= settings.maxRate)
    return { rate: core.rate, kind: 'hold', reason: 'hold' };
  const delayVisible = core.increaseDetector.visible(core.latencyBand.visibleMs(settings));
  // Under a quota estimate a probe is a lift probe (probe-state.ts): twice as often, so that a lifted quota is
  // found within ~half a minute; an unchanged one throttles it within about two intervals.
  const waitMs = delayVisible
    ? settings.kneeProbeEveryMs
    : core.probeWaitMs / (core.quotaRate === undefined ? 1 : QUOTA_PROBE_RATE);
  const probeDue =
    core.nowNs - core.lastProbeEndNs >= waitMs * NS_PER_MS || (core.refineCutTarget && delayVisible);
  if (!core.climbing && !probeDue) return { rate: core.rate, kind: 'hold', reason: 'hold' };
  return probeState.start(core, increaseNote);
}

/** Runs the capacity-increase detector on a full window; on a detection, forget the failing rate and climb at once. */
function detectIncrease(core: ControllerCore): string {
  const { settings } = core;
  const why = core.increaseDetector.observe(
    core.rate,
    queueDelayMs(core),
    core.latencyBand.visibleMs(settings),
    settings.increaseDetectRatio,
  );
  if (why === undefined) return '';
  core.lastFailure = undefined;
  core.probeStep = settings.probeStepMin;
  core.climbing = true;
  return `${why}: capacity grew; `;
}

/** Queueing delay at the held rate: mean p99 of the window above the floor. */
function queueDelayMs(core: ControllerCore): number {
  const sum = core.judgeWindow.reduce((acc, c) => acc + c.p99Ms, 0);
  return Math.max(
    0,
    sum / Math.max(1, core.judgeWindow.length) - core.latencyBand.queueFloorMs(core.settings),
  );
}

export const holdState = { decide };
