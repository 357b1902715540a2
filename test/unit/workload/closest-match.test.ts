import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestMatch, editDistance } from '../../../src/workload/closest-match.js';

describe('closestMatch', () => {
  test('edit distance counts insertions, deletions, substitutions and swaps', () => {
    assert.equal(editDistance('linger', 'linger'), 0);
    assert.equal(editDistance('lingr', 'linger'), 1);
    assert.equal(editDistance('lnigre', 'linger'), 2);
    assert.equal(editDistance('', 'abc'), 3);
  });

  test('suggests the nearest candidate, ignoring case, only when close enough', () => {
    const fields = ['producerRate', 'producersPerTopic', 'partitionsPerTopic'];
    assert.equal(closestMatch('producerRat', fields), 'producerRate');
    assert.equal(closestMatch('PRODUCERRATE', fields), 'producerRate');
    assert.equal(closestMatch('partitionPerTopic', fields), 'partitionsPerTopic');
    assert.equal(closestMatch('somethingElse', fields), undefined);
  });

  test('falls back to the only candidate starting with the word', () => {
    assert.equal(
      closestMatch('warmup', ['testDurationMinutes', 'warmupDurationMinutes']),
      'warmupDurationMinutes',
    );
    assert.equal(closestMatch('producers', ['producersPerTopic', 'producersPerTopicX']), undefined);
    assert.equal(closestMatch('war', ['warmupDurationMinutes']), undefined);
  });
});
