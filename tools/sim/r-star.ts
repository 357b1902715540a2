import { type CapacitySchedule, capacityAt } from './capacity-schedule.js';
import { closedFormRStar, type ServiceModel } from './service-model.js';
import { SimulatedBroker } from './simulated-broker.js';

/**
 * The oracle of Harness B, run in virtual time: the highest fixed rate whose steady-state p99 (all acks and
 * failures of `measureS` seconds after `warmS` seconds) is within the SLO, by bisection to `tolerance`·C.
 */
export function oracleRStar(
  model: ServiceModel,
  capacity: number,
  sloMs: number,
  opts: { seed?: number; warmS?: number; measureS?: number; tolerance?: number } = {},
): number {
  const warmS = opts.warmS ?? 20;
  const measureS = opts.measureS ?? 100;
  const schedule: CapacitySchedule = {
    name: 'constant',
    durationS: warmS + measureS,
    points: [[0, capacity]],
    pauses: [],
    phases: [],
  };
  const holds = (rate: number): boolean => {
    const broker = new SimulatedBroker(model, schedule, { seed: opts.seed ?? 7, sloMs });
    let over = 0;
    let n = 0;
    for (let i = 0; i < warmS + measureS; i++) {
      const { truth } = broker.runInterval(rate);
      if (i < warmS) continue;
      over += truth.overSlo + truth.errors;
      n += truth.acks + truth.errors;
    }
    return over <= 0.01 * n;
  };
  let lo = 0.05 * capacity;
  let hi = 1.0 * capacity;
  if (holds(hi)) return hi;
  if (!holds(lo)) return 0;
  const tol = (opts.tolerance ?? 0.002) * capacity;
  while (hi - lo > tol) {
    const mid = (lo + hi) / 2;
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Oracle results by model, SLO and capacity: the oracle costs seconds, runs share it. */
const oracleMemo = new Map<string, number>();

/** r*(t) for a schedule: closed form where the model has one, else the oracle (memoized per capacity). */
export function rStarFunction(
  model: ServiceModel,
  schedule: CapacitySchedule,
  sloMs: number,
): (t: number) => number {
  const pausedAt = (t: number) => schedule.pauses.some(([a, b]) => t >= a && t < b);
  return (t: number) => {
    const c = capacityAt(schedule, t);
    const closed = closedFormRStar(model, c, sloMs);
    if (closed !== undefined) return pausedAt(t) ? 0 : closed;
    const key = `${JSON.stringify(model)}|${sloMs}|${c}`;
    let v = oracleMemo.get(key);
    if (v === undefined) {
      v = oracleRStar(model, c, sloMs);
      oracleMemo.set(key, v);
    }
    return pausedAt(t) ? 0 : v;
  };
}
