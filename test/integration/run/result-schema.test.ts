/**
 * The result JSON is OMB's: every field of OMB's TestResult with its type, OMB's file name
 * (`<workload file name>-<driver name>-<yyyy-MM-dd-HH-mm-ss>.json`), one file per workload of the run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestResult } from '../../../src/results/test-result.js';
import {
  type CliOutcome,
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  readResults,
  removeDir,
  runArgs,
  runCli,
  smallWorkload,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';
import { OMB_RESULT_FIELDS, typeProblem } from './omb-result-fields.js';

/** The timestamp of OMB's file names, in local time (Java's SimpleDateFormat). */
function stamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}-${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`;
}

describe('soakbench run: result files', () => {
  const dir = tempDir('schema');
  const out = join(dir, 'results');
  let run: CliOutcome;
  let results: Map<string, TestResult>;
  let startedMs = 0;
  let endedMs = 0;
  let topics: string[] = [];

  before(async () => {
    const first = writeWorkload(
      dir,
      'schema-first.yaml',
      smallWorkload(uniqueName('schema-a'), { name: 'schema first / 2 partitions' }),
    );
    const second = writeWorkload(
      dir,
      'schema-second.json.yaml',
      smallWorkload(uniqueName('schema-b'), { name: 'schema second', partitionsPerTopic: 3 }),
    );
    startedMs = Date.now();
    run = await runCli(runArgs({ outputDir: out, workloads: [first, second] }), 90_000);
    endedMs = Date.now();
    topics = createdTopicsFromLog(run.stderr);
    results = readResults(out);
  });
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('two workloads in one run: exit 0 and two result files, named <workload file>-<driver>-<date>.json', () => {
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    const names = [...results.keys()];
    assert.equal(names.length, 2, `files: ${names}`);
    const pattern = /^(schema-first|schema-second\.json)-Kafka-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})\.json$/;
    const bases = names.map((n) => {
      const m = n.match(pattern);
      assert.ok(m, `${n} is <workload file without extension>-<driver name>-<yyyy-MM-dd-HH-mm-ss>.json`);
      // Whole seconds in local time: from the second the run started to the second it ended.
      assert.ok(
        m[2]! >= stamp(new Date(startedMs - 1_000)) && m[2]! <= stamp(new Date(endedMs)),
        `${m[2]} between ${stamp(new Date(startedMs))} and ${stamp(new Date(endedMs))}`,
      );
      return m[1];
    });
    assert.deepEqual(bases.sort(), ['schema-first', 'schema-second.json']);
    assert.match(run.stdout, /Wrote result to .*schema-first-Kafka-.*\.json/);
  });

  test("every field of OMB's TestResult is there with OMB's type", () => {
    for (const [name, r] of results) {
      const fields = r as unknown as Record<string, unknown>;
      for (const [field, type] of OMB_RESULT_FIELDS) {
        assert.ok(field in fields, `${name}: ${field} missing`);
        const problem = typeProblem(fields[field], type);
        assert.equal(
          problem,
          undefined,
          `${name}: ${field} should be ${problem}: ${JSON.stringify(fields[field])?.slice(0, 200)}`,
        );
      }
    }
  });

  test('the workload and driver facts are copied from the files', () => {
    const byName = new Map([...results.values()].map((r) => [r.workload, r]));
    const first = byName.get('schema first / 2 partitions');
    const second = byName.get('schema second');
    assert.ok(first && second, `workload names: ${[...byName.keys()]}`);
    for (const r of [first, second]) {
      assert.equal(r.driver, 'Kafka');
      assert.equal(r.messageSize, 1024);
      assert.equal(r.topics, 1);
      assert.equal(r.producersPerTopic, 1);
      assert.equal(r.consumersPerTopic, 1);
    }
    assert.equal(first.partitions, 2);
    assert.equal(second.partitions, 3);
  });

  test('the per-period lists have one entry per period, and the quantile maps run up to 100.0 = the max', () => {
    for (const [name, r] of results) {
      const fields = r as unknown as Record<string, unknown>;
      const periods = r.publishRate.length;
      assert.ok(periods >= 2, `${name}: ${periods} periods of 2 s in 3 s`);
      for (const [field, type] of OMB_RESULT_FIELDS) {
        if (type.endsWith('[]'))
          assert.equal((fields[field] as unknown[]).length, periods, `${name}: ${field} length`);
      }
      const maps: [string, number][] = [
        ['aggregatedPublishLatencyQuantiles', r.aggregatedPublishLatencyMax],
        ['aggregatedPublishDelayLatencyQuantiles', r.aggregatedPublishDelayLatencyMax],
        ['aggregatedEndToEndLatencyQuantiles', r.aggregatedEndToEndLatencyMax],
      ];
      for (const [field, max] of maps) {
        const entries = Object.entries(fields[field] as Record<string, number>);
        const percentiles = entries.map(([k]) => Number(k));
        assert.deepEqual(
          percentiles,
          [...percentiles].sort((a, b) => a - b),
          `${name}: ${field} keys ascend (a TreeMap)`,
        );
        assert.ok(
          entries.every(([, v], i) => i === 0 || v >= entries[i - 1]![1]),
          `${name}: ${field} values ascend`,
        );
        assert.equal(entries.at(-1)![0], '100.0', `${name}: ${field} ends at 100.0`);
        assert.equal(entries.at(-1)![1], max, `${name}: ${field} at 100.0 is the max`);
      }
    }
  });
});
