import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ManualClock } from '../../../../src/clock.js';
import { DECISION_PAIRS } from '../../../../src/metrics/daemon-metrics.js';
import { AdaptiveController } from '../../../../src/rate/controller/adaptive-controller.js';
import { causeOf, type Decision } from '../../../../src/rate/controller/decision.js';
import { runScenario, SCENARIOS } from '../../../../tools/sim/harness-scenarios.js';
import { runQuota } from '../../../../tools/sim/quota-harness.js';
import type { ControllerFactory } from '../../../../tools/sim/sim-controller.js';
import { Driver } from './controller-driver.js';

/** A factory like adaptiveFactory that keeps every decision. */
function capturing(into: Decision[]): ControllerFactory {
  return (clock: ManualClock, initialRate: number, sloMs: number) => {
    const c = new AdaptiveController(
      { p99TargetMs: sloMs, maxErrorRate: 0.001, initialRate, minRate: 10, warmupMs: 0 },
      clock,
    );
    return {
      name: 'adaptive',
      update: (s) => {
        const d = c.update(s);
        into.push(d);
        return d.rate;
      },
    };
  };
}

describe('decision causes', () => {
  test('every (kind, cause) pair the controller makes on the harnesses is pre-zeroed in the metric', () => {
    const decisions: Decision[] = [];
    for (const s of SCENARIOS) runScenario(s, capturing(decisions), [1]);
    runQuota(capturing(decisions));
    const d = new Driver({ warmupMs: 5_000 });
    decisions.push(d.ctrl.setMode('adaptive', 500), ...d.steps(8), d.ctrl.setMode('fixed', 700), d.step());
    decisions.push(d.ctrl.setMode('adaptive'), ...d.steps(6, { errors: { fatal: 1 } }));
    decisions.push(...d.steps(3, { errors: { topology: 2 } }));
    const listed = new Set(DECISION_PAIRS.map(([k, c]) => `${k}/${c}`));
    const seen = new Map<string, string>();
    for (const x of decisions) seen.set(`${x.kind}/${x.cause}`, x.reason);
    const missing = [...seen].filter(([pair]) => !listed.has(pair));
    assert.deepEqual(missing, [], 'pairs made but not pre-zeroed (pair, an example reason)');
    assert.ok(seen.size >= 15, `the harnesses exercise most pairs (${[...seen.keys()].join(', ')})`);
  });

  test('reasons map to the signal acted on, in priority order', () => {
    assert.equal(causeOf('cut', 'broker throttling 120 ms, quota ≈ 1900/s: hold 0.97× quota'), 'quota');
    assert.equal(causeOf('cut', 'backlog: in flight > 2·r·S: cut to 2543/s'), 'backlog');
    assert.equal(causeOf('cut', 'p99 310 ms > SLO 250 ms: ×0.95'), 'latency');
    assert.equal(causeOf('cut', 'congestion errors 1.2 % > 0.1 %: cut to 700/s'), 'errors');
    assert.equal(
      causeOf('cap', 'generator-limited (publish delay p99 30 ms > 20 ms): cap at achieved rate'),
      'generator',
    );
    assert.equal(causeOf('hold', 'judging probe 1/3'), 'probe');
    assert.equal(causeOf('grow', 'p99 within setpoint: ×1.5'), 'startup');
    assert.equal(causeOf('hold', 'too few samples (300 < 1000 acks)'), 'samples');
    assert.equal(causeOf('hold', 'hold'), 'steady');
    assert.equal(causeOf('fixed', 'fixed rate'), 'operator');
  });
});
