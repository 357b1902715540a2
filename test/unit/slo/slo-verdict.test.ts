import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { SoakbenchError } from '../../../src/errors.js';
import { ResultCollector } from '../../../src/results/result-collector.js';
import type { TestResult } from '../../../src/results/test-result.js';
import { formatSloTable } from '../../../src/slo/slo-table.js';
import { evaluateSlo, measurementsFromResult, type SloMeasurements } from '../../../src/slo/slo-verdict.js';
import { Stats } from '../../../src/stats/stats.js';
import { loadSloFile, parseSloText } from '../../../src/workload/slo-block.js';
import { parseWorkload } from '../../../src/workload/workload-parser.js';
import { expectProblems } from '../workload/expect-problem.js';
import { tempFiles } from '../workload/paths.js';

const FILE = 'slo.yaml';
const BASE = { topics: 1, partitionsPerTopic: 1, messageSize: 100, producersPerTopic: 1 };
const parse = (slo: unknown) => parseWorkload({ ...BASE, slo }, FILE);
const problems = (slo: unknown, ...expected: Parameters<typeof expectProblems>[3]) =>
  expectProblems(() => parse(slo), FILE, 'INVALID_WORKLOAD', expected);

const ALL_MEASURED: SloMeasurements = {
  publishResponseTimeP99Ms: 4.2,
  publishResponseTimeP999Ms: 9,
  endToEndP99Ms: 12,
  errorRate: 0.001,
  lost: 0,
  duplicated: 3,
  outOfOrder: 0,
  achievedRatio: 0.995,
};

/**
 * A real result: 2 × 10 s at 1,000 acks per period with response times 2 ms (990 of them) and 50 ms (10),
 * 1,000 receptions at 1.5 ms end to end per period, one failed send per period.
 */
function runResult(receive: boolean): TestResult {
  const clock = new ManualClock();
  const stats = new Stats({ clock });
  const collector = new ResultCollector({
    workload: 'w',
    driver: 'd',
    messageSize: 1024,
    topics: 1,
    partitions: 1,
    producersPerTopic: 1,
    consumersPerTopic: 1,
    soakbenchVersion: '0',
  });
  for (let period = 0; period < 2; period++) {
    for (let i = 0; i < 1000; i++) {
      const t = clock.nowNs();
      stats.recordSendAttempt(t, t);
      stats.recordAck(1024, t, t, t + (i < 990 ? 2e6 : 50e6));
      if (receive) stats.recordReceive(1024, 1500);
    }
    stats.recordSendError('timeout');
    clock.advanceMs(10_000);
    collector.addPeriod(stats.snapshotInterval(clock.nowNs()));
  }
  collector.setAggregated(stats.cumulativeSnapshot());
  collector.setIntegrity({ lost: 2, duplicated: 0, outOfOrder: 0, late: 0 });
  const result = collector.result();
  stats.destroy();
  return result;
}

describe('slo block', () => {
  test('any subset of the thresholds, in the workload', () => {
    const w = parse({ publishResponseTimeP99Ms: 0.001, maxLost: 0, minAchievedRatio: 0.99 });
    assert.deepEqual(w.slo, { publishResponseTimeP99Ms: 0.001, maxLost: 0, minAchievedRatio: 0.99 });
    assert.equal(parseWorkload(BASE, FILE).slo, undefined);
  });

  test('an empty or valueless slo block is an error, not a gate that passes everything', () => {
    problems({}, { field: 'slo', expected: 'at least one threshold', found: 'an empty mapping' });
    problems(null, { field: 'slo', expected: 'at least one threshold', found: 'null' });
  });

  test('every bad threshold at once, naming the field, what was expected and what was found', () => {
    const errs = problems(
      {
        publishResponseTimeP99: 5,
        endToEndP99Ms: 0,
        maxErrorRate: 1.5,
        minAchievedRatio: 99,
        maxLost: 0.5,
        maxDuplicated: '0',
        publishResponseTimeP999Ms: -1,
      },
      {
        field: 'slo.publishResponseTimeP99',
        expected: 'did you mean publishResponseTimeP99Ms?',
        found: 'unknown',
      },
      { field: 'slo.endToEndP99Ms', expected: 'milliseconds above 0', found: '0' },
      { field: 'slo.maxErrorRate', expected: 'at most 1', found: '1.5' },
      { field: 'slo.minAchievedRatio', expected: '(0.99, not 99)', found: '99' },
      { field: 'slo.maxLost', expected: 'a whole number, 0 or more', found: '0.5' },
      { field: 'slo.maxDuplicated', expected: 'a whole number', found: '"0"' },
      { field: 'slo.publishResponseTimeP999Ms', expected: 'milliseconds above 0', found: '-1' },
    );
    assert.equal(errs.length, 7);
  });

  test('--slo FILE: the same schema at the top level; problems name the file', () => {
    const { dir, cleanup } = tempFiles({
      'ok.yaml': 'publishResponseTimeP99Ms: 25\nmaxErrorRate: 0.001\n',
      'bad.json': '{"maxLost": -1}',
    });
    try {
      assert.deepEqual(loadSloFile(`${dir}/ok.yaml`), { publishResponseTimeP99Ms: 25, maxErrorRate: 0.001 });
      expectProblems(() => loadSloFile(`${dir}/bad.json`), `${dir}/bad.json`, 'INVALID_WORKLOAD', [
        { field: 'maxLost', expected: 'a whole number, 0 or more', found: '-1' },
      ]);
      assert.throws(
        () => loadSloFile(`${dir}/missing.yaml`),
        (err: unknown) => err instanceof SoakbenchError && err.code === 'FILE_NOT_FOUND',
      );
    } finally {
      cleanup();
    }
    expectProblems(() => parseSloText('', 'body'), 'body', 'INVALID_WORKLOAD', [
      { field: '(document)', expected: 'at least one threshold', found: 'null' },
    ]);
  });
});

