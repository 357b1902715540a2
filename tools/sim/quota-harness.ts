import { ManualClock } from '../../src/clock.js';
import { QuotaBroker, type QuotaSchedule } from './quota-broker.js';
import type { ControllerFactory } from './sim-controller.js';

/**
 * Harness A's quota scenario: Q₀ = 2,000 msg/s, halved at 150 s, restored at 300 s, doubled at 450 s, and at
 * 650 s all but lifted (20 × 2Q₀ = 80,000 msg/s, the "broker could take 50 times more" of issue 15 part 5).
 */
export const QUOTA_SLO_MS = 100;
export const QUOTA_Q0 = 2_000;
export const QUOTA_SCHEDULE: QuotaSchedule = [
  [0, QUOTA_Q0],
  [150, QUOTA_Q0 / 2],
  [300, QUOTA_Q0],
  [450, 2 * QUOTA_Q0],
  [650, 40 * QUOTA_Q0],
];
export const QUOTA_END_S = 800;

/** One 1-s control interval of a quota run. */
export interface QuotaRow {
  /** The quota in force (msg/s). */
  q: number;
  /** The rate commanded for the interval. */
  rate: number;
  /** p99 response time over the SLO, or no acks while the oldest message in flight is past it. */
  bad: boolean;
}

export interface QuotaPhase {
  fromS: number;
  quota: number;
  /** Seconds until the rate is first within [0.9, 1.05]·Q. */
  t90S: number;
  /** Mean commanded rate over the phase's last 60 s, / Q. */
  steadyMean: number;
  /** Intervals over the SLO in the phase, and in its last 60 s. */
  badIntervals: number;
  badSteady: number;
  /** Seconds until the first of 10 clean intervals in a row. */
  sloRecoveryS: number;
  peakOverQ: number;
  /**
   * A rise of the quota: seconds until the rate is first ≥ 2 × the previous phase's rate (mean of its last 10 s);
   * ∞ if never. Undefined for the first phase, a fall, and a previous rate of 0.
   */
  t2xOldS: number | undefined;
  /** Seconds until the rate is first ≥ 0.9·Q (t90S without the upper bound). */
  t90NewS: number;
  minRate: number;
  intervals: number;
}

/** Runs `factory`'s controller against the QuotaBroker from 10 % of Q₀, one row per 1-s interval. */
export function runQuota(
  factory: ControllerFactory,
  schedule = QUOTA_SCHEDULE,
  endS = QUOTA_END_S,
): QuotaRow[] {
  const broker = new QuotaBroker({ schedule });
  const clock = new ManualClock(0);
  const ctrl = factory(clock, 0.1 * schedule[0]![1], QUOTA_SLO_MS);
  const rows: QuotaRow[] = [];
  let rate = 0.1 * schedule[0]![1];
  for (let s = 0; s < endS; s++) {
    const sample = broker.interval(rate);
    clock.advanceMs(1000);
    const stuck = sample.acks === 0 && sample.oldestInflightAgeMs > QUOTA_SLO_MS;
    rows.push({ q: broker.quotaAt(s), rate, bad: sample.response.p99Ms > QUOTA_SLO_MS || stuck });
    rate = ctrl.update(sample);
  }
  return rows;
}

/** Per-phase metrics of a quota run (phases start where the schedule changes). */
export function quotaPhases(rows: QuotaRow[], schedule = QUOTA_SCHEDULE): QuotaPhase[] {
  const starts = [...schedule.map(([from]) => from), rows.length];
  const phases: QuotaPhase[] = [];
  for (let p = 0; p + 1 < starts.length; p++) {
    const from = starts[p]!;
    const ph = rows.slice(from, starts[p + 1]);
    const q = ph[0]!.q;
    const steady = ph.slice(-60);
    let clean = 0;
    let recovery = Number.POSITIVE_INFINITY;
    for (const [i, r] of ph.entries()) {
      clean = r.bad ? 0 : clean + 1;
      if (clean >= 10) {
        recovery = i - 9;
        break;
      }
    }
    const t90 = ph.findIndex((r) => r.rate >= 0.9 * q && r.rate <= 1.05 * q);
    const t90New = ph.findIndex((r) => r.rate >= 0.9 * q);
    const oldRows = rows.slice(Math.max(0, from - 10), from);
    const old = oldRows.reduce((a, r) => a + r.rate, 0) / Math.max(1, oldRows.length);
    const rise = p > 0 && q > phases[p - 1]!.quota;
    const t2x = ph.findIndex((r) => r.rate >= 2 * old);
    phases.push({
      fromS: from,
      quota: q,
      t90S: t90 < 0 ? Number.POSITIVE_INFINITY : t90,
      steadyMean: steady.reduce((a, r) => a + r.rate, 0) / steady.length / q,
      badIntervals: ph.filter((r) => r.bad).length,
      badSteady: steady.filter((r) => r.bad).length,
      sloRecoveryS: recovery,
      peakOverQ: Math.max(...ph.map((r) => r.rate)) / q,
      t2xOldS: !rise || !(old > 0) ? undefined : t2x < 0 ? Number.POSITIVE_INFINITY : t2x,
      t90NewS: t90New < 0 ? Number.POSITIVE_INFINITY : t90New,
      minRate: Math.min(...ph.map((r) => r.rate)),
      intervals: ph.length,
    });
  }
  return phases;
}
