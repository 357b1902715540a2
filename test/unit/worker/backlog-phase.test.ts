import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import {
  type BacklogTarget,
  buildAndDrainBacklog,
  formatBacklogLine,
} from '../../../src/worker/backlog-phase.js';

/**
 * A workload on a ManualClock: producers ack `produceRate` msg/s; consumers, when not paused, read up to
 * `readRate` msg/s of what is there. Time moves only in `sleep`, so every figure is exact.
 */
function simulated(produceRate: number, readRate: number, messageSize: number, subscriptions = 1) {
  const clock = new ManualClock();
  let acked = 0;
  let consumed = 0;
  let paused = false;
  const calls: string[] = [];
  const target: BacklogTarget = {
    pauseConsumers: async () => {
      paused = true;
      calls.push('pause');
    },
    resumeConsumers: async () => {
      paused = false;
      calls.push('resume');
    },
    refreshConsumers: async () => {},
    backlogBySubscription: () =>
      new Array(subscriptions).fill((acked * subscriptions - consumed) / subscriptions),
    consumedTotals: () => ({ messages: consumed, bytes: consumed * messageSize }),
  };
  const sleep = async (ms: number): Promise<void> => {
    clock.advanceMs(ms);
    acked += (produceRate * ms) / 1000;
    if (!paused) consumed = Math.min(acked * subscriptions, consumed + (readRate * ms) / 1000);
  };
  return { clock, target, sleep, calls, consumedNow: () => consumed };
}

describe('buildAndDrainBacklog (OMB backlog mode)', () => {
  test('builds to the size while paused, then times the drain and the catch-up read rate', async () => {
    // 1,000 msg/s of 1,000 B: a 10,000,000 B backlog is 10,000 messages, built in 10 s.
    const sim = simulated(1_000, 3_000, 1_000);
    const stages: string[] = [];
    const r = await buildAndDrainBacklog(sim.target, {
      sizeBytes: 10_000_000,
      drainRatio: 1,
      messageSize: 1_000,
      clock: sim.clock,
      sleep: sim.sleep,
      onStage: (stage) => stages.push(stage),
    });
    assert.deepEqual(sim.calls, ['pause', 'resume']);
    assert.deepEqual(stages, ['building', 'draining']);
    assert.equal(r.buildSeconds, 10);
    assert.equal(r.peakBacklogMessages, 10_000);
    assert.equal(r.peakBacklogBytes, 10_000_000);
    // Drained: at or below OMB's floor of 1,000 messages. The backlog falls 2,000 msg/s (3,000 read − 1,000
    // produced): 9,000 messages in 4.5 s, checked every 100 ms.
    assert.equal(r.drainedBelowMessages, 1_000);
    assert.ok(Math.abs(r.drainSeconds - 4.5) < 1e-9, `drain ${r.drainSeconds} s`);
    assert.ok(Math.abs(r.catchUpMsgPerSec - 3_000) < 1e-6, `${r.catchUpMsgPerSec} msg/s`);
    assert.ok(Math.abs(r.catchUpBytesPerSec - 3_000_000) < 1e-3);
    assert.ok(Math.abs(r.catchUpMBPerSec - 3_000_000 / 1024 / 1024) < 1e-9);
    assert.equal(r.completed, true);
    assert.match(
      formatBacklogLine(r),
      /built 9\.5 MB \(10000 msgs\) in 10\.0 s .* drained to <= 1000 msgs in 4\.5 s .* 3000\.0 msg\/s \/ 2\.9 MB\/s$/,
    );
  });

  test('backlogDrainRatio 0.5 stops at half of the backlog; the size counts every subscription', async () => {
    // Two subscriptions: the backlog (summed, as OMB's subscriptionsPerTopic × sent − received) grows 2,000 msg/s.
    const sim = simulated(1_000, 6_000, 100, 2);
    const r = await buildAndDrainBacklog(sim.target, {
      sizeBytes: 2_000_000,
      drainRatio: 0.5,
      messageSize: 100,
      clock: sim.clock,
      sleep: sim.sleep,
    });
    assert.equal(r.buildSeconds, 10);
    assert.equal(r.peakBacklogMessages, 20_000);
    assert.equal(r.drainedBelowMessages, 10_000);
    // Falls 4,000 msg/s: 10,000 messages in 2.5 s.
    assert.ok(Math.abs(r.drainSeconds - 2.5) < 1e-9, `drain ${r.drainSeconds} s`);
    assert.equal(r.completed, true);
  });

  test('an abort while building resumes the consumers and reports an unfinished phase', async () => {
    const sim = simulated(1_000, 3_000, 1_000);
    const abort = new AbortController();
    const sleep = async (ms: number): Promise<void> => {
      await sim.sleep(ms);
      if (sim.clock.nowNs() >= 3e9) abort.abort();
    };
    const r = await buildAndDrainBacklog(sim.target, {
      sizeBytes: 10_000_000,
      drainRatio: 1,
      messageSize: 1_000,
      clock: sim.clock,
      sleep,
      signal: abort.signal,
    });
    assert.deepEqual(sim.calls, ['pause', 'resume']);
    assert.equal(r.completed, false);
    assert.equal(r.buildSeconds, 3);
    assert.equal(r.drainSeconds, 0);
  });

  test('consumers are resumed when the target fails while building', async () => {
    const sim = simulated(1_000, 3_000, 1_000);
    sim.target.backlogBySubscription = () => {
      throw new Error('gone');
    };
    await assert.rejects(
      buildAndDrainBacklog(sim.target, {
        sizeBytes: 10_000_000,
        drainRatio: 1,
        messageSize: 1_000,
        clock: sim.clock,
        sleep: sim.sleep,
      }),
      /gone/,
    );
    assert.deepEqual(sim.calls, ['pause', 'resume']);
  });

  test('a size, message size or ratio out of range is refused', async () => {
    const sim = simulated(1, 1, 1);
    for (const bad of [
      { sizeBytes: 0, drainRatio: 1, messageSize: 1 },
      { sizeBytes: 1, drainRatio: 1.5, messageSize: 1 },
      { sizeBytes: 1, drainRatio: 1, messageSize: 0 },
    ]) {
      await assert.rejects(buildAndDrainBacklog(sim.target, { ...bad, clock: sim.clock }), /backlog phase/);
    }
    assert.deepEqual(sim.calls, []);
  });
});
