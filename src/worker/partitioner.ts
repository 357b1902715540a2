/**
 * Kafka's default partitioner for keyed messages, as the Java client computes it:
 * `toPositive(murmur2(keyBytes)) % numPartitions` (clients/.../utils/Utils.java murmur2, and
 * BuiltInPartitioner.partitionForKey). soakbench picks partitions itself so that it can number messages
 * per (producer, partition) for the integrity checker, and uses Java's hash so that keys land where an
 * OMB run with the Java client would put them (librdkafka's own default is CRC32-based).
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (seed ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4]! & 0xff) |
      ((data[i4 + 1]! & 0xff) << 8) |
      ((data[i4 + 2]! & 0xff) << 16) |
      ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length4 * 4;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Java's default partitioner picks for a key. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

/**
 * Partitions of a fixed key set, computed once, so the send path does one Map lookup per message
 * instead of hashing.
 */
export function partitionTable(keys: readonly string[], partitions: number): Map<string, number> {
  const table = new Map<string, number>();
  for (const key of keys) table.set(key, partitionForKey(key, partitions));
  return table;
}

/** A record batch's header in Kafka's message format v2, bytes (base offset to record count). */
const BATCH_HEADER_BYTES = 61;
/**
 * A record's framing at its widest (every varint at full width: length, timestamp and offset deltas, key
 * and value lengths, header count; librdkafka's RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD). librdkafka adds a
 * record to a batch only if it fits at this size, whatever it will take on the wire.
 */
const RECORD_MAX_FRAMING_BYTES = 36;
/**
 * A record's framing as written for soakbench's unkeyed, header-less records, rounded up: length and value
 * length varints (2 bytes each below 8 KiB), attributes, timestamp and offset deltas, null key, no headers.
 */
const RECORD_FRAMING_BYTES = 14;

/**
 * Unkeyed messages of `messageSize` that fit in one batch of `batch.size` bytes (librdkafka default
 * 1,000,000), 1 to 1,000: the framing counts. Filling a batch with batch.size / message size messages
 * overflowed it by a few records, which then went out as a batch of their own: with 1 KiB messages and
 * batch.size 131072, batches of 126 and 2 (kafka-dump-log; bench/RESULTS.md "Batches that fit").
 */
export function stickyMessages(
  batchSize: string | number | boolean | undefined,
  messageSize: number,
): number {
  const parsed = Number(batchSize ?? 1_000_000);
  const bytes = Number.isFinite(parsed) && parsed > 0 ? parsed : 1_000_000;
  const size = Math.max(0, messageSize);
  // The last record must fit at its widest framing; the ones before it take their real size.
  const room = bytes - BATCH_HEADER_BYTES - (size + RECORD_MAX_FRAMING_BYTES);
  const n = room < 0 ? 1 : 1 + Math.floor(room / (size + RECORD_FRAMING_BYTES));
  return Math.min(1_000, Math.max(1, n));
}
