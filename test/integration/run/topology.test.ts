/**
 * Several topics, subscriptions and consumers: each subscription (consumer group) reads every message
 * of its topic, the consumers of a group share it, and the topics the run created are gone at its end.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  brokerTopics,
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
import { waitFor } from '../../helpers/wait.js';
import { weightedMean } from './result-checks.js';

describe('soakbench run: 2 topics × 2 subscriptions × 2 consumers, 2 producers per topic', () => {
  const dir = tempDir('topology');
  let topics: string[] = [];
  after(async () => {
    // Only if the run failed to delete them.
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('every subscription reads everything (received = 2 × sent) and the topics are deleted at the end', async () => {
    const prefix = uniqueName('topology');
    const workload = writeWorkload(
      dir,
      'topology.yaml',
      smallWorkload(prefix, {
        topics: 2,
        partitionsPerTopic: 4,
        subscriptionsPerTopic: 2,
        consumerPerSubscription: 2,
        producersPerTopic: 2,
        producerRate: 1_000,
        testDurationMinutes: 0.06,
      }),
    );
    const out = join(dir, 'results');
    const run = await runCli(runArgs({ outputDir: out, workloads: [workload] }), 90_000);
    topics = createdTopicsFromLog(run.stderr);
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    assert.equal(topics.length, 2, `topics created: ${topics}`);
    // engine.producerProcesses' default: one per core, at most one per producer (4 here).
    const producing = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; producers?: number; processes?: number })
      .find((e) => e.msg === 'producing');
    assert.equal(producing?.producers, 4, `the producing log line: ${JSON.stringify(producing)}`);
    assert.equal(
      producing?.processes ?? 1,
      Math.min(availableParallelism(), 4),
      'one producer process per core by default',
    );
    topics.forEach((t, i) => {
      assert.ok(
        t.startsWith(`${prefix}-`) && t.endsWith(`-${i}`),
        `topic ${i} is named <topicPrefix>-...-${i}: ${t}`,
      );
    });

    const { result: r } = readOnlyResult(out);
    assert.equal(r.topics, 2);
    assert.equal(r.partitions, 4);
    assert.equal(r.producersPerTopic, 2);
    assert.equal(r.consumersPerTopic, 2);
    // The measured phase's rate, not the total: the total also counts what was sent after the phase ended
    // until the send path stopped, which with two producer processes (one per core: the default) includes
    // the stop request's trip to them.
    assert.ok(r.testSeconds >= 3.6, `the test phase lasted its 3.6 s: ${r.testSeconds}`);
    assert.ok(
      Math.abs(r.messagesSent / r.testSeconds - 1_000) < 50,
      `about 1,000 msg/s in the test phase: ${r.messagesSent} / ${r.testSeconds} s`,
    );
    assert.ok(
      r.totalMessagesSent >= r.messagesSent,
      `total ${r.totalMessagesSent} ≥ measured ${r.messagesSent}`,
    );
    assert.equal(
      r.totalMessagesReceived,
      2 * r.totalMessagesSent,
      'each of the 2 subscriptions read every message',
    );
    const publish = weightedMean(r.publishRate, r.periodSeconds);
    const consume = weightedMean(r.consumeRate, r.periodSeconds);
    assert.ok(
      Math.abs(consume / publish - 2) < 0.1,
      `consume rate ${consume} is twice the publish rate ${publish}`,
    );
    assert.equal(r.backlog.at(-1)! < 200, true, `backlog at the end: ${r.backlog.at(-1)}`);

    const gone = await waitFor(
      'the run to have deleted its topics',
      async () => {
        const onBroker = await brokerTopics();
        return topics.every((t) => !onBroker.has(t));
      },
      15_000,
      500,
    );
    assert.ok(gone);
  });
});
