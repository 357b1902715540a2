import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SoakbenchError } from '../../../src/errors.js';
import {
  type DriverFile,
  loadDriverFile,
  OMB_KAFKA_DRIVER_CLASS,
  parseDriverFile,
  withBootstrapServers,
} from '../../../src/workload/driver-file.js';
import { expectProblems } from './expect-problem.js';
import { tempFiles } from './paths.js';

const FILE = 'd.yaml';
const driver = (fields: Record<string, unknown>): DriverFile =>
  parseDriverFile({ name: 'Kafka', driverClass: OMB_KAFKA_DRIVER_CLASS, ...fields }, FILE);
const problems = (fields: Record<string, unknown>, ...expected: Parameters<typeof expectProblems>[3]) =>
  expectProblems(() => driver(fields), FILE, 'INVALID_DRIVER', expected);

describe('parseDriverFile: fields', () => {
  test('defaults: name Kafka, OMB driver class, broker-default replication, no reset, empty configs', () => {
    const d = parseDriverFile({}, FILE);
    assert.equal(d.name, 'Kafka');
    assert.equal(d.driverClass, OMB_KAFKA_DRIVER_CLASS);
    assert.equal(d.replicationFactor, -1);
    assert.equal(d.reset, false);
    assert.deepEqual([d.producer, d.consumer, d.admin, d.topicConfig], [{}, {}, {}, {}]);
    assert.deepEqual(d.warnings, []);
  });

  test("a driverClass other than OMB's Kafka driver is an error", () => {
    problems(
      { driverClass: 'io.openmessaging.benchmark.driver.pulsar.PulsarBenchmarkDriver' },
      {
        field: 'driverClass',
        expected: OMB_KAFKA_DRIVER_CLASS,
        found: '"io.openmessaging.benchmark.driver.pulsar.PulsarBenchmarkDriver"',
      },
    );
  });

  test('unknown fields, bad replicationFactor and reset types are errors', () => {
    problems(
      { producerConfg: 'acks=1', replicationFactor: 0, reset: 'yes' },
      { field: 'producerConfg', expected: 'did you mean producerConfig?', found: 'an unknown field' },
      { field: 'replicationFactor', expected: 'at least 1', found: '0' },
      { field: 'reset', expected: 'true or false', found: '"yes"' },
    );
    problems(
      { name: null, replicationFactor: null },
      { field: 'name', expected: 'non-empty string', found: 'null' },
      { field: 'replicationFactor', expected: 'at least 1', found: 'null' },
    );
  });

  test('reset: true is accepted with a warning and never deletes anything', () => {
    const d = driver({ reset: true });
    assert.equal(d.reset, true);
    assert.equal(d.warnings.length, 1);
    assert.match(d.warnings[0] ?? '', /reset: true is ignored/);
  });

  test('config sections may also be YAML mappings', () => {
    const d = driver({ producerConfig: { acks: 'all', 'linger.ms': 5, 'enable.idempotence': true } });
    assert.deepEqual(d.producer, { acks: 'all', 'linger.ms': '5', 'enable.idempotence': 'true' });
    problems(
      { producerConfig: ['acks=1'] },
      { field: 'producerConfig', expected: 'Java properties text', found: 'a list of 1' },
    );
  });

  test('topicConfig keeps broker topic configs; a typo is an error with a suggestion', () => {
    assert.deepEqual(
      driver({ topicConfig: 'min.insync.replicas=2\nretention.ms=60000\nconfluent.placement.constraints={}' })
        .topicConfig,
      {
        'min.insync.replicas': '2',
        'retention.ms': '60000',
        'confluent.placement.constraints': '{}',
      },
    );
    problems(
      { topicConfig: 'min.insync.replica=2' },
      {
        field: 'topicConfig[min.insync.replica]',
        expected: 'did you mean min.insync.replicas?',
        found: '"2"',
      },
    );
  });

  test('a key set twice in one section warns and the last value wins, as in java.util.Properties', () => {
    const d = driver({ producerConfig: 'acks=1\nacks=all' });
    assert.equal(d.producer.acks, 'all');
    assert.deepEqual(d.warnings, ['producerConfig: acks is set more than once; the last value wins']);
  });

  test('loadDriverFile reads YAML; a missing file is FILE_NOT_FOUND', () => {
    const t = tempFiles({ 'k.yaml': 'name: X\ncommonConfig: |\n  bootstrap.servers=127.0.0.1:9092\n' });
    after(t.cleanup);
    assert.equal(loadDriverFile(join(t.dir, 'k.yaml')).admin['bootstrap.servers'], '127.0.0.1:9092');
    assert.throws(
      () => loadDriverFile(join(t.dir, 'none.yaml')),
      (e: unknown) => e instanceof SoakbenchError && e.code === 'FILE_NOT_FOUND',
    );
  });
});

