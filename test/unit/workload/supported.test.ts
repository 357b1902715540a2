import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refuseUnsupported } from '../../../src/workload/supported.js';
import { parseWorkload } from '../../../src/workload/workload-parser.js';

const base = {
  name: 'w',
  topics: 1,
  partitionsPerTopic: 1,
  messageSize: 1024,
  producersPerTopic: 1,
  subscriptionsPerTopic: 1,
  consumerPerSubscription: 1,
  producerRate: 1000,
};

test('the daemon refuses consumerBacklogSizeGB in its workload, pointing to POST /backlog', () => {
  const w = parseWorkload({ ...base, consumerBacklogSizeGB: 0.5 }, 'soak.yaml');
  assert.throws(
    () => refuseUnsupported(w, 'soak.yaml'),
    (err: Error & { code?: string; field?: string }) => {
      assert.equal(err.code, 'INVALID_WORKLOAD');
      assert.equal(err.field, 'consumerBacklogSizeGB');
      assert.match(err.message, /^soak\.yaml: consumerBacklogSizeGB .* POST \/backlog \{"sizeGB": 0\.5\}/);
      return true;
    },
  );
});

test('a workload without a backlog passes', () => {
  assert.doesNotThrow(() => refuseUnsupported(parseWorkload(base, 'soak.yaml'), 'soak.yaml'));
});
