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

/** Writes the prefix into `buf` (which must be at least PREFIX_BYTES long). */
export function writePrefix(
  buf: Buffer,
  runId: number,
  producerId: number,
  sequence: number,
  intendedWallUs: number,
): void {
  buf.writeUInt16LE(MAGIC, 0);
  buf.writeUInt8(VERSION, 2);
  buf.writeUInt8(0, 3);
  buf.writeUInt32LE(runId, 4);
  buf.writeUInt32LE(producerId, 8);
  buf.writeDoubleLE(sequence, 12);
  buf.writeDoubleLE(intendedWallUs, 20);
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
