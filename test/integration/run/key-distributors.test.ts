/**
 * Every key distributor of a workload file (OMB's names and soakbench's aliases), checked in the topic
 * with kcat: NO_KEY sends null keys over every partition; keyed runs send OMB-shaped keys, each key
 * always in the one partition Java's murmur2 partitioner picks, round-robin cycling through the
 * 10,000 keys evenly and random repeating some and missing others.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { partitionForKey } from '../../../src/worker/partitioner.js';
import { KEY_POOL_SIZE } from '../../../src/workload/key-distributor.js';
import {
  brokerTopics,
  type CliOutcome,
  consumeTopic,
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  type KcatMessage,
  kcatProduce,
  readResults,
  removeDir,
  runArgs,
  runCli,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';

const PARTITIONS = 8;
const MESSAGE_BYTES = 100;
// 5,000 msg/s for 2.4 s: 12,000 messages, more than the 10,000 keys, so round-robin wraps around.
const RATE = 5_000;
const SECONDS = 2.4;
const EXPECTED = RATE * SECONDS;

const DISTRIBUTORS = ['NO_KEY', 'KEY_ROUND_ROBIN', 'ROUND_ROBIN', 'RANDOM_NANO', 'RANDOM'] as const;
type Distributor = (typeof DISTRIBUTORS)[number];

describe('soakbench run: key distributors, seen in the topic by kcat', () => {
  const dir = tempDir('keys');
  const out = join(dir, 'results');
  const prefixes = new Map<Distributor, string>();
  const messages = new Map<Distributor, KcatMessage[]>();
  let run: CliOutcome;
  let topics: string[] = [];

  before(async () => {
    // One process runs the five workloads one after the other (as `soakbench run a.yaml b.yaml` does).
    const files = DISTRIBUTORS.map((d) => {
      const prefix = uniqueName(`keys-${d.toLowerCase().replace(/_/g, '-')}`);
      prefixes.set(d, prefix);
      return writeWorkload(dir, `${d.toLowerCase()}.yaml`, {
        name: `keys ${d}`,
        topics: 1,
        partitionsPerTopic: PARTITIONS,
        messageSize: MESSAGE_BYTES,
        subscriptionsPerTopic: 0,
        producersPerTopic: 1,
        producerRate: RATE,
        testDurationMinutes: SECONDS / 60,
        warmupDurationMinutes: 0,
        keyDistributor: d,
        topicPrefix: prefix,
      });
    });
    run = await runCli(runArgs({ outputDir: out, workloads: files, cleanupTopics: false }), 120_000);
    topics = createdTopicsFromLog(run.stderr);
    for (const d of DISTRIBUTORS) {
      const topic = topics.find((t) => t.startsWith(`${prefixes.get(d)!}-`));
      if (topic !== undefined) messages.set(d, await consumeTopic(topic));
    }
  });
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('the run succeeds, writes one result per workload and, with --no-cleanup-topics, keeps its topics', async () => {
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    assert.equal(readResults(out).size, DISTRIBUTORS.length);
    assert.equal(topics.length, DISTRIBUTORS.length);
    const onBroker = await brokerTopics();
    for (const t of topics)
      assert.equal(onBroker.get(t), PARTITIONS, `${t} is still there with its partitions`);
  });

  test('NO_KEY: every message has a null key, and every partition gets messages', () => {
    const all = sent('NO_KEY');
    assert.ok(
      all.every((m) => m.key === null),
      'no message carries a key',
    );
    const perPartition = countBy(all, (m) => m.partition);
    assert.equal(perPartition.size, PARTITIONS, `partitions used: ${[...perPartition.keys()]}`);
  });

  for (const d of ['KEY_ROUND_ROBIN', 'ROUND_ROBIN', 'RANDOM_NANO', 'RANDOM'] as const) {
    test(`${d}: OMB-shaped keys, each always in the partition Java's murmur2 partitioner picks`, () => {
      const all = sent(d);
      const partitionOf = new Map<string, number>();
      for (const m of all) {
        assert.ok(m.key !== null, `message ${m.partition}/${m.offset} has a key`);
        // OMB's keys: 7 random bytes, base64url, 10 characters.
        assert.match(m.key, /^[A-Za-z0-9_-]{10}$/);
        const seen = partitionOf.get(m.key);
        assert.ok(
          seen === undefined || seen === m.partition,
          `key ${m.key} in partitions ${seen} and ${m.partition}`,
        );
        partitionOf.set(m.key, m.partition);
      }
      for (const [key, partition] of partitionOf) {
        assert.equal(partition, partitionForKey(key, PARTITIONS), `key ${key}: Java's partition`);
      }
      assert.equal(countBy(all, (m) => m.partition).size, PARTITIONS, 'the keys spread over every partition');
    });
  }

  test("KEY_ROUND_ROBIN: librdkafka's murmur2 partitioner (Java-compatible) puts the same keys in the same partitions", async () => {
    // An oracle independent of soakbench's code: kcat produces some of the run's keys into the same
    // topic with librdkafka's murmur2 partitioner, which CONFIGURATION.md calls Java Producer compatible.
    const topic = topics.find((t) => t.startsWith(`${prefixes.get('KEY_ROUND_ROBIN')!}-`))!;
    const soakbench = new Map<string, number>();
    for (const m of sent('KEY_ROUND_ROBIN')) soakbench.set(m.key!, m.partition);
    const probes = [...soakbench.keys()].slice(0, 200);
    await kcatProduce(
      topic,
      probes.map((k) => `${k}\tprobe`),
      ['-K', '\t', '-X', 'topic.partitioner=murmur2'],
    );
    const placed = (await consumeTopic(topic)).filter((m) => m.value.toString('latin1') === 'probe');
    assert.equal(placed.length, probes.length, 'every probe was produced');
    for (const m of placed) {
      assert.equal(m.partition, soakbench.get(m.key!), `key ${m.key}: librdkafka's partition is soakbench's`);
    }
  });

  for (const d of ['KEY_ROUND_ROBIN', 'ROUND_ROBIN'] as const) {
    test(`${d}: cycles through all ${KEY_POOL_SIZE} keys evenly`, () => {
      const counts = [...countBy(sent(d), (m) => m.key).values()];
      assert.equal(counts.length, KEY_POOL_SIZE, 'every key of the pool was used');
      assert.ok(
        Math.max(...counts) - Math.min(...counts) <= 1,
        `key counts between ${Math.min(...counts)} and ${Math.max(...counts)}`,
      );
    });
  }

  for (const d of ['RANDOM_NANO', 'RANDOM'] as const) {
    test(`${d}: draws keys at random from the ${KEY_POOL_SIZE}`, () => {
      const all = sent(d);
      const distinct = countBy(all, (m) => m.key).size;
      // n draws from K keys leave K(1 - e^(-n/K)) distinct on average (about 7,000 for 12,000 of 10,000,
      // standard deviation about 30); round-robin would give all 10,000.
      const expected = KEY_POOL_SIZE * (1 - Math.exp(-all.length / KEY_POOL_SIZE));
      assert.ok(
        Math.abs(distinct - expected) < 300,
        `${distinct} distinct keys in ${all.length}, expected about ${expected}`,
      );
    });
  }

  /** The messages of distributor `d`'s topic, checked to be soakbench's and about as many as sent. */
  function sent(d: Distributor): KcatMessage[] {
    const all = messages.get(d);
    assert.ok(all !== undefined, `the topic of ${d} was read\n${describeOutput(run.stdout, run.stderr)}`);
    assert.ok(Math.abs(all.length - EXPECTED) < 0.05 * EXPECTED, `${all.length} messages, about ${EXPECTED}`);
    for (const m of all) {
      assert.equal(m.value.length, MESSAGE_BYTES);
      assert.equal(m.value.readUInt16LE(0), 0x5342, 'the soakbench prefix');
    }
    return all;
  }
});

function countBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return counts;
}
