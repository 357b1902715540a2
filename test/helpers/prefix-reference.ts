import { MAGIC, VERSION } from '../../src/worker/message-codec.js';

/**
 * The message prefix's layout (src/worker/message-codec.ts) written with Buffer's checked write methods:
 * what writePrefix's bytes are compared with (test/unit/worker/message-codec.test.ts) and timed against
 * (bench/prefix-write.ts).
 */
export function writePrefixWithBufferMethods(
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
