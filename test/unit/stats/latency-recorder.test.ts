import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeHistogram, enableHdrWebAssembly } from '../../../src/stats/histogram-factory.js';
import { LatencyRecorder, type LatencyRecorderOptions } from '../../../src/stats/latency-recorder.js';

/** Deterministic pseudo-random latencies: mostly around 2 ms, a long tail up to 2 s. */
function latencies(n: number, seed: number): number[] {
  let s = seed;
  const next = (): number => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = next();
    out.push(u < 0.99 ? 1500 + next() * 1000 : next() * 2_000_000);
  }
  return out;
}

for (const wasm of [false, true]) {
  describe(`LatencyRecorder (${wasm ? 'WebAssembly' : 'JS'} build)`, () => {
    const recorders: LatencyRecorder[] = [];
    const make = (options: LatencyRecorderOptions = {}): LatencyRecorder => {
      const r = new LatencyRecorder({ useWebAssembly: wasm, ...options });
      recorders.push(r);
      return r;
    };

    before(async () => {
      if (wasm) assert.equal(await enableHdrWebAssembly(), true);
    });

    test('uses the build it was asked for', () => {
      assert.equal(make().usesWebAssembly, wasm);
    });

    test('summarizes with OMB percentiles in µs: 1..1000 each once', () => {
      const r = make();
      for (let v = 1; v <= 1000; v++) r.record(v);
      assert.deepEqual(r.intervalSnapshot(), {
        count: 1000,
        avg: 500.5,
        p50: 500,
        p75: 750,
        p95: 950,
        p99: 990,
        p999: 999,
        p9999: 1000,
        max: 1000,
        overflowCount: 0,
        underflowCount: 0,
      });
    });

    test('values above the maximum are clamped to it and counted; none is dropped', () => {
      const r = make({ maxUs: 10_000 });
      r.record(50);
      r.record(10_000);
      r.record(10_001);
      r.record(1e12);
      r.record(Number.POSITIVE_INFINITY);
      const s = r.intervalSnapshot();
      assert.equal(s.count, 5);
      assert.equal(s.overflowCount, 3);
      assert.equal(s.max, 10_000);
      assert.equal(s.p50, 10_000);
      assert.equal(r.overflowCount, 3);
    });

    test('negative and NaN values are recorded as 0 and counted; fractions are truncated', () => {
      const r = make();
      r.record(-3);
      r.record(Number.NaN);
      r.record(0.9);
      r.record(7.99);
      const s = r.intervalSnapshot();
      assert.equal(s.count, 4);
      assert.equal(s.underflowCount, 2);
      assert.equal(s.p75, 0);
      assert.equal(s.max, 7);
      assert.equal(r.underflowCount, 2);
    });

    test('an empty interval reports zeros, as HdrHistogram does for OMB', () => {
      const s = make().intervalSnapshot();
      assert.deepEqual([s.count, s.avg, s.p50, s.p99, s.max, s.overflowCount], [0, 0, 0, 0, 0, 0]);
    });

    test('intervalSnapshot resets the interval; cumulative covers everything since reset()', () => {
      const r = make({ maxUs: 1000 });
      r.record(100);
      r.record(5000);
      assert.equal(r.cumulative().count, 2, 'cumulative includes values not yet snapshotted');
      const first = r.intervalSnapshot();
      assert.equal(first.count, 2);
      r.record(300);
      const second = r.intervalSnapshot();
      assert.deepEqual([second.count, second.max, second.overflowCount], [1, 300, 0]);
      r.record(200);
      const total = r.cumulative();
      assert.deepEqual([total.count, total.max, total.overflowCount], [4, 1000, 1]);
      assert.equal(r.intervalSnapshot().count, 1, 'cumulative() does not reset the interval');
      r.reset();
      assert.equal(r.cumulative().count, 0);
      assert.equal(r.overflowCount, 0);
      assert.equal(r.intervalSnapshot().count, 0);
    });

    test('drainEncoded + addEncoded gives exactly what recording directly gives', () => {
      const values = latencies(20_000, 42);
      const direct = make({ maxUs: 1_000_000 });
      const worker = make({ maxUs: 1_000_000 });
      const main = make({ maxUs: 1_000_000 });
      values.forEach((v, i) => {
        direct.record(v);
        worker.record(v);
        if (i === 9_999) main.addEncoded(worker.drainEncoded());
      });
      direct.record(-1);
      worker.record(-1);
      const shipped = worker.drainEncoded();
      assert.equal(typeof shipped.histogram, 'string');
      assert.deepEqual(structuredClone(shipped), shipped, 'plain data, safe for postMessage');
      main.addEncoded(shipped);
      assert.equal(worker.intervalSnapshot().count, 0, 'draining empties the worker interval');
      assert.ok(direct.cumulative().overflowCount > 0);
      assert.deepEqual(main.intervalSnapshot(), direct.intervalSnapshot());
      assert.deepEqual(main.cumulativeWithQuantiles(), direct.cumulativeWithQuantiles());
    });

    test('a histogram encoded with a larger maximum is clamped and counted on merge', () => {
      const wide = make({ maxUs: 600_000_000 });
      wide.record(10);
      wide.record(5_000_000);
      const narrow = make({ maxUs: 1_000_000 });
      narrow.addEncoded(wide.encodeCumulative().histogram);
      const s = narrow.intervalSnapshot();
      assert.deepEqual([s.count, s.max, s.overflowCount, s.p50], [2, 1_000_000, 1, 10]);
    });

    test('windowSummary merges the last N intervals', () => {
      const r = make({ windowIntervals: 3 });
      for (const v of [100, 200, 300, 400]) {
        r.record(v);
        r.intervalSnapshot();
        if (v === 100) assert.equal(r.windowSummary().count, 1, 'fewer intervals than the window so far');
      }
      const w = r.windowSummary();
      assert.deepEqual([w.count, w.p50, w.max], [3, 300, 400]);
    });

    test('quantiles follow HdrHistogram percentiles(100): rising percentiles, ending at 100 with the max', () => {
      const r = make();
      for (let v = 1; v <= 1000; v++) r.record(v);
      const { quantiles } = r.cumulativeWithQuantiles();
      assert.deepEqual(quantiles[0], [0.1, 1]);
      assert.deepEqual(quantiles[quantiles.length - 1], [100, 1000]);
      for (let i = 1; i < quantiles.length; i++) {
        assert.ok(quantiles[i]![0] > quantiles[i - 1]![0]);
        assert.ok(quantiles[i]![1] >= quantiles[i - 1]![1]);
      }
      // 100 ticks per half distance: steps of 0.5% up to 50%, each reached exactly by 1..1000.
      const firstHalf = quantiles.filter(([p]) => p <= 50);
      assert.equal(firstHalf.length, 101);
      firstHalf.slice(1).forEach(([p, v], k) => {
        assert.deepEqual([p, v], [(k + 1) * 0.5, (k + 1) * 5]);
      });
      // Then halving step sizes: finer than one value (0.1%) from 87.5% on, so fewer distinct entries.
      assert.equal(quantiles.filter(([p]) => p > 50 && p <= 75).length, 100);
    });

    test('the encoding is HdrHistogram V2, readable as a plain histogram', () => {
      const r = make();
      r.record(42);
      r.record(4200);
      const h = decodeHistogram(r.encodeCumulative().histogram);
      assert.deepEqual([h.totalCount, h.getValueAtPercentile(50)], [2, 42]);
    });

    test('destroy frees the histograms', () => {
      const r = new LatencyRecorder({ useWebAssembly: wasm });
      r.record(1);
      r.destroy();
      if (wasm) assert.throws(() => r.record(1), /destroyed/);
    });

    after(() => {
      for (const r of recorders.splice(0)) r.destroy();
    });
  });
}

describe('LatencyRecorder across builds', () => {
  test('a JS worker ships to a WebAssembly main thread and back, exactly', async () => {
    assert.equal(await enableHdrWebAssembly(), true);
    const js = new LatencyRecorder({ useWebAssembly: false });
    const wasm = new LatencyRecorder({ useWebAssembly: true });
    const values = latencies(5_000, 7);
    for (const v of values) js.record(v);
    wasm.addEncoded(js.encodeCumulative());
    const back = new LatencyRecorder({ useWebAssembly: false });
    back.addEncoded(wasm.drainEncoded());
    assert.deepEqual(back.cumulativeWithQuantiles(), js.cumulativeWithQuantiles());
    assert.deepEqual(wasm.cumulativeWithQuantiles(), js.cumulativeWithQuantiles());
    wasm.destroy();
  });
});
