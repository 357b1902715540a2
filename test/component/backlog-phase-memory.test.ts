import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { buildAndDrainBacklog } from '../../src/worker/backlog-phase.js';
import { memoryEngine } from './memory-engine.js';

test('paused consumers consume nothing while the backlog grows, and catch up once resumed', async () => {
  const { engine, stats, integrity, runFor, sleep } = memoryEngine('backlog-pause', 2_000);
  let during: { consumedFlat: number[]; backlogs: number[] } | undefined;
  await runFor(1_500, async () => {
    await sleep(200);
    await engine.pauseConsumers();
    const consumed: number[] = [];
    const backlogs: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sleep(200);
      await engine.refreshConsumers(1_000);
      consumed.push(engine.consumedTotals().messages);
      backlogs.push(engine.backlogBySubscription()[0]!);
    }
    during = { consumedFlat: consumed, backlogs };
    await engine.resumeConsumers();
  });
  const { consumedFlat, backlogs } = during!;
  assert.ok(consumedFlat[0]! > 0, 'consumed before the pause');
  assert.equal(new Set(consumedFlat).size, 1, `consumed while paused: ${consumedFlat.join(', ')}`);
  // 2,000 msg/s: about 800 more messages wait between the first and the last sample (400 ms).
  assert.ok(backlogs[2]! - backlogs[0]! > 300, `backlog ${backlogs.join(', ')}`);
  // After the resume and the stop's drain, everything acknowledged was consumed, once and in order.
  assert.equal(stats.messagesReceived, stats.messagesSent);
  assert.deepEqual(engine.backlogBySubscription(), [0]);
  assert.equal(integrity.lost + integrity.duplicated + integrity.outOfOrder, 0);
});

test('buildAndDrainBacklog on the memory driver: built to the size, drained, sane catch-up figures', async () => {
  const rate = 4_000;
  const { engine, stats, integrity, runFor } = memoryEngine('backlog-phase', rate);
  let result: Awaited<ReturnType<typeof buildAndDrainBacklog>> | undefined;
  // 100-byte messages: 400,000 bytes is 4,000 messages, about 1 s of producing.
  await runFor(2_500, async () => {
    result = await buildAndDrainBacklog(engine, {
      sizeBytes: 400_000,
      drainRatio: 1,
      messageSize: 100,
      clock: systemClock,
      buildPollMs: 50,
      drainPollMs: 20,
    });
  });
  const r = result!;
  assert.equal(r.completed, true);
  assert.ok(r.peakBacklogMessages >= 4_000, `peak ${r.peakBacklogMessages}`);
  assert.ok(r.buildSeconds > 0.7 && r.buildSeconds < 2, `built in ${r.buildSeconds} s`);
  assert.equal(r.drainedBelowMessages, 1_000);
  assert.ok(r.drainSeconds > 0 && r.drainSeconds < 1, `drained in ${r.drainSeconds} s`);
  // Draining reads the backlog down while producers go on: more than it was behind, faster than produced.
  assert.ok(r.drainedMessages >= r.peakBacklogMessages - 1_000, `${r.drainedMessages} drained`);
  assert.ok(r.catchUpMsgPerSec > rate, `catch-up ${r.catchUpMsgPerSec} msg/s`);
  assert.ok(Math.abs(r.catchUpBytesPerSec - 100 * r.catchUpMsgPerSec) < 1e-6 * r.catchUpBytesPerSec);
  assert.equal(stats.messagesReceived, stats.messagesSent);
  assert.equal(integrity.lost + integrity.duplicated + integrity.outOfOrder, 0);
});
