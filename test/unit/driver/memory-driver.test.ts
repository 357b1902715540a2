import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import {
  type ConsumedMessage,
  SEND_FAILED,
  SEND_OK,
  SEND_QUEUE_FULL,
  type TopicPartitionRef,
} from '../../../src/driver/driver.js';
import { driverFactoryByName } from '../../../src/driver/driver-factories.js';
import { type MemoryBroker, memoryBroker } from '../../../src/driver/memory/memory-broker.js';
import { MemoryDriver, memoryDriverFactory } from '../../../src/driver/memory/memory-driver.js';
import { classifySendError } from '../../../src/rate/controller/classify-send-error.js';
import { memorySettings } from '../../helpers/memory-settings.js';

interface Report {
  error: string | null;
  token: number;
  partition: number;
  offset: number;
}

/** A broker of its own per test, stepped by hand: no timer, the test ticks. */
function setup(name: string, producer: Record<string, string | number> = {}) {
  const clock = new ManualClock();
  const broker = memoryBroker(`memory-driver-test-${name}`, { clock, tickIntervalMs: 0, ackDelayMs: 5 });
  const settings = memorySettings(broker.name, producer);
  const driver = memoryDriverFactory.create(settings) as MemoryDriver;
  const reports: Report[] = [];
  const producerClient = driver.producer({
    onDelivery: (error, token, partition, offset) => reports.push({ error, token, partition, offset }),
  });
  const step = (ms: number): void => {
    clock.advanceMs(ms);
    broker.tick();
  };
  return { clock, broker, driver, settings, reports, producer: producerClient, step };
}

function done(broker: MemoryBroker): void {
  broker.close();
}

test('factories: memory is in-process only, kafka crosses processes, an unknown name is refused', () => {
  assert.equal(driverFactoryByName('memory'), memoryDriverFactory);
  assert.equal(memoryDriverFactory.crossProcess, false);
  assert.equal(driverFactoryByName('kafka').crossProcess, true);
  assert.throws(() => driverFactoryByName('nope'), /no driver factory "nope"; expected one of kafka, memory/);
});

test('admin: create, reuse, refuse a duplicate, describe, delete only what it created', async () => {
  const { broker, driver } = setup('admin');
  const admin = driver.admin();
  const other = driver.admin();
  assert.deepEqual(await other.createTopics([{ name: 'theirs', partitions: 1, replicationFactor: 1 }]), {
    created: ['theirs'],
    existing: [],
  });
  const result = await admin.createTopics(
    [
      { name: 'a', partitions: 3, replicationFactor: 1 },
      { name: 'theirs', partitions: 1, replicationFactor: 1 },
    ],
    { ifExists: 'reuse' },
  );
  assert.deepEqual(result, { created: ['a'], existing: ['theirs'] });
  await assert.rejects(admin.createTopics([{ name: 'a', partitions: 1, replicationFactor: 1 }]), {
    code: 'KAFKA_TOPIC_EXISTS',
  });
  assert.deepEqual((await admin.listTopics()).sort(), ['a', 'theirs']);
  assert.deepEqual(
    await admin.describePartitions(['a', 'theirs']),
    new Map([
      ['a', 3],
      ['theirs', 1],
    ]),
  );
  await assert.rejects(admin.describePartitions(['missing']), { code: 'KAFKA_UNKNOWN_TOPIC' });
  assert.deepEqual(await admin.endOffsets('a'), [0, 0, 0]);
  assert.deepEqual(await admin.deleteCreatedTopics(), ['a']);
  assert.deepEqual(await admin.listTopics(), ['theirs']);
  await admin.deleteTopics(['missing']);
  await admin.close();
  await assert.rejects(admin.listTopics(), { code: 'CLOSED' });
  done(broker);
});

test('producer: acks after the ack delay on the clock, in order, with offsets; the messages are stored', async () => {
  const { broker, driver, producer, reports, step } = setup('acks');
  const admin = driver.admin();
  await admin.createTopics([{ name: 't', partitions: 2, replicationFactor: 1 }]);
  await producer.connect();
  const value = Buffer.from('hello');
  assert.equal(producer.send('t', 1, value, null, 7), SEND_OK);
  assert.equal(producer.send('t', 1, value, 'k', 8), SEND_OK);
  value.fill(0); // the producer copied it, as librdkafka does
  assert.equal(producer.outstanding(), 2);
  step(4);
  assert.equal(reports.length, 0);
  step(1);
  assert.deepEqual(reports, [
    { error: null, token: 7, partition: 1, offset: 0 },
    { error: null, token: 8, partition: 1, offset: 1 },
  ]);
  assert.equal(producer.outstanding(), 0);
  assert.deepEqual(await admin.endOffsets('t'), [0, 2]);
  assert.equal(await admin.countMessages('t'), 2);
  assert.equal(broker.topic('t')!.partitions[1]!.log[0]!.value!.toString(), 'hello');
  // Partition −1: the producer chooses, spreading messages over the partitions.
  producer.send('t', -1, value, null, 9);
  producer.send('t', -1, value, null, 10);
  broker.setAckDelayMs(0);
  step(5);
  assert.deepEqual(
    reports
      .slice(2)
      .map((r) => r.partition)
      .sort(),
    [0, 1],
  );
  await producer.close();
  done(broker);
});

