/**
 * Cost of writing the 28-byte message prefix (src/worker/message-codec.ts), once per message sent:
 * writePrefix (byte by byte) against the same layout written with Buffer's checked write methods.
 * Run: npx tsc -p tsconfig.json && node dist/bench/prefix-write.js [calls]
 * Prints ns per call, best of 5 rounds each, the two alternating.
 */
import { PREFIX_BYTES, writePrefix } from '../src/worker/message-codec.js';
import { writePrefixWithBufferMethods as withBufferMethods } from '../test/helpers/prefix-reference.js';

const n = Number(process.argv[2] ?? 5_000_000);

const buf = Buffer.alloc(1024);
const reference = Buffer.alloc(PREFIX_BYTES);
withBufferMethods(reference, 3_000_000_001, 7, 123_456, 1.765e15);
writePrefix(buf, 3_000_000_001, 7, 123_456, 1.765e15);
if (!buf.subarray(0, PREFIX_BYTES).equals(reference)) throw new Error('writePrefix and the reference differ');

type Writer = typeof writePrefix;
function nsPerCall(write: Writer): number {
  const wall0 = Date.now() * 1000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) write(buf, 3_000_000_001, i & 4095, i, wall0 + i);
  return Number(process.hrtime.bigint() - t0) / n;
}

const best = { writePrefix: Number.POSITIVE_INFINITY, 'Buffer write methods': Number.POSITIVE_INFINITY };
for (let round = 0; round < 5; round++) {
  best.writePrefix = Math.min(best.writePrefix, nsPerCall(writePrefix));
  best['Buffer write methods'] = Math.min(best['Buffer write methods'], nsPerCall(withBufferMethods));
}
console.log(`prefix-write: ${n.toLocaleString('en-US')} calls per round, best of 5, node ${process.version}`);
for (const [name, ns] of Object.entries(best))
  console.log(`  ${name.padEnd(22)} ${ns.toFixed(1)} ns per call`);
