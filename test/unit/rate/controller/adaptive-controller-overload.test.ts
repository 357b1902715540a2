import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Driver } from './controller-driver.js';

const overloaded = { acks: 900, p99Ms: 500, inflight: 1_000, oldestInflightAgeMs: 800 };
const stalled = { acks: 0, p99Ms: 0, inflight: 5_000, oldestInflightAgeMs: 2_000 };

describe('AdaptiveController: overload, drain and guard rails', () => {
  test('one cut per overload episode: DRAIN keeps draining, re-cuts only after drainMaxIntervals', () => {
    const d = new Driver();
    d.step();
    assert.equal(d.step(overloaded).kind, 'cut');
    const cut = d.ctrl.lastCut;
    const during = d.steps(14, overloaded);
    assert.deepEqual(new Set(during.map((x) => x.kind)), new Set(['drain']));
    assert.equal(d.ctrl.lastCut, cut);
    const recut = d.step(overloaded);
    assert.equal(recut.kind, 'cut');
    // min(0.9 × 810, 0.9 × 900 delivered) = 729.
    assert.equal(d.ctrl.lastCut?.toRate, 729);
  });

  test('no queue left but acks still late: the target is cut again after two such intervals', () => {
    const d = new Driver();
    d.step();
    d.step(overloaded);
    const late = { acks: 1_000, p99Ms: 14, inflight: 2 };
    assert.equal(d.step(late).kind, 'drain');
    const x = d.step(late);
    assert.equal(x.kind, 'cut');
    assert.ok(d.ctrl.lastCut!.toRate < 810);
  });

  test('a stall (no acks) is cut without a delivery anchor, and the rate never reaches 0', () => {
    const d = new Driver({ minRate: 10 });
    d.steps(3);
    const before = d.ctrl.rate;
    const x = d.step(stalled);
    assert.equal(x.kind, 'cut');
    assert.equal(d.ctrl.lastCut?.toRate, 0.9 * before);
    for (const y of d.steps(300, stalled)) {
      assert.ok(y.rate >= 10, `rate ${y.rate} below minRate`);
      assert.ok(Number.isFinite(y.rate));
    }
  });

  test('cuts never go below minRate; pinned at minRate for 5 intervals → DEGRADED, then STARTUP again', () => {
    const d = new Driver({ minRate: 100, degradedCooldownMs: 10_000 });
    const slow = { acks: 50, p99Ms: 800, inflight: 2_000, oldestInflightAgeMs: 900 };
    const cut = d.step(slow);
    assert.equal(cut.kind, 'cut');
    assert.equal(cut.rate, 100);
    const pinned = d.steps(5, slow);
    assert.equal(pinned.at(-1)?.state, 'DEGRADED');
    assert.equal(pinned.at(-1)?.kind, 'degraded');
    for (const y of d.steps(9, slow)) assert.deepEqual([y.state, y.rate], ['DEGRADED', 100]);
    const back = d.step();
    assert.deepEqual([back.state, back.rate], ['STARTUP', 1_000]);
  });

  test('fatal errors stop controlling (DEGRADED at minRate) until a cooldown without them', () => {
    const d = new Driver({ minRate: 50, degradedCooldownMs: 5_000 });
    d.step();
    const x = d.step({ errors: { fatal: 3 } });
    assert.deepEqual([x.state, x.kind, x.rate], ['DEGRADED', 'degraded', 50]);
    assert.match(x.reason, /fatal/);
    d.steps(3);
    d.step({ errors: { fatal: 1 } }); // another one restarts the cooldown
    const waiting = d.steps(4);
    assert.ok(waiting.every((y) => y.state === 'DEGRADED'));
    const back = d.step();
    assert.equal(back.state, 'STARTUP');
  });

  test('congestion errors above maxErrorRate cut by errorBeta', () => {
    const d = new Driver();
    d.step();
    const x = d.step({ acks: 1_490, errors: { congestion: 10 } });
    assert.equal(x.kind, 'cut');
    assert.match(x.reason, /congestion errors/);
    assert.equal(d.ctrl.lastCut?.toRate, 0.7 * 1_500);
  });

  test('congestion errors within maxErrorRate do not cut', () => {
    const d = new Driver();
    d.step();
    const x = d.step({ acks: 1_500, errors: { congestion: 1 } });
    assert.equal(x.kind, 'grow');
  });

  test('retries above maxRetryRate count as congestion', () => {
    const d = new Driver();
    d.step();
    const x = d.step({ retries: 30 });
    assert.equal(x.kind, 'cut');
    assert.match(x.reason, /retries/);
  });

  test('topology errors freeze increases for topologyFreezeMs without cutting', () => {
    const d = new Driver({ topologyFreezeMs: 5_000 });
    d.step();
    const frozen = [d.step({ errors: { topology: 4 } }), ...d.steps(4)];
    assert.ok(frozen.every((x) => x.kind === 'freeze' && x.rate === 1_500));
    assert.equal(d.ctrl.lastCut, undefined);
    assert.equal(d.step().kind, 'grow');
  });

  test('broker throttle time: pay the quota window back, then hold 0.97 × the quota estimated from it; no latency cut and no increase while throttled', () => {
    const d = new Driver({ maxRate: 2_000 });
    d.steps(3);
    assert.equal(d.ctrl.state, 'HOLD');
    // 11 s at 2,000 msg/s fill the broker's quota window; a quota of 1,800 msg/s throttles (O − Q)/Q · W.
    d.steps(11);
    const throttleMs = ((2_000 - 1_800) / 1_800) * 11_000;
    const x = d.step({ acks: 2_000, throttleTimeMs: throttleMs, inflight: 10 });
    assert.equal(x.kind, 'cut');
    assert.ok(Math.abs(d.ctrl.status().quotaRate! - 1_800) < 1, `quota ${d.ctrl.status().quotaRate}`);
    // The window holds 10 s at 2,000 (20,000) where 0.97 × 1,800 × 10 s = 17,460 fit: send only what keeps it
    // under, until the window has room again; then hold 0.97 × the estimate.
    assert.equal(x.state, 'DRAIN');
    assert.ok(x.rate < 0.97 * 1_800, `rate ${x.rate}`);
    // The broker still mutes a little: late acks explain themselves, no cut on them, no increase.
    const late = { p99Ms: 40, inflight: 5, throttleTimeMs: 50 };
    const after = d.steps(12, late);
    // Later estimates move a little with the window (now partly at the lower rate), never far.
    for (const y of after) {
      assert.ok(y.rate <= 1.02 * 0.97 * 1_800, `rate ${y.rate}`);
      assert.notEqual(y.kind, 'probe');
    }
    const held = after.at(-1)!;
    assert.equal(held.state, 'HOLD');
    assert.ok(Math.abs(held.rate / (0.97 * 1_800) - 1) < 0.02, `held ${held.rate}`);
  });

  test('a halved quota: the send rate pays the window (and the queue) back at once, never above 0.97 × the new quota', () => {
    const d = new Driver({ maxRate: 2_000 });
    d.steps(14);
    // Halved: the window at 2,000 msg/s is twice the quota of 1,000, the broker mutes for a whole window.
    const x = d.step({ acks: 2_000, throttleTimeMs: 11_000, inflight: 1_500, oldestInflightAgeMs: 800 });
    assert.ok(Math.abs(d.ctrl.status().quotaRate! - 1_000) < 1, `quota ${d.ctrl.status().quotaRate}`);
    assert.equal(d.ctrl.state, 'DRAIN');
    assert.equal(x.rate, 10, 'the window and the queue are over 0.97 × 1,000 × 10 s: minRate');
    // Muted: no acks; the queue grows by what is sent.
    const muted = d.steps(10, (rate) => ({ acks: 0, inflight: 1_500 + rate, oldestInflightAgeMs: 5_000 }));
    assert.ok(muted.every((y) => y.rate <= 970 + 1e-6 && y.kind !== 'probe'));
    // The queue goes out at once; afterwards the rate returns to 0.97 × 1,000 only as the window makes room.
    d.step({ acks: 1_600, inflight: 0 });
    const back = d.steps(12);
    assert.ok(back.every((y) => y.rate <= 970 + 1e-6));
    assert.equal(back.at(-1)!.state, 'HOLD');
    assert.ok(Math.abs(back.at(-1)!.rate - 970) < 1);
  });
});

