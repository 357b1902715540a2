/**
 * Latency buckets for the simulator, HdrHistogram-style: integer microseconds, exact below 256 µs, then 128
 * sub-buckets per power of two (relative error < 0.8 %). Plain functions over a `Uint32Array` slice so the
 * simulator can keep one histogram per future interval in one flat array.
 */
export const BUCKETS = 3328;
const MAX_US = 2 ** 31 - 1;

export function bucketOf(us: number): number {
  const v = us >= MAX_US ? MAX_US : us | 0;
  if (v < 256) return Math.max(v, 0);
  const shift = 31 - Math.clz32(v) - 7;
  return (shift << 7) + (v >>> shift);
}

/** Lowest and highest value (µs) of a bucket. */
export function bucketLowUs(b: number): number {
  if (b < 256) return b;
  const shift = (b >> 7) - 1;
  return (b - (shift << 7)) * 2 ** shift;
}

export function bucketHighUs(b: number): number {
  if (b < 256) return b;
  const shift = (b >> 7) - 1;
  return (b - (shift << 7) + 1) * 2 ** shift - 1;
}

/** Values above `thresholdUs` at bucket resolution (the bucket holding the threshold counts as not above). */
export function countAbove(h: Uint32Array, offset: number, thresholdUs: number): number {
  let n = 0;
  for (let b = bucketOf(Math.floor(thresholdUs)) + 1; b < BUCKETS; b++) n += h[offset + b]!;
  return n;
}

/** The value at `fraction` (0–1] as HdrHistogram reports it (highest equivalent value), µs; 0 when empty. */
export function valueAt(h: Uint32Array, offset: number, total: number, fraction: number): number {
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil(fraction * total));
  let seen = 0;
  for (let b = 0; b < BUCKETS; b++) {
    seen += h[offset + b]!;
    if (seen >= rank) return bucketHighUs(b);
  }
  return bucketHighUs(BUCKETS - 1);
}