describe('evaluateSlo', () => {
  test('publishResponseTimeP99Ms: 0.001 fails and names the threshold', () => {
    const v = evaluateSlo({ publishResponseTimeP99Ms: 0.001, maxLost: 0 }, ALL_MEASURED);
    assert.equal(v.pass, false);
    assert.deepEqual(v.failed, ['publishResponseTimeP99Ms']);
    assert.deepEqual(v.checks[0], {
      name: 'publishResponseTimeP99Ms',
      threshold: 0.001,
      measured: 4.2,
      pass: false,
      status: 'fail',
    });
    assert.equal(v.checks[1]?.status, 'pass');
    assert.ok(formatSloTable(v)[0]!.includes('publishResponseTimeP99Ms'));
  });

  test('at most / at least: the limit itself passes', () => {
    const v = evaluateSlo(
      { publishResponseTimeP99Ms: 4.2, maxDuplicated: 3, minAchievedRatio: 0.995, maxErrorRate: 0.001 },
      ALL_MEASURED,
    );
    assert.equal(v.pass, true);
    assert.equal(evaluateSlo({ minAchievedRatio: 0.996 }, ALL_MEASURED).pass, false);
    assert.equal(evaluateSlo({ maxDuplicated: 2 }, ALL_MEASURED).pass, false);
  });

  test('checks come in the documented order, whatever order the file has', () => {
    const v = evaluateSlo({ minAchievedRatio: 0.5, maxLost: 1, endToEndP99Ms: 100 }, ALL_MEASURED);
    assert.deepEqual(
      v.checks.map((c) => c.name),
      ['endToEndP99Ms', 'maxLost', 'minAchievedRatio'],
    );
  });

  test('a threshold that was not measured fails, and says so', () => {
    const v = evaluateSlo({ endToEndP99Ms: 100, maxLost: 0 }, { ...ALL_MEASURED, endToEndP99Ms: undefined });
    assert.equal(v.pass, false);
    assert.deepEqual(v.failed, ['endToEndP99Ms']);
    assert.deepEqual(v.checks[0], {
      name: 'endToEndP99Ms',
      threshold: 100,
      measured: null,
      pass: false,
      status: 'not measured',
    });
    // The verdict is plain JSON (null, not undefined).
    assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  });
});

describe('measurementsFromResult', () => {
  test("reads a run's result: response-time percentiles, error share, integrity and the achieved ratio", () => {
    const r = runResult(true);
    const m = measurementsFromResult(r, { targetRate: 100, integrityChecked: true });
    assert.ok(Math.abs(m.publishResponseTimeP99Ms! - 2) < 0.01, String(m.publishResponseTimeP99Ms));
    assert.ok(Math.abs(m.publishResponseTimeP999Ms! - 50) < 0.1, String(m.publishResponseTimeP999Ms));
    assert.ok(Math.abs(m.endToEndP99Ms! - 1.5) < 0.01);
    assert.equal(m.errorRate, 2 / 2002);
    assert.equal(m.lost, 2);
    assert.equal(m.duplicated, 0);
    assert.equal(m.achievedRatio, 2000 / 20 / 100);
    const v = evaluateSlo({ publishResponseTimeP99Ms: 0.001, publishResponseTimeP999Ms: 60, maxLost: 2 }, m);
    assert.deepEqual(v.failed, ['publishResponseTimeP99Ms']);
  });

  test('no consumers, no integrity check, no target: those are not measured', () => {
    const m = measurementsFromResult(runResult(false), { targetRate: undefined, integrityChecked: false });
    assert.equal(m.endToEndP99Ms, undefined);
    assert.equal(m.lost, undefined);
    assert.equal(m.outOfOrder, undefined);
    assert.equal(m.achievedRatio, undefined);
    assert.notEqual(m.publishResponseTimeP99Ms, undefined);
    const v = evaluateSlo({ endToEndP99Ms: 100, publishResponseTimeP99Ms: 100 }, m);
    assert.deepEqual(
      v.checks.map((c) => c.status),
      ['pass', 'not measured'],
    );
  });
});

describe('formatSloTable', () => {
  test('a headline and aligned rows with limit, measured value and result', () => {
    const v = evaluateSlo(
      { publishResponseTimeP99Ms: 0.001, endToEndP99Ms: 250, maxLost: 0, minAchievedRatio: 0.99 },
      { ...ALL_MEASURED, endToEndP99Ms: undefined, achievedRatio: 0.99512345 },
    );
    assert.deepEqual(formatSloTable(v), [
      'SLO verdict: FAIL (2 of 4 thresholds failed: publishResponseTimeP99Ms, endToEndP99Ms)',
      '  threshold                  limit         measured       result',
      '  publishResponseTimeP99Ms   <= 0.001 ms   4.2 ms         FAIL',
      '  endToEndP99Ms              <= 250 ms     not measured   FAIL (not measured)',
      '  maxLost                    <= 0          0              pass',
      '  minAchievedRatio           >= 0.99       0.9951         pass',
    ]);
    const ok = evaluateSlo({ maxLost: 0 }, ALL_MEASURED);
    assert.equal(formatSloTable(ok)[0], 'SLO verdict: PASS (1 of 1 thresholds met)');
  });
});
