/**
 * Issue 13 part 1's rate criterion: `soakbench run --producer-processes 2` sends from two producer
 * child processes (docs/architecture.md, "Processes") and holds 20,000 msg/s within 0.5 % over a 20-s
 * test (messagesSent / testSeconds, as the done-criterion test measures), losing nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  readOnlyResult,
  removeDir,
  runArgs,
  runCli,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';

const TARGET_RATE = 20_000;

describe('soakbench run with two producer processes', () => {
  const dir = tempDir('producer-processes');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('20,000 msg/s from 2 producer processes for 20 s: within 0.5 %, nothing lost or duplicated', async (t) => {
    const workload = writeWorkload(dir, 'pp-20k.yaml', {
      name: 'pp-20k',
      topics: 1,
      partitionsPerTopic: 8,
      messageSize: 256,
      producersPerTopic: 2,
      subscriptionsPerTopic: 1,
      consumerPerSubscription: 2,
      producerRate: TARGET_RATE,
      warmupDurationMinutes: 20 / 60,
      testDurationMinutes: 20 / 60,
      topicPrefix: uniqueName('pp-20k'),
    });
    const out = `${dir}/results`;
    const run = await runCli(
      [...runArgs({ outputDir: out, workloads: [workload], periodSeconds: 5 }), '--producer-processes', '2'],
      120_000,
    );
    topics = createdTopicsFromLog(run.stderr);
    const context = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 0, context);
    assert.match(run.stderr, /"processes":2/, `the engine says it produces from 2 processes\n${context}`);

    const { result: r } = readOnlyResult(out);
    const rate = r.messagesSent / r.testSeconds;
    for (const line of run.stdout.split('\n').filter((l) => l.startsWith('Pub rate')))
      t.diagnostic(line.slice(0, 90));
    t.diagnostic(`messagesSent ${r.messagesSent} / testSeconds ${r.testSeconds} = ${rate.toFixed(1)} msg/s`);
    assert.ok(
      Math.abs(rate - TARGET_RATE) / TARGET_RATE < 0.005,
      `messagesSent / testSeconds within 0.5 % of 20,000: ${r.messagesSent} / ${r.testSeconds} = ${rate}`,
    );
    // The run's log goes with these: it says which processes started, restarted or were reassigned.
    assert.equal(r.sendErrors, 0, context);
    assert.equal(
      r.totalMessagesReceived,
      r.totalMessagesSent,
      `every acknowledged message was consumed once\n${context}`,
    );
    assert.equal(r.messagesLost, 0, `lost\n${context}`);
    assert.equal(r.messagesDuplicated, 0, `duplicated\n${context}`);
    assert.ok(r.aggregatedPublishLatency99pct > 0, 'publish latencies merged from the processes');
  });
});
