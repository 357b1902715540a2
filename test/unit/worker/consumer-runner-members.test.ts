/**
 * ConsumerRunner's reports say how many consumers of each subscription hold a partition (`members`):
 * the engine waits for all of them before producing (src/worker/load-engine.ts, waitForAssignments), so
 * a member joining late does not rebalance the group under traffic. On the in-memory broker, whose
 * groups spread partitions over their members as they join.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { systemClock } from '../../../src/clock.js';
import { memoryBroker } from '../../../src/driver/memory/memory-broker.js';
import { memoryDriverFactory } from '../../../src/driver/memory/memory-driver.js';
import type { ConsumerReport, ConsumerSpec } from '../../../src/worker/consumer-protocol.js';
import { ConsumerRunner } from '../../../src/worker/consumer-runner.js';
import { memorySettings } from '../../helpers/memory-settings.js';

async function membersReported(
  name: string,
  partitions: number,
  perGroup: number[],
): Promise<ConsumerReport> {
  const broker = memoryBroker(`members-${name}`);
  broker.createTopic(name, partitions, {});
  const settings = memorySettings(broker.name);
  const consumers: ConsumerSpec[] = perGroup.flatMap((n, subscription) =>
    Array.from({ length: n }, () => ({
      subscription,
      groupId: `${name}-g${subscription}`,
      topic: name,
      startAt: 'earliest' as const,
    })),
  );
  const reports: ConsumerReport[] = [];
  const runner = new ConsumerRunner(
    memoryDriverFactory.create(settings, { connectTimeoutMs: 1_000 }),
    {
      driver: memoryDriverFactory.name,
      settings,
      consumers,
      subscriptions: perGroup.length,
      reportIntervalMs: 60_000,
      connectTimeoutMs: 1_000,
      maxEndToEndUs: 60_000_000,
      lateAfterMs: 30_000,
    },
    systemClock,
    (m) => {
      if (m.type === 'report') reports.push(m);
    },
  );
  try {
    await runner.start();
    runner.report();
    return reports.at(-1)!;
  } finally {
    await runner.stop(1_000);
    broker.close();
  }
}

describe('ConsumerRunner members', () => {
  test('two consumers on eight partitions: both hold some', async () => {
    const r = await membersReported('m-two-of-eight', 8, [2]);
    assert.deepEqual(r.assigned, [8]);
    assert.deepEqual(r.members, [2]);
  });

  test('three consumers on two partitions: two hold one each, one is idle', async () => {
    const r = await membersReported('m-three-of-two', 2, [3]);
    assert.deepEqual(r.assigned, [2]);
    assert.deepEqual(r.members, [2]);
  });

  test('per subscription: groups of one and of three on four partitions', async () => {
    const r = await membersReported('m-groups', 4, [1, 3]);
    assert.deepEqual(r.assigned, [4, 4]);
    assert.deepEqual(r.members, [1, 3]);
  });
});
