import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Admin } from '../../../src/driver/driver.js';
import { sweepAbandonedTopics } from '../../../src/worker/topic-sweep.js';

/** An admin double over a fixed topic list: every topic idle (offsets still, no group members). */
function idleAdmin(topics: string[]): { admin: Admin; deleted: string[] } {
  const deleted: string[] = [];
  const admin = {
    listTopics: async () => [...topics],
    endOffsets: async () => [5, 5],
    activeGroups: async () => [],
    deleteTopics: async (names: readonly string[]) => {
      deleted.push(...names);
    },
  } as unknown as Admin;
  return { admin, deleted };
}

test('the sweep deletes idle topics of soakbench’s shape, and never those of the tag it is told to keep', async () => {
  // A fleet restarted as a whole: its current workload's topics (tag 0a1b2c3d) are idle like abandoned ones.
  const topics = ['t-sb-deadbeef-0', 't-sb-deadbeef-1', 't-sb-0a1b2c3d-0', 't-other', 'u-sb-deadbeef-0'];
  const { admin, deleted } = idleAdmin(topics);
  const result = await sweepAbandonedTopics(admin, 't', 1, 0, '0a1b2c3d');
  assert.deepEqual(deleted.sort(), ['t-sb-deadbeef-0', 't-sb-deadbeef-1']);
  assert.deepEqual(result.deleted.sort(), ['t-sb-deadbeef-0', 't-sb-deadbeef-1']);
  assert.deepEqual(result.kept, ['t-sb-0a1b2c3d-0']);
});

test('without a tag to keep, every idle run of soakbench’s shape goes', async () => {
  const { admin, deleted } = idleAdmin(['t-sb-deadbeef-0', 't-sb-0a1b2c3d-0']);
  await sweepAbandonedTopics(admin, 't', 1, 0);
  assert.deepEqual(deleted.sort(), ['t-sb-0a1b2c3d-0', 't-sb-deadbeef-0']);
});
