/**
 * Issue 3's done criterion, from outside: `soakbench run` of the shipped 1-topic, 8-partition, 1 KiB,
 * 5,000 msg/s workload (30 s after a 10 s warm-up) against the local broker writes a result whose rate
 * is within 1 % of the target, that lost nothing, and whose latency fields are filled and sane.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  brokerTopics,
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  REPO_ROOT,
  readOnlyResult,
  removeDir,
  runArgs,
  runCli,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { type LatencyFamily, latencyFields, weightedMean } from './result-checks.js';

const SHIPPED = join(REPO_ROOT, 'config', 'workloads', '1-topic-8-partitions-1kb-5k.yaml');
const TARGET_RATE = 5_000;

describe('soakbench run: the done criterion of issue 3', () => {
  const dir = tempDir('done');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('5,000 msg/s of 1 KiB into 8 partitions for 30 s after 10 s of warm-up: rate within 1 %, nothing lost, latencies filled', async () => {
    const shipped = parse(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;
    // The shipped file is the workload under test; only the topic prefix is ours, so that the topics are.
    assert.equal(shipped.topics, 1);
    assert.equal(shipped.partitionsPerTopic, 8);
    assert.equal(shipped.messageSize, 1024);
    assert.equal(shipped.producerRate, TARGET_RATE);
    assert.equal(shipped.testDurationMinutes, 0.5);
    assert.ok(Math.abs((shipped.warmupDurationMinutes as number) * 60 - 10) < 0.05, 'a 10 s warm-up');
    const workload = writeWorkload(dir, '1-topic-8-partitions-1kb-5k.yaml', {
      ...shipped,
      topicPrefix: uniqueName('done'),
    });
    const out = join(dir, 'results');

    const run = await runCli(runArgs({ outputDir: out, workloads: [workload], periodSeconds: 5 }), 120_000);
    topics = createdTopicsFromLog(run.stderr);
    const context = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 0, context);
    assert.equal(topics.length, 1, context);

    const { result: r } = readOnlyResult(out);
    const testSeconds = 30;
    const periodsTotal = r.periodSeconds.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(periodsTotal - testSeconds) < 0.5, `periods cover the 30 s test: ${periodsTotal}`);

    const meanRate = weightedMean(r.publishRate, r.periodSeconds);
    assert.ok(
      Math.abs(meanRate - TARGET_RATE) / TARGET_RATE < 0.01,
      `mean publishRate weighted by periodSeconds within 1 % of 5,000: ${meanRate}`,
    );
    const overallRate = r.messagesSent / r.testSeconds;
    assert.ok(
      Math.abs(overallRate - TARGET_RATE) / TARGET_RATE < 0.01,
      `messagesSent / testSeconds within 1 % of 5,000: ${r.messagesSent} / ${r.testSeconds} = ${overallRate}`,
    );
    const consumeRate = weightedMean(r.consumeRate, r.periodSeconds);
    assert.ok(Math.abs(consumeRate - TARGET_RATE) / TARGET_RATE < 0.02, `consumers kept up: ${consumeRate}`);

    assert.ok(r.totalMessagesSent > 0);
    assert.equal(r.totalMessagesReceived, r.totalMessagesSent, 'every acknowledged message was consumed');
    assert.ok(
      r.totalMessagesSent >= r.messagesSent + 0.9 * TARGET_RATE * 10,
      'the totals include the warm-up',
    );
    assert.equal(r.sendErrors, 0);
    assert.deepEqual(r.publishErrorsByReason, {});
    assert.ok(r.publishErrorRate.every((e) => e === 0));
    assert.equal(r.latencyOverflowCount, 0);

    // Units: publish latency and end-to-end in ms, publish delay in µs (OMB TestResult).
    const bounds: Record<LatencyFamily, [number, number]> = {
      // A loopback ack takes more than 50 µs and, at 5k msg/s on an idle broker, far less than 5 s.
      publishLatency: [0.05, 5_000],
      // The intended send time is stamped before the send: a whole µs at least, under 5 s.
      publishDelayLatency: [1, 5_000_000],
      endToEndLatency: [0.05, 5_000],
    };
    for (const [family, [low, high]] of Object.entries(bounds) as [LatencyFamily, [number, number]][]) {
      const f = latencyFields(r, family);
      assert.ok(f.avg > 0 && f.p50 > 0, `${family}: filled (avg ${f.avg}, p50 ${f.p50})`);
      assert.ok(f.p50 <= f.p99 && f.p99 <= f.max, `${family}: p50 ${f.p50} <= p99 ${f.p99} <= max ${f.max}`);
      assert.ok(
        f.p50 >= low && f.max <= high,
        `${family}: p50 ${f.p50} and max ${f.max} within [${low}, ${high}]`,
      );
      for (const [i, p50] of f.periodP50.entries()) {
        assert.ok(p50 > 0 && p50 <= f.periodMax[i]!, `${family}: period ${i} p50 ${p50} filled, <= its max`);
      }
    }
    // µs values come straight from the HdrHistogram: whole numbers (OMB's are Java longs).
    for (const v of [r.aggregatedPublishDelayLatency50pct, r.aggregatedPublishDelayLatency99pct]) {
      assert.ok(Number.isInteger(v), `publish delay percentiles are whole µs: ${v}`);
    }

    // The console printed OMB's lines: warm-up and test periods and the aggregated line.
    assert.match(run.stdout, /----- Starting warm-up traffic -----/);
    assert.match(run.stdout, /----- Starting benchmark traffic -----/);
    assert.match(run.stdout, /----- Aggregated Pub Latency \(ms\) avg: /);
    const periodLines = run.stdout.split('\n').filter((l) => l.startsWith('Pub rate'));
    assert.ok(periodLines.length >= 8, `period lines every 5 s over 40 s: ${periodLines.length}`);

    // Topics created by the run are deleted at its end (deletion is asynchronous in the broker).
    await waitFor('the topic deleted', async () => !(await brokerTopics()).has(topics[0]!), 15_000, 500);
  });
});