test('producer: SEND_FAILED names the reason, SEND_QUEUE_FULL at the queue limit', async () => {
  const { broker, driver, producer, step } = setup('refusals', {
    'queue.buffering.max.messages': 2,
    'message.max.bytes': 10,
  });
  await driver.admin().createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
  const small = Buffer.from('x');
  assert.equal(producer.send('t', 0, small, null, 1), SEND_FAILED);
  assert.equal(producer.lastSendError, 'ERR__STATE');
  await producer.connect();
  assert.equal(producer.send('nope', 0, small, null, 1), SEND_FAILED);
  assert.equal(producer.lastSendError, 'ERR__UNKNOWN_TOPIC');
  assert.equal(producer.send('t', 4, small, null, 1), SEND_FAILED);
  assert.equal(producer.lastSendError, 'ERR__UNKNOWN_PARTITION');
  assert.equal(producer.send('t', 0, Buffer.alloc(11), null, 1), SEND_FAILED);
  assert.equal(producer.lastSendError, 'ERR_MSG_SIZE_TOO_LARGE');
  assert.equal(classifySendError(producer.lastSendError), 'fatal');
  assert.equal(producer.send('t', 0, small, null, 1), SEND_OK);
  assert.equal(producer.send('t', 0, small, null, 2), SEND_OK);
  assert.equal(producer.send('t', 0, small, null, 3), SEND_QUEUE_FULL);
  step(5);
  assert.equal(producer.send('t', 0, small, null, 3), SEND_OK);
  step(5);
  assert.equal(await producer.flush(100), true);
  await producer.close();
  done(broker);
});

test('faults: send errors per topic and per partition come back in delivery reports', async () => {
  const { broker, driver, producer, reports, step } = setup('send-errors');
  await driver.admin().createTopics([{ name: 't', partitions: 2, replicationFactor: 1 }]);
  await producer.connect();
  broker.failSends('t', 'ERR_NOT_LEADER_FOR_PARTITION', 1);
  producer.send('t', 0, Buffer.from('a'), null, 1);
  producer.send('t', 1, Buffer.from('b'), null, 2);
  step(5);
  broker.failSends('t', 'ERR_NOT_ENOUGH_REPLICAS');
  producer.send('t', 0, Buffer.from('c'), null, 3);
  step(5);
  broker.clearSendFaults();
  producer.send('t', 1, Buffer.from('d'), null, 4);
  step(5);
  assert.deepEqual(
    reports.map((r) => [r.token, r.error]),
    [
      [1, null],
      [2, 'ERR_NOT_LEADER_FOR_PARTITION'],
      [3, 'ERR_NOT_ENOUGH_REPLICAS'],
      [4, null],
    ],
  );
  assert.equal(classifySendError(reports[1]!.error!), 'topology');
  assert.equal(classifySendError(reports[2]!.error!), 'congestion');
  assert.equal(reports[1]!.offset, -1);
  await producer.close();
  done(broker);
});

test('faults: a stall holds acks until resumed, and messages time out after message.timeout.ms', async () => {
  const { broker, driver, producer, reports, step } = setup('stall', { 'message.timeout.ms': 1_000 });
  await driver.admin().createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
  await producer.connect();
  broker.stall();
  producer.send('t', 0, Buffer.from('a'), null, 1);
  step(500);
  producer.send('t', 0, Buffer.from('b'), null, 2);
  step(400);
  assert.equal(reports.length, 0);
  assert.equal(producer.outstanding(), 2);
  step(100);
  assert.deepEqual(reports, [{ error: 'ERR__MSG_TIMED_OUT', token: 1, partition: 0, offset: -1 }]);
  broker.resume();
  step(1);
  assert.deepEqual(reports[1], { error: null, token: 2, partition: 0, offset: 0 });
  await producer.close();
  done(broker);
});

test('faults: a broker that is down refuses connects and admin calls, and acks nothing until up', async () => {
  const { broker, driver, producer, reports, step } = setup('down');
  const admin = driver.admin();
  await admin.createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
  await producer.connect();
  broker.down();
  await assert.rejects(driver.producer({ onDelivery: () => {} }).connect(), {
    code: 'KAFKA_UNREACHABLE',
    retriable: true,
  });
  await assert.rejects(admin.listTopics(), { code: 'KAFKA_UNREACHABLE' });
  await assert.rejects(
    driver.consumer({ groupId: 'g', topics: ['t'], onMessages: () => {} }).start(),
    /memory broker .* is down/,
  );
  producer.send('t', 0, Buffer.from('a'), null, 1);
  step(50);
  assert.equal(reports.length, 0);
  broker.up();
  step(1);
  assert.equal(reports[0]!.error, null);
  await producer.close();
  done(broker);
});

