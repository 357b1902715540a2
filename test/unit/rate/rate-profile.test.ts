import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateProfile } from '../../../src/rate/rate-profile.js';
import type { RateProfileSpec, RateStepSpec } from '../../../src/rate/rate-profile-spec.js';

const hold = (rate: number, seconds: number, name?: string): RateStepSpec => ({
  kind: 'hold',
  rate,
  seconds,
  name,
});
const ramp = (rate: number, seconds: number): RateStepSpec => ({
  kind: 'ramp',
  rate,
  seconds,
  name: undefined,
});
const sine = (min: number, max: number, periodSeconds: number, seconds: number): RateStepSpec => ({
  kind: 'sine',
  min,
  max,
  periodSeconds,
  seconds,
  name: undefined,
});
const steps = (list: RateStepSpec[], repeat = false): RateProfile =>
  RateProfile.fromSpec({ kind: 'steps', steps: list, repeat }, 0);

/** Checks timeOfCount is the inverse of integral within `tolNs` at `samples` counts spread over (0, max]. */
function assertInverse(p: RateProfile, max: number, samples: number, tolNs: number): void {
  for (let k = 1; k <= samples; k++) {
    const count = (max * k) / samples;
    const tNs = p.timeOfCountNs(count);
    const back = p.integral(tNs / 1e9);
    const rate = Math.max(p.rateAt(tNs / 1e9), 1e-9);
    // The count error expressed as time at the local rate.
    const errNs = (Math.abs(back - count) / rate) * 1e9;
    assert.ok(errNs <= tolNs, `count ${count}: t=${tNs} ns gives ${back} (${errNs} ns off)`);
  }
}

describe('RateProfile: steps', () => {
  test('two holds: rate, integral, steps, names and the end', () => {
    const p = steps([hold(1000, 20), hold(3000, 20, 'peak')]);
    assert.equal(p.rateAt(0), 1000);
    assert.equal(p.rateAt(19.999), 1000);
    assert.equal(p.rateAt(20), 3000);
    assert.equal(p.integral(20), 20_000);
    assert.equal(p.integral(40), 80_000);
    assert.equal(p.passSeconds, 40);
    assert.equal(p.durationSeconds, 40);
    assert.equal(p.stepIndexAt(5), 0);
    assert.equal(p.stepIndexAt(25), 1);
    assert.equal(p.stepNameAt(5), '1: hold 1000/s for 20 s');
    assert.equal(p.stepNameAt(25), 'peak');
    assert.equal(p.ended(39.9), false);
    assert.equal(p.ended(40), true);
    // After the end the last rate holds.
    assert.equal(p.rateAt(100), 3000);
    assert.equal(p.integral(50), 110_000);
    assert.equal(p.timeOfCountNs(20_000), 20e9);
    assert.equal(p.timeOfCountNs(20_001), 20e9 + 1e9 / 3000);
    assert.equal(p.timeOfCountNs(0), 0);
  });

  test('a ramp integrates to the trapezoid and inverts within a nanosecond, up and down', () => {
    const p = steps([hold(1000, 10), ramp(5000, 20), ramp(0, 30)]);
    assert.equal(p.integral(30) - p.integral(10), ((1000 + 5000) / 2) * 20);
    assert.equal(p.integral(60) - p.integral(30), (5000 / 2) * 30);
    assert.equal(p.rateAt(20), 3000);
    assert.equal(p.rateAt(45), 2500);
    assertInverse(p, p.passCount, 5000, 1);
    // It ended at 0: nothing more is ever scheduled.
    assert.equal(p.timeOfCountNs(p.passCount + 1), Number.POSITIVE_INFINITY);
  });

  test('the first ramp starts at 0', () => {
    const p = steps([ramp(2000, 10)]);
    assert.equal(p.rateAt(0), 0);
    assert.equal(p.integral(10), 10_000);
    assert.equal(p.timeOfCount(10_000), 10);
    // Message count c of a ramp from 0 is at sqrt(2c/slope).
    assert.ok(Math.abs(p.timeOfCount(100) - Math.sqrt(200 / 200)) < 1e-12);
  });

  test('a sine starts at min, peaks at half a period and schedules mean × period per period', () => {
    const p = steps([sine(1000, 5000, 600, 1800)]);
    assert.equal(p.rateAt(0), 1000);
    assert.ok(Math.abs(p.rateAt(300) - 5000) < 1e-9);
    assert.ok(Math.abs(p.integral(600) - 3000 * 600) < 1e-6);
    assert.ok(Math.abs(p.integral(1800) - 3000 * 1800) < 1e-6);
    assertInverse(p, p.passCount, 20_000, 0.1);
  });

  test('a sine down to 0 (where Newton stalls) still inverts within 0.1 ns', () => {
    const p = steps([sine(0, 100, 10, 30)]);
    assert.equal(p.rateAt(0), 0);
    assertInverse(p, p.passCount, 3000, 0.1);
    // The first message after t = 0 comes when ∫ = 1: 50t − (250/π)·sin(πt/5) = 1.
    const t = p.timeOfCount(1);
    assert.ok(Math.abs(50 * t - (250 / Math.PI) * Math.sin((Math.PI * t) / 5) - 1) < 1e-9);
  });

  test('a hold at 0 schedules nothing; the next message comes when the rate returns', () => {
    const p = steps([hold(100, 10), hold(0, 5), hold(100, 10)]);
    assert.equal(p.timeOfCount(1000), 10);
    assert.equal(p.timeOfCount(1001), 15.01);
  });

  test('repeatProfile loops: each pass schedules the same, times continue across passes', () => {
    const p = steps([hold(100, 10), ramp(300, 10)], true);
    assert.equal(p.durationSeconds, Number.POSITIVE_INFINITY);
    assert.equal(p.passCount, 1000 + 2000);
    assert.equal(p.integral(60), 3 * 3000);
    assert.equal(p.integral(65), 9000 + 500);
    assert.equal(p.rateAt(45), 100);
    assert.equal(p.stepIndexAt(55), 1);
    assert.equal(p.passAt(55), 2);
    // The second pass starts where the first ended (the ramp's end) and the first message of it follows.
    assert.equal(p.timeOfCountNs(3000), 20e9);
    assert.equal(p.timeOfCountNs(3001), 20e9 + 1e7);
    assertInverse(p, 10 * p.passCount, 10_000, 1);
    assert.equal(p.ended(1e9), false);
  });

  test('meanRate is the integral over the span divided by its length', () => {
    const p = steps([hold(1000, 20), hold(3000, 20)]);
    assert.equal(p.meanRate(0, 40), 2000);
    assert.equal(p.meanRate(10, 30), 2000);
    assert.equal(p.meanRate(5, 5), 1000);
  });
});

