import type { Histogram, JsHistogram } from 'hdr-histogram-js';
import RecordedValuesIteratorModule from 'hdr-histogram-js/dist/RecordedValuesIterator.js';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type HistogramShape,
  hdrWebAssemblyReady,
} from './histogram-factory.js';
import { type LatencySummary, type Quantile, quantiles, summarize } from './latency-summary.js';

/** Default largest latency kept: 600 s in microseconds (above librdkafka's default 300 s message timeout). */
export const DEFAULT_MAX_LATENCY_US = 600_000_000;

export interface LatencyRecorderOptions {
  /** Largest value kept, in µs (default 600 s); larger values are recorded as this and counted. */
  maxUs?: number;
  /** Significant decimal digits (default 3: values within 0.1%, about 173 KB per JS histogram at 600 s). */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
  /** Default: true when the WebAssembly build has been loaded in this thread (`enableHdrWebAssembly()`). */
  useWebAssembly?: boolean;
  /** How many recent intervals `windowSummary()` can merge (default 0: none kept). */
  windowIntervals?: number;
}

/**
 * Values a worker thread ships to the main thread: a histogram in HdrHistogram's compressed base64 encoding plus
 * the clamping counts, which the encoding cannot carry. Plain data: safe for `postMessage`.
 */
export interface EncodedLatencies {
  histogram: string;
  overflowCount: number;
  underflowCount: number;
}

export interface CumulativeLatencySummary extends LatencySummary {
  /** OMB's `aggregated*Quantiles`, values in µs. */
  quantiles: Quantile[];
}

/**
 * Latencies in integer microseconds, HdrHistogram-backed, OMB-style: an interval histogram read and reset by
 * `intervalSnapshot()`, and a cumulative one since the last `reset()`. Recording touches only the interval
 * histogram (one record per value); each snapshot folds the interval into the cumulative histogram.
 * `record()` never throws and never allocates.
 */
export class LatencyRecorder {
  readonly maxUs: number;
  private readonly shape: HistogramShape;
  // `declare`: assigned in the constructor only. A field first defined as undefined loses V8's field type and
  // record() then costs about 95 ns instead of 30 ns in the JS build (bench/hdr-record.ts).
  declare private readonly interval: Histogram;
  declare private readonly total: Histogram;
  declare private readonly window: Histogram[];
  private windowNext = 0;
  private scratch: Histogram | undefined;
  private readonly listeners: ((interval: Histogram) => void)[] = [];
  private intervalOverflow = 0;
  private intervalUnderflow = 0;
  private totalOverflow = 0;
  private totalUnderflow = 0;

  constructor(options: LatencyRecorderOptions = {}) {
    this.maxUs = Math.floor(options.maxUs ?? DEFAULT_MAX_LATENCY_US);
    this.shape = {
      highestTrackableValue: this.maxUs,
      significantDigits: options.significantDigits ?? 3,
      useWebAssembly: options.useWebAssembly ?? hdrWebAssemblyReady(),
    };
    this.interval = createHistogram(this.shape);
    this.total = createHistogram(this.shape);
    this.window = [];
    for (let i = 0; i < (options.windowIntervals ?? 0); i++) this.window.push(createHistogram(this.shape));
  }

  get usesWebAssembly(): boolean {
    return this.shape.useWebAssembly;
  }

  /** Values above `maxUs` since the last `reset()` (they were recorded as `maxUs`). */
  get overflowCount(): number {
    return this.totalOverflow + this.intervalOverflow;
  }

  /** Negative or NaN values since the last `reset()` (recorded as 0). */
  get underflowCount(): number {
    return this.totalUnderflow + this.intervalUnderflow;
  }

  /**
   * Records one latency in µs. Fractions are truncated (OMB converts with TimeUnit.toMicros); values above the
   * maximum are clamped and counted; negative or NaN values (clock skew across hosts) are recorded as 0 and counted.
   */
  record(valueUs: number): void {
    if (valueUs >= 0) {
      if (valueUs <= this.maxUs) {
        this.interval.recordValue(Math.floor(valueUs));
      } else {
        this.intervalOverflow++;
        this.interval.recordValue(this.maxUs);
      }
    } else {
      this.intervalUnderflow++;
      this.interval.recordValue(0);
    }
  }

  /**
   * Summary of the values recorded since the previous snapshot (or drain); resets the interval and folds it into
   * the cumulative histogram and the window.
   */
  intervalSnapshot(): LatencySummary {
    const summary = summarize(this.interval, this.maxUs, this.intervalOverflow, this.intervalUnderflow);
    for (const listener of this.listeners) listener(this.interval);
    if (this.window.length > 0) {
      const slot = this.window[this.windowNext]!;
      slot.reset();
      slot.add(this.interval);
      this.windowNext = (this.windowNext + 1) % this.window.length;
    }
    this.foldInterval();
    return summary;
  }