test('consumers: one group shares the partitions, a second group reads everything, commits survive a rejoin', async () => {
  const { broker, driver, producer, step } = setup('groups');
  await driver.admin().createTopics([{ name: 't', partitions: 4, replicationFactor: 1 }]);
  await producer.connect();
  const got = new Map<string, ConsumedMessage[]>();
  const assignments: [string, 'assign' | 'revoke', TopicPartitionRef[]][] = [];
  const consumer = (id: string, groupId: string, startAt?: 'earliest' | 'latest') =>
    driver.consumer({
      groupId,
      topics: ['t'],
      startAt,
      commitEveryMessages: 1,
      onMessages: (ms) => got.set(id, [...(got.get(id) ?? []), ...ms]),
      onAssignment: (kind, ps) => assignments.push([id, kind, ps]),
    });
  for (let i = 0; i < 8; i++) producer.send('t', i % 4, Buffer.from(`m${i}`), null, i);
  step(5);
  const a1 = consumer('a1', 'A', 'earliest');
  const a2 = consumer('a2', 'A', 'earliest');
  const late = consumer('late', 'B', 'latest');
  await a1.start();
  assert.equal(a1.assignment().length, 4);
  await a2.start();
  assert.deepEqual(
    a1.assignment().map((p) => p.partition),
    [0, 2],
  );
  assert.deepEqual(
    a2.assignment().map((p) => p.partition),
    [1, 3],
  );
  assert.deepEqual(
    assignments.map(([id, kind, ps]) => `${id} ${kind} ${ps.length}`),
    ['a1 assign 4', 'a1 revoke 4', 'a1 assign 2', 'a2 assign 2'],
  );
  await late.start();
  step(1);
  assert.equal(got.get('a1')!.length + got.get('a2')!.length, 8);
  assert.equal(got.get('late'), undefined);
  producer.send('t', 0, Buffer.from('m8'), null, 8);
  step(5);
  assert.deepEqual(
    got.get('late')!.map((m) => m.value!.toString()),
    ['m8'],
  );
  assert.deepEqual(await driver.admin().activeGroups(['A', 'B', 'C']), ['A', 'B']);
  // a2 leaves: a1 takes over its partitions from a2's committed offsets, so nothing is read twice.
  await a2.close();
  assert.equal(a1.assignment().length, 4);
  producer.send('t', 3, Buffer.from('m9'), null, 9);
  step(5);
  const all = [...got.get('a1')!, ...got.get('a2')!].map((m) => m.value!.toString()).sort();
  assert.deepEqual(all, ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  await Promise.all([a1.close(), late.close(), producer.close()]);
  assert.deepEqual(await driver.admin().activeGroups(['A', 'B']), []);
  done(broker);
});

test('faults: a dropped message is acknowledged but never consumed', async () => {
  const { broker, driver, producer, reports, step } = setup('drop');
  await driver.admin().createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
  await producer.connect();
  const seen: string[] = [];
  const c = driver.consumer({
    groupId: 'g',
    topics: ['t'],
    startAt: 'earliest',
    onMessages: (ms) => seen.push(...ms.map((m) => `${m.offset}:${m.value}`)),
  });
  await c.start();
  broker.dropNext('t', 0);
  for (let i = 0; i < 3; i++) producer.send('t', 0, Buffer.from(`m${i}`), null, i);
  step(5);
  assert.deepEqual(
    reports.map((r) => [r.error, r.offset]),
    [
      [null, 0],
      [null, 1],
      [null, 2],
    ],
  );
  assert.deepEqual(seen, ['1:m1', '2:m2']);
  await Promise.all([c.close(), producer.close()]);
  done(broker);
});

test('close purges what is still queued, reported as failed', async () => {
  const { broker, driver, producer, reports } = setup('purge');
  await driver.admin().createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
  await producer.connect();
  broker.stall();
  producer.send('t', 0, Buffer.from('a'), null, 1);
  await producer.close(20);
  assert.deepEqual(reports, [{ error: 'ERR__PURGE_QUEUE', token: 1, partition: 0, offset: -1 }]);
  assert.equal(producer.outstanding(), 0);
  done(broker);
});

test('a real-time broker ticks by itself', async () => {
  const broker = memoryBroker('memory-driver-test-timer', { ackDelayMs: 2 });
  const driver = new MemoryDriver({
    admin: { 'bootstrap.servers': broker.name },
    producer: {},
    consumer: {},
    topicConfig: {},
    replicationFactor: 1,
  });
  assert.equal(driver.broker, broker);
  await driver.admin().createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
  let acked = 0;
  const p = driver.producer({ onDelivery: () => acked++ });
  await p.connect();
  for (let i = 0; i < 100; i++) p.send('t', 0, Buffer.from('x'), null, i);
  assert.equal(await p.flush(2_000), true);
  assert.equal(acked, 100);
  await p.close();
  done(broker);
});
