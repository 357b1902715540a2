import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import {
  type Producer,
  SEND_FAILED,
  SEND_OK,
  SEND_QUEUE_FULL,
  type SendStatus,
} from '../../../src/driver/driver.js';
import { RateLimiter } from '../../../src/rate/rate-limiter.js';
import { Stats } from '../../../src/stats/stats.js';
import { readIntendedWallUs, readProducerId, readSequence } from '../../../src/worker/message-codec.js';
import { SendLoop } from '../../../src/worker/send-loop.js';
import { createKeyDistributor } from '../../../src/workload/key-distributor.js';

interface Sent {
  partition: number;
  token: number;
  sequence: number;
  producer: number;
  intendedWallUs: number;
}

/** A client double that records what it was given and answers with a scripted status. */
function fakeClient(status: () => SendStatus = () => SEND_OK) {
  const sent: Sent[] = [];
  const client: Producer = {
    connect: async () => {},
    send: (_topic, partition, value, _key, token) => {
      const s = status();
      if (s === SEND_OK) {
        sent.push({
          partition,
          token,
          sequence: readSequence(value),
          producer: readProducerId(value),
          intendedWallUs: readIntendedWallUs(value),
        });
      }
      return s;
    },
    lastSendError: 'ERR__STATE',
    outstanding: () => 0,
    flush: async () => true,
    close: async () => {},
  };
  return { client, sent };
}

function setup(options: {
  rate: number;
  partitions?: number;
  sticky?: number;
  maxInFlight?: number;
  status?: () => SendStatus;
}) {
  const clock = new ManualClock(0, 1_700_000_000_000);
  const stats = new Stats({ clock });
  const limiter = new RateLimiter(clock, options.rate);
  const { client, sent } = fakeClient(options.status);
  const payload = Buffer.alloc(100);
  const loop = new SendLoop({
    clock,
    stats,
    limiter,
    clients: [client],
    streams: [{ id: 0, topic: 't', partitions: options.partitions ?? 4, client: 0 }],
    payloads: { next: () => payload, size: 100, poolSize: 1 },
    keys: createKeyDistributor('NO_KEY'),
    runId: 42,
    maxInFlight: options.maxInFlight ?? 1_000,
    stickyMessages: options.sticky,
  });
  return { clock, stats, limiter, loop, sent };
}

/** Runs one tick synchronously (start() ticks once; stop() cancels the follow-up timer). */
function tickAt(s: ReturnType<typeof setup>, ms: number): void {
  s.clock.setNs(ms * 1e6);
  s.loop.start();
  s.loop.stop();
}

