import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { SoakbenchError } from '../../../src/errors.js';
import { RateLimiter } from '../../../src/rate/rate-limiter.js';
import { RateProfile } from '../../../src/rate/rate-profile.js';
import type { RateStepSpec } from '../../../src/rate/rate-profile-spec.js';

const MS = 1e6;
const S = 1e9;

const profileOf = (steps: RateStepSpec[], repeat = false): RateProfile =>
  RateProfile.fromSpec({ kind: 'steps', steps, repeat }, 0);
const hold = (rate: number, seconds: number): RateStepSpec => ({
  kind: 'hold',
  rate,
  seconds,
  name: undefined,
});
const ramp = (rate: number, seconds: number): RateStepSpec => ({
  kind: 'ramp',
  rate,
  seconds,
  name: undefined,
});

/**
 * Plays a sender that wakes every `tickNs` until `untilNs` and takes every due message, as the send loop
 * does; returns the intended times. Checks each is due when taken and none goes back.
 */
function play(
  rl: RateLimiter,
  clock: ManualClock,
  untilNs: number,
  tickNs = MS,
  out: number[] = [],
): number[] {
  while (clock.nowNs() < untilNs) {
    clock.setNs(Math.min(untilNs, clock.nowNs() + tickNs));
    const n = rl.due(clock.nowNs(), Number.POSITIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      const t = rl.nextIntendedNs();
      assert.ok(
        t <= clock.nowNs(),
        `message ${rl.position - 1} intended at ${t}, after now ${clock.nowNs()}`,
      );
      const prev = out.length > 0 ? out[out.length - 1]! : Number.NEGATIVE_INFINITY;
      assert.ok(t >= prev, `message ${rl.position - 1} intended at ${t}, before the previous ${prev}`);
      out.push(t);
    }
    // Nothing due is left behind: the next message is in the future.
    assert.ok(rl.peekIntendedNs() > clock.nowNs());
  }
  return out;
}

const countIn = (times: readonly number[], fromNs: number, toNs: number): number =>
  times.filter((t) => t >= fromNs && t < toNs).length;

/** The longest and shortest gap between consecutive intended times within [fromNs, toNs). */
function gaps(times: readonly number[], fromNs: number, toNs: number): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i - 1]! < fromNs || times[i]! >= toNs) continue;
    const gap = times[i]! - times[i - 1]!;
    min = Math.min(min, gap);
    max = Math.max(max, gap);
  }
  return { min, max };
}

