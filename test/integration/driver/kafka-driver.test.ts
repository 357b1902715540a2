import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { type ConsumedMessage, SEND_OK } from '../../../src/driver/driver.js';
import { KafkaDriver } from '../../../src/driver/kafka/kafka-driver.js';
import { SoakbenchError } from '../../../src/errors.js';
import { BOOTSTRAP, testSettings, uniqueName } from '../../helpers/kafka.js';
import { waitFor, within } from '../../helpers/wait.js';

/** Topic names as an independent client (kcat) sees them. */
function kcatTopics(): string[] {
  const out = execFileSync('kcat', ['-b', BOOTSTRAP, '-L', '-J', '-m', '10'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return (JSON.parse(out) as { topics: { topic: string }[] }).topics.map((t) => t.topic);
}

describe('Kafka driver against the real broker', () => {
  const driver = new KafkaDriver(testSettings(), { connectTimeoutMs: 10_000, operationTimeoutMs: 15_000 });
  const admin = driver.admin();
  after(async () => {
    await admin.deleteCreatedTopics();
    await admin.close();
  });

  test('creates a 6-partition topic, produces 20,000 messages, consumes all with a group, deletes it', async () => {
    const topic = uniqueName('driver-roundtrip');
    const created = await admin.createTopics([{ name: topic, partitions: 6, replicationFactor: 1 }]);
    assert.deepEqual(created, { created: [topic], existing: [] });
    assert.equal((await admin.describePartitions([topic])).get(topic), 6);
    assert.ok(kcatTopics().includes(topic), 'kcat sees the new topic');

    const total = 20_000;
    let acked = 0;
    let failed = 0;
    const tokens = new Set<number>();
    const producer = driver.producer({
      onDelivery: (err, token) => {
        if (err) failed++;
        else acked++;
        tokens.add(token);
      },
    });
    await producer.connect();
    const value = Buffer.alloc(100, 7);
    for (let i = 0; i < total; i++) {
      assert.equal(producer.send(topic, -1, value, `k${i % 64}`, i), SEND_OK);
    }
    assert.ok(await producer.flush(30_000), 'all messages delivered within 30 s');
    assert.equal(acked, total);
    assert.equal(failed, 0);
    assert.equal(tokens.size, total, 'every token came back once');
    assert.equal(producer.outstanding(), 0);
    assert.equal(await admin.countMessages(topic), total, 'the broker holds every message');
    await producer.close();

    const seen = new Set<string>();
    const partitions = new Set<number>();
    const consumer = driver.consumer({
      groupId: uniqueName('driver-group'),
      topics: [topic],
      startAt: 'earliest',
      onMessages: (batch: ConsumedMessage[]) => {
        for (const m of batch) {
          seen.add(`${m.partition}:${m.offset}`);
          partitions.add(m.partition);
        }
      },
    });
    await consumer.start();
    await waitFor('all 20,000 messages consumed', () => seen.size === total, 60_000);
    assert.equal(partitions.size, 6, 'messages came from all 6 partitions');
    await consumer.close();

    await admin.deleteTopics([topic]);
    await waitFor(
      'the topic to disappear',
      async () => !(await admin.listTopics()).includes(topic),
      20_000,
      200,
    );
  });

  test('creating a topic that exists fails with KAFKA_TOPIC_EXISTS, or is reused when asked', async () => {
    const topic = uniqueName('driver-exists');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await assert.rejects(
      admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]),
      (err) => {
        assert.ok(err instanceof SoakbenchError);
        assert.equal(err.code, 'KAFKA_TOPIC_EXISTS');
        assert.match(err.message, new RegExp(topic));
        return true;
      },
    );
    const other = driver.admin();
    try {
      const reused = await other.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }], {
        ifExists: 'reuse',
      });
      assert.deepEqual(reused, { created: [], existing: [topic] });
      // A reused topic is not "ours": deleteCreatedTopics leaves it alone.
      assert.deepEqual(await other.deleteCreatedTopics(), []);
      assert.ok((await admin.listTopics()).includes(topic));
    } finally {
      await other.close();
    }
  });

  // Regression: passing the client an explicit topic config (even {}) silently dropped topic-level
  // properties such as acks and auto.offset.reset given with the others.
  test('topic-level properties (acks=0) given with the others are honoured', async () => {
    const topic = uniqueName('driver-acks0');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const offsets: number[] = [];
    const acks0 = new KafkaDriver(testSettings({ producer: { acks: '0' } }));
    const producer = acks0.producer({
      onDelivery: (_err, _token, _partition, offset) => offsets.push(offset),
    });
    await producer.connect();
    producer.send(topic, 0, Buffer.from('x'), null, 1);
    assert.ok(await producer.flush(10_000));
    await producer.close();
    // With acks=0 the broker sends no response, so librdkafka reports no offset (RD_KAFKA_OFFSET_INVALID).
    assert.deepEqual(offsets, [-1001]);
  });

  test('closing producers, consumers and admins twice is safe', async () => {
    const topic = uniqueName('driver-close');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = driver.producer({ onDelivery: () => {} });
    await producer.connect();
    await Promise.all([producer.close(), producer.close()]);
    await producer.close();
    const consumer = driver.consumer({ groupId: uniqueName('g'), topics: [topic], onMessages: () => {} });
    await consumer.start();
    await consumer.close();
    await consumer.close();
    const a = driver.admin();
    await a.listTopics();
    await a.close();
    await a.close();
    // A closed-but-never-connected client too.
    const p2 = driver.producer({ onDelivery: () => {} });
    await p2.close();
    await p2.close();
  });
});