describe('SendLoop', () => {
  test('every due message is sent stamped with its own intended time, late ones included', () => {
    const s = setup({ rate: 1_000 });
    tickAt(s, 10); // 11 messages due: intended at 0, 1, … 10 ms
    assert.equal(s.sent.length, 11);
    const wall0 = 1_700_000_000_000 * 1000;
    assert.deepEqual(
      s.sent.map((m) => Math.round(m.intendedWallUs - wall0)),
      Array.from({ length: 11 }, (_, i) => i * 1000),
    );
    // Publish delay was recorded from the intended times: the first message waited 10 ms.
    const delay = s.stats.publishDelay.cumulative();
    assert.equal(delay.count, 11);
    assert.ok(delay.max >= 9_990 && delay.max <= 10_010, `max delay ${delay.max} µs`);
  });

  test('sequences count per partition; unkeyed messages round-robin without stickiness', () => {
    const s = setup({ rate: 1_000, partitions: 3 });
    tickAt(s, 5);
    assert.deepEqual(
      s.sent.map((m) => m.partition),
      [0, 1, 2, 0, 1, 2],
    );
    assert.deepEqual(
      s.sent.map((m) => m.sequence),
      [0, 0, 0, 1, 1, 1],
    );
    assert.ok(s.sent.every((m) => m.producer === 0));
  });

  test('with stickiness a stream fills a partition up to the batch, and moves on at the next tick', () => {
    const s = setup({ rate: 1_000, partitions: 3, sticky: 4 });
    tickAt(s, 5); // 6 due: 4 on one partition, then 2 on the next
    assert.deepEqual(
      s.sent.map((m) => m.partition),
      [0, 0, 0, 0, 1, 1],
    );
    tickAt(s, 7); // a new tick moves on although partition 1 got only 2
    assert.deepEqual(
      s.sent.slice(6).map((m) => m.partition),
      [2, 2],
    );
    assert.deepEqual(
      s.sent.map((m) => m.sequence),
      [0, 1, 2, 3, 0, 1, 0, 1],
    );
  });

  test('a full client queue is backpressure: the messages stay due and go out later with their intended times', () => {
    let full = true;
    const s = setup({ rate: 1_000, status: () => (full ? SEND_QUEUE_FULL : SEND_OK) });
    tickAt(s, 3);
    assert.equal(s.sent.length, 0);
    assert.equal(s.loop.queueFullTicks, 1);
    full = false;
    tickAt(s, 5);
    assert.equal(s.sent.length, 6, 'nothing was skipped');
    assert.equal(Math.round(s.sent[0]!.intendedWallUs - 1_700_000_000_000 * 1000), 0);
  });

  test('the in-flight cap holds messages back until delivery reports free slots', () => {
    const s = setup({ rate: 1_000, maxInFlight: 3 });
    tickAt(s, 9);
    assert.equal(s.sent.length, 3);
    assert.equal(s.loop.inFlight.size, 3);
    s.clock.setNs(9.5e6);
    for (const m of s.sent) s.loop.onDelivery(null, m.token);
    assert.equal(s.loop.inFlight.size, 0);
    assert.equal(s.stats.messagesSent, 3);
    tickAt(s, 10);
    assert.equal(s.sent.length, 6);
  });

  test('settledBelow: per partition the lowest sequence in flight, else the next to send; and the oldest intended time', () => {
    const s = setup({ rate: 1_000, partitions: 3 });
    const out = new Float64Array(s.loop.partitionSlots);
    assert.equal(s.loop.settledBelow(out), Number.POSITIVE_INFINITY, 'nothing sent: nothing in flight');
    assert.deepEqual([...out], [0, 0, 0]);
    tickAt(s, 5); // partitions 0 1 2 0 1 2, sequences 0 0 0 1 1 1, intended at 0 … 5 ms
    // Acknowledge the first two messages (p0 seq 0, p1 seq 0) and p0's seq 1: p0 is settled up to 2.
    for (const i of [0, 1, 3]) s.loop.onDelivery(null, s.sent[i]!.token);
    const oldest = s.loop.settledBelow(out);
    assert.deepEqual([...out], [2, 1, 0]);
    assert.equal(oldest, 2e6, 'the oldest in flight is p2 seq 0, intended at 2 ms');
    for (const i of [2, 4, 5]) s.loop.onDelivery(null, s.sent[i]!.token);
    assert.equal(s.loop.settledBelow(out), Number.POSITIVE_INFINITY);
    assert.deepEqual([...out], [2, 2, 2]);
  });

  test('a failed delivery is a send error by reason, not an acknowledgement', () => {
    const s = setup({ rate: 1_000 });
    tickAt(s, 0);
    s.loop.onDelivery('ERR__MSG_TIMED_OUT', s.sent[0]!.token);
    assert.equal(s.stats.sendErrors, 1);
    assert.equal(s.stats.sendErrorsByReason.get('ERR__MSG_TIMED_OUT'), 1);
    assert.equal(s.stats.messagesSent, 0);
  });

  test('a message the client refuses outright is counted as an error and not retried', () => {
    const s = setup({ rate: 1_000, status: () => SEND_FAILED });
    tickAt(s, 2);
    assert.equal(s.stats.sendErrors, 3);
    assert.equal(s.loop.inFlight.size, 0);
  });
});