describe('AdaptiveController: generator saturation', () => {
  test('a generator behind its schedule is capped at the achieved rate and flagged, never blamed on the broker', () => {
    const d = new Driver({ maxRate: 2_000 });
    d.steps(3);
    // Response time includes the generator's own lateness: p99 is far over the SLO, yet no cut, no DRAIN.
    const x = d.step({ sent: 1_800, acks: 1_800, p99Ms: 40 });
    assert.deepEqual([x.kind, x.state, x.rate, x.generatorLimited], ['cap', 'HOLD', 1_800, true]);
    assert.equal(d.ctrl.lastCut, undefined);
    assert.equal(d.ctrl.status().failingRate, undefined);
    assert.equal(d.ctrl.generatorLimited, true);
  });

  test('publish delay or event-loop delay over their bounds flag the generator', () => {
    for (const spec of [{ publishDelayP99Ms: 50 }, { eventLoopDelayP99Ms: 200 }]) {
      const d = new Driver({ maxRate: 2_000 });
      d.steps(3);
      const x = d.step({ ...spec, p99Ms: 60 });
      assert.deepEqual([x.kind, x.generatorLimited, x.rate], ['cap', true, 2_000]);
      assert.equal(d.ctrl.lastCut, undefined);
    }
  });

  test('sending less because the broker backs up is not generator saturation', () => {
    const d = new Driver({ maxRate: 2_000 });
    d.steps(3);
    const x = d.step({ sent: 1_500, acks: 1_000, p99Ms: 400, inflight: 3_000, oldestInflightAgeMs: 700 });
    assert.equal(x.generatorLimited, false);
    assert.equal(x.kind, 'cut');
  });
});

