/**
 * `soakbench report` input: OMB's own result JSON and soakbench's are read as they are; a bad file is refused
 * with its name, the field, what was expected and what was found.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SoakbenchError } from '../../../src/errors.js';
import { curve, reportData } from '../../../src/report/report-data.js';
import { readResult } from '../../../src/report/result-reader.js';
import { repoPath } from '../deploy/repo-root.js';

const OMB = repoPath('test/fixtures/omb-results/1-topic-8-partitions-1kb-20k-Kafka-omb-java.json');
const SOAK = repoPath('test/fixtures/soakbench-results/report-fixture-Kafka-2026-12-06-02-22-42.json');

const dir = mkdtempSync(join(tmpdir(), 'soakbench-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the soakbench fixture with one change; returns its path. */
function changed(name: string, edit: (r: Record<string, unknown>) => void): string {
  const r = JSON.parse(readFileSync(SOAK, 'utf8')) as Record<string, unknown>;
  edit(r);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(r));
  return path;
}

function refused(path: string, field: RegExp): SoakbenchError {
  let caught: unknown;
  try {
    readResult(path);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof SoakbenchError, `expected a SoakbenchError for ${path}`);
  assert.ok(caught.isUserError, caught.message);
  assert.ok(caught.message.startsWith(`${path}: `), caught.message);
  assert.match(caught.message, field);
  return caught;
}

describe('report input', () => {
  test("reads OMB's own result as OMB's", () => {
    const r = readResult(OMB);
    assert.equal(r.source, 'omb');
    assert.equal(r.periods, 6);
    const data = reportData([r], new Date(0));
    const run = data.runs[0]!;
    assert.equal(run.workload, '1 topic / 8 partitions / 1kb / 20k');
    // OMB's periods are 10 s apart.
    assert.deepEqual(run.time, [10, 20, 30, 40, 50, 60]);
    assert.equal(run.quantiles.responseTime, null);
    // Java writes "1.661335165232242E-4": read as a number, and 100 is left out of the curve.
    assert.ok(run.quantiles.publish.percentiles[0]! < 0.001);
    assert.ok(run.quantiles.publish.percentiles.every((p) => p < 100));
  });

  test("reads soakbench's result with its own fields", () => {
    const r = readResult(SOAK);
    assert.equal(r.source, 'soakbench');
    const run = reportData([r, readResult(OMB)], new Date(0)).runs[0]!;
    assert.ok(run.quantiles.responseTime !== null);
    assert.equal(run.time.length, r.periods);
    assert.equal(run.summary['messages lost'], 0);
  });

  test('two results with the same file name get distinct labels', () => {
    const data = reportData([readResult(OMB), readResult(OMB)], new Date(0));
    assert.notEqual(data.runs[0]!.label, data.runs[1]!.label);
  });

  test('a quantile curve is sorted by percentile', () => {
    assert.deepEqual(curve({ '99.0': 5, '50.0': 1, '100.0': 9, '1.0E-4': 0.1 }), {
      percentiles: [0.0001, 50, 99],
      latencyMs: [0.1, 1, 5],
    });
  });

  test('a missing file, a file that is not JSON, and bad fields are refused by name', () => {
    const missing = refused(join(dir, 'nope.json'), /cannot read/);
    assert.equal(missing.code, 'FILE_NOT_FOUND');
    const text = join(dir, 'text.json');
    writeFileSync(text, 'not json');
    refused(text, /not JSON/);
    refused(
      changed('rate.json', (r) => {
        r.publishRate = 'fast';
      }),
      /publishRate: expected a list of numbers, one per period, found "fast"/,
    );
    refused(
      changed('short.json', (r) => {
        r.consumeRate = [1];
      }),
      /consumeRate: expected 3 entries, as many as publishRate, found a list of 1/,
    );
    refused(
      changed('entry.json', (r) => {
        (r.backlog as unknown[])[1] = 'x';
      }),
      /backlog\[1\]: expected a number, found "x"/,
    );
    refused(
      changed('quantiles.json', (r) => {
        r.aggregatedEndToEndLatencyQuantiles = { fifty: 1 };
      }),
      /aggregatedEndToEndLatencyQuantiles key "fifty": expected a percentile from 0 to 100/,
    );
    refused(
      changed('workload.json', (r) => {
        delete r.workload;
      }),
      /workload: expected a string, found nothing/,
    );
  });
});
