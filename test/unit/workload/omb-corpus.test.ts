import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadDriverFile } from '../../../src/workload/driver-file.js';
import { validateFiles } from '../../../src/workload/validate-files.js';
import { loadWorkloadFile } from '../../../src/workload/workload-parser.js';
import { OMB_DIR } from './paths.js';

// Read at load time so the counts appear in the test names; a missing corpus fails here, loudly.
const workloads = readdirSync(join(OMB_DIR, 'workloads'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(OMB_DIR, 'workloads', f));
const drivers = readdirSync(join(OMB_DIR, 'driver-kafka'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(OMB_DIR, 'driver-kafka', f));

describe('OMB corpus (test/fixtures/omb)', () => {
  test(`every one of the ${workloads.length} OMB workloads validates with every one of the ${drivers.length} OMB Kafka driver files (${workloads.length * drivers.length} pairs)`, () => {
    assert.ok(workloads.length >= 100, `expected OMB's workloads in ${OMB_DIR}, found ${workloads.length}`);
    assert.ok(drivers.length >= 10, `expected OMB's driver files in ${OMB_DIR}, found ${drivers.length}`);
    for (const driverPath of drivers) {
      const result = validateFiles({ driverPath, workloadPaths: workloads });
      assert.deepEqual(result.errors, [], driverPath);
      assert.equal(result.ok, true);
    }
  });

  test('OMB payload paths (payload/payload-1Kb.data from workloads/) resolve to test/fixtures/omb/payload', () => {
    const w = loadWorkloadFile(join(OMB_DIR, 'workloads', '1-topic-1-partition-1kb.yaml'));
    assert.equal(w.payloadFile, 'payload/payload-1Kb.data');
    assert.equal(w.payloadPath, join(OMB_DIR, 'payload', 'payload-1Kb.data'));
    assert.equal(w.messageSize, 1024);
    assert.equal(w.warmupDurationMinutes, 1); // OMB's default
    assert.equal(w.backlogDrainRatio, 1);
  });

  test('OMB drivers only warn for kafka-throughput.yaml: one warning names the Java-only key, request.timeout.ms is clamped', () => {
    for (const path of drivers) {
      const driver = loadDriverFile(path);
      if (!path.endsWith('kafka-throughput.yaml')) {
        assert.deepEqual(driver.warnings, [], path);
        continue;
      }
      const javaOnly = driver.warnings.filter((w) => w.includes('no librdkafka equivalent'));
      assert.equal(javaOnly.length, 1);
      assert.match(javaOnly[0] ?? '', /default\.api\.timeout\.ms/);
      assert.equal(driver.producer['request.timeout.ms'], '900000'); // librdkafka's maximum
      assert.equal(driver.consumer['socket.timeout.ms'], '300000');
      assert.equal(driver.consumer['request.timeout.ms'], undefined); // producer-only in librdkafka
    }
  });

  test('OMB exactly-once driver keeps idempotence settings for the producer only', () => {
    const driver = loadDriverFile(join(OMB_DIR, 'driver-kafka', 'kafka-exactly-once.yaml'));
    assert.deepEqual(driver.producer, {
      'bootstrap.servers': 'localhost:9092',
      'enable.idempotence': 'true',
      'max.in.flight.requests.per.connection': '1',
      retries: '2147483647',
      acks: 'all',
      'linger.ms': '1',
      'batch.size': '1048576',
    });
    assert.deepEqual(driver.consumer, {
      'bootstrap.servers': 'localhost:9092',
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': 'false',
      'max.partition.fetch.bytes': '10485760',
    });
    assert.deepEqual(driver.admin, { 'bootstrap.servers': 'localhost:9092' });
    assert.deepEqual(driver.topicConfig, { 'min.insync.replicas': '2' });
    assert.equal(driver.replicationFactor, 3);
    assert.equal(driver.name, 'Kafka-exactly-once');
  });
});
