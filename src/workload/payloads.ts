import { readFileSync } from 'node:fs';
import { invalid } from '../errors.js';
import { resolvePayloadPath } from './payload-path.js';
import { randomSeed, seededRandom } from './seeded-random.js';
import type { Workload } from './workload.js';

/** The payloads a workload sends. */
export interface PayloadSource {
  /**
   * The payload of the next message: a pooled buffer, never allocated per call. The send loop writes the
   * message's prefix (src/worker/message-codec.ts) over its first bytes before the client copies it;
   * nothing else may modify it.
   */
  next(): Buffer;
  /** Bytes per payload (the workload's messageSize). */
  readonly size: number;
  /** Number of distinct buffers next() returns. */
  readonly poolSize: number;
}

/** The fields a payload source reads. */
export type PayloadWorkload = Pick<
  Workload,
  | 'messageSize'
  | 'payloadFile'
  | 'payloadPath'
  | 'useRandomizedPayloads'
  | 'randomBytesRatio'
  | 'randomizedPayloadPoolSize'
>;

/**
 * Payloads as OMB's WorkloadGenerator makes them. With useRandomizedPayloads (which wins over
 * payloadFile, as in OMB): a pool of randomizedPayloadPoolSize buffers, each starting with
 * ⌊messageSize × randomBytesRatio⌋ random bytes followed by zeros (compressible on purpose), picked at
 * random per message (OMB LocalWorker). Else payloadFile's bytes; else one zero-filled buffer.
 * `seed` makes the random pool and picks reproducible; `baseDir` resolves a payloadFile that
 * parseWorkload has not resolved already.
 */
export function createPayloadSource(workload: PayloadWorkload, baseDir = '.', seed?: number): PayloadSource {
  const size = workload.messageSize;
  if (workload.useRandomizedPayloads) {
    const random = seededRandom(seed ?? randomSeed());
    const count = Math.max(1, workload.randomizedPayloadPoolSize);
    const randomBytes = Math.floor(size * workload.randomBytesRatio);
    // One slab for the pool: Buffer.alloc zero-fills it, so only the random heads need writing.
    const slab = Buffer.alloc(size * count);
    const pool: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const payload = slab.subarray(i * size, (i + 1) * size);
      random.fill(payload.subarray(0, randomBytes));
      pool.push(payload);
    }
    if (count === 1) return single(pool[0] as Buffer);
    return { size, poolSize: count, next: () => pool[random.nextBelow(count)] as Buffer };
  }
  if (workload.payloadFile !== undefined) return single(readPayloadFile(workload, baseDir));
  return single(Buffer.alloc(size));
}

function single(payload: Buffer): PayloadSource {
  return { size: payload.length, poolSize: 1, next: () => payload };
}

function readPayloadFile(workload: PayloadWorkload, baseDir: string): Buffer {
  const file = workload.payloadFile as string;
  const path = workload.payloadPath ?? resolvePayloadPath(file, baseDir).path;
  if (path === undefined)
    throw invalid('INVALID_WORKLOAD', { field: 'payloadFile' }, 'an existing file', file);
  const bytes = readFileSync(path);
  if (bytes.length !== workload.messageSize) {
    throw invalid(
      'INVALID_WORKLOAD',
      { file: path, field: 'payloadFile' },
      `a file of ${workload.messageSize} bytes (messageSize)`,
      `${bytes.length} bytes`,
    );
  }
  return bytes;
}
