/**
 * docs/controller.md's Harness A metrics, computed per phase of a Harness B run from the per-interval records
 * (quota-sampler.ts) and the true rate of each phase (the fixed-rate sweep's r*).
 */
import type { IntervalRecord } from './quota-sampler.js';

/** One phase: from a quota change (or the switch to adaptive mode) to the next. Times in sampler seconds. */
export interface Phase {
  name: string;
  /** The change: the kafka-configs command's start and return (both equal for the switch to adaptive). */
  changeStartS: number;
  changeDoneS: number;
  endS: number;
  /** r* of the quota in force during the phase. */
  trueRate: number;
  /** `down`: capacity fell (throttling starts); `up`: it rose (throttling stops); `start`: first phase. */
  direction: 'start' | 'down' | 'up';
}

export interface PhaseMetrics {
  name: string;
  direction: Phase['direction'];
  trueRate: number;
  intervals: number;
  /** Seconds from the command's return to the first interval with throttle time > 0 (`start`/`down`). */
  firstThrottleS: number | undefined;
  /** `up`: seconds from the command's return to the end of the last interval with throttle time > 0. */
  throttleEndS: number | undefined;
  /** Seconds from the command's return until the target first reaches 0.9·r* (undefined: never). */
  t90S: number | undefined;
  /**
   * `up`: seconds from the command's return until the target first reaches twice the old rate (the mean target
   * of the 10 s before the command started; issue 15 part 5). Undefined: never, or not an `up` phase.
   */
  t2xOldS: number | undefined;
  /**
   * Seconds from the command's return to the start of the first `settleWindowS` stretch with the target in
   * [0.8, 1.05]·r* and no interval over the SLO (undefined: no such stretch in the phase).
   */
  settleS: number | undefined;
  /** Start of the first 10 consecutive intervals within the SLO, seconds after the command's return. */
  sloRecoveryS: number | undefined;
  /** Whole phase and its second half (steady state): mean ack rate / r*. */
  meanAckOverTrue: number;
  steadyAckOverTrue: number;
  /** Second half: mean target rate / r*, and its coefficient of variation. */
  steadyTargetOverTrue: number;
  steadyTargetCov: number;
  /** Share of intervals with p99 > SLO, whole phase and second half. */
  violatedShare: number;
  steadyViolatedShare: number;
  /** Seconds with p99 > SLO in the phase. */
  violatedSeconds: number;
  peakTargetOverTrue: number;
  generatorLimitedShare: number;
  sendErrors: number;
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

function cov(xs: readonly number[]): number {
  const m = mean(xs);
  const variance = mean(xs.map((x) => (x - m) ** 2));
  return Math.sqrt(variance) / m;
}

/** Interval start, in sampler seconds. */
const startOf = (r: IntervalRecord): number => r.tS - r.durationS;

export function phaseMetrics(records: readonly IntervalRecord[], p: Phase, settleWindowS = 30): PhaseMetrics {
  const inPhase = records.filter((r) => r.tS > p.changeDoneS && r.tS <= p.endS);
  const midS = (p.changeDoneS + p.endS) / 2;
  const steady = inPhase.filter((r) => startOf(r) >= midS);
  const rel = (t: number): number => t - p.changeDoneS;
  const firstThrottle = inPhase.find((r) => r.throttleMs > 0);
  const lastThrottle = [...inPhase].reverse().find((r) => r.throttleMs > 0);
  const reached = inPhase.find((r) => r.targetRate >= 0.9 * p.trueRate);
  const oldTargets = records
    .filter((r) => r.tS <= p.changeStartS && r.tS > p.changeStartS - 10)
    .map((r) => r.targetRate);
  const doubled =
    p.direction === 'up' && oldTargets.length > 0
      ? inPhase.find((r) => r.targetRate >= 2 * mean(oldTargets))
      : undefined;
  const good = (r: IntervalRecord): boolean =>
    !r.violated && r.targetRate >= 0.8 * p.trueRate && r.targetRate <= 1.05 * p.trueRate;
  let settleS: number | undefined;
  for (let i = 0; i < inPhase.length && settleS === undefined; i++) {
    const from = startOf(inPhase[i]!);
    if (from + settleWindowS > p.endS) break;
    const stretch = inPhase.filter((r) => startOf(r) >= from && r.tS <= from + settleWindowS);
    if (stretch.every(good)) settleS = rel(from);
  }
  let sloRecoveryS: number | undefined;
  for (let i = 0; i + 10 <= inPhase.length && sloRecoveryS === undefined; i++) {
    if (inPhase.slice(i, i + 10).every((r) => !r.violated))
      sloRecoveryS = Math.max(0, rel(startOf(inPhase[i]!)));
  }
  const steadyTargets = steady.map((r) => r.targetRate);
  return {
    name: p.name,
    direction: p.direction,
    trueRate: p.trueRate,
    intervals: inPhase.length,
    firstThrottleS: p.direction === 'up' || !firstThrottle ? undefined : rel(firstThrottle.tS),
    throttleEndS: p.direction === 'up' && lastThrottle ? rel(lastThrottle.tS) : undefined,
    t90S: reached ? rel(reached.tS) : undefined,
    t2xOldS: doubled ? rel(doubled.tS) : undefined,
    settleS,
    sloRecoveryS,
    meanAckOverTrue: mean(inPhase.map((r) => r.ackRate)) / p.trueRate,
    steadyAckOverTrue: mean(steady.map((r) => r.ackRate)) / p.trueRate,
    steadyTargetOverTrue: mean(steadyTargets) / p.trueRate,
    steadyTargetCov: cov(steadyTargets),
    violatedShare: inPhase.filter((r) => r.violated).length / Math.max(1, inPhase.length),
    steadyViolatedShare: steady.filter((r) => r.violated).length / Math.max(1, steady.length),
    violatedSeconds: inPhase.filter((r) => r.violated).reduce((a, r) => a + r.durationS, 0),
    peakTargetOverTrue: Math.max(...inPhase.map((r) => r.targetRate)) / p.trueRate,
    generatorLimitedShare: inPhase.filter((r) => r.generatorLimited).length / Math.max(1, inPhase.length),
    sendErrors: inPhase.reduce((a, r) => a + r.sendErrors, 0),
  };
}
