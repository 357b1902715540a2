import { randomInt } from 'node:crypto';

/** A small, fast pseudo-random generator: reproducible from a seed, for tests and payload pools. */
export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** An integer in [0, bound), bound at most 2^32. */
  nextBelow(bound: number): number;
  /** Fills the buffer with random bytes. */
  fill(bytes: Uint8Array): void;
}

/** A seed for when the caller gave none. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}

/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator): one state word, good enough statistics for picking
 * payloads and keys, and no allocation per call. Not for anything secret.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    nextUint32,
    // Multiply-shift instead of modulo: no division on the hot path, bias below 2^-32 per pick.
    nextBelow: (bound) => Math.floor((nextUint32() / 2 ** 32) * bound),
    fill: (bytes) => {
      for (let i = 0; i < bytes.length; i += 4) {
        let word = nextUint32();
        for (let j = i; j < Math.min(i + 4, bytes.length); j++) {
          bytes[j] = word & 0xff;
          word >>>= 8;
        }
      }
    },
  };
}
