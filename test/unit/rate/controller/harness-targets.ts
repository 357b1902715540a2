import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CONTROLLER_TARGETS, checkTarget } from '../../../../tools/sim/controller-targets.js';
import type { PhaseMetrics } from '../../../../tools/sim/harness-metrics.js';
import { runScenario, scenarioById } from '../../../../tools/sim/harness-scenarios.js';
import { adaptiveFactory } from '../../../../tools/sim/sim-controller.js';

export const HARNESS_SEEDS = [1, 2, 3, 4, 5];

/**
 * Registers one test per target (docs/controller.md "Targets on Harness A") of `scenarioId`: the recommended controller with its default
 * settings, on 5 seeds, must meet the target on the median (and on every seed where the table says "required").
 */
export function describeTargets(scenarioId: string): void {
  describe(`Harness A targets: ${scenarioId} (seeds ${HARNESS_SEEDS.join(',')})`, () => {
    let bySeed: PhaseMetrics[][] = [];
    before(() => {
      bySeed = runScenario(scenarioById(scenarioId), adaptiveFactory(), HARNESS_SEEDS);
    });
    for (const t of CONTROLLER_TARGETS.filter((x) => x.scenario === scenarioId)) {
      test(`${t.label} ${t.op} ${t.target}${t.everySeed ? ' on every seed' : ''}`, () => {
        const r = checkTarget(t, bySeed);
        assert.ok(r.pass, `${t.label}: median ${r.median}, worst ${r.worst}, target ${t.op} ${t.target}`);
      });
    }
  });
}
