import type { Histogram } from 'hdr-histogram-js';
import { JsHistogram } from 'hdr-histogram-js';
import RecordedValuesIteratorModule from 'hdr-histogram-js/dist/RecordedValuesIterator.js';
import { decodeHistogram, encodeHistogram } from './histogram-factory.js';

/**
 * Monotonic Prometheus-style bucket counts (values in µs) built from interval histograms: fed once per
 * interval (never per message), read at scrape time. Never reset, as Prometheus counters must not be.
 */
export class BucketCounter {
  /** Upper bounds in µs, ascending (without +Inf). */
  readonly boundsUs: readonly number[];
  /** Cumulative count of values <= boundsUs[i]; the last entry is +Inf (all values). */
  readonly cumulative: Float64Array;
  /** Sum of all values, µs (from each interval's mean × count: HdrHistogram keeps no exact sum). */
  sumUs = 0;

  constructor(boundsUs: readonly number[]) {
    this.boundsUs = [...boundsUs].sort((a, b) => a - b);
    this.cumulative = new Float64Array(this.boundsUs.length + 1);
  }

  get count(): number {
    return this.cumulative[this.boundsUs.length]!;
  }

  /** Adds every value of `interval`. */
  add(interval: Histogram): void {
    const total = interval.totalCount;
    if (total === 0) return;
    this.sumUs += interval.mean * total;
    // The WebAssembly build has no value iterator: walk a JS copy (once per interval, not per message).
    const js = (
      interval instanceof JsHistogram ? interval : decodeHistogram(encodeHistogram(interval), false)
    ) as JsHistogram;
    try {
      const iterator = new RecordedValuesIteratorModule.default(js);
      const bounds = this.boundsUs;
      while (iterator.hasNext()) {
        const step = iterator.next();
        // A value belongs to bucket le=b when it is <= b; HdrHistogram knows it to its bucket's bottom.
        const value = js.lowestEquivalentValue(step.valueIteratedTo);
        const count = step.countAtValueIteratedTo;
        for (let i = bounds.length - 1; i >= 0 && value <= bounds[i]!; i--) this.cumulative[i]! += count;
        this.cumulative[bounds.length]! += count;
      }
    } finally {
      if (js !== (interval as unknown)) js.destroy();
    }
  }
}
