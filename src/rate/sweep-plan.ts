/**
 * The capacity curve of `soakbench run --sweep FROM:TO:STEPS` (docs/sweep.md): which rates it holds, and
 * which step is the knee. Pure functions; the loop that holds the rates is src/commands/capacity-sweep.ts.
 */
import { describeValue, SoakbenchError } from '../errors.js';

/** At most this many steps: a sweep is a curve, not a soak. */
export const MAX_SWEEP_STEPS = 50;
/** A step holds when it achieves at least this share of its target rate. */
export const KNEE_MIN_ACHIEVED_RATIO = 0.97;
/** ... and its p99 response time is at most this many times the lowest step's ... */
export const KNEE_P99_FACTOR = 2;
/** ... or at most this many ms, whichever is higher: loopback p99s of 1-3 ms double on scheduling noise alone. */
export const KNEE_P99_FLOOR_MS = 10;
/** ... and its send errors are at most this share of its acknowledged messages. */
export const KNEE_MAX_ERROR_RATIO = 0.001;

export interface SweepPlan {
  /** Target rates (msg/s), ascending, spaced geometrically from FROM to TO. */
  rates: number[];
  /** Seconds each rate is held, settle included. */
  stepSeconds: number;
  /** The first seconds of each step, not measured: the queues and the rate limiter settle on the new rate. */
  settleSeconds: number;
}

/** One held rate, measured after its settle time. Latencies in ms. */
export interface SweepStep {
  targetRate: number;
  achievedRate: number;
  publishResponseTimeP50Ms: number;
  publishResponseTimeP99Ms: number;
  publishResponseTimeP999Ms: number;
  publishLatencyP99Ms: number;
  endToEndP99Ms: number;
  messagesSent: number;
  sendErrors: number;
  measuredSeconds: number;
}

/** The `sweep` field of the result JSON. */
export interface SweepResult {
  stepSeconds: number;
  settleSeconds: number;
  steps: SweepStep[];
  /** The rule's p99 response-time bound for this sweep: max(2 × the lowest step's p99, 10 ms). */
  kneeP99LimitMs: number;
  /** Index in `steps` of the knee, or null when even the lowest step does not hold. */
  kneeIndex: number | null;
  kneeRate: number | null;
}

function badSweep(flag: string, expected: string, found: string): SoakbenchError {
  return new SoakbenchError(
    'INVALID_ARGUMENT',
    `${flag}: expected ${expected}, found ${describeValue(found)}`,
    {
      field: flag,
      expected,
      found: describeValue(found),
    },
  );
}

/** `--sweep FROM:TO:STEPS`, parsed. */
export interface SweepSpec {
  from: number;
  to: number;
  steps: number;
}

/** Parses `FROM:TO:STEPS` (--sweep): 0 < FROM < TO ≤ maxRate (src/workload/limits.ts), 2 ≤ STEPS ≤ MAX_SWEEP_STEPS. */
export function parseSweep(value: string, maxRate: number): SweepSpec {
  const expected = `FROM:TO:STEPS, rates 0 < FROM < TO ≤ ${maxRate} msg/s and 2 to ${MAX_SWEEP_STEPS} steps (e.g. 1000:20000:8)`;
  const m = /^\s*(\d+(?:\.\d+)?):(\d+(?:\.\d+)?):(\d+)\s*$/.exec(value);
  if (!m) throw badSweep('--sweep', expected, value);
  const from = Number(m[1]);
  const to = Number(m[2]);
  const steps = Number(m[3]);
  if (!(from > 0 && to > from && to <= maxRate && steps >= 2 && steps <= MAX_SWEEP_STEPS)) {
    throw badSweep('--sweep', expected, value);
  }
  return { from, to, steps };
}

/**
 * Geometric spacing: each rate is the previous times the same factor, so a wide range (10x, 100x) keeps
 * as many steps near its low end as near its high end, where linear spacing would put one step below 1/STEPS
 * of the top. Rates are whole msg/s.
 */
export function sweepRates(from: number, to: number, steps: number): number[] {
  const factor = (to / from) ** (1 / (steps - 1));
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? to : Math.round(from * factor ** i)));
}

/** The plan: `stepSeconds` per rate, the first 20 % of each (at most 5 s) to settle. */
export function sweepPlan({ from, to, steps }: SweepSpec, stepSeconds: number): SweepPlan {
  return {
    rates: sweepRates(from, to, steps),
    stepSeconds,
    settleSeconds: Math.min(5, stepSeconds * 0.2),
  };
}

/** Whether a step holds its rate under the knee rule, given the sweep's p99 bound. */
export function stepHolds(step: SweepStep, p99LimitMs: number): boolean {
  return (
    step.achievedRate >= KNEE_MIN_ACHIEVED_RATIO * step.targetRate &&
    step.publishResponseTimeP99Ms <= p99LimitMs &&
    step.sendErrors <= KNEE_MAX_ERROR_RATIO * Math.max(1, step.messagesSent)
  );
}

/**
 * The knee: the last step before the first that does not hold (docs/sweep.md). A step holds when its achieved
 * rate is ≥ 97 % of its target, its p99 response time ≤ max(2 × the lowest step's, 10 ms), and its errors
 * ≤ 0.1 % of its sends. Stopping at the first failure, not taking the highest step that holds, keeps a lucky
 * step beyond the break from being called sustainable.
 */
export function findKnee(plan: SweepPlan, steps: SweepStep[]): SweepResult {
  const base = steps[0]?.publishResponseTimeP99Ms ?? 0;
  const limit = Math.max(KNEE_P99_FACTOR * base, KNEE_P99_FLOOR_MS);
  let knee: number | null = null;
  for (let i = 0; i < steps.length; i++) {
    if (!stepHolds(steps[i]!, limit)) break;
    knee = i;
  }
  return {
    stepSeconds: plan.stepSeconds,
    settleSeconds: plan.settleSeconds,
    steps,
    kneeP99LimitMs: Math.round(limit * 1000) / 1000,
    kneeIndex: knee,
    kneeRate: knee === null ? null : steps[knee]!.targetRate,
  };
}
