import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { Stats } from '../../../src/stats/stats.js';

const MS = 1e6;
const US = 1e3;

describe('Stats', () => {
  let stats: Stats | undefined;
  afterEach(() => stats?.destroy());

  /** Sends one message intended at `t`, sent `delayUs` later, acked `latencyUs` after the send. */
  function sendOne(s: Stats, t: number, delayUs: number, latencyUs: number, bytes = 1000): void {
    s.recordSendAttempt(t, t + delayUs * US);
    s.recordAck(bytes, t, t + delayUs * US, t + (delayUs + latencyUs) * US);
  }

  test('an interval reports counts, per-second rates over its elapsed time and latencies in µs', () => {
    const clock = new ManualClock(10 * 1e9);
    stats = new Stats({ clock, subscriptionsPerTopic: 2 });
    for (let i = 0; i < 100; i++) sendOne(stats, clock.nowNs() + i * MS, 250, 1500, 1024);
    stats.recordSendAttempt(clock.nowNs(), clock.nowNs());
    stats.recordSendError('timeout');
    stats.recordSendError('timeout');
    stats.recordSendError('queue_full');
    for (let i = 0; i < 50; i++) stats.recordReceive(1024, 5000);
    clock.advanceMs(2000);

    const p = stats.snapshotInterval(clock.nowNs());
    assert.equal(p.elapsedSeconds, 2);
    assert.deepEqual(
      [p.messagesSent, p.bytesSent, p.sendAttempts, p.sendErrors, p.messagesReceived, p.bytesReceived],
      [100, 102_400, 101, 3, 50, 51_200],
    );
    assert.deepEqual(p.sendErrorsByReason, { timeout: 2, queue_full: 1 });
    assert.deepEqual(
      [p.publishRate, p.publishBytesRate, p.errorRate, p.consumeRate, p.consumeBytesRate],
      [50, 51_200, 1.5, 25, 25_600],
    );
    assert.equal(p.backlog, 2 * 100 - 50);
    assert.deepEqual([p.publishLatency.count, p.publishLatency.p50, p.publishLatency.max], [100, 1500, 1500]);
    assert.deepEqual([p.publishDelay.count, p.publishDelay.p50, p.publishDelay.max], [101, 250, 250]);
    assert.deepEqual([p.responseTime.p50, p.responseTime.p99], [1750, 1750]);
    assert.equal(p.responseTimeWindow.count, 100);
    // Three significant digits: 5000 µs lands in a 4-µs bucket and is reported as the bucket's top.
    assert.deepEqual([p.endToEnd.count, p.endToEnd.p99], [50, 5003]);
  });

  test('the next interval holds only what happened after the snapshot; totals keep growing', () => {
    const clock = new ManualClock();
    stats = new Stats({ clock });
    sendOne(stats, 0, 10, 1000);
    stats.recordSendError('timeout');
    clock.advanceMs(1000);
    stats.snapshotInterval(clock.nowNs());
    sendOne(stats, clock.nowNs(), 20, 1800);
    stats.addReceived(7, 700);
    clock.advanceMs(500);
    const p = stats.snapshotInterval(clock.nowNs());
    assert.equal(p.startNs, 1000 * MS);
    assert.deepEqual([p.messagesSent, p.sendErrors, p.messagesReceived, p.publishRate], [1, 0, 7, 2]);
    assert.deepEqual(p.sendErrorsByReason, {});
    assert.deepEqual([p.totalMessagesSent, p.totalSendErrors, p.totalMessagesReceived], [2, 1, 7]);
    assert.deepEqual([p.publishLatency.count, p.publishLatency.p50], [1, 1800]);
    assert.equal(p.responseTimeWindow.count, 2, 'the window spans the last 3 intervals');
  });

  test('cumulative covers the run since reset() with quantiles; lifetime counters survive reset', () => {
    const clock = new ManualClock();
    stats = new Stats({ clock });
    sendOne(stats, 0, 1, 99_000); // warm-up
    stats.recordSendError('timeout');
    clock.advanceMs(1000);
    stats.reset();
    sendOne(stats, clock.nowNs(), 40, 1500);
    clock.advanceMs(1000);
    stats.snapshotInterval(clock.nowNs());
    sendOne(stats, clock.nowNs(), 60, 1900);
    clock.advanceMs(1000);
    const c = stats.cumulativeSnapshot();
    assert.deepEqual([c.startNs, c.endNs, c.elapsedSeconds], [1000 * MS, 3000 * MS, 2]);
    assert.deepEqual([c.messagesSent, c.sendErrors, c.publishRate], [2, 0, 1]);
    assert.deepEqual(c.sendErrorsByReason, {});
    assert.deepEqual([c.publishLatency.count, c.publishLatency.p50, c.publishLatency.max], [2, 1500, 1900]);
    assert.deepEqual(c.publishLatency.quantiles.at(-1), [100, 1900]);
    assert.deepEqual([c.publishDelay.p50, c.publishDelay.max], [40, 60]);
    assert.equal(stats.messagesSent, 3);
    assert.equal(stats.sendErrorsByReason.get('timeout'), 1);
  });

  test('clamped latencies are counted in latencyOverflowCount', () => {
    const clock = new ManualClock();
    stats = new Stats({ clock, latency: { maxUs: 10_000 }, endToEnd: { maxUs: 10_000 } });
    sendOne(stats, 0, 5, 20_000); // publish latency and response time both above 10 ms
    stats.recordReceive(10, 50_000);
    const c = stats.cumulativeSnapshot();
    assert.equal(c.latencyOverflowCount, 3);
    assert.equal(c.publishLatency.max, 10_000);
  });

  test('a zero-length interval reports rates of 0, not NaN', () => {
    const clock = new ManualClock();
    stats = new Stats({ clock });
    sendOne(stats, 0, 1, 1);
    const p = stats.snapshotInterval(clock.nowNs());
    assert.deepEqual([p.elapsedSeconds, p.publishRate, p.messagesSent], [0, 0, 1]);
  });
});
