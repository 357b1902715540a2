import type { Histogram } from 'hdr-histogram-js';
import * as hdr from 'hdr-histogram-js';
import { webAssemblyReady } from 'hdr-histogram-js/dist/wasm/index.js';

/** The shape of every latency histogram soakbench builds. */
export interface HistogramShape {
  /** Largest value kept (µs); larger values are clamped to it by the recorders. */
  highestTrackableValue: number;
  /** Decimal digits of resolution: 3 keeps every value within 0.1%. */
  significantDigits: 1 | 2 | 3 | 4 | 5;
  /** WebAssembly build (about 38 ns per record against 145 ns, docs/client-notes.md); needs `destroy()`. */
  useWebAssembly: boolean;
}

/**
 * Loads the WebAssembly build of hdr-histogram-js in this thread (each worker thread loads its own). Histograms
 * created afterwards use it unless told otherwise. Returns false when WebAssembly is not available here.
 */
export async function enableHdrWebAssembly(): Promise<boolean> {
  try {
    await hdr.initWebAssembly();
  } catch {
    return false;
  }
  return webAssemblyReady();
}

/** True once `enableHdrWebAssembly()` (or hdr-histogram-js's own `initWebAssembly()`) has completed. */
export function hdrWebAssemblyReady(): boolean {
  return webAssemblyReady();
}

/**
 * A fixed-size histogram with 64-bit counts: 32-bit counts would overflow in a day at 50,000 msg/s
 * (4.3e9 > 2^32), and a fixed size keeps memory flat (about 173 KB for 600 s at 3 digits in the JS build).
 */
export function createHistogram(shape: HistogramShape): Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: shape.highestTrackableValue,
    numberOfSignificantValueDigits: shape.significantDigits,
    useWebAssembly: shape.useWebAssembly,
  });
}

/** Decodes a compressed base64 histogram (HdrHistogram V2 encoding, readable by the Java and other ports). */
export function decodeHistogram(base64: string, useWebAssembly = false): Histogram {
  return hdr.decodeFromCompressedBase64(base64, 64, useWebAssembly);
}

/** Encodes a histogram as compressed base64 (HdrHistogram V2 encoding). */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}
