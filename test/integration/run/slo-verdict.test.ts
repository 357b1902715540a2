/**
 * `run`'s SLO verdict (docs/workloads.md "SLO verdicts"): the table after the aggregated line, `slo` in
 * the result JSON, exit code 3 when a threshold fails; `--slo FILE` replaces the workload's block.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  readOnlyResult,
  removeDir,
  runArgs,
  runCli,
  smallWorkload,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';

describe('soakbench run: SLO verdict', () => {
  const dir = tempDir('slo');
  const topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('an unreachable p99 threshold exits 3, names the threshold and writes the verdict', async () => {
    const workload = writeWorkload(
      dir,
      'strict.yaml',
      smallWorkload(uniqueName('slo-fail'), { slo: { publishResponseTimeP99Ms: 0.001, maxLost: 0 } }),
    );
    const out = join(dir, 'fail');
    const run = await runCli(runArgs({ outputDir: out, workloads: [workload] }), 60_000);
    topics.push(...createdTopicsFromLog(run.stderr));
    assert.equal(run.code, 3, describeOutput(run.stdout, run.stderr));
    assert.match(run.stdout, /SLO verdict: FAIL \(1 of 2 thresholds failed: publishResponseTimeP99Ms\)/);
    assert.match(run.stdout, /publishResponseTimeP99Ms\s+<= 0\.001 ms\s+\S+ ms\s+FAIL/);
    const { result: r } = readOnlyResult(out);
    assert.equal(r.slo?.pass, false);
    assert.deepEqual(r.slo?.failed, ['publishResponseTimeP99Ms']);
  });

  test('--slo FILE replaces the block: reachable thresholds exit 0 with a PASS verdict', async () => {
    const workload = writeWorkload(
      dir,
      'lenient.yaml',
      smallWorkload(uniqueName('slo-pass'), { slo: { publishResponseTimeP99Ms: 0.001 } }),
    );
    const sloFile = join(dir, 'slo.yaml');
    writeFileSync(sloFile, 'publishResponseTimeP99Ms: 10000\nmaxLost: 0\nminAchievedRatio: 0.9\n');
    const out = join(dir, 'pass');
    const run = await runCli(
      [...runArgs({ outputDir: out, workloads: [workload] }), '--slo', sloFile],
      60_000,
    );
    topics.push(...createdTopicsFromLog(run.stderr));
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    assert.match(run.stdout, /SLO verdict: PASS \(3 of 3 thresholds met\)/);
    const { result: r } = readOnlyResult(out);
    assert.equal(r.slo?.pass, true);
  });

  test('a bad --slo file exits 2 before touching Kafka, naming the file and field', async () => {
    const sloFile = join(dir, 'bad-slo.yaml');
    writeFileSync(sloFile, 'publishResponseTimeP99: 5\n');
    const workload = writeWorkload(dir, 'any.yaml', smallWorkload(uniqueName('slo-bad')));
    const run = await runCli(
      [...runArgs({ outputDir: join(dir, 'bad'), workloads: [workload] }), '--slo', sloFile],
      30_000,
    );
    assert.equal(run.code, 2, describeOutput(run.stdout, run.stderr));
    assert.match(run.stderr, /bad-slo\.yaml/);
    assert.match(run.stderr, /publishResponseTimeP99/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});
