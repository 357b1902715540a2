/**
 * KafkaDriver.checkReachable (src/driver/driver.ts): a live broker answers at once; a port nothing
 * listens on fails within the given timeout with KAFKA_UNREACHABLE naming the address.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KafkaDriver } from '../../../src/driver/kafka/kafka-driver.js';
import { SoakbenchError } from '../../../src/errors.js';
import { freePort } from '../../helpers/free-port.js';
import { testSettings } from '../../helpers/kafka.js';

describe('KafkaDriver.checkReachable', () => {
  test('the test broker answers well within the timeout', async () => {
    const started = Date.now();
    await new KafkaDriver(testSettings()).checkReachable(5_000);
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });

  test('nobody listening: KAFKA_UNREACHABLE naming the address, after the timeout and not much later', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const driver = new KafkaDriver(testSettings({ admin: { 'bootstrap.servers': address } }));
    const started = Date.now();
    await assert.rejects(driver.checkReachable(2_000), (err: unknown) => {
      assert.ok(err instanceof SoakbenchError, String(err));
      assert.equal(err.code, 'KAFKA_UNREACHABLE');
      assert.ok(err.message.startsWith(`Kafka at ${address} did not answer within 2 s`), err.message);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 5_000, `answered after ${elapsed} ms`);
  });
});
