import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateProfile } from '../../../src/rate/rate-profile.js';
import { utcOffsetMinutes } from '../../../src/workload/rate-profile-block.js';
import { parseWorkload, parseWorkloadText } from '../../../src/workload/workload-parser.js';
import { expectProblems } from './expect-problem.js';

const FILE = 'profile.yaml';
const BASE = { topics: 1, partitionsPerTopic: 1, messageSize: 100, producersPerTopic: 1 };
const parse = (fields: Record<string, unknown>) => parseWorkload({ ...BASE, ...fields }, FILE);
const problems = (fields: Record<string, unknown>, ...expected: Parameters<typeof expectProblems>[3]) =>
  expectProblems(() => parse(fields), FILE, 'INVALID_WORKLOAD', expected);

describe('workload rateProfile', () => {
  test("the issue's example parses into holds, a ramp and a sine, looped", () => {
    const w = parseWorkloadText(
      [
        'topics: 1',
        'partitionsPerTopic: 1',
        'messageSize: 100',
        'producersPerTopic: 1',
        'rateProfile:',
        '  - { rate: 1000, seconds: 60 }',
        '  - { rate: 5000, seconds: 120, ramp: true, name: climb }',
        '  - { sine: { min: 1000, max: 5000, periodSeconds: 600 }, seconds: 1800 }',
        'repeatProfile: true',
      ].join('\n'),
      FILE,
    );
    assert.deepEqual(w.rateProfile, {
      kind: 'steps',
      repeat: true,
      steps: [
        { kind: 'hold', rate: 1000, seconds: 60, name: undefined },
        { kind: 'ramp', rate: 5000, seconds: 120, name: 'climb' },
        { kind: 'sine', min: 1000, max: 5000, periodSeconds: 600, seconds: 1800, name: undefined },
      ],
    });
    assert.equal(w.producerRate, 0);
    const p = RateProfile.fromSpec(w.rateProfile!, 0);
    assert.equal(p.passSeconds, 1980);
    assert.equal(p.stepNameAt(100), 'climb');
  });

  test('repeatProfile defaults to false; no rateProfile means none', () => {
    const w = parse({ rateProfile: [{ rate: 10, seconds: 1 }] });
    assert.equal(w.rateProfile?.kind === 'steps' && w.rateProfile.repeat, false);
    assert.equal(parse({}).rateProfile, undefined);
  });

  test('a time-of-day profile: 24 rates and a UTC offset (default UTC)', () => {
    const rates = Array.from({ length: 24 }, (_, h) => h * 10);
    const w = parse({ rateProfile: { timeOfDay: rates, utcOffset: '-05:30' } });
    assert.deepEqual(w.rateProfile, { kind: 'timeOfDay', hourlyRates: rates, utcOffsetMinutes: -330 });
    const utc = parse({ rateProfile: { timeOfDay: rates } });
    assert.equal(utc.rateProfile?.kind === 'timeOfDay' && utc.rateProfile.utcOffsetMinutes, 0);
  });

  test('UTC offsets: "+HH:MM", "-HH:MM", "Z", within ±14:00', () => {
    assert.equal(utcOffsetMinutes('Z'), 0);
    assert.equal(utcOffsetMinutes('+02:00'), 120);
    assert.equal(utcOffsetMinutes('+14:00'), 840);
    assert.equal(utcOffsetMinutes('+14:01'), undefined);
    assert.equal(utcOffsetMinutes('+01:60'), undefined);
    assert.equal(utcOffsetMinutes('2'), undefined);
    assert.equal(utcOffsetMinutes('Europe/Paris'), undefined);
  });

  test('every problem of the steps at once, each naming its field path', () => {
    const errs = problems(
      {
        rateProfile: [
          { rate: -1, seconds: 0 },
          { rat: 5, seconds: 10 },
          { rate: 5, sine: { min: 1, max: 2, periodSeconds: 3 }, seconds: 1 },
          { sine: { min: 10, max: 5, periodSeconds: 0, phase: 1 }, seconds: 10, ramp: true },
          { rate: 5, seconds: '10', ramp: 'yes' },
          'fast',
        ],
        repeatProfile: 'always',
      },
      { field: 'rateProfile[0].rate', expected: 'messages/s, 0 or more', found: '-1' },
      { field: 'rateProfile[0].seconds', expected: 'above 0', found: '0' },
      { field: 'rateProfile[1].rat', expected: 'a step field', found: 'an unknown field' },
      { field: 'rateProfile[1].rat', expected: 'did you mean rate?', found: 'unknown' },
      { field: 'rateProfile[1].rate', expected: 'a rate (messages/s) or a sine', found: 'nothing' },
      { field: 'rateProfile[2].sine', expected: 'left out with a rate', found: 'an object' },
      { field: 'rateProfile[3].sine.max', expected: 'at least min (10)', found: '5' },
      { field: 'rateProfile[3].sine.periodSeconds', expected: 'above 0', found: '0' },
      { field: 'rateProfile[3].sine.phase', expected: 'a sine field', found: 'an unknown field' },
      { field: 'rateProfile[3].ramp', expected: 'left out with a sine', found: 'true' },
      { field: 'rateProfile[4].seconds', expected: 'above 0', found: '"10"' },
      { field: 'rateProfile[4].ramp', expected: 'true or false', found: '"yes"' },
      { field: 'rateProfile[5]', expected: 'a step', found: '"fast"' },
      { field: 'repeatProfile', expected: 'true or false', found: '"always"' },
    );
    assert.equal(errs.length, 13, errs.map((e) => e.message).join('\n'));
  });

  test('shapes that are not a profile', () => {
    problems(
      { rateProfile: [] },
      { field: 'rateProfile', expected: '1 to 10000 steps', found: 'a list of 0' },
    );
    problems({ rateProfile: 1000 }, { field: 'rateProfile', expected: 'a list of steps', found: '1000' });
    problems(
      { rateProfile: { steps: [] } },
      { field: 'rateProfile', expected: 'timeOfDay', found: 'an object' },
    );
    problems(
      {
        rateProfile: [
          { rate: 0, seconds: 10 },
          { rate: 0, seconds: 5, ramp: true },
        ],
      },
      { field: 'rateProfile', expected: 'at least one step with a rate above 0', found: 'every rate 0' },
    );
    problems(
      { repeatProfile: true },
      { field: 'repeatProfile', expected: 'only with a rateProfile', found: 'true' },
    );
  });

  test("rates and durations have the bounds of producerRate and a run's duration (limits.ts)", () => {
    problems(
      {
        rateProfile: [
          { rate: 20_000_000, seconds: 1e9 },
          { sine: { min: 0, max: 1e8, periodSeconds: 1e12 }, seconds: 10 },
        ],
      },
      { field: 'rateProfile[0].rate', expected: 'at most 10,000,000', found: '20000000' },
      { field: 'rateProfile[0].seconds', expected: 'at most 31,622,400', found: '1000000000' },
      { field: 'rateProfile[1].sine.max', expected: 'at most 10,000,000', found: '100000000' },
      { field: 'rateProfile[1].sine.periodSeconds', expected: 'at most 31,622,400', found: '1000000000000' },
    );
    const rates = Array.from({ length: 24 }, (_, h) => (h === 3 ? 1e9 : 10));
    problems(
      { rateProfile: { timeOfDay: rates } },
      { field: 'rateProfile.timeOfDay[3]', expected: 'at most 10,000,000', found: '1000000000' },
    );
  });

  test('time-of-day problems', () => {
    problems(
      { rateProfile: { timeOfDay: [1, 2, 3], utcOffset: '+2', zone: 'CET' }, repeatProfile: false },
      { field: 'rateProfile.timeOfDay', expected: '24 rates', found: 'a list of 3' },
      { field: 'rateProfile.utcOffset', expected: '"+02:00"', found: '"+2"' },
      { field: 'rateProfile.zone', expected: 'a time-of-day profile field', found: 'an unknown field' },
      { field: 'repeatProfile', expected: 'a day profile always repeats', found: 'false' },
    );
    const rates: unknown[] = Array.from({ length: 24 }, () => 0);
    problems(
      { rateProfile: { timeOfDay: rates } },
      { field: 'rateProfile.timeOfDay', expected: 'at least one rate above 0', found: 'every rate 0' },
    );
    rates[7] = 'busy';
    problems(
      { rateProfile: { timeOfDay: rates } },
      { field: 'rateProfile.timeOfDay[7]', expected: 'messages/s, 0 or more', found: '"busy"' },
    );
  });

  test('producerRate is left out with a profile, and a backlog does not need it then', () => {
    problems(
      { producerRate: 1000, rateProfile: [{ rate: 10, seconds: 1 }] },
      { field: 'producerRate', expected: 'left out with a rateProfile', found: '1000' },
    );
    const w = parse({
      rateProfile: [{ rate: 10, seconds: 1 }],
      consumerBacklogSizeGB: 1,
      subscriptionsPerTopic: 1,
      consumerPerSubscription: 1,
    });
    assert.equal(w.consumerBacklogSizeGB, 1);
  });
});