describe('parseDriverFile: Java client keys become librdkafka properties', () => {
  test('same-named keys pass through (batch.size, linger.ms, acks, retries, compression.type, enable.idempotence, max.in.flight…)', () => {
    const d = driver({
      producerConfig:
        'batch.size=1048576\nlinger.ms=1\nacks=all\nretries=5\ncompression.type=zstd\nenable.idempotence=true\nmax.in.flight.requests.per.connection=5',
    });
    assert.deepEqual(d.producer, {
      'batch.size': '1048576',
      'linger.ms': '1',
      acks: 'all',
      retries: '5',
      'compression.type': 'zstd',
      'enable.idempotence': 'true',
      'max.in.flight.requests.per.connection': '5',
    });
  });

  test('renamed keys: buffer.memory (bytes) → queue.buffering.max.kbytes (KiB, rounded up), delivery.timeout.ms, max.request.size, fetch.max.wait.ms, socket buffers', () => {
    const d = driver({
      commonConfig: 'send.buffer.bytes=-1\nreceive.buffer.bytes=65536',
      producerConfig: 'buffer.memory=33554433\ndelivery.timeout.ms=120000\nmax.request.size=4194304',
      consumerConfig: 'fetch.max.wait.ms=100\nfetch.max.bytes=52428800\nmax.partition.fetch.bytes=1048576',
    });
    assert.deepEqual(d.producer, {
      'socket.send.buffer.bytes': '0', // Java's -1 (OS default) is librdkafka's 0
      'socket.receive.buffer.bytes': '65536',
      'queue.buffering.max.kbytes': '32769',
      'message.timeout.ms': '120000',
      'message.max.bytes': '4194304',
    });
    assert.deepEqual(d.consumer, {
      'socket.send.buffer.bytes': '0',
      'socket.receive.buffer.bytes': '65536',
      'fetch.wait.max.ms': '100',
      'fetch.max.bytes': '52428800',
      'max.partition.fetch.bytes': '1048576',
    });
  });

  test('value translations: auto.offset.reset=none, assignor class names, empty endpoint identification, compression levels', () => {
    const d = driver({
      commonConfig: 'ssl.endpoint.identification.algorithm=',
      consumerConfig:
        'auto.offset.reset=none\npartition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
      producerConfig: 'compression.type=gzip\ncompression.gzip.level=6\ncompression.zstd.level=3',
    });
    assert.equal(d.consumer['auto.offset.reset'], 'error');
    assert.equal(d.consumer['partition.assignment.strategy'], 'cooperative-sticky');
    assert.equal(d.consumer['ssl.endpoint.identification.algorithm'], 'none');
    assert.equal(d.producer['compression.level'], '6');
    assert.deepEqual(d.warnings, [
      'producerConfig: compression.zstd.level is ignored: compression.type is gzip',
    ]);
  });

  test('sasl.jaas.config PLAIN credentials become sasl.username/sasl.password; a bad one never shows the secret', () => {
    const d = driver({
      commonConfig:
        'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cret";',
    });
    assert.equal(d.producer['sasl.username'], 'alice');
    assert.equal(d.consumer['sasl.password'], 's3cret');
    assert.equal(d.admin['sasl.password'], 's3cret');
    const errors = problems(
      {
        commonConfig:
          'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user="x" pass="hunter2";',
      },
      { field: 'commonConfig[sasl.jaas.config]', expected: 'username=', found: 'a hidden value' },
    );
    assert.ok(errors.every((e) => !e.message.includes('hunter2')));
  });

  test('known Java-only keys are dropped with ONE warning naming them all', () => {
    const d = driver({
      commonConfig: 'default.api.timeout.ms=1000\nmetrics.recording.level=DEBUG',
      producerConfig:
        'key.serializer=org.apache.kafka.common.serialization.StringSerializer\nmax.block.ms=5000\npartitioner.class=x',
      consumerConfig: 'value.deserializer=x\nmax.poll.records=100\nmetrics.context.team=a',
    });
    assert.deepEqual(d.warnings, [
      'ignored Java-client properties with no librdkafka equivalent: default.api.timeout.ms, key.serializer, max.block.ms, max.poll.records, metrics.context.team, metrics.recording.level, partitioner.class, value.deserializer',
    ]);
    assert.deepEqual([d.producer, d.consumer, d.admin], [{}, {}, {}]);
  });

  test('an unknown key (a typo) is an error naming the key and the closest known one', () => {
    problems(
      { producerConfig: 'lingr.ms=5', consumerConfig: 'auto.ofset.reset=earliest' },
      { field: 'producerConfig[lingr.ms]', expected: 'did you mean linger.ms?', found: '"5"' },
      {
        field: 'consumerConfig[auto.ofset.reset]',
        expected: 'did you mean auto.offset.reset?',
        found: '"earliest"',
      },
    );
  });

  test('librdkafka names are accepted as they are, and their values checked', () => {
    const d = driver({
      producerConfig: 'queue.buffering.max.ms=5\nsocket.nagle.disable=true\npartitioner=murmur2_random',
    });
    assert.deepEqual(d.producer, {
      'queue.buffering.max.ms': '5',
      'socket.nagle.disable': 'true',
      partitioner: 'murmur2_random',
    });
    problems(
      {
        producerConfig:
          'queue.buffering.max.ms=99999999\nsocket.nagle.disable=maybe\nacks=most\npartitioner=fast\nbatch.size=1e6',
      },
      { field: 'producerConfig[queue.buffering.max.ms]', expected: 'from 0 to 900000', found: '"99999999"' },
      { field: 'producerConfig[socket.nagle.disable]', expected: 'true or false', found: '"maybe"' },
      { field: 'producerConfig[acks]', expected: 'an integer', found: '"most"' },
      { field: 'producerConfig[partitioner]', expected: 'murmur2_random', found: '"fast"' },
      { field: 'producerConfig[batch.size]', expected: 'an integer', found: '"1e6"' },
    );
  });

  test("Java values beyond librdkafka's range are clamped with a warning", () => {
    const d = driver({ producerConfig: 'linger.ms=1000000' });
    assert.equal(d.producer['linger.ms'], '900000');
    assert.deepEqual(d.warnings, [
      "producerConfig: linger.ms=1000000 is outside librdkafka's range for linger.ms; using 900000",
    ]);
  });

  test('request.timeout.ms: the producer keeps it, consumer and admin get socket.timeout.ms', () => {
    const d = driver({ commonConfig: 'request.timeout.ms=30000' });
    assert.deepEqual(d.producer, { 'request.timeout.ms': '30000' });
    assert.deepEqual(d.consumer, { 'socket.timeout.ms': '30000' });
    assert.deepEqual(d.admin, { 'socket.timeout.ms': '30000' });
  });

  test('scopes: common keys go only to the clients librdkafka scopes them to; misplaced keys warn', () => {
    const d = driver({
      commonConfig: 'bootstrap.servers=localhost:9092\nacks=all\nauto.offset.reset=earliest\nclient.id=soak',
      producerConfig: 'fetch.min.bytes=1',
      consumerConfig: 'linger.ms=5',
    });
    assert.deepEqual(d.producer, { 'bootstrap.servers': 'localhost:9092', acks: 'all', 'client.id': 'soak' });
    assert.deepEqual(d.consumer, {
      'bootstrap.servers': 'localhost:9092',
      'auto.offset.reset': 'earliest',
      'client.id': 'soak',
    });
    assert.deepEqual(d.admin, { 'bootstrap.servers': 'localhost:9092', 'client.id': 'soak' });
    assert.deepEqual(d.warnings, [
      'producerConfig: fetch.min.bytes is ignored: it is a consumer property in librdkafka',
      'consumerConfig: linger.ms is ignored: it is a producer property in librdkafka',
    ]);
  });

  test('a client section overrides commonConfig, also across librdkafka aliases', () => {
    const d = driver({
      commonConfig: 'retries=3\nclient.id=a',
      producerConfig: 'message.send.max.retries=7\nclient.id=b',
    });
    assert.deepEqual(d.producer, { 'message.send.max.retries': '7', 'client.id': 'b' });
  });

  test('two spellings of one librdkafka property with different values in one section are an error', () => {
    problems(
      { producerConfig: 'linger.ms=5\nqueue.buffering.max.ms=10' },
      {
        field: 'producerConfig[queue.buffering.max.ms]',
        expected: 'linger.ms already sets it',
        found: '"10"',
      },
    );
  });

  test('group.id is dropped with a warning: each subscription is its own group, as in OMB', () => {
    const d = driver({ consumerConfig: 'group.id=mine' });
    assert.deepEqual(d.consumer, {});
    assert.match(d.warnings.join('\n'), /group\.id is ignored/);
  });

  test('values without a librdkafka equivalent are errors: StickyAssignor, auto.offset.reset=by_duration', () => {
    problems(
      {
        consumerConfig:
          'partition.assignment.strategy=org.apache.kafka.clients.consumer.StickyAssignor\nauto.offset.reset=by_duration:PT1H',
      },
      {
        field: 'consumerConfig[partition.assignment.strategy]',
        expected: 'no StickyAssignor',
        found: 'StickyAssignor',
      },
      { field: 'consumerConfig[auto.offset.reset]', expected: 'no by_duration', found: '"by_duration:PT1H"' },
    );
  });
});

describe('withBootstrapServers', () => {
  test('replaces bootstrap.servers in every client and leaves the rest', () => {
    const d = withBootstrapServers(
      driver({ commonConfig: 'bootstrap.servers=localhost:9092\nclient.id=x' }),
      'b1:9092,b2:9092',
    );
    for (const conf of [d.producer, d.consumer, d.admin]) {
      assert.deepEqual(conf, { 'client.id': 'x', 'bootstrap.servers': 'b1:9092,b2:9092' });
    }
  });
});
