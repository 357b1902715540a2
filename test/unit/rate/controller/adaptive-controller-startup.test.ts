import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Driver } from './controller-driver.js';

const overloaded = { acks: 900, p99Ms: 300, inflight: 600, oldestInflightAgeMs: 300 };

describe('AdaptiveController: warm-up and startup', () => {
  test('WARMUP makes no decision until warmupMs has passed, then STARTUP', () => {
    const d = new Driver({ warmupMs: 3_000 });
    assert.equal(d.ctrl.state, 'WARMUP');
    const [a, b, c, e] = d.steps(4, { p99Ms: 500 });
    assert.deepEqual(
      [a, b].map((x) => [x!.kind, x!.rate]),
      [
        ['warmup', 1_000],
        ['warmup', 1_000],
      ],
    );
    assert.equal(c!.state, 'STARTUP');
    assert.equal(c!.rate, 1_000);
    // The first decision after warm-up acts on its sample: p99 far over the SLO is an overload.
    assert.equal(e!.kind, 'cut');
  });

  test('STARTUP grows ×1.5 per interval while p99 stays within the setpoint', () => {
    const d = new Driver();
    const rates = d.steps(4).map((x) => [x.kind, x.rate]);
    assert.deepEqual(rates, [
      ['grow', 1_500],
      ['grow', 2_250],
      ['grow', 3_375],
      ['grow', 5_062.5],
    ]);
    assert.equal(d.ctrl.state, 'STARTUP');
  });

  test('growth stops at maxRate and the controller holds there', () => {
    const d = new Driver({ maxRate: 2_000 });
    const [a, b, c] = d.steps(3);
    assert.equal(a!.rate, 1_500);
    assert.equal(b!.rate, 2_000);
    assert.equal(c!.kind, 'hold');
    assert.equal(c!.state, 'HOLD');
    for (const x of d.steps(100)) assert.ok(x.rate <= 2_000);
  });

  test('too few samples: hold and merge intervals until minSamples acks are in', () => {
    const d = new Driver({ initialRate: 400 });
    const [a, b, c] = d.steps(3);
    assert.equal(a!.kind, 'hold');
    assert.match(a!.reason, /too few samples \(400 < 1000/);
    assert.equal(b!.kind, 'hold');
    assert.match(b!.reason, /too few samples \(800 < 1000/);
    assert.equal(c!.kind, 'grow');
    assert.equal(c!.rate, 600);
  });

  test('an emergency does not wait for samples', () => {
    const d = new Driver({ initialRate: 400 });
    const x = d.step({ acks: 100, p99Ms: 300, inflight: 300, oldestInflightAgeMs: 400 });
    assert.equal(x.kind, 'cut');
    assert.equal(x.state, 'DRAIN');
  });

  test('p99 above the setpoint (within the SLO) ends STARTUP at the last good rate', () => {
    const d = new Driver();
    d.step();
    const x = d.step({ p99Ms: 8.5 });
    assert.equal(x.kind, 'hold');
    assert.equal(x.state, 'HOLD');
    assert.equal(x.rate, 1_000);
    assert.equal(d.ctrl.bestRate, 1_000);
    assert.equal(d.ctrl.status().failingRate?.rate, 1_500);
  });

  test('overload in STARTUP: one cut anchored on the delivered rate, then DRAIN below delivery', () => {
    const d = new Driver();
    d.step();
    const x = d.step(overloaded);
    // min(0.9 × 1,500, 0.9 × 900 delivered) = 810.
    assert.equal(x.kind, 'cut');
    assert.equal(x.state, 'DRAIN');
    assert.deepEqual([d.ctrl.lastCut?.fromRate, d.ctrl.lastCut?.toRate], [1_500, 810]);
    // Excess in flight over the floor's worth (0.5·S before a floor is known): 600 − 810 × 5 ms; the rate floors
    // at drainFloor × target = 405.
    assert.equal(x.rate, 405);
    assert.equal(d.ctrl.bestRate, 810);
    assert.equal(d.ctrl.status().failingRate?.rate, 1_500);
    // Still queued: drain at ack rate − excess.
    const y = d.step({ acks: 900, p99Ms: 200, inflight: 300, oldestInflightAgeMs: 200 });
    assert.equal(y.kind, 'drain');
    assert.ok(Math.abs(y.rate - (900 - (300 - 810 * 0.005))) < 1e-9);
    // Drained: hold at the target.
    const z = d.step();
    assert.equal(z.state, 'HOLD');
    assert.equal(z.rate, 810);
  });
});
