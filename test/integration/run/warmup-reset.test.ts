/**
 * Warm-up traffic is not measured: after it the stats start over (OMB resets its stats after the
 * warm-up), so the result's periods and counts cover the test phase alone, while the whole-run totals
 * still count everything.
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

const RATE = 1_000;
const WARMUP_SECONDS = 3;
const TEST_SECONDS = 6;

describe('soakbench run: warm-up reset', () => {
  const dir = tempDir('warmup');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('3 s of warm-up then 6 s of test at 1,000 msg/s: the result measures the 6 s only', async () => {
    const workload = writeWorkload(
      dir,
      'warmup.yaml',
      smallWorkload(uniqueName('warmup'), {
        producerRate: RATE,
        warmupDurationMinutes: WARMUP_SECONDS / 60,
        testDurationMinutes: TEST_SECONDS / 60,
      }),
    );
    const out = join(dir, 'results');
    const run = await runCli(runArgs({ outputDir: out, workloads: [workload], periodSeconds: 2 }), 60_000);
    topics = createdTopicsFromLog(run.stderr);
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    const { result: r } = readOnlyResult(out);

    const periods = r.periodSeconds.reduce((a, b) => a + b, 0);
    assert.equal(r.publishRate.length, TEST_SECONDS / 2, `one entry per 2-s test period: ${r.periodSeconds}`);
    assert.ok(Math.abs(periods - TEST_SECONDS) < 0.3, `periods cover the test phase only: ${periods} s`);
    assert.ok(
      Math.abs(r.messagesSent - RATE * TEST_SECONDS) < 0.03 * RATE * TEST_SECONDS,
      `messagesSent ≈ rate × test seconds (6,000), not warm-up + test (9,000): ${r.messagesSent}`,
    );
    assert.ok(
      Math.abs(r.messagesReceived - r.messagesSent) < 0.03 * r.messagesSent,
      `messagesReceived ≈ messagesSent over the test phase: ${r.messagesReceived} vs ${r.messagesSent}`,
    );
    assert.ok(
      Math.abs(r.testSeconds - TEST_SECONDS) < 0.02 * TEST_SECONDS,
      `testSeconds is the test phase's length (6 s): ${r.testSeconds}`,
    );
    const total = RATE * (WARMUP_SECONDS + TEST_SECONDS);
    assert.ok(
      Math.abs(r.totalMessagesSent - total) < 0.03 * total,
      `the whole-run totals include the warm-up (about 9,000): ${r.totalMessagesSent}`,
    );
    assert.equal(r.totalMessagesReceived, r.totalMessagesSent);

    // The warm-up was printed (OMB prints its periods too) but is not in the result.
    const stdout = run.stdout;
    const warmup = stdout.slice(stdout.indexOf('Starting warm-up'), stdout.indexOf('Starting benchmark'));
    assert.ok(warmup.includes('Pub rate'), `warm-up periods printed\n${stdout}`);
  });
});
