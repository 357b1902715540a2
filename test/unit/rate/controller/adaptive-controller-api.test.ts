import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../../src/clock.js';
import { SoakbenchError } from '../../../../src/errors.js';
import { AdaptiveController } from '../../../../src/rate/controller/adaptive-controller.js';
import { cliffBroker, Driver, TEST_SETTINGS } from './controller-driver.js';

const invalidArgument = (e: unknown) => e instanceof SoakbenchError && e.code === 'INVALID_ARGUMENT';

describe('AdaptiveController: modes and API', () => {
  test('starts adaptive at initialRate; fixed mode in the settings starts at fixedRate', () => {
    const a = new AdaptiveController({ ...TEST_SETTINGS, warmupMs: 5_000 }, new ManualClock());
    assert.deepEqual([a.state, a.rate], ['WARMUP', 1_000]);
    const f = new AdaptiveController({ ...TEST_SETTINGS, mode: 'fixed', fixedRate: 700 }, new ManualClock());
    assert.deepEqual([f.state, f.rate, f.status().mode], ['FIXED', 700, 'fixed']);
  });

  test('FIXED reports the operator rate whatever the samples say, and still flags the generator', () => {
    const d = new Driver();
    d.step();
    const set = d.ctrl.setMode('fixed', 2_500);
    assert.deepEqual([set.state, set.kind, set.rate], ['FIXED', 'fixed', 2_500]);
    const xs = d.steps(5, { acks: 10, p99Ms: 900, inflight: 9_000, oldestInflightAgeMs: 5_000 });
    assert.ok(xs.every((x) => x.kind === 'fixed' && x.rate === 2_500 && x.state === 'FIXED'));
    const slow = d.step({ sent: 2_000 });
    assert.equal(slow.generatorLimited, true);
    assert.equal(slow.rate, 2_500);
  });

  test('setMode adaptive restarts the search from the rate in force (or a given rate)', () => {
    const d = new Driver();
    d.ctrl.setMode('fixed', 3_000);
    const a = d.ctrl.setMode('adaptive');
    assert.deepEqual([a.state, a.rate], ['STARTUP', 3_000]);
    assert.equal(d.step().rate, 4_500);
    const b = d.ctrl.setMode('adaptive', 200);
    assert.deepEqual([b.state, b.rate], ['STARTUP', 200]);
  });

  test('setMode refuses a rate that is not a positive number', () => {
    const d = new Driver();
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => d.ctrl.setMode('fixed', bad), invalidArgument);
    assert.equal(d.ctrl.state, 'STARTUP');
  });

  test('configure changes settings; a bad value throws and changes nothing', () => {
    const d = new Driver();
    d.ctrl.configure({ p99TargetMs: 25, maxRate: 3_000 });
    assert.equal(d.ctrl.settings.p99TargetMs, 25);
    assert.equal(d.ctrl.status().thresholds.sloMs, 25);
    assert.throws(() => d.ctrl.configure({ minRate: -1 }), invalidArgument);
    assert.throws(() => d.ctrl.configure({ minRate: 5_000 }), invalidArgument);
    assert.equal(d.ctrl.settings.minRate, 10);
    assert.equal(d.ctrl.settings.maxRate, 3_000);
    d.ctrl.configure({ mode: 'fixed' });
    assert.equal(d.ctrl.state, 'FIXED');
  });

  test('a lower maxRate applies at once', () => {
    const d = new Driver();
    d.steps(5);
    d.ctrl.configure({ maxRate: 2_000 });
    assert.ok(d.ctrl.rate <= 2_000);
    assert.ok(d.steps(20).every((x) => x.rate <= 2_000));
  });

  test('decisions() keeps the last historyLength decisions, oldest first', () => {
    const d = new Driver({ historyLength: 10 });
    const all = d.steps(50, cliffBroker(10_000));
    const kept = d.ctrl.decisions();
    assert.equal(kept.length, 10);
    assert.deepEqual(kept, all.slice(-10));
  });

  test('status() exposes state, best rate, last cut and failing rate', () => {
    const d = new Driver();
    d.stepUntil((x) => x.state === 'HOLD', cliffBroker(10_000));
    const s = d.ctrl.status();
    assert.equal(s.state, 'HOLD');
    assert.equal(s.bestRate, 9_000);
    assert.equal(s.lastCut?.toRate, 9_000);
    assert.ok((s.failingRate?.rate ?? 0) > 10_000);
    assert.equal(s.latencyFloorMs, 2);
    assert.equal(s.generatorLimited, false);
  });

  test('deterministic: the same samples give the same decisions', () => {
    const run = () => {
      const d = new Driver({ probeJitter: 0.15, seed: 42 });
      let i = 0;
      return d.steps(400, (rate) => (i++ % 50 === 49 ? { p99Ms: 14 } : cliffBroker(10_000)(rate)));
    };
    assert.deepEqual(run(), run());
  });
});
