import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findKnee, parseSweep, type SweepStep, sweepPlan, sweepRates } from '../../../src/rate/sweep-plan.js';

function step(targetRate: number, achievedRate: number, p99: number, sendErrors = 0): SweepStep {
  return {
    targetRate,
    achievedRate,
    publishResponseTimeP50Ms: p99 / 2,
    publishResponseTimeP99Ms: p99,
    publishResponseTimeP999Ms: p99 * 2,
    publishLatencyP99Ms: p99,
    endToEndP99Ms: p99 * 1.5,
    messagesSent: achievedRate * 10,
    sendErrors,
    measuredSeconds: 10,
  };
}

describe('sweep plan', () => {
  test('rates are spaced geometrically from FROM to TO', () => {
    assert.deepEqual(sweepRates(1000, 8000, 4), [1000, 2000, 4000, 8000]);
    assert.deepEqual(sweepRates(20000, 200000, 2), [20000, 200000]);
    const r = sweepRates(1000, 20000, 8);
    assert.equal(r.length, 8);
    assert.equal(r[0], 1000);
    assert.equal(r[7], 20000);
    for (let i = 1; i < r.length; i++)
      assert.ok(Math.abs(r[i]! / r[i - 1]! - 20 ** (1 / 7)) < 0.01, String(r));
  });

  test('the settle time is 20 % of a step, at most 5 s', () => {
    assert.equal(sweepPlan({ from: 1, to: 2, steps: 2 }, 10).settleSeconds, 2);
    assert.equal(sweepPlan({ from: 1, to: 2, steps: 2 }, 60).settleSeconds, 5);
  });

  test('bad specs name --sweep, with what was expected and found', () => {
    for (const bad of [
      '',
      '1000',
      '1000:2000',
      '2000:1000:3',
      '0:10:3',
      '10:100:1',
      '10:100:51',
      '1:2:3:4',
      '-1:2:3',
    ]) {
      assert.throws(
        () => parseSweep(bad, 10_000_000),
        (e: Error & { field?: string }) =>
          e.field === '--sweep' && /expected FROM:TO:STEPS/.test(e.message) && e.message.includes(`"${bad}"`),
        bad,
      );
    }
    assert.deepEqual(parseSweep('1000:20000:8', 10_000_000), { from: 1000, to: 20000, steps: 8 });
  });

  test('the knee is the last step before the first that misses its rate', () => {
    const plan = sweepPlan({ from: 100, to: 800, steps: 4 }, 10);
    const k = findKnee(plan, [step(100, 100, 2), step(200, 199, 3), step(400, 350, 4), step(800, 790, 4)]);
    assert.equal(k.kneeIndex, 1, 'the 400 step achieved 87.5 %; the lucky 800 step after it does not count');
    assert.equal(k.kneeRate, 200);
    assert.equal(k.kneeP99LimitMs, 10, 'the 10 ms floor when 2 × the lowest p99 is below it');
  });

  test('the knee is the last step before the p99 exceeds 2 × the lowest step', () => {
    const plan = sweepPlan({ from: 100, to: 800, steps: 4 }, 10);
    const k = findKnee(plan, [
      step(100, 100, 20),
      step(200, 200, 39),
      step(400, 400, 41),
      step(800, 800, 30),
    ]);
    assert.equal(k.kneeP99LimitMs, 40);
    assert.equal(k.kneeRate, 200);
  });

  test('errors above 0.1 % of sends fail a step; no knee when the lowest step fails', () => {
    const plan = sweepPlan({ from: 100, to: 200, steps: 2 }, 10);
    assert.equal(findKnee(plan, [step(100, 100, 2), step(200, 200, 2, 5)]).kneeRate, 100);
    const none = findKnee(plan, [step(100, 50, 2), step(200, 200, 2)]);
    assert.equal(none.kneeIndex, null);
    assert.equal(none.kneeRate, null);
  });
});
