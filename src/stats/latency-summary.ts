import type { Histogram } from 'hdr-histogram-js';
import { JsHistogram } from 'hdr-histogram-js';
import PercentileIteratorModule from 'hdr-histogram-js/dist/PercentileIterator.js';
import { decodeHistogram, encodeHistogram } from './histogram-factory.js';

/** Latency statistics of one histogram, all in microseconds: OMB's set of percentiles plus counts. */
export interface LatencySummary {
  /** Values recorded (clamped ones included). */
  count: number;
  avg: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
  /** Values above the recorder's maximum, recorded as the maximum. */
  overflowCount: number;
  /** Negative or non-numeric values, recorded as 0. */
  underflowCount: number;
}

/** A percentile (0–100) and the value (µs) at or below which that share of the values lies. */
export type Quantile = readonly [percentile: number, valueUs: number];

/**
 * Summarizes a histogram. Percentiles are HdrHistogram's highest equivalent values (as OMB reports them), capped
 * at `capUs` so a clamped value is never reported above the recorder's maximum.
 */
export function summarize(
  histogram: Histogram,
  capUs: number,
  overflowCount: number,
  underflowCount: number,
): LatencySummary {
  const at = (p: number): number => Math.min(histogram.getValueAtPercentile(p), capUs);
  return {
    count: histogram.totalCount,
    avg: Math.min(histogram.mean, capUs),
    p50: at(50),
    p75: at(75),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    p9999: at(99.99),
    // getValueAtPercentile(100) is Java's getMaxValue(): the highest value equivalent to the largest recorded.
    max: at(100),
    overflowCount,
    underflowCount,
  };
}

/**
 * The percentile distribution OMB writes as `aggregated*Quantiles`: Java HdrHistogram's `percentiles(ticks)`
 * iteration (WorkloadGenerator.java uses 100 ticks per half distance), keyed by the percentile actually reached at
 * each step. Later steps with the same percentile replace earlier ones, as in OMB's TreeMap.
 */
export function quantiles(histogram: Histogram, capUs: number, ticksPerHalfDistance = 100): Quantile[] {
  // The iterator walks a JS histogram's counts; a WebAssembly one is copied through its encoding.
  const js = histogram instanceof JsHistogram ? histogram : decodeHistogram(encodeHistogram(histogram));
  const out: Quantile[] = [];
  const iterator = new PercentileIteratorModule.default(js as JsHistogram, ticksPerHalfDistance);
  while (iterator.hasNext()) {
    const step = iterator.next();
    const entry: Quantile = [step.percentile, Math.min(step.valueIteratedTo, capUs)];
    if (out.length > 0 && out[out.length - 1]![0] === step.percentile) out[out.length - 1] = entry;
    else out.push(entry);
  }
  return out;
}
