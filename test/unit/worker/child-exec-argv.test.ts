import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { CHILD_EXEC_ARGV } from '../../../src/worker/child-exec-argv.js';

/** Prints the young generation's size (MB) at start and after a short allocation burst, as JSON. */
const PROBE = `
const v8 = require('node:v8');
const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
const start = size();
let keep = [];
for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 50000) keep = []; }
console.log(JSON.stringify({ start, burst: size() }));
`;

function probe(execArgv: readonly string[]): { start: number; burst: number; stderr: string } {
  const out = spawnSync(process.execPath, [...execArgv, '-e', PROBE], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(out.status, 0, out.stderr);
  return { ...JSON.parse(out.stdout), stderr: out.stderr };
}

describe("the child processes' Node flags", () => {
  test('this Node accepts them and the young generation is at its full size after the first burst', () => {
    const pinned = probe(CHILD_EXEC_ARGV);
    assert.equal(pinned.stderr, '', 'no warning about an unknown flag');
    // Without the flags V8 starts small and grows the young generation only as allocation demands it.
    const free = probe(['--enable-source-maps']);
    assert.ok(pinned.start >= 16, `pinned: ${pinned.start} MB at start`);
    assert.ok(free.start < pinned.start, `unpinned: ${free.start} MB at start`);
    assert.ok(pinned.burst >= 32, `pinned: ${pinned.burst} MB after a burst`);
  });
});
