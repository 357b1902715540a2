/**
 * `soakbench run --sweep FROM:TO:STEPS` on the real broker (docs/sweep.md): each rate is held in turn and
 * measured after its settle time; the console prints the curve with the knee, the result JSON carries it.
 */
import assert from 'node:assert/strict';
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

describe('soakbench run --sweep', () => {
  const dir = tempDir('sweep');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('300:1200:3 for 4 s a step: three steps near their targets, a table and a knee', async () => {
    // The workload's own rate and duration are overridden by the sweep.
    const workload = writeWorkload(
      dir,
      'sweep.yaml',
      smallWorkload(uniqueName('sweep'), { producerRate: 50, testDurationMinutes: 10 }),
    );
    const out = join(dir, 'out');
    const run = await runCli(
      [
        ...runArgs({ outputDir: out, workloads: [workload] }),
        '--sweep',
        '300:1200:3',
        '--sweep-seconds',
        '4',
      ],
      90_000,
    );
    topics = createdTopicsFromLog(run.stderr);
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    const { result } = readOnlyResult(out);
    const sweep = result.sweep;
    assert.ok(sweep, 'the result carries a sweep field');
    assert.deepEqual(
      sweep.steps.map((s) => s.targetRate),
      [300, 600, 1200],
      'geometric spacing: 300, 600, 1200',
    );
    assert.equal(sweep.settleSeconds, 0.8);
    for (const s of sweep.steps) {
      assert.ok(Math.abs(s.measuredSeconds - 3.2) < 0.3, `measured after the settle: ${s.measuredSeconds} s`);
      assert.ok(
        Math.abs(s.achievedRate - s.targetRate) < 0.1 * s.targetRate,
        `step at ${s.targetRate} achieved ${s.achievedRate}`,
      );
      assert.ok(s.publishResponseTimeP99Ms > 0 && s.endToEndP99Ms > 0, JSON.stringify(s));
    }
    assert.equal(result.publishRate.length, 3, 'one result period per step');
    // The knee follows docs/sweep.md's rule, applied here to the measured steps independently of the
    // code: the latency of a loopback broker on a shared machine decides which step that is (usually the
    // last), so the test checks the rule, not this machine's p99.
    // "The lowest step" is the step of the lowest rate, the first.
    const limit = Math.max(2 * sweep.steps[0]!.publishResponseTimeP99Ms, 10);
    assert.ok(
      Math.abs(sweep.kneeP99LimitMs - limit) < 0.01,
      `knee limit ${sweep.kneeP99LimitMs} vs ${limit}`,
    );
    const holds = (s: (typeof sweep.steps)[number]): boolean =>
      s.achievedRate >= 0.97 * s.targetRate &&
      s.publishResponseTimeP99Ms <= limit &&
      s.sendErrors <= 0.001 * s.messagesSent;
    const firstBreak = sweep.steps.findIndex((s) => !holds(s));
    const expectedKnee = firstBreak === -1 ? sweep.steps.length - 1 : firstBreak - 1;
    assert.equal(sweep.kneeIndex, expectedKnee === -1 ? null : expectedKnee, JSON.stringify(sweep));
    assert.ok(expectedKnee >= 0, `300 msg/s holds on a local broker: ${JSON.stringify(sweep.steps[0])}`);
    const kneeRate = sweep.steps[expectedKnee]?.targetRate;
    assert.equal(sweep.kneeRate, kneeRate);
    assert.match(run.stdout, /Capacity curve/);
    assert.match(run.stdout, new RegExp(`^\\s+${kneeRate}\\s+\\d+.*<- knee$`, 'm'));
    assert.match(run.stdout, new RegExp(`Knee: ${kneeRate} msg/s`));
  });

  test('a bad --sweep exits 2 naming the flag, before anything runs', async () => {
    const workload = writeWorkload(dir, 'bad.yaml', smallWorkload(uniqueName('sweepbad')));
    for (const bad of ['1000:500:4', '1000:5000', '0:10:3', '10:100:1', 'a:b:c']) {
      const run = await runCli(
        [...runArgs({ outputDir: join(dir, 'bad'), workloads: [workload] }), '--sweep', bad],
        20_000,
      );
      assert.equal(run.code, 2, `${bad}: ${describeOutput(run.stdout, run.stderr)}`);
      assert.match(run.stderr, /--sweep: expected FROM:TO:STEPS/, bad);
      assert.doesNotMatch(run.stderr, /at .*\.js:\d+/, 'no stack trace');
    }
    const alone = await runCli(
      [...runArgs({ outputDir: join(dir, 'bad'), workloads: [workload] }), '--sweep-seconds', '5'],
      20_000,
    );
    assert.equal(alone.code, 2, describeOutput(alone.stdout, alone.stderr));
    assert.match(alone.stderr, /--sweep-seconds: only with --sweep/);
  });
});
