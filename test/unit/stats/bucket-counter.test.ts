import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BucketCounter } from '../../../src/stats/bucket-counter.js';
import { createHistogram, enableHdrWebAssembly } from '../../../src/stats/histogram-factory.js';

describe('BucketCounter', () => {
  for (const useWebAssembly of [false, true]) {
    test(`counts values into cumulative le-buckets (${useWebAssembly ? 'WebAssembly' : 'JS'} build)`, async () => {
      if (useWebAssembly) assert.ok(await enableHdrWebAssembly());
      const h = createHistogram({ highestTrackableValue: 600_000_000, significantDigits: 3, useWebAssembly });
      const counter = new BucketCounter([100, 1_000, 10_000]);
      for (const v of [50, 100, 101, 999, 1_000, 5_000, 20_000]) h.recordValue(v);
      counter.add(h);
      // le=100: 50, 100; le=1000: +101 (its bucket's bottom is 101), 999, 1000; le=10000: +5000; +Inf: +20000
      assert.deepEqual([...counter.cumulative], [2, 5, 6, 7]);
      assert.equal(counter.count, 7);
      h.reset();
      h.recordValueWithCount(500, 10);
      counter.add(h);
      assert.deepEqual([...counter.cumulative], [2, 15, 16, 17], 'monotonic across intervals');
      assert.ok(Math.abs(counter.sumUs - (50 + 100 + 101 + 999 + 1000 + 5000 + 20000 + 5000)) / 32250 < 0.01);
      h.destroy();
    });
  }

  test('an empty interval changes nothing', () => {
    const h = createHistogram({
      highestTrackableValue: 1_000_000,
      significantDigits: 3,
      useWebAssembly: false,
    });
    const counter = new BucketCounter([10]);
    counter.add(h);
    assert.deepEqual([...counter.cumulative], [0, 0]);
    assert.equal(counter.sumUs, 0);
  });
});
