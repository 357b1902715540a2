/**
 * The message prefix (src/worker/message-codec.ts): writePrefix lays out the documented little-endian
 * bytes (the same as Buffer's own write methods give) and the readers get every field back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  hasPrefix,
  PREFIX_BYTES,
  readIntendedWallUs,
  readProducerId,
  readRunId,
  readSequence,
  VERSION,
  writePrefix,
} from '../../../src/worker/message-codec.js';
import { writePrefixWithBufferMethods } from '../../helpers/prefix-reference.js';

/** The layout of the codec's header comment, in a buffer of its own. */
function reference(runId: number, producerId: number, sequence: number, intendedWallUs: number): Buffer {
  const b = Buffer.alloc(PREFIX_BYTES);
  writePrefixWithBufferMethods(b, runId, producerId, sequence, intendedWallUs);
  return b;
}

/** Edge values, then 1,000 pseudo-random prefixes (a fixed seed; the wall times around now). */
function prefixCases(): [number, number, number, number][] {
  const cases: [number, number, number, number][] = [
    [0, 0, 0, 0],
    [1, 2, 3, 4.5],
    [2 ** 32 - 1, 4095, 2 ** 53 - 1, 1.8e15],
    [0x80000000, 0x12345678, 123_456_789, 1_765_000_000_123_456.5],
  ];
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 1000; i++) {
    cases.push([
      Math.floor(random() * 2 ** 32),
      Math.floor(random() * 4096),
      Math.floor(random() * 2 ** 40),
      Date.now() * 1000 + random() * 1e6,
    ]);
  }
  return cases;
}

describe('message prefix', () => {
  test('writePrefix writes the documented bytes, the readers read them back', () => {
    for (const [runId, producerId, sequence, wallUs] of prefixCases()) {
      // A payload buffer longer than the prefix, filled: only the first 28 bytes change.
      const buf = Buffer.alloc(64, 0xaa);
      writePrefix(buf, runId, producerId, sequence, wallUs);
      assert.deepEqual(buf.subarray(0, PREFIX_BYTES), reference(runId, producerId, sequence, wallUs));
      assert.ok(
        buf.subarray(PREFIX_BYTES).every((x) => x === 0xaa),
        'the payload after the prefix is untouched',
      );
      assert.ok(hasPrefix(buf));
      assert.equal(readRunId(buf), runId);
      assert.equal(readProducerId(buf), producerId);
      assert.equal(readSequence(buf), sequence);
      assert.equal(readIntendedWallUs(buf), wallUs);
    }
  });

  test('a value without the magic or of another version has no prefix', () => {
    assert.equal(hasPrefix(null), false);
    assert.equal(hasPrefix(Buffer.alloc(PREFIX_BYTES - 1)), false);
    const buf = Buffer.alloc(PREFIX_BYTES);
    writePrefix(buf, 1, 1, 1, 1);
    buf[2] = VERSION + 1;
    assert.equal(hasPrefix(buf), false);
  });
});
