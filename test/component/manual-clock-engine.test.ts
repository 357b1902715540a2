import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/clock.js';
import { memoryEngine } from './memory-engine.js';

test('on a ManualClock, response time and end-to-end latency are the broker’s ack delay, to the step', async () => {
  const clock = new ManualClock();
  const { engine, stats, integrity, broker, sleep } = memoryEngine('manual-clock', 1_000, {
    clock,
    ackDelayMs: 50,
  });
  await engine.start({ paused: true });
  stats.reset();
  engine.resume();
  // 400 steps of 5 ms: 2 s of the clock, whatever the machine's speed. The broker's timer (1 ms of real
  // time) and the send loop both look at the clock; a message waits for at most one extra step.
  const step = async (steps: number) => {
    for (let i = 0; i < steps; i++) {
      clock.advanceMs(5);
      await sleep(2);
    }
  };
  await step(400);
  engine.pause();
  await step(20); // the last acks, on the same steps
  await engine.refreshConsumers();
  const measured = stats.cumulativeSnapshot();
  await engine.stop({ flushMs: 2_000, drainMs: 2_000 });
  integrity.settle([engine]);
  broker.close();

  // 1,000 msg/s for 2 s of the clock: one at the start, then one per millisecond.
  assert.equal(measured.messagesSent, 2_001, 'the rate, exactly, on the clock');
  assert.equal(stats.messagesReceived, stats.messagesSent);
  const rt = measured.responseTime;
  assert.ok(rt.p50 >= 50_000 && rt.max <= 61_000, `response time p50 ${rt.p50} µs, max ${rt.max} µs`);
  const e2e = measured.endToEnd;
  assert.ok(
    e2e.count > 0 && e2e.p50 >= 50_000 && e2e.max <= 61_000,
    `end to end p50 ${e2e.p50}, max ${e2e.max}`,
  );
  assert.equal(integrity.lost + integrity.duplicated + integrity.outOfOrder, 0);
});
