import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IntegrityTracker } from '../../../src/integrity/integrity-tracker.js';
import { LossLedger } from '../../../src/integrity/loss-ledger.js';

const gap = (start: number, end: number, partition = 0) => ({
  subscription: 0,
  runId: 9,
  producerId: 1,
  partition,
  start,
  end,
});
const nothingInFlight = () => false;

describe('LossLedger', () => {
  test('a stale gap of acknowledged sequences is lost', () => {
    const l = new LossLedger();
    l.addGaps([gap(10, 15)]);
    assert.equal(l.settle(nothingInFlight), 5);
    assert.equal(l.lost, 5);
    assert.equal(l.settle(nothingInFlight), 0, 'counted once');
  });

  test('sequences whose send failed are errors, not losses', () => {
    const l = new LossLedger();
    l.recordFailure(9, 1, 0, 11);
    l.recordFailure(9, 1, 0, 12);
    l.recordFailure(9, 1, 1, 13); // another partition
    l.recordFailure(9, 1, 0, 99); // outside the gap
    l.addGaps([gap(10, 15)]);
    assert.equal(l.settle(nothingInFlight), 3);
  });

  test('a gap with a send still in flight waits', () => {
    const l = new LossLedger();
    l.addGaps([gap(0, 2)]);
    let inFlight = true;
    assert.equal(
      l.settle(() => inFlight),
      0,
    );
    assert.equal(l.undecided, 1);
    inFlight = false;
    assert.equal(
      l.settle(() => inFlight),
      2,
    );
    assert.equal(l.undecided, 0);
  });
});

describe('IntegrityTracker', () => {
  test('sums consumer findings and settles gaps against running engines', () => {
    const t = new IntegrityTracker();
    t.onIntegrity({ duplicated: 2, outOfOrder: 1, late: 4 }, [gap(0, 3)]);
    t.onIntegrity({ duplicated: 1, outOfOrder: 0, late: 0 }, []);
    t.onFailure(9, 1, 0, 1);
    const engine = { inFlightIn: () => false };
    assert.equal(t.settle([engine, undefined]), 2);
    assert.deepEqual([t.lost, t.duplicated, t.outOfOrder, t.late], [2, 3, 1, 4]);
  });
});
