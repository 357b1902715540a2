import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createKeyDistributor, KEY_POOL_SIZE } from '../../../src/workload/key-distributor.js';

describe('createKeyDistributor', () => {
  test('NO_KEY always gives null', () => {
    const d = createKeyDistributor('NO_KEY');
    assert.equal(d.next(), null);
    assert.equal(d.next(), null);
    assert.deepEqual(d.keys, []);
  });

  test('keys: 10,000 distinct 10-character base64url strings (7 random bytes, as in OMB)', () => {
    const { keys } = createKeyDistributor('KEY_ROUND_ROBIN', { seed: 1 });
    assert.equal(keys.length, KEY_POOL_SIZE);
    assert.equal(KEY_POOL_SIZE, 10_000);
    for (const key of keys) assert.match(key, /^[A-Za-z0-9_-]{10}$/);
    assert.equal(new Set(keys).size, keys.length);
  });

  test('KEY_ROUND_ROBIN starts at keys[1] and wraps to keys[0] after keys[9999] (OMB KeyRoundRobin)', () => {
    const d = createKeyDistributor('KEY_ROUND_ROBIN', { seed: 2 });
    const { keys } = d;
    assert.equal(d.next(), keys[1]);
    assert.equal(d.next(), keys[2]);
    for (let i = 3; i < KEY_POOL_SIZE; i++) d.next();
    assert.equal(d.next(), keys[0]);
    assert.equal(d.next(), keys[1]);
  });

  test('RANDOM_NANO picks keys of the pool, spread over it, reproducibly with a seed', () => {
    const a = createKeyDistributor('RANDOM_NANO', { seed: 3 });
    const b = createKeyDistributor('RANDOM_NANO', { seed: 3 });
    const pool = new Set(a.keys);
    const picks = Array.from({ length: 20_000 }, () => a.next());
    assert.deepEqual(
      picks.slice(0, 100),
      Array.from({ length: 100 }, () => b.next()),
    );
    for (const key of picks) assert.ok(key !== null && pool.has(key));
    const distinct = new Set(picks).size;
    // 20,000 uniform picks from 10,000 keys hit about 8,650 distinct ones.
    assert.ok(distinct > 8_000 && distinct < 9_300, `${distinct} distinct keys`);
  });

  test('seeds change the keys; without a seed all distributors share one process-wide pool (OMB: one per JVM)', () => {
    assert.notDeepEqual(
      createKeyDistributor('KEY_ROUND_ROBIN', { seed: 1 }).keys,
      createKeyDistributor('KEY_ROUND_ROBIN', { seed: 2 }).keys,
    );
    const x = createKeyDistributor('KEY_ROUND_ROBIN');
    const y = createKeyDistributor('RANDOM_NANO');
    assert.equal(x.keys, y.keys);
    assert.equal(x.keys.length, KEY_POOL_SIZE);
  });

  test('round-robin distributors have their own position', () => {
    const x = createKeyDistributor('KEY_ROUND_ROBIN');
    const y = createKeyDistributor('KEY_ROUND_ROBIN');
    x.next();
    x.next();
    assert.equal(y.next(), y.keys[1]);
  });
});
