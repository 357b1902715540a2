import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import {
  type Admin,
  type Consumer,
  type Driver,
  type Producer,
  type ProducerOptions,
  SEND_OK,
} from '../../../src/driver/driver.js';
import { Stats } from '../../../src/stats/stats.js';
import { LoadEngine } from '../../../src/worker/load-engine.js';
import { parseWorkload } from '../../../src/workload/workload-parser.js';
import { waitFor } from '../../helpers/wait.js';

/** A driver double: no Kafka; producers accept everything and can be told to fail fatally. */
class FakeDriver implements Driver {
  readonly name = 'fake';
  readonly producers: { options: ProducerOptions; closed: boolean; sent: number }[] = [];
  async checkReachable(): Promise<void> {}
  admin(): Admin {
    return {
      createTopics: async (specs) => ({ created: specs.map((s) => s.name), existing: [] }),
      deleteTopics: async () => {},
      deleteCreatedTopics: async () => [],
      listTopics: async () => [],
      describePartitions: async () => new Map(),
      countMessages: async () => 0,
      activeGroups: async () => [],
      endOffsets: async () => [],
      close: async () => {},
    };
  }
  producer(options: ProducerOptions): Producer {
    const record = { options, closed: false, sent: 0 };
    this.producers.push(record);
    return {
      connect: async () => {},
      send: () => {
        record.sent++;
        return SEND_OK;
      },
      lastSendError: '',
      outstanding: () => 0,
      flush: async () => true,
      close: async () => {
        record.closed = true;
      },
    };
  }
  consumer(): Consumer {
    throw new Error('no consumers in this test');
  }
}

test('a producer client that fails fatally is replaced, and the restart is reported', async () => {
  const driver = new FakeDriver();
  const clock = new ManualClock();
  const workload = parseWorkload(
    {
      topics: 1,
      partitionsPerTopic: 2,
      messageSize: 100,
      producersPerTopic: 1,
      subscriptionsPerTopic: 0,
      producerRate: 10,
    },
    'test.yaml',
  );
  const restarts: string[] = [];
  const engine = new LoadEngine({
    driver,
    settings: { admin: {}, producer: {}, consumer: {}, topicConfig: {}, replicationFactor: 1 },
    workload,
    clock,
    stats: new Stats({ clock }),
    initialRate: 10,
    cleanupTopics: false,
    onProducerRestart: (reason) => restarts.push(reason),
  });
  await engine.start({ paused: true });
  assert.equal(driver.producers.length, 1);
  driver.producers[0]!.options.onFatal?.(new Error('fatal: idempotence sequence lost'));
  await waitFor('a replacement client', () => driver.producers.length === 2, 5_000);
  await waitFor('the failed client closed', () => driver.producers[0]!.closed, 5_000);
  assert.deepEqual(restarts, ['fatal: idempotence sequence lost']);
  // The send loop now uses the new client.
  engine.resume();
  clock.advanceMs(1_000);
  await waitFor('sends through the new client', () => driver.producers[1]!.sent > 0, 5_000);
  assert.equal(driver.producers[0]!.sent, 0);
  await engine.stop({ flushMs: 100 });
});
