import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createPayloadSource, type PayloadWorkload } from '../../../src/workload/payloads.js';
import { tempFiles } from './paths.js';

const base: PayloadWorkload = {
  messageSize: 1024,
  payloadFile: undefined,
  payloadPath: undefined,
  useRandomizedPayloads: false,
  randomBytesRatio: 0,
  randomizedPayloadPoolSize: 0,
};
const random = (fields: Partial<PayloadWorkload>): PayloadWorkload => ({
  ...base,
  useRandomizedPayloads: true,
  randomBytesRatio: 0.5,
  randomizedPayloadPoolSize: 10,
  ...fields,
});

/** Index of the last non-zero byte, or -1. */
function lastNonZero(b: Buffer): number {
  for (let i = b.length - 1; i >= 0; i--) if (b[i] !== 0) return i;
  return -1;
}

describe('createPayloadSource', () => {
  test('random pool: messageSize bytes each, the first ⌊size × ratio⌋ random and the rest zeros (OMB WorkloadGenerator)', () => {
    const source = createPayloadSource(
      random({ messageSize: 1000, randomBytesRatio: 0.25, randomizedPayloadPoolSize: 20 }),
      '.',
      42,
    );
    assert.equal(source.size, 1000);
    assert.equal(source.poolSize, 20);
    const seen = new Set<Buffer>();
    for (let i = 0; i < 500; i++) seen.add(source.next());
    assert.equal(seen.size, 20, 'every pooled buffer is used, and no other');
    for (const payload of seen) {
      assert.equal(payload.length, 1000);
      assert.ok(lastNonZero(payload) < 250, 'bytes past the random head are zeros');
      const distinct = new Set(payload.subarray(0, 250)).size;
      assert.ok(distinct > 100, `the head looks random (${distinct} distinct byte values of 250)`);
    }
  });

  test('randomBytesRatio 1 makes all bytes random, 0 makes all zeros', () => {
    const all = createPayloadSource(
      random({ messageSize: 4096, randomBytesRatio: 1, randomizedPayloadPoolSize: 1 }),
      '.',
      1,
    ).next();
    assert.ok(new Set(all).size > 250);
    assert.ok(lastNonZero(all) > 4000);
    const none = createPayloadSource(random({ randomBytesRatio: 0 }), '.', 1).next();
    assert.equal(lastNonZero(none), -1);
  });

  test('the same seed gives the same pool and the same picks; another seed does not', () => {
    const take = (seed: number) => {
      const s = createPayloadSource(random({}), '.', seed);
      return Array.from({ length: 50 }, () => s.next().toString('hex'));
    };
    assert.deepEqual(take(7), take(7));
    assert.notDeepEqual(take(7), take(8));
  });

  test('next() returns pooled buffers: no allocation per call', () => {
    const source = createPayloadSource(random({ randomizedPayloadPoolSize: 3 }), '.', 3);
    const pool = new Set<ArrayBufferLike>();
    for (let i = 0; i < 1000; i++) pool.add(source.next().buffer);
    assert.equal(pool.size, 1, 'every payload is a view of one pre-allocated slab');
  });

  test('payloadFile: its bytes, one buffer, resolved from baseDir when not resolved yet', () => {
    const t = tempFiles({ 'p.data': Buffer.from('0123456789') });
    after(t.cleanup);
    const source = createPayloadSource({ ...base, messageSize: 10, payloadFile: 'p.data' }, t.dir);
    assert.equal(source.next().toString(), '0123456789');
    assert.equal(source.next(), source.next());
    assert.equal(source.poolSize, 1);
    const resolved = createPayloadSource({
      ...base,
      messageSize: 10,
      payloadFile: 'x',
      payloadPath: join(t.dir, 'p.data'),
    });
    assert.equal(resolved.next().toString(), '0123456789');
    assert.throws(
      () => createPayloadSource({ ...base, messageSize: 11, payloadFile: 'p.data' }, t.dir),
      /payloadFile: expected a file of 11 bytes \(messageSize\), found "10 bytes"/,
    );
  });

  test('useRandomizedPayloads wins over payloadFile, as in OMB', () => {
    const source = createPayloadSource(
      random({ messageSize: 100, payloadFile: 'does-not-matter.data' }),
      '.',
      5,
    );
    assert.equal(source.size, 100);
    assert.equal(source.poolSize, 10);
  });

  test('neither set: one zero-filled buffer of messageSize', () => {
    const source = createPayloadSource({ ...base, messageSize: 64 });
    assert.equal(source.size, 64);
    assert.deepEqual(source.next(), Buffer.alloc(64));
  });
});