describe('Kafka driver with no broker on the port', () => {
  // Port 1 on loopback: nothing listens there, connections are refused at once.
  const dead = new KafkaDriver(
    testSettings({
      admin: { 'bootstrap.servers': '127.0.0.1:1' },
      producer: { 'bootstrap.servers': '127.0.0.1:1' },
      consumer: { 'bootstrap.servers': '127.0.0.1:1' },
    }),
    { connectTimeoutMs: 3_000, operationTimeoutMs: 3_000 },
  );

  test('a producer fails to connect with a clear error within a bounded time', async () => {
    const producer = dead.producer({ onDelivery: () => {} });
    const started = Date.now();
    await assert.rejects(within('producer connect', producer.connect(), 15_000), (err) => {
      assert.ok(err instanceof SoakbenchError, `expected SoakbenchError, got ${String(err)}`);
      assert.match(err.code, /KAFKA_(UNREACHABLE|TIMEOUT)/);
      assert.match(err.message, /connecting the producer/);
      assert.ok(err.retriable);
      return true;
    });
    assert.ok(Date.now() - started < 15_000);
    await producer.close();
  });

  test('an admin operation fails with a clear error within a bounded time', async () => {
    const admin = dead.admin();
    await assert.rejects(
      within(
        'createTopics',
        admin.createTopics([{ name: 'never', partitions: 1, replicationFactor: 1 }]),
        15_000,
      ),
      (err) => {
        assert.ok(err instanceof SoakbenchError);
        assert.match(err.code, /KAFKA_(UNREACHABLE|TIMEOUT)/);
        assert.match(err.message, /creating topic never/);
        return true;
      },
    );
    await admin.close();
  });

  test('a consumer fails to start with a clear error within a bounded time', async () => {
    const consumer = dead.consumer({ groupId: 'g', topics: ['t'], onMessages: () => {} });
    await assert.rejects(within('consumer start', consumer.start(), 15_000), (err) => {
      assert.ok(err instanceof SoakbenchError);
      assert.match(err.code, /KAFKA_(UNREACHABLE|TIMEOUT)/);
      return true;
    });
    await consumer.close();
  });
});
