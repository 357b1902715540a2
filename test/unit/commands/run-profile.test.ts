import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RunProfile } from '../../../src/commands/run-profile.js';
import type { Workload } from '../../../src/workload/workload.js';
import { parseWorkloadText } from '../../../src/workload/workload-parser.js';

function workload(fields: Record<string, unknown>): Workload {
  return parseWorkloadText(
    JSON.stringify({ topics: 1, partitionsPerTopic: 1, messageSize: 100, producersPerTopic: 1, ...fields }),
    'test.json',
  );
}

const TWO_HOLDS = [
  { rate: 1000, seconds: 20 },
  { rate: 3000, seconds: 20 },
];

describe('RunProfile (run with a rateProfile)', () => {
  test('none without a rateProfile', () => {
    assert.equal(RunProfile.of(workload({ producerRate: 100 })), undefined);
  });

  test('a finite profile: one pass is the test, testDurationMinutes ignored; warm-up at the first rate', () => {
    const p = RunProfile.of(workload({ rateProfile: TWO_HOLDS, testDurationMinutes: 10 }))!;
    assert.equal(p.testMs(), 40_000);
    assert.equal(p.warmupRate(Date.now()), 1000);
  });

  test('a repeating profile runs testDurationMinutes; 0 means until stopped', () => {
    const p = RunProfile.of(
      workload({ rateProfile: TWO_HOLDS, repeatProfile: true, testDurationMinutes: 2 }),
    )!;
    assert.equal(p.testMs(), 120_000);
    const forever = RunProfile.of(workload({ rateProfile: TWO_HOLDS, repeatProfile: true }))!;
    assert.equal(forever.testMs(), Number.POSITIVE_INFINITY);
  });

  test("the SLO's target rate is the profile's mean over the measured time, once started", () => {
    const p = RunProfile.of(workload({ rateProfile: TWO_HOLDS }))!;
    assert.equal(p.meanRate(40), undefined, 'not started');
    const followed: unknown[] = [];
    const session = { followProfile: (...args: unknown[]) => followed.push(args) };
    p.start(session as never, { nowNs: () => 5e9 } as never, Date.now());
    assert.equal(followed.length, 1);
    assert.equal(p.meanRate(40), 2000);
    assert.equal(p.meanRate(20), 1000);
  });
});