  /**
   * Calls `listener` with each interval's histogram at `intervalSnapshot()`, before it is reset: how views
   * that keep their own aggregation (Prometheus buckets, 10-s result periods) see every value exactly once.
   * The histogram is only valid during the call.
   */
  onInterval(listener: (interval: Histogram) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Summary of the last `windowIntervals` interval snapshots merged (docs/controller.md "Signals": the p99 over the last 3
   * intervals). Before that many snapshots, it merges those taken so far.
   */
  windowSummary(): LatencySummary {
    const merged = this.scratchHistogram();
    for (const h of this.window) merged.add(h);
    return summarize(merged, this.maxUs, 0, 0);
  }

  /** Summary since the last `reset()`, including values not yet taken by a snapshot. */
  cumulative(): LatencySummary {
    return summarize(this.mergedTotal(), this.maxUs, this.overflowCount, this.underflowCount);
  }

  /** `cumulative()` plus OMB's percentile distribution. */
  cumulativeWithQuantiles(): CumulativeLatencySummary {
    const merged = this.mergedTotal();
    const summary = summarize(merged, this.maxUs, this.overflowCount, this.underflowCount);
    return { ...summary, quantiles: quantiles(merged, this.maxUs) };
  }

  /** Forgets everything recorded so far (after warm-up). */
  reset(): void {
    this.interval.reset();
    this.total.reset();
    for (const h of this.window) h.reset();
    this.intervalOverflow = 0;
    this.intervalUnderflow = 0;
    this.totalOverflow = 0;
    this.totalUnderflow = 0;
  }

  /**
   * For a worker thread: encodes the values recorded since the previous drain (or snapshot) and folds them into
   * this recorder's cumulative histogram, so the interval starts empty. Ship the result to `addEncoded()`.
   */
  drainEncoded(): EncodedLatencies {
    const encoded: EncodedLatencies = {
      histogram: encodeHistogram(this.interval),
      overflowCount: this.intervalOverflow,
      underflowCount: this.intervalUnderflow,
    };
    this.foldInterval();
    return encoded;
  }

  /** Encodes the cumulative histogram (values since `reset()`, including the current interval). */
  encodeCumulative(): EncodedLatencies {
    return {
      histogram: encodeHistogram(this.mergedTotal()),
      overflowCount: this.overflowCount,
      underflowCount: this.underflowCount,
    };
  }

  /**
   * Merges values recorded elsewhere (a worker thread's `drainEncoded()`, or a bare encoded histogram) into the
   * current interval, hence into the cumulative histogram at the next snapshot. Values above `maxUs` in a
   * histogram of another shape are clamped and counted.
   */
  addEncoded(encoded: EncodedLatencies | string): void {
    const text = typeof encoded === 'string' ? encoded : encoded.histogram;
    if (typeof encoded !== 'string') {
      this.intervalOverflow += encoded.overflowCount;
      this.intervalUnderflow += encoded.underflowCount;
    }
    const decoded = decodeHistogram(text, this.shape.useWebAssembly);
    try {
      // The WebAssembly build does not expose the digits (undefined): the range alone decides there.
      const digits =
        (decoded.numberOfSignificantValueDigits as number | undefined) ?? this.shape.significantDigits;
      if (decoded.highestTrackableValue === this.maxUs && digits === this.shape.significantDigits) {
        // Same layout: a plain count-by-count add.
        this.interval.add(decoded);
        return;
      }
    } finally {
      decoded.destroy();
    }
    this.addClamped(text);
  }

  /** Frees the histograms (required for the WebAssembly build). The recorder must not be used afterwards. */
  destroy(): void {
    this.interval.destroy();
    this.total.destroy();
    for (const h of this.window) h.destroy();
    this.scratch?.destroy();
  }

  private foldInterval(): void {
    this.total.add(this.interval);
    this.interval.reset();
    this.totalOverflow += this.intervalOverflow;
    this.totalUnderflow += this.intervalUnderflow;
    this.intervalOverflow = 0;
    this.intervalUnderflow = 0;
  }

  private mergedTotal(): Histogram {
    const merged = this.scratchHistogram();
    merged.add(this.total);
    merged.add(this.interval);
    return merged;
  }

  /** An empty histogram of this recorder's shape, reused between calls. */
  private scratchHistogram(): Histogram {
    this.scratch ??= createHistogram(this.shape);
    this.scratch.reset();
    return this.scratch;
  }

  /** Slow path for histograms of another shape: re-records each distinct value, clamping. */
  private addClamped(text: string): void {
    const js = decodeHistogram(text, false) as JsHistogram;
    const iterator = new RecordedValuesIteratorModule.default(js);
    while (iterator.hasNext()) {
      const step = iterator.next();
      const count = step.countAtValueIteratedTo;
      // valueIteratedTo is the top of its bucket; only a bucket starting above the maximum is surely above it.
      if (js.lowestEquivalentValue(step.valueIteratedTo) > this.maxUs) this.intervalOverflow += count;
      this.interval.recordValueWithCount(Math.min(step.valueIteratedTo, this.maxUs), count);
    }
  }
}
