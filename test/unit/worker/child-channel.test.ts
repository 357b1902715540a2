/**
 * A child's last messages reach the parent even when the parent is too busy to read while the child
 * posts them and disconnects (src/worker/child-channel.ts): the producer and consumer processes' last
 * reports carry the final counts. The "at once" case shows the test can fail: it loses messages.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child-channel-child.js', import.meta.url));

/** Forks the child, and once it is ready keeps this thread busy for `busyMs` after giving it the mode; counts messages until 'close'. */
async function run(mode: 'wait' | 'now', busyMs: number): Promise<number> {
  const child = fork(CHILD, [], { serialization: 'advanced', stdio: 'inherit' });
  let received = 0;
  const ready = new Promise<void>((resolve) => {
    child.on('message', (m) => {
      if (m === 'ready') resolve();
      else received++;
    });
  });
  const closed = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the child did not end within 10 s'));
    }, 10_000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
  await Promise.race([
    ready,
    closed.then(() => {
      throw new Error('the child ended before it was ready');
    }),
  ]);
  child.send(mode);
  const until = Date.now() + busyMs;
  while (Date.now() < until) {
    // busy: the channel's socket fills while nobody reads it
  }
  return closed;
}

describe('childChannel', () => {
  test('every posted message arrives when the child disconnects through the channel', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await run('wait', 300), 100);
  });

  test('process.disconnect() at once drops what the busy parent had not read (why the channel waits)', async () => {
    const received = await run('now', 300);
    assert.ok(received < 100, `expected messages lost, got ${received} of 100`);
  });
});
