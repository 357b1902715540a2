import type { Phase } from './capacity-schedule.js';
import type { HarnessRun, RunInterval } from './run-harness.js';

/**
 * docs/controller.md "Harness A", metrics per phase. Times are seconds from the phase start; `null` means "never"
 * (within the phase); `undefined` means the metric does not apply to this phase's kind. Steady state is the
 * second half of the phase.
 */
export interface PhaseMetrics {
  phase: string;
  kind: Phase['kind'];
  /** Mean r* over the steady half. */
  rStar: number;
  /** First interval with rate ≥ 0.9·r* (startup and increases). */
  t90S: number | null | undefined;
  /** Start of the first 30 s with rate in [0.8, 1.05]·r* and no interval over the SLO. */
  settleS: number | null;
  /** Start of the first 10 consecutive intervals within the SLO. */
  sloRecoverS: number | null;
  meanOverRStar: number;
  cov: number;
  /** Fractions of the steady half's 1-s intervals, 10-s windows and 60-s windows (10-s steps) over the SLO. */
  violating1s: number;
  violating10s: number;
  violating60s: number;
  maxP99OverSlo: number;
  /** 1-s intervals over the SLO in the phase's first 60 s (the transition). */
  timeAboveSloS: number;
  peakRateOverRStar: number;
  /** Failed / (acked + failed) over the phase. */
  errorFraction: number;
  /** Longest run of consecutive intervals below 0.5·r*. */
  longestDipS: number;
  minRate: number;
  /** Stall phase: seconds from the end of the pause to the first interval at ≥ 0.9·r*. */
  stallRecoveryS: number | null | undefined;
}

/** An interval is over the SLO when more than 1 % of its acks and failures are late, or nothing came back. */
export function overSlo(iv: RunInterval): boolean {
  const n = iv.acks + iv.errors;
  if (n === 0) return iv.inflight > 0;
  return iv.overSlo + iv.errors > 0.01 * n;
}

function windowsOver(list: RunInterval[], size: number, step: number): number {
  let windows = 0;
  let over = 0;
  for (let i = 0; i + size <= list.length; i += step) {
    let late = 0;
    let n = 0;
    let inflightOnly = true;
    for (let j = i; j < i + size; j++) {
      const iv = list[j]!;
      late += iv.overSlo + iv.errors;
      n += iv.acks + iv.errors;
      if (iv.acks + iv.errors > 0 || iv.inflight === 0) inflightOnly = false;
    }
    windows++;
    if ((n > 0 && late > 0.01 * n) || (n === 0 && inflightOnly)) over++;
  }
  return windows === 0 ? 0 : over / windows;
}

function firstRun(list: RunInterval[], length: number, ok: (iv: RunInterval) => boolean): number | null {
  let run = 0;
  for (let i = 0; i < list.length; i++) {
    run = ok(list[i]!) ? run + 1 : 0;
    if (run >= length) return i - length + 1;
  }
  return null;
}

export function phaseMetrics(run: HarnessRun, phase: Phase): PhaseMetrics {
  const T = run.intervals.length > 1 ? run.intervals[1]!.startS - run.intervals[0]!.startS : 1;
  const list = run.intervals.filter((iv) => iv.startS >= phase.startS && iv.startS < phase.endS);
  const steady = list.slice(Math.floor(list.length / 2));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rates = steady.map((iv) => iv.rate);
  const m = mean(rates);
  const sd = Math.sqrt(mean(rates.map((r) => (r - m) ** 2)));
  const ratio = steady.map((iv) => (iv.rStar > 0 ? iv.rate / iv.rStar : 0));
  const grows = phase.kind === 'startup' || phase.kind === 'increase';
  const t90 = list.findIndex((iv) => iv.rate >= 0.9 * iv.rStar);
  const inBand = (iv: RunInterval) => iv.rate >= 0.8 * iv.rStar && iv.rate <= 1.05 * iv.rStar && !overSlo(iv);
  const settle = firstRun(list, Math.round(30 / T), inBand);
  const recover = firstRun(list, 10, (iv) => !overSlo(iv));
  let dip = 0;
  let longestDip = 0;
  for (const iv of list) {
    dip = iv.rate < 0.5 * iv.rStar ? dip + 1 : 0;
    longestDip = Math.max(longestDip, dip);
  }
  let acked = 0;
  let failed = 0;
  for (const iv of list) {
    acked += iv.acks;
    failed += iv.errors;
  }
  let stallRecovery: number | null | undefined;
  if (phase.kind === 'stall') {
    const pauseEnd = Math.max(...run.schedule.pauses.map(([, b]) => b).filter((b) => b <= phase.endS));
    const back = list.find((iv) => iv.startS >= pauseEnd && iv.rate >= 0.9 * iv.rStar);
    stallRecovery = back === undefined ? null : back.startS - pauseEnd;
  }
  return {
    phase: phase.name,
    kind: phase.kind,
    rStar: mean(steady.map((iv) => iv.rStar)),
    t90S: grows ? (t90 < 0 ? null : t90 * T) : undefined,
    settleS: settle === null ? null : settle * T,
    sloRecoverS: recover === null ? null : recover * T,
    meanOverRStar: mean(ratio),
    cov: m > 0 ? sd / m : 0,
    violating1s: steady.filter(overSlo).length / Math.max(1, steady.length),
    violating10s: windowsOver(steady, Math.round(10 / T), Math.round(10 / T)),
    violating60s: windowsOver(steady, Math.round(60 / T), Math.round(10 / T)),
    maxP99OverSlo: Math.max(0, ...list.map((iv) => iv.p99Ms / run.sloMs)),
    timeAboveSloS: list.slice(0, Math.round(60 / T)).filter(overSlo).length * T,
    peakRateOverRStar: Math.max(0, ...list.map((iv) => (iv.rStar > 0 ? iv.rate / iv.rStar : 0))),
    errorFraction: acked + failed === 0 ? 0 : failed / (acked + failed),
    longestDipS: longestDip * T,
    minRate: Math.min(...list.map((iv) => iv.rate)),
    stallRecoveryS: stallRecovery,
  };
}

/** Metrics of every phase of a run's schedule. */
export function runMetrics(run: HarnessRun): PhaseMetrics[] {
  return run.schedule.phases.map((p) => phaseMetrics(run, p));
}
