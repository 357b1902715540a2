import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QuotaEstimator } from '../../../../src/rate/controller/quota-estimator.js';

const S = 1e9;

/** Kafka's throttle time for a client sending `rate` (msg/s) over a window of `windowMs` under a quota `q`. */
const kafkaThrottleMs = (rate: number, q: number, windowMs = 11_000) => ((rate - q) / q) * windowMs;

describe('QuotaEstimator', () => {
  test('inverts Kafka throttle time: a full window at O with throttle (O − Q)/Q · W gives Q', () => {
    const e = new QuotaEstimator(11_000);
    for (let i = 1; i <= 20; i++) e.observe(2_500, S);
    const throttleMs = kafkaThrottleMs(2_500, 2_000);
    assert.ok(Math.abs(e.throttled(throttleMs, 20 * S)! - 2_000) < 1e-6);
    // Active for a window after the mute ends: what queued during the mute reaches the broker's window after it.
    assert.equal(e.active(20 * S + (throttleMs + 11_000) * 1e6), true);
    assert.equal(e.active(20 * S + (throttleMs + 11_001) * 1e6), false);
  });

  test('a young client: the broker divides by at least ten of its eleven seconds, and so does the estimate', () => {
    const e = new QuotaEstimator(11_000);
    for (let i = 1; i <= 4; i++) e.observe(6_000, S);
    // The broker saw 24,000 messages over a window padded to 10 s: O = 2,400 msg/s.
    const t = kafkaThrottleMs(2_400, 2_000, 10_000);
    assert.ok(Math.abs(e.throttled(t, 4 * S)! - 2_000) < 1e-6);
  });

  test('the oldest interval counts pro rata when the intervals do not line up with the window', () => {
    const e = new QuotaEstimator(11_000);
    for (let i = 0; i < 5; i++) e.observe(1_000, 2 * S);
    e.observe(500, S);
    e.observe(500, S);
    // Last 11 s: 500 + 500 + 4 × 1,000 + half of 1,000 = 5,500 messages.
    assert.ok(Math.abs(e.throttled(0.001, 12 * S)! - 5_500 / 11.000001) < 1e-3);
  });

  test('the highest estimate of the last two windows; an older high one expires', () => {
    const e = new QuotaEstimator(11_000);
    for (let i = 0; i < 11; i++) e.observe(1_100, S);
    // 12,100 messages in the window: 12,100 / (11 + T).
    e.throttled(2_000, 11 * S);
    assert.ok(Math.abs(e.current()! - 12_100 / 13) < 1e-6);
    e.throttled(100, 12 * S);
    e.throttled(1_000, 13 * S);
    assert.ok(Math.abs(e.current()! - 12_100 / 11.1) < 1e-6, 'the highest so far');
    // 10 % lower a window later (a drain thins the window): the high one stays for two windows.
    for (let i = 0; i < 11; i++) e.observe(1_000, S);
    e.throttled(100, 30 * S);
    assert.ok(Math.abs(e.current()! - 12_100 / 11.1) < 1e-6, 'still within two windows (22 s) of 12 s');
    e.throttled(100, 36 * S);
    assert.ok(Math.abs(e.current()! - 11_000 / 11.1) < 1e-6, 'the high one expired');
    // Far lower with a short throttle (paying the window back): ignored. With a long mute (the quota was
    // lowered): it replaces the others at once.
    for (let i = 0; i < 11; i++) e.observe(500, S);
    e.throttled(100, 47 * S);
    assert.ok(Math.abs(e.current()! - 11_000 / 11.1) < 1e-6, 'a short throttle does not lower it');
    e.throttled(5_500, 47 * S);
    assert.ok(Math.abs(e.current()! - 5_500 / 16.5) < 1e-6, 'a long mute does');
    e.forget();
    assert.equal(e.current(), undefined);
    assert.equal(e.active(36 * S), false);
  });
});
