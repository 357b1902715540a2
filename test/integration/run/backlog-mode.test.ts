/**
 * OMB's backlog mode in `soakbench run` on a real broker (docs/workloads.md "Backlog mode"): after the
 * warm-up the consumers pause until 0.01 GiB of payload waits unread, then resume; the drain is timed
 * and the test phase lasts testDurationMinutes after it, as OMB's WorkloadGenerator does.
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

const RATE = 5_000;
const MESSAGE_SIZE = 1_024;
const SIZE_BYTES = Math.round(0.01 * 1024 ** 3);
const TEST_SECONDS = 4;

describe('soakbench run: backlog mode (consumerBacklogSizeGB)', () => {
  const dir = tempDir('backlog');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('0.01 GiB at 5,000 msg/s of 1 KiB: built in about 2 s, drained, catch-up rate and drain time reported', async () => {
    const workload = writeWorkload(
      dir,
      'backlog.yaml',
      smallWorkload(uniqueName('backlog'), {
        partitionsPerTopic: 4,
        messageSize: MESSAGE_SIZE,
        producerRate: RATE,
        consumerBacklogSizeGB: 0.01,
        warmupDurationMinutes: 1 / 60,
        testDurationMinutes: TEST_SECONDS / 60,
      }),
    );
    const out = join(dir, 'results');
    const run = await runCli(runArgs({ outputDir: out, workloads: [workload], periodSeconds: 2 }), 90_000);
    topics = createdTopicsFromLog(run.stderr);
    const said = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 0, said);
    const { result: r } = readOnlyResult(out);
    const b = r.consumerBacklog;
    assert.ok(b, `consumerBacklog in the result JSON\n${said}`);
    assert.equal(b.completed, true, said);
    assert.equal(b.sizeBytes, SIZE_BYTES);
    assert.equal(b.drainRatio, 1);
    assert.equal(b.drainedBelowMessages, 1_000);
    // 10,486 messages of 1 KiB at 5,000 msg/s: about 2.1 s, checked every second.
    assert.ok(b.peakBacklogBytes >= SIZE_BYTES, `backlog at resume ${b.peakBacklogBytes} B`);
    assert.equal(b.peakBacklogBytes, b.peakBacklogMessages * MESSAGE_SIZE);
    assert.ok(b.buildSeconds > 1.5 && b.buildSeconds < 8, `built in ${b.buildSeconds} s`);
    assert.ok(b.drainSeconds > 0 && b.drainSeconds < 20, `drained in ${b.drainSeconds} s`);
    // The consumers read what they were behind plus what kept coming, faster than it was produced.
    assert.ok(b.drainedMessages >= b.peakBacklogMessages - 1_000, `${b.drainedMessages} read while draining`);
    assert.ok(b.catchUpMsgPerSec > RATE, `catch-up ${b.catchUpMsgPerSec} msg/s, produced ${RATE}`);
    assert.ok(
      Math.abs(b.catchUpBytesPerSec - MESSAGE_SIZE * b.catchUpMsgPerSec) < 0.01 * b.catchUpBytesPerSec,
      `${b.catchUpBytesPerSec} B/s`,
    );
    // OMB's test phase ends testDurationMinutes after the drain, so it covers build + drain + test.
    const expected = b.buildSeconds + b.drainSeconds + TEST_SECONDS;
    assert.ok(
      r.testSeconds >= expected - 0.5 && r.testSeconds < expected + 3,
      `testSeconds ${r.testSeconds}, build + drain + test = ${expected}`,
    );
    // During the build the periods show the backlog the consumers left.
    assert.ok(Math.max(...r.backlog) >= 5_000, `backlog per period ${r.backlog.join(', ')}`);
    assert.equal(r.totalMessagesReceived, r.totalMessagesSent);
    assert.equal(r.messagesLost + r.messagesDuplicated, 0);
    assert.match(run.stdout, /Consumers paused: building a backlog of 0\.01 GB/);
    assert.match(run.stdout, /Consumers resumed: draining a backlog of \d+ messages/);
    assert.match(
      run.stdout,
      /Backlog: built [\d.]+ MB \(\d+ msgs\) in [\d.]+ s \| drained to <= 1000 msgs in [\d.]+ s \| catch-up read rate [\d.]+ msg\/s \/ [\d.]+ MB\/s/,
    );
  });
});
