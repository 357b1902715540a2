import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { SoakbenchError } from '../../../src/errors.js';
import { RateLimiter, scheduleTimeNs } from '../../../src/rate/rate-limiter.js';

const MS = 1e6;
const S = 1e9;

/** Takes every due message at the clock's now and returns their intended times. */
function takeDue(rl: RateLimiter, clock: ManualClock, max = Number.POSITIVE_INFINITY): number[] {
  const n = rl.due(clock.nowNs(), max);
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(rl.nextIntendedNs());
  return times;
}

/** The largest double below a positive x. */
function doubleBelow(x: number): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0]! -= 1n;
  return new Float64Array(bits.buffer)[0]!;
}

describe('RateLimiter', () => {
  test('intended times are anchor + i/rate, and a message is due exactly at its intended time', () => {
    const clock = new ManualClock(5 * S);
    const rl = new RateLimiter(clock, 1000);
    assert.deepEqual(takeDue(rl, clock), [5 * S]);
    clock.advanceNs(5 * MS - 1);
    assert.deepEqual(takeDue(rl, clock), [5 * S + 1 * MS, 5 * S + 2 * MS, 5 * S + 3 * MS, 5 * S + 4 * MS]);
    clock.advanceNs(1);
    assert.deepEqual(takeDue(rl, clock), [5 * S + 5 * MS]);
    assert.equal(rl.due(clock.nowNs(), 10), 0);
    assert.equal(rl.peekIntendedNs(), 5 * S + 6 * MS);
    assert.equal(rl.position, 6);
  });

  test('due() agrees with the intended times at a rate whose interval is not a whole number of ns', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 3);
    for (let i = 0; i < 3000; i++) {
      const t = rl.peekIntendedNs();
      assert.equal(t, (i * S) / 3);
      if (t > clock.nowNs()) {
        clock.setNs(Math.ceil(t) - 1);
        if (clock.nowNs() < t) assert.equal(rl.due(clock.nowNs(), 10), 0, `message ${i} due before its time`);
        clock.setNs(Math.ceil(t));
      }
      assert.equal(rl.due(clock.nowNs(), 10), 1, `message ${i} not due at its time`);
      rl.nextIntendedNs();
    }
  });

  test('a message is due at exactly its fractional intended time, not one double before', () => {
    // The inverse formula rounds both ways: at 7/s message 65 is intended at 9285714285.714285 ns and
    // (t * 7) / 1e9 gives 64.99999999999999; one double below message 3's time it already gives 3.
    for (const rate of [7, 13, 49_999]) {
      const clock = new ManualClock();
      const rl = new RateLimiter(clock, rate);
      for (let i = 0; i < 400; i++) {
        const t = rl.peekIntendedNs();
        if (i > 0) {
          clock.setNs(doubleBelow(t));
          assert.equal(rl.due(clock.nowNs(), 10), 0, `rate ${rate}: message ${i} due before its time`);
        }
        clock.setNs(t);
        assert.equal(rl.due(t, 10), 1, `rate ${rate}: message ${i} not due at its own time`);
        rl.nextIntendedNs();
      }
    }
  });

  test('after a 2-s stall every due message is reported at once with its original intended time', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    assert.equal(takeDue(rl, clock).length, 1);
    clock.advanceMs(2000);
    const times = takeDue(rl, clock);
    assert.equal(times.length, 2000);
    times.forEach((t, k) => {
      assert.equal(t, (k + 1) * MS);
    });
    assert.equal(rl.due(clock.nowNs(), Number.POSITIVE_INFINITY), 0);
  });

  test('the max cap is honoured and nothing is skipped across capped calls', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 10_000);
    clock.advanceMs(100); // messages 0..1000 are due
    const all: number[] = [];
    for (;;) {
      const batch = takeDue(rl, clock, 64);
      assert.ok(batch.length <= 64);
      if (batch.length === 0) break;
      all.push(...batch);
    }
    assert.equal(all.length, 1001);
    all.forEach((t, i) => {
      assert.equal(t, i * 100_000);
    });
  });

  test('a rate change carries the fractional position over: no slip, no bunching', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    clock.setNs(10.5 * MS);
    assert.equal(takeDue(rl, clock).length, 11); // 0..10
    rl.setRate(2000); // half a message of progress remains: next at 10.5 ms + 0.5/2000 s
    assert.equal(rl.rate, 2000);
    assert.equal(rl.peekIntendedNs(), 10.75 * MS);
    clock.setNs(12 * MS);
    assert.deepEqual(takeDue(rl, clock), [10.75 * MS, 11.25 * MS, 11.75 * MS]);
    rl.setRate(500); // position at 12 ms is 13.5 (13 taken): next at 12 ms + 0.5/500 s
    assert.equal(rl.peekIntendedNs(), 13 * MS);
  });

  test('messages due when the rate changes keep their original times and stay due', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    takeDue(rl, clock);
    clock.setNs(5.5 * MS); // messages 1..5 due, not taken
    rl.setRate(100);
    assert.equal(rl.due(clock.nowNs(), 100), 5);
    clock.setNs(10.5 * MS); // message 6 is due at 5.5 ms + 0.5/100 s = 10.5 ms
    assert.deepEqual(takeDue(rl, clock), [1 * MS, 2 * MS, 3 * MS, 4 * MS, 5 * MS, 10.5 * MS]);
    assert.equal(rl.peekIntendedNs(), 20.5 * MS);
  });

  test('two rate changes while behind keep each backlog on its own schedule', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    takeDue(rl, clock);
    clock.setNs(2.5 * MS); // 1, 2 due at 1000/s
    rl.setRate(2000); // position 2.5: message 3 at 2.75 ms
    clock.setNs(3.5 * MS); // 3 (2.75), 4 (3.25) due at 2000/s
    rl.setRate(10);
    assert.deepEqual(takeDue(rl, clock), [1 * MS, 2 * MS, 2.75 * MS, 3.25 * MS]);
    assert.equal(rl.peekIntendedNs(), 3.5 * MS + 0.5 * 100 * MS);
  });

  test('rate 0 makes nothing due and freezes the position; a later rate resumes from it', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    clock.setNs(2.25 * MS);
    takeDue(rl, clock); // 0, 1, 2; position 2.25
    rl.setRate(0);
    clock.advanceMs(1000);
    assert.equal(rl.due(clock.nowNs(), 10), 0);
    assert.equal(rl.nextIntendedNs(), Number.POSITIVE_INFINITY);
    assert.equal(rl.position, 3);
    rl.setRate(1000); // 0.75 of a message left before message 3
    assert.equal(rl.peekIntendedNs(), clock.nowNs() + 0.75 * MS);
  });

  test('a limiter created at rate 0 starts on time when given a rate', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    clock.advanceMs(500);
    assert.equal(rl.due(clock.nowNs(), 10), 0);
    rl.setRate(100);
    assert.deepEqual(takeDue(rl, clock), [500 * MS]);
    assert.equal(rl.peekIntendedNs(), 510 * MS);
  });

  test('pause: nothing due; resume re-anchors at now and forgets what was due at the pause', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    takeDue(rl, clock);
    clock.setNs(3.5 * MS); // 1..3 due, not taken
    rl.pause();
    assert.equal(rl.paused, true);
    clock.advanceMs(1000);
    assert.equal(rl.due(clock.nowNs(), 100), 0);
    assert.equal(rl.peekIntendedNs(), Number.POSITIVE_INFINITY);
    rl.setRate(2000); // a rate set while paused applies on resume
    rl.resume();
    const t0 = clock.nowNs();
    assert.deepEqual(takeDue(rl, clock), [t0]);
    clock.advanceMs(1);
    assert.deepEqual(takeDue(rl, clock), [t0 + 0.5 * MS, t0 + 1 * MS]);
    assert.equal(rl.position, 4);
  });

  test('very low (0.1/s) and very high (1e6/s) rates are exact', () => {
    const clock = new ManualClock();
    const slow = new RateLimiter(clock, 0.1);
    const fast = new RateLimiter(clock, 1e6);
    assert.equal(takeDue(slow, clock).length, 1);
    clock.setNs(10 * S - 1);
    assert.equal(slow.due(clock.nowNs(), 10), 0);
    clock.setNs(10 * S);
    assert.deepEqual(takeDue(slow, clock), [10 * S]);
    const n = fast.due(clock.nowNs(), Number.POSITIVE_INFINITY);
    assert.equal(n, 10_000_001);
    let last = Number.NaN;
    for (let i = 0; i < n; i++) {
      last = fast.nextIntendedNs();
      if (i === 1) assert.equal(last, 1000);
    }
    assert.equal(last, 10 * S);
  });

  test('no drift: times come from the index, exact after a million messages and at message 1e9', () => {
    // 49,999/s has no exact ns interval: adding intervals would drift, the index formula does not.
    const clock = new ManualClock();
    const rate = 49_999;
    const rl = new RateLimiter(clock, rate);
    clock.setNs(21 * S);
    const n = rl.due(clock.nowNs(), Number.POSITIVE_INFINITY);
    assert.equal(n, Math.floor((21 * rate * S) / S) + 1);
    for (let i = 0; i < n; i++) assert.equal(rl.nextIntendedNs(), scheduleTimeNs(0, 0, i, rate));
    // The formula against exact rational arithmetic: 1e9 messages at 50,000/s and at 49,999/s.
    assert.equal(scheduleTimeNs(0, 0, 1e9, 50_000), 2e13);
    const exactNs = Number((10n ** 9n * 10n ** 9n) / 49_999n);
    assert.ok(Math.abs(scheduleTimeNs(0, 0, 1e9, rate) - exactNs) < 1000, 'drifted by 1 µs or more');
    const anchored = scheduleTimeNs(86_400 * S, 0.5, 1e9 + 0.5, rate) - 86_400 * S;
    assert.ok(Math.abs(anchored - exactNs) < 1000);
  });

  test('messages taken ahead of time are not rescheduled earlier by a rate change', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 1000);
    for (let i = 0; i < 5; i++) rl.nextIntendedNs(); // 0..4 ms, taken at t=0
    rl.setRate(1e6);
    assert.equal(rl.peekIntendedNs(), 4 * MS + 1000);
  });

  test('rejects negative, infinite and NaN rates', () => {
    const clock = new ManualClock();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => new RateLimiter(clock, bad),
        (e: unknown) => e instanceof SoakbenchError && e.code === 'INVALID_ARGUMENT',
      );
    }
    const rl = new RateLimiter(clock, 10);
    assert.throws(() => rl.setRate(-5), /rate: expected a finite number of messages\/s >= 0, found -5/);
    assert.equal(rl.rate, 10);
  });
});
