import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { kafkaDriverFactory } from '../../../src/driver/driver-factories.js';
import { sweepAbandonedTopics } from '../../../src/worker/topic-sweep.js';
import { testSettings, uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';

test('the start-up sweep deletes only abandoned topics of soakbench’s own shape', async () => {
  const driver = kafkaDriverFactory.create(testSettings(), { operationTimeoutMs: 15_000 });
  const admin = driver.admin();
  const prefix = uniqueName('sweep');
  const abandoned = [`${prefix}-sb-deadbeef-0`, `${prefix}-sb-deadbeef-1`];
  const live = `${prefix}-sb-cafef00d-0`;
  const others = [`${prefix}-other`, `${prefix}-sb-notahex!-0`.replace('!', 'x'), `${prefix}x-sb-deadbeef-0`];
  const all = [...abandoned, live, ...others];
  await admin.createTopics(all.map((name) => ({ name, partitions: 1, replicationFactor: 1 })));
  // The live run still has a member in its consumer group.
  const consumer = driver.consumer({
    groupId: `${prefix}-sub-0-cafef00d`,
    topics: [live],
    onMessages: () => {},
  });
  after(async () => {
    await consumer.close();
    await admin.deleteTopics(all);
    await admin.close();
  });
  await consumer.start();
  await waitFor(
    'the consumer to join its group',
    async () => (await admin.activeGroups([`${prefix}-sub-0-cafef00d`])).length === 1,
    20_000,
    200,
  );

  const result = await sweepAbandonedTopics(admin, prefix, 1, 500);
  assert.deepEqual(result.deleted.sort(), abandoned.sort());
  assert.deepEqual(result.kept, [live]);
  await waitFor(
    'the abandoned topics to disappear',
    async () => {
      const topics = await admin.listTopics();
      return abandoned.every((t) => !topics.includes(t));
    },
    20_000,
    200,
  );
  const remaining = await admin.listTopics();
  for (const t of [live, ...others]) assert.ok(remaining.includes(t), `${t} must be left alone`);
});
