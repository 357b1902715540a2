import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliffBroker, Driver, type IntervalSpec, kneeBroker } from './controller-driver.js';

/** From a fresh start against `broker`, step until the controller holds after its first overload. */
function heldAfterStartup(broker: (rate: number) => IntervalSpec, settings = {}): Driver {
  const d = new Driver(settings);
  d.stepUntil((x) => x.kind === 'cut', broker);
  d.stepUntil((x) => x.state === 'HOLD', broker);
  return d;
}

describe('AdaptiveController: HOLD and PROBE', () => {
  test('on flat latency the first probe waits for the cadence and is capped at √(edge·hiMem)', () => {
    const d = heldAfterStartup(cliffBroker(10_000));
    const cutAt = d.ctrl.lastCut!.atNs;
    const edge = d.ctrl.bestRate;
    const hiMem = d.ctrl.status().failingRate!.rate;
    assert.equal(edge, 9_000); // 0.9 × 10,000 delivered during the overload
    const probe = d.stepUntil((x) => x.kind === 'probe', cliffBroker(10_000));
    assert.ok(probe.atNs - cutAt >= 30e9, 'probed before probeEveryMs');
    assert.ok(probe.rate > edge && probe.rate <= Math.sqrt(edge * hiMem) + 1e-6);
    assert.equal(probe.rate, edge * 1.02);
  });

  test('a probe is judged on judgeIntervals evaluations, then accepted: the edge moves up', () => {
    const d = heldAfterStartup(cliffBroker(10_000));
    const probe = d.stepUntil((x) => x.kind === 'probe', cliffBroker(10_000));
    const [a, b, c] = d.steps(3, cliffBroker(10_000));
    assert.deepEqual([a!.state, a!.kind, a!.rate], ['PROBE', 'hold', probe.rate]);
    assert.deepEqual([b!.state, b!.kind], ['PROBE', 'hold']);
    // Far below the knee (p99 at the floor) an accepted probe chains into the next, doubled step.
    assert.equal(c!.kind, 'probe');
    assert.match(c!.reason, /^accept/);
    assert.equal(d.ctrl.bestRate, probe.rate);
    assert.ok(c!.rate > probe.rate);
  });

  test('a probe that overloads aborts back to the held rate through DRAIN and is remembered as hiMem', () => {
    const d = heldAfterStartup(cliffBroker(10_000));
    const abort = d.stepUntil((x) => x.kind === 'revert', cliffBroker(10_000));
    assert.match(abort.reason, /probe aborted/);
    assert.equal(abort.state, 'DRAIN');
    const failing = d.ctrl.status().failingRate!.rate;
    assert.ok(failing > 10_000);
    const back = d.stepUntil((x) => x.state === 'HOLD', cliffBroker(10_000));
    assert.ok(back.rate <= 10_000);
  });

  test('a probe whose window is above the setpoint (within the SLO) reverts and leaves hiMem', () => {
    // Flat at 2 ms up to 9,000/s, 8.5 ms (over the 8-ms setpoint) up to 10,000/s, overload beyond.
    const broker = (rate: number): IntervalSpec =>
      rate > 10_000 ? cliffBroker(10_000)(rate) : { p99Ms: rate > 9_000 ? 8.5 : 2, floorMs: 2 };
    const d = heldAfterStartup(broker);
    assert.equal(d.ctrl.rate, 9_000);
    const probe = d.stepUntil((x) => x.kind === 'probe', broker);
    d.steps(2, broker);
    const x = d.step(broker);
    assert.deepEqual([x.kind, x.state, x.rate], ['revert', 'HOLD', 9_000]);
    assert.equal(d.ctrl.status().failingRate?.rate, probe.rate);
    assert.equal(d.ctrl.bestRate, 9_000);
  });

  test('a mild miss in HOLD is a gentle cut ×0.95; misses that keep coming compound', () => {
    const d = heldAfterStartup(cliffBroker(10_000));
    d.steps(3, cliffBroker(10_000));
    const first = d.step({ p99Ms: 12 });
    assert.deepEqual([first.kind, first.state, first.rate], ['cut', 'HOLD', 9_000 * 0.95]);
    // The next interval still carries the old queue: it is not judged.
    assert.equal(d.step({ p99Ms: 12 }).kind, 'hold');
    const second = d.step({ p99Ms: 12 });
    assert.equal(second.kind, 'cut');
    assert.ok(Math.abs(second.rate - 9_000 * 0.95 * 0.95 ** 2) < 1e-6);
  });

  test('p99w in the upper deadband for holdCutIntervals evaluations: gentle cut', () => {
    const d = heldAfterStartup(cliffBroker(10_000));
    d.steps(3, cliffBroker(10_000));
    // p99w merges the last 3 evaluations: it crosses 9 ms once 9.5-ms intervals dominate the window (the 3rd),
    // and the cut follows on the 2nd evaluation above it.
    const xs = d.steps(4, { p99Ms: 9.5 });
    assert.deepEqual(
      xs.map((x) => x.kind),
      ['hold', 'hold', 'hold', 'cut'],
    );
    assert.match(xs[3]!.reason, /p99w above 9.00 ms for 2 evaluations/);
    assert.equal(xs[3]!.rate, 9_000 * 0.95);
  });

  test('queueing delay collapsing at the held rate (capacity grew) starts a climb at once', () => {
    let capacity = 10_000;
    const broker = (rate: number) => kneeBroker(capacity)(rate);
    const d = heldAfterStartup(broker);
    d.steps(5, broker);
    assert.equal(d.ctrl.state, 'HOLD');
    capacity = 20_000;
    const x = d.stepUntil((y) => y.kind === 'probe', broker, 5);
    assert.match(x.reason, /capacity grew/);
  });

  test('with visible queueing delay and no change, HOLD does not probe for kneeProbeEveryMs', () => {
    const broker = kneeBroker(10_000);
    const d = heldAfterStartup(broker, { kneeProbeEveryMs: 120_000 });
    const decisions = d.steps(100, broker);
    assert.ok(decisions.every((x) => x.kind !== 'probe'));
  });

  test('the rate never exceeds maxRate, never drops below minRate, and is never 0', () => {
    const d = new Driver({ maxRate: 12_000, minRate: 50 });
    let t = 0;
    const broker = (rate: number) =>
      t++ % 97 < 5
        ? { acks: 0, p99Ms: 0, inflight: 9_000, oldestInflightAgeMs: 5_000 }
        : cliffBroker(11_000)(rate);
    for (const x of d.steps(600, broker)) {
      assert.ok(x.rate <= 12_000 && x.rate >= 50, `rate ${x.rate} out of [50, 12000] (${x.reason})`);
    }
  });
});