describe('RateProfile: time of day', () => {
  const hourly = Array.from({ length: 24 }, (_, h) => 1000 + h * 100);
  const spec = (utcOffsetMinutes: number): RateProfileSpec => ({
    kind: 'timeOfDay',
    hourlyRates: hourly,
    utcOffsetMinutes,
  });
  const at = (iso: string): number => Date.parse(iso);

  test('starts at the hour of day of its start, in the given offset, and interpolates within the hour', () => {
    // 06:30 UTC is 08:30 at +02:00: halfway between hour 8 (1800/s) and hour 9 (1900/s).
    const p = RateProfile.fromSpec(spec(120), at('2026-01-01T06:30:00Z'));
    assert.equal(p.rateAt(0), 1850);
    assert.equal(p.rateAt(1800), 1900);
    assert.equal(p.stepIndexAt(0), 8);
    assert.equal(p.stepNameAt(0), '08:00-09:00');
    assert.equal(p.integral(1800), ((1850 + 1900) / 2) * 1800);
    const utc = RateProfile.fromSpec(spec(0), at('2026-01-01T06:30:00Z'));
    assert.equal(utc.rateAt(0), 1650);
    const west = RateProfile.fromSpec(spec(-330), at('2026-01-01T03:00:00Z'));
    assert.equal(west.stepNameAt(0), '21:00-22:00'); // 03:00 − 5:30 = 21:30 the day before
  });

  test('a day schedules the sum of the hourly trapezoids, wrapping 23:00 → 00:00, every day alike', () => {
    const p = RateProfile.fromSpec(spec(0), at('2026-01-01T13:17:00Z'));
    const day = hourly.reduce((sum, r, h) => sum + ((r + hourly[(h + 1) % 24]!) / 2) * 3600, 0);
    assert.ok(Math.abs(p.integral(86_400) - day) < 1e-6);
    assert.ok(Math.abs(p.integral(3 * 86_400) - 3 * day) < 1e-5);
    // 23:30 is halfway down from hour 23's 3300/s to hour 0's 1000/s.
    assert.equal(p.rateAt((23.5 - (13 + 17 / 60)) * 3600), 2150);
    assertInverse(p, 2 * day, 20_000, 1);
  });
});