describe('AdaptiveController: a quota known before start-up', () => {
  test('a quota estimated in fixed mode caps the start-up of adaptive mode at 0.97 × the estimate', () => {
    const d = new Driver({ mode: 'fixed', fixedRate: 2_000 });
    d.steps(11);
    const throttleMs = ((2_000 - 1_800) / 1_800) * 11_000;
    d.step({ throttleTimeMs: throttleMs });
    assert.equal(d.ctrl.state, 'FIXED', 'fixed mode only records the estimate');
    assert.ok(Math.abs(d.ctrl.status().quotaRate! - 1_800) < 1);
    d.steps(12);
    d.ctrl.setMode('adaptive', 1_000);
    const rates = d.steps(5).map((x) => x.rate);
    assert.ok(Math.max(...rates) <= 0.97 * 1_800 + 1e-6, `start-up rates ${rates.join(', ')}`);
    assert.equal(d.ctrl.state, 'HOLD');
    // Then a lift probe at 1.1 × the estimate finds out whether the quota still holds. This broker never
    // throttles again: once the windowed rate passes 1.05 × the estimate, the quota counts as lifted and the
    // controller climbs as start-up does.
    const probe = d.step();
    assert.equal(probe.kind, 'probe');
    assert.ok(Math.abs(probe.rate - 1.1 * 1_800) < 1, `lift probe ${probe.rate}`);
    const judging = d.steps(12);
    const lifted = judging.findIndex((x) => /quota lifted/.test(x.reason));
    assert.ok(lifted >= 0, judging.map((x) => x.reason).join('; '));
    assert.ok(judging.slice(0, lifted).every((x) => x.kind === 'hold' && x.rate === probe.rate));
    assert.equal(judging[lifted]!.state, 'STARTUP');
    assert.equal(d.ctrl.status().quotaRate, undefined);
    assert.equal(d.step().kind, 'grow');
  });
});
