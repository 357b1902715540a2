import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { IntegrityTracker } from '../../../src/integrity/integrity-tracker.js';
import { AdaptiveController } from '../../../src/rate/controller/adaptive-controller.js';
import { ControlLoop } from '../../../src/session/control-loop.js';
import { WorkloadSession } from '../../../src/session/workload-session.js';
import { ClientStats } from '../../../src/stats/client-stats.js';
import { Stats } from '../../../src/stats/stats.js';
import type { LoadEngine } from '../../../src/worker/load-engine.js';
import { workloadOf } from './memory-daemon.js';

/** A load engine double: records the rates it is given; starts and stops at once. */
function fakeEngine(rates: number[]): LoadEngine {
  const engine = {
    topics: ['t'],
    subscriptions: [],
    inFlight: 0,
    maxInFlight: 100,
    start: async () => {},
    stop: async () => {},
    setRate: (rate: number) => rates.push(rate),
    pause: () => {},
    resume: () => {},
    oldestInFlightAgeNs: () => 0,
    backlogBySubscription: () => [],
    inFlightIn: () => false,
  };
  return engine as unknown as LoadEngine;
}

function setUp(mode: 'fixed' | 'adaptive' = 'fixed') {
  const clock = new ManualClock(1e9);
  const stats = new Stats({ clock });
  const rates: number[] = [];
  const controller = new AdaptiveController({ mode, fixedRate: 100, intervalMs: 1_000 }, clock);
  const session = new WorkloadSession({
    clock,
    integrity: new IntegrityTracker(),
    newEngine: () => fakeEngine(rates),
    workload: workloadOf('cmp-loop'),
    rate: controller.rate,
  });
  const periods: number[] = [];
  const decided: string[] = [];
  const loop = new ControlLoop({
    clock,
    scheduler: clock,
    intervalMs: 1_000,
    stats,
    clientStats: new ClientStats(),
    session,
    controller,
    afterDecision: (p) => periods.push(p.endNs),
    onDecision: (d) => decided.push(d.kind),
  });
  return { clock, stats, rates, controller, session, loop, periods, decided };
}

describe('ControlLoop on a ManualClock', () => {
  test('turns once per interval as the clock moves, each interval ending at its own time', () => {
    const { clock, loop, periods } = setUp();
    loop.start();
    clock.advanceMs(999);
    assert.deepEqual(periods, []);
    clock.advanceMs(1);
    clock.advanceMs(2_500);
    assert.deepEqual(periods, [2e9, 3e9, 4e9]);
    assert.equal(loop.lastTickNs, 4e9);
    loop.stop();
    clock.advanceMs(5_000);
    assert.equal(periods.length, 3, 'no turn after stop');
  });

  test('no decision before an engine produces, for the interval it started in, while paused, or once closed', async () => {
    const { clock, stats, loop, session, decided } = setUp();
    loop.start();
    clock.advanceMs(1_000);
    assert.deepEqual(decided, [], 'no engine yet');
    clock.advanceMs(300);
    await session.start();
    clock.advanceMs(700);
    assert.deepEqual(decided, [], 'the interval began before the engine produced');
    clock.advanceMs(1_000);
    assert.deepEqual(decided, ['fixed'], 'a whole interval with the engine');
    session.pause();
    clock.advanceMs(2_000);
    assert.deepEqual(decided, ['fixed'], 'paused');
    session.resume();
    clock.advanceMs(1_000);
    assert.deepEqual(decided, ['fixed', 'fixed']);
    await session.stop({ flushMs: 0 });
    clock.advanceMs(1_000);
    assert.deepEqual(decided, ['fixed', 'fixed'], 'closed');
    assert.deepEqual(stats.events.decisions, { fixed: { operator: 2 } });
    loop.close();
  });

  test("a decision's rate goes to the session and its engine; decisions are counted in the stats", async () => {
    const { controller, loop, session, rates, stats } = setUp();
    await session.start();
    loop.apply(controller.setMode('fixed', 750));
    assert.equal(session.rate, 750);
    assert.deepEqual(rates, [750]);
    loop.apply(controller.setMode('fixed', 750));
    assert.deepEqual(rates, [750], 'an unchanged rate is not set again');
    const kinds = Object.keys(stats.events.decisions);
    assert.deepEqual(kinds, ['fixed']);
    const counted = Object.values(stats.events.decisions.fixed!).reduce((a, b) => a + b, 0);
    assert.equal(counted, 2);
    loop.close();
  });
});
