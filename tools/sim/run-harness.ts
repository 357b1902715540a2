import { ManualClock } from '../../src/clock.js';
import type { CapacitySchedule } from './capacity-schedule.js';
import { rStarFunction } from './r-star.js';
import type { ServiceModel } from './service-model.js';
import type { ControllerFactory } from './sim-controller.js';
import { type IntervalTruth, SimulatedBroker } from './simulated-broker.js';

/** One interval of a run: the truth plus r* at its middle and the controller's state label. */
export interface RunInterval extends IntervalTruth {
  rStar: number;
  label: string;
}

export interface HarnessRun {
  controller: string;
  model: ServiceModel;
  schedule: CapacitySchedule;
  seed: number;
  sloMs: number;
  maxErrorRate: number;
  intervals: RunInterval[];
}

export interface HarnessOptions {
  model: ServiceModel;
  schedule: CapacitySchedule;
  controller: ControllerFactory;
  seed: number;
  /** SLO on p99 response time, ms (Harness A in docs/controller.md: 10 ms). */
  sloMs?: number;
  maxErrorRate?: number;
  /** The run starts at this fraction of r*(0) (docs/controller.md, Harness A: 10 %). */
  startFraction?: number;
  /** r*(t), when the caller already has it (the oracle is slow for models without a closed form). */
  rStar?: (t: number) => number;
}

/**
 * Harness A: drives a controller against the simulated broker in virtual time, one 1-s interval at a time. The
 * controller's clock is a ManualClock set to each interval's end before `update` is called.
 */
export function runHarness(o: HarnessOptions): HarnessRun {
  const sloMs = o.sloMs ?? 10;
  const rStar = o.rStar ?? rStarFunction(o.model, o.schedule, sloMs);
  const broker = new SimulatedBroker(o.model, o.schedule, { seed: o.seed, sloMs });
  const clock = new ManualClock(0);
  const initial = (o.startFraction ?? 0.1) * rStar(0);
  const ctrl = o.controller(clock, initial, sloMs);
  const ceiling = 100 * Math.max(...o.schedule.points.map(([, c]) => c));
  const intervals: RunInterval[] = [];
  let rate = initial;
  const n = Math.round(o.schedule.durationS / broker.intervalS);
  for (let i = 0; i < n; i++) {
    const { sample, truth } = broker.runInterval(rate);
    clock.setNs(sample.nowNs);
    const label = ctrl.label?.() ?? '';
    intervals.push({ ...truth, rStar: rStar(truth.startS + broker.intervalS / 2), label });
    const next = ctrl.update(sample);
    rate = Number.isFinite(next) ? Math.min(Math.max(next, 0), ceiling) : 0;
  }
  return {
    controller: ctrl.name,
    model: o.model,
    schedule: o.schedule,
    seed: o.seed,
    sloMs,
    maxErrorRate: o.maxErrorRate ?? 0.001,
    intervals,
  };
}
