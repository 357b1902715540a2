import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SequenceChecker } from '../../../src/integrity/sequence-checker.js';

const RUN = 7;
const P = 3;

function feed(
  checker: SequenceChecker,
  seqs: number[],
  atMs = 0,
  partition = 0,
  run = RUN,
  producer = P,
): void {
  for (const s of seqs) checker.check(partition, run, producer, s, atMs);
}

describe('SequenceChecker', () => {
  test('an in-order stream has nothing to report', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 2, 3, 4]);
    assert.deepEqual(c.counts, { duplicated: 0, outOfOrder: 0, checked: 5 });
    assert.equal(c.missing(), 0);
    assert.deepEqual(c.takeStale(10_000), []);
  });

  test('a gap that never fills is handed over once it is older than the loss horizon, and only once', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 5, 6], 100);
    assert.equal(c.missing(), 3);
    assert.deepEqual(c.takeStale(1_000), [], 'younger than the horizon');
    assert.deepEqual(c.takeStale(1_100), [{ partition: 0, runId: RUN, producerId: P, start: 2, end: 5 }]);
    assert.deepEqual(c.takeStale(2_000), [], 'already handed over');
    assert.equal(c.counts.duplicated + c.counts.outOfOrder, 0);
  });

  test('a late message fills its gap and counts as out of order, not as a duplicate', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 4, 2, 3]);
    assert.equal(c.counts.outOfOrder, 2);
    assert.equal(c.counts.duplicated, 0);
    assert.equal(c.missing(), 0);
    assert.deepEqual(c.takeStale(10_000), []);
  });

  test('filling the middle of a gap splits it', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 10, 5]);
    assert.equal(c.counts.outOfOrder, 1);
    assert.equal(c.missing(), 8);
    assert.deepEqual(
      c.takeStale(5_000).map((g) => [g.start, g.end]),
      [
        [1, 5],
        [6, 10],
      ],
    );
  });

  test('a message seen twice is a duplicate; a re-read range counts every message', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 2, 3, 1, 2, 3]);
    assert.equal(c.counts.duplicated, 3);
    assert.equal(c.counts.outOfOrder, 0);
  });

  test('streams are independent per partition, run and producer', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 2], 0, 0, RUN, 1);
    feed(c, [0, 1, 2], 0, 0, RUN, 2);
    feed(c, [0, 1, 2], 0, 1, RUN, 1);
    assert.deepEqual(c.counts, { duplicated: 0, outOfOrder: 0, checked: 9 });
  });

  test('a rebalance (partition reset) starts a new baseline: the replay is not a duplicate, the jump not a gap', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 2, 3]);
    c.resetPartition(0);
    // The new owner re-reads from the last committed offset (2), then goes on.
    feed(c, [2, 3, 4]);
    assert.equal(c.counts.duplicated, 0);
    c.resetPartition(0);
    feed(c, [10, 11]);
    assert.equal(c.missing(), 0);
    assert.deepEqual(c.takeStale(10_000), []);
  });

  test('a restarted producer (new run id) starts a new baseline', () => {
    const c = new SequenceChecker(1_000);
    feed(c, [0, 1, 2, 3], 0, 0, 1);
    feed(c, [0, 1, 2], 0, 0, 2);
    assert.deepEqual(c.counts, { duplicated: 0, outOfOrder: 0, checked: 7 });
  });

  test('a restarted consumer (a new checker) starts from wherever the group resumes', () => {
    const before = new SequenceChecker(1_000);
    feed(before, [0, 1, 2]);
    const after = new SequenceChecker(1_000);
    feed(after, [2, 3, 4]);
    assert.deepEqual(after.counts, { duplicated: 0, outOfOrder: 0, checked: 3 });
  });

  test('a gap handed over stays remembered: a very late arrival is out of order, and is forgotten after the memory', () => {
    const c = new SequenceChecker(1_000, 5_000);
    feed(c, [0, 2], 0);
    assert.equal(c.takeStale(1_000).length, 1);
    c.check(0, RUN, P, 1, 2_000);
    assert.equal(c.counts.outOfOrder, 1);
    feed(c, [3, 5], 3_000);
    c.takeStale(10_000);
    assert.equal(c.missing(), 0, 'gaps past the memory are dropped');
  });

  test('at the end of a run every open gap is handed over, however young', () => {
    const c = new SequenceChecker(60_000);
    feed(c, [0, 3], 1_000);
    assert.deepEqual(c.takeStale(1_001), []);
    assert.deepEqual(
      c.takeStale(1_001, true).map((g) => [g.start, g.end]),
      [[1, 3]],
    );
  });
});
