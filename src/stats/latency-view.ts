import type { Histogram } from 'hdr-histogram-js';
import { JsHistogram } from 'hdr-histogram-js';
import RecordedValuesIteratorModule from 'hdr-histogram-js/dist/RecordedValuesIterator.js';
import { createHistogram, decodeHistogram, encodeHistogram } from './histogram-factory.js';
import type { LatencyRecorder } from './latency-recorder.js';

/** A latency distribution in ms as the controller reads it (structurally the controller's LatencyView). */
export interface IntervalLatencies {
  count: number;
  p99Ms: number;
  countAboveMs(ms: number): number;
}

/**
 * Keeps a copy of a recorder's last interval histogram (values in µs), taken at each interval snapshot,
 * so the rate controller can ask "how many values were above X ms" after the recorder moved on.
 */
export class LastInterval implements IntervalLatencies {
  private readonly copy: Histogram;
  /** A JS-build view of `copy` for walking values (the WebAssembly build has no iterator), made on demand. */
  private walkable: JsHistogram | undefined;

  constructor(recorder: LatencyRecorder) {
    // Same build as the recorder: histograms of the two builds cannot be added to each other.
    this.copy = createHistogram({
      highestTrackableValue: recorder.maxUs,
      significantDigits: 3,
      useWebAssembly: recorder.usesWebAssembly,
    });
    recorder.onInterval((interval) => {
      this.copy.reset();
      this.copy.add(interval);
      if (this.walkable !== undefined && this.walkable !== (this.copy as unknown)) this.walkable.destroy();
      this.walkable = undefined;
    });
  }

  private js(): JsHistogram {
    this.walkable ??=
      this.copy instanceof JsHistogram
        ? this.copy
        : (decodeHistogram(encodeHistogram(this.copy), false) as JsHistogram);
    return this.walkable;
  }

  get count(): number {
    return this.copy.totalCount;
  }

  get p99Ms(): number {
    return this.copy.totalCount === 0 ? 0 : this.copy.getValueAtPercentile(99) / 1000;
  }

  countAboveMs(ms: number): number {
    return countAboveMs(this.js(), ms);
  }

  /** The interval's histogram, compressed base64 (a fleet member sends it to the member running the controller). */
  encode(): string {
    return encodeHistogram(this.copy);
  }
}

/** Values of `js` (µs) above `ms` milliseconds. */
export function countAboveMs(js: JsHistogram, ms: number): number {
  const thresholdUs = ms * 1000;
  let above = 0;
  const iterator = new RecordedValuesIteratorModule.default(js);
  while (iterator.hasNext()) {
    const step = iterator.next();
    if (js.lowestEquivalentValue(step.valueIteratedTo) > thresholdUs) above += step.countAtValueIteratedTo;
  }
  return above;
}

/** Several members' interval histograms added into one (JS build, µs), read as the controller reads one. */
export class MergedLatencies implements IntervalLatencies {
  private readonly sum: JsHistogram;

  constructor(encoded: readonly string[], highestTrackableValueUs: number) {
    this.sum = createHistogram({
      highestTrackableValue: highestTrackableValueUs,
      significantDigits: 3,
      useWebAssembly: false,
    }) as JsHistogram;
    for (const e of encoded) {
      const h = decodeHistogram(e, false);
      this.sum.add(h as JsHistogram);
      h.destroy();
    }
  }

  get count(): number {
    return this.sum.totalCount;
  }

  get p99Ms(): number {
    return this.sum.totalCount === 0 ? 0 : this.sum.getValueAtPercentile(99) / 1000;
  }

  countAboveMs(ms: number): number {
    return countAboveMs(this.sum, ms);
  }
}
