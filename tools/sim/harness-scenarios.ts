import {
  type CapacitySchedule,
  dropSchedule,
  rampSchedule,
  stallSchedule,
  stepSchedule,
} from './capacity-schedule.js';
import { type PhaseMetrics, runMetrics } from './harness-metrics.js';
import { runHarness } from './run-harness.js';
import { type ServiceModelKind, serviceModel } from './service-model.js';
import type { ControllerFactory } from './sim-controller.js';

/** Harness A's settings (docs/controller.md): C₀ = 10,000 msg/s, SLO p99 ≤ 10 ms, error threshold 0.1 %, start at 10 % r*. */
export const HARNESS_C0 = 10_000;
export const HARNESS_SLO_MS = 10;

export interface Scenario {
  id: string;
  model: ServiceModelKind;
  schedule: (c0: number) => CapacitySchedule;
}

const schedules = { steps: stepSchedule, drop10x: dropSchedule, ramp: rampSchedule, stall: stallSchedule };

function scenario(model: ServiceModelKind, schedule: keyof typeof schedules): Scenario {
  return { id: `${model}-${schedule}`, model, schedule: schedules[schedule] };
}

/** Every scenario the bench reports: each model on the steps, and the stress schedules on D/M/1 and D/D/1. */
export const SCENARIOS: readonly Scenario[] = [
  scenario('dm1', 'steps'),
  scenario('dd1', 'steps'),
  scenario('knee', 'steps'),
  scenario('batch', 'steps'),
  scenario('jitter', 'steps'),
  scenario('dm1', 'drop10x'),
  scenario('dm1', 'ramp'),
  scenario('dm1', 'stall'),
  scenario('dd1', 'stall'),
];

export function scenarioById(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (s === undefined) throw new RangeError(`no scenario ${id}`);
  return s;
}

/** Phase metrics of one scenario for each seed: result[seed][phase]. */
export function runScenario(
  s: Scenario,
  controller: ControllerFactory,
  seeds: readonly number[],
): PhaseMetrics[][] {
  return seeds.map((seed) =>
    runMetrics(
      runHarness({
        model: serviceModel(s.model),
        schedule: s.schedule(HARNESS_C0),
        controller,
        seed,
        sloMs: HARNESS_SLO_MS,
      }),
    ),
  );
}
