/**
 * What each message carries for end-to-end latency and integrity checks, in a fixed 28-byte prefix of
 * its value (little-endian):
 *
 *   0  u16  magic 0x5342 ("SB")      2  u8  version (1)      3  u8  reserved
 *   4  u32  run id (random per producing process: a restart starts a new baseline)
 *   8  u32  producer id (within the run)
 *  12  f64  sequence number per (producer, partition), from 0
 *  20  f64  intended send time, epoch microseconds
 *
 * A prefix rather than Kafka headers: the client turns every header into a C++ object from a JS
 * object per message (src/producer.cc walks each header's property names), while the prefix is written
 * into one reused buffer that librdkafka copies anyway. The prefix overwrites the payload's first
 * bytes, so message sizes stay exactly `messageSize`. Workloads with a messageSize below the prefix
 * are refused (MIN_MESSAGE_SIZE in src/workload/limits.ts); a smaller payload would carry no prefix,
 * and its messages would be counted but not timed end to end nor checked for loss.
 */
export const PREFIX_BYTES = 28;
export const MAGIC = 0x5342;
export const VERSION = 1;

/** A double's bytes in this machine's order; the prefix's are little-endian. */
const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function putDoubleLE(buf: Buffer, value: number, at: number): void {
  if (!LITTLE_ENDIAN_HOST) {
    buf.writeDoubleLE(value, at);
    return;
  }
  scratch[0] = value;
  const b = scratchBytes;
  buf[at] = b[0]!;
  buf[at + 1] = b[1]!;
  buf[at + 2] = b[2]!;
  buf[at + 3] = b[3]!;
  buf[at + 4] = b[4]!;
  buf[at + 5] = b[5]!;
  buf[at + 6] = b[6]!;
  buf[at + 7] = b[7]!;
}

/**
 * Writes the prefix into `buf` (which must be at least PREFIX_BYTES long; `runId` and `producerId`
 * below 2^32). Byte by byte rather than with Buffer's write methods, which check their arguments on
 * every call: 12 ns a prefix instead of 85 ns (bench/prefix-write.ts; bench/RESULTS.md, "Issue 13
 * part 2: the binding in two processes"); the bytes are the same (test/unit/worker/message-codec.test.ts).
 */
export function writePrefix(
  buf: Buffer,
  runId: number,
  producerId: number,
  sequence: number,
  intendedWallUs: number,
): void {
  buf[0] = MAGIC & 0xff;
  buf[1] = MAGIC >>> 8;
  buf[2] = VERSION;
  buf[3] = 0;
  buf[4] = runId & 0xff;
  buf[5] = (runId >>> 8) & 0xff;
  buf[6] = (runId >>> 16) & 0xff;
  buf[7] = runId >>> 24;
  buf[8] = producerId & 0xff;
  buf[9] = (producerId >>> 8) & 0xff;
  buf[10] = (producerId >>> 16) & 0xff;
  buf[11] = producerId >>> 24;
  putDoubleLE(buf, sequence, 12);
  putDoubleLE(buf, intendedWallUs, 20);
}

/** True when `buf` starts with a soakbench prefix of a version this code reads. */
export function hasPrefix(buf: Buffer | null): buf is Buffer {
  return buf !== null && buf.length >= PREFIX_BYTES && buf.readUInt16LE(0) === MAGIC && buf[2] === VERSION;
}

export function readRunId(buf: Buffer): number {
  return buf.readUInt32LE(4);
}

export function readProducerId(buf: Buffer): number {
  return buf.readUInt32LE(8);
}

export function readSequence(buf: Buffer): number {
  return buf.readDoubleLE(12);
}

export function readIntendedWallUs(buf: Buffer): number {
  return buf.readDoubleLE(20);
}
