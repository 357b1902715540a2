import { type RandomSource, randomSeed, seededRandom } from './seeded-random.js';
import type { KeyDistributorType } from './workload.js';

/** Number of distinct keys, as in OMB's KeyDistributor (UNIQUE_COUNT). */
export const KEY_POOL_SIZE = 10_000;
/** Random bytes per key (OMB KEY_BYTE_SIZE): 7 bytes make 10 base64url characters. */
const KEY_BYTES = 7;

/** Picks the key of each message. */
export interface KeyDistributor {
  readonly type: KeyDistributorType;
  /** The key for the next message (null = no key); never allocates. */
  next(): string | null;
  /** The pre-generated keys it draws from (empty for NO_KEY), e.g. to pre-encode them. */
  readonly keys: readonly string[];
}

/** Options of createKeyDistributor. */
export interface KeyDistributorOptions {
  /** Makes keys and choices reproducible. Without it, keys come from one process-wide random pool. */
  readonly seed?: number;
}

let processKeys: readonly string[] | undefined;

/**
 * OMB's key distributors (utils/distributor): NO_KEY sends null keys; KEY_ROUND_ROBIN cycles through a
 * fixed set of 10,000 random keys; RANDOM_NANO picks one of them at random per message. OMB shares one
 * key set per JVM; here one per process, so all producers hash the same keys to the same partitions.
 */
export function createKeyDistributor(
  type: KeyDistributorType,
  options: KeyDistributorOptions = {},
): KeyDistributor {
  if (type === 'NO_KEY') return { type, next: () => null, keys: [] };
  const keys = options.seed === undefined ? sharedKeys() : generateKeys(seededRandom(options.seed));
  if (type === 'KEY_ROUND_ROBIN') {
    // OMB's KeyRoundRobin increments before reading, so its first key is keys[1].
    let index = 0;
    return {
      type,
      keys,
      next: () => {
        index = index + 1 >= keys.length ? 0 : index + 1;
        return keys[index] ?? null;
      },
    };
  }
  // OMB's RandomNano uses System.nanoTime() modulo the pool size as its randomness; a seeded generator
  // plays that role here, so a test can reproduce the sequence.
  const random = seededRandom(options.seed === undefined ? randomSeed() : options.seed ^ 0x9e3779b9);
  return { type, keys, next: () => keys[random.nextBelow(keys.length)] ?? null };
}

function sharedKeys(): readonly string[] {
  processKeys ??= generateKeys(seededRandom(randomSeed()));
  return processKeys;
}

function generateKeys(random: RandomSource): readonly string[] {
  const bytes = new Uint8Array(KEY_BYTES);
  const keys: string[] = [];
  for (let i = 0; i < KEY_POOL_SIZE; i++) {
    random.fill(bytes);
    keys.push(Buffer.from(bytes).toString('base64url'));
  }
  return Object.freeze(keys);
}