describe('RateLimiter following a RateProfile', () => {
  test('two holds: exactly 20,000 then 60,000 intended times in each 20-s window', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    rl.followProfile(profileOf([hold(1000, 20), hold(3000, 20)]), 0);
    const times = play(rl, clock, 40 * S);
    assert.equal(countIn(times, 0, 20 * S), 20_000);
    assert.equal(countIn(times, 20 * S, 40 * S), 60_000);
    assert.equal(times[20_000], 20 * S);
    assert.equal(times[20_001], 20 * S + S / 3000);
  });

  test("a ramp's count equals the trapezoid's area (±1), also for a sender that wakes late", () => {
    for (const tick of [MS, 37 * MS]) {
      const clock = new ManualClock(3 * S);
      const rl = new RateLimiter(clock, 0);
      rl.followProfile(profileOf([hold(1000, 10), ramp(5000, 20), ramp(500, 15)]), 3 * S);
      const times = play(rl, clock, 48 * S + 3 * S, tick);
      assert.ok(Math.abs(countIn(times, 13 * S, 33 * S) - 60_000) <= 1, `tick ${tick}`);
      assert.ok(Math.abs(countIn(times, 33 * S, 48 * S) - ((5000 + 500) / 2) * 15) <= 1, `tick ${tick}`);
    }
  });

  test("a sine's count over a full period equals mean × period (±1)", () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    const sine: RateStepSpec = {
      kind: 'sine',
      min: 1000,
      max: 5000,
      periodSeconds: 60,
      seconds: 180,
      name: undefined,
    };
    rl.followProfile(profileOf([sine]), 0);
    const times = play(rl, clock, 130 * S);
    assert.ok(Math.abs(countIn(times, 0, 60 * S) - 180_000) <= 1);
    // Any full period, not only one starting at the minimum.
    assert.ok(Math.abs(countIn(times, 47 * S, 107 * S) - 180_000) <= 1);
    // Gaps follow the rate: 1/5000 s at the peak, 1/1000 s at the trough.
    const peak = gaps(times, 29.9 * S, 30.1 * S);
    assert.ok(Math.abs(peak.min - S / 5000) < 1000 && Math.abs(peak.max - S / 5000) < 1000);
    const trough = gaps(times, 59.9 * S, 60.1 * S);
    assert.ok(Math.abs(trough.max - S / 1000) < 1000);
  });

  test('an override and its hand-back are continuous: no burst, no gap', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    rl.followProfile(profileOf([hold(1000, 100)]), 0);
    const times = play(rl, clock, 10.0003 * S);
    rl.setRate(4000);
    assert.equal(rl.followingProfile, false);
    assert.equal(rl.rate, 4000);
    assert.equal(rl.profileProgress()?.overridden, true);
    play(rl, clock, 20.00071 * S, MS, times);
    rl.resumeProfile();
    assert.equal(rl.followingProfile, true);
    assert.equal(rl.rate, 1000);
    play(rl, clock, 30 * S, MS, times);

    // Each window carries its own rate's count, within one message.
    assert.ok(Math.abs(countIn(times, 0, 10.0003 * S) - 10_000.3) <= 1);
    assert.ok(Math.abs(countIn(times, 10.0003 * S, 20.00071 * S) - 4000 * 10.00041) <= 1);
    assert.ok(Math.abs(countIn(times, 20.00071 * S, 30 * S) - 1000 * 9.99929) <= 1);
    // No gap between messages shorter than the faster rate's, none longer than the slower's, across both switches.
    const all = gaps(times, 0, 30 * S);
    assert.ok(all.min >= S / 4000 - 1, `burst: gap of ${all.min} ns`);
    assert.ok(all.max <= S / 1000 + 1, `gap of ${all.max} ns`);
  });

  test("the profile's clock runs on during an override: hand-back rejoins it where it is now", () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    rl.followProfile(profileOf([hold(1000, 10), hold(2000, 10), hold(500, 10)]), 0);
    play(rl, clock, 5 * S);
    rl.setRate(100);
    play(rl, clock, 15 * S);
    assert.equal(rl.profileProgress()?.stepIndex, 1);
    assert.equal(rl.profileProgress()?.profileRate, 2000);
    rl.resumeProfile();
    // What the override did not send is not made up for: the next message follows at 2000/s.
    const before = rl.position;
    const times = play(rl, clock, 16 * S);
    assert.ok(Math.abs(rl.position - before - 2000) <= 1);
    assert.ok(times.every((t) => t >= 15 * S));
    assert.equal(rl.profileProgress()?.overridden, false);
    // resumeProfile without an override changes nothing.
    rl.resumeProfile();
    assert.ok(Math.abs(rl.position - before - 2000) <= 1);
  });

  test('messages due when an override starts keep their profile times and stay due', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    rl.followProfile(profileOf([hold(1000, 100)]), 0);
    clock.setNs(2 * S); // the sender stalled: 2001 messages (0 … 2000) are due
    rl.setRate(10);
    assert.equal(rl.due(clock.nowNs(), 1e9), 2001);
    const times = Array.from({ length: 2001 }, () => rl.nextIntendedNs());
    assert.equal(times[0], 0);
    assert.equal(times[2000], 2 * S);
    assert.equal(rl.peekIntendedNs(), 2 * S + S / 10);
  });

  test('followProfile while paused takes effect at resume; a pause is not a backlog', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 50);
    rl.pause();
    rl.followProfile(profileOf([hold(1000, 10), hold(3000, 10)]), 0);
    assert.equal(rl.due(clock.nowNs(), 10), 0);
    clock.setNs(12 * S);
    rl.resume();
    assert.equal(rl.peekIntendedNs(), 12 * S);
    assert.equal(rl.rate, 3000);
    const times = play(rl, clock, 13 * S);
    assert.equal(countIn(times, 12 * S, 13 * S), 3000);
    rl.pause();
    clock.setNs(15 * S);
    rl.resume();
    assert.equal(rl.due(clock.nowNs(), 1e9), 1);
  });

  test('a profile that ends at rate 0 schedules nothing more; a looping one goes on', () => {
    const clock = new ManualClock();
    const once = new RateLimiter(clock, 0);
    once.followProfile(profileOf([ramp(100, 10), ramp(0, 10)]), 0);
    const times = play(once, clock, 30 * S, 10 * MS);
    assert.ok(Math.abs(times.length - 1000) <= 1);
    assert.equal(once.peekIntendedNs(), Number.POSITIVE_INFINITY);
    assert.equal(once.profileProgress()?.ended, true);

    const clock2 = new ManualClock();
    const loop = new RateLimiter(clock2, 0);
    loop.followProfile(profileOf([ramp(100, 10), ramp(0, 10)], true), 0);
    const looped = play(loop, clock2, 60 * S, 10 * MS);
    assert.ok(Math.abs(looped.length - 3000) <= 1);
    assert.equal(loop.profileProgress()?.pass, 3);
  });

  test('a profile that starts later schedules nothing until its start', () => {
    const clock = new ManualClock();
    const rl = new RateLimiter(clock, 0);
    rl.followProfile(profileOf([hold(1000, 10)]), 5 * S);
    const times = play(rl, clock, 6 * S);
    assert.equal(times[0], 5 * S);
    assert.equal(countIn(times, 0, 5 * S), 0);
    assert.equal(countIn(times, 5 * S, 6 * S), 1000);
  });

  test('resumeProfile without a profile is a CONFLICT', () => {
    const rl = new RateLimiter(new ManualClock(), 10);
    assert.throws(
      () => rl.resumeProfile(),
      (err: unknown) => err instanceof SoakbenchError && err.code === 'CONFLICT',
    );
    assert.equal(rl.profileProgress(), undefined);
  });
});
