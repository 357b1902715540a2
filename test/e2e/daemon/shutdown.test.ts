/**
 * Stopping the daemon (docs/contributing.md "Code style"; shutdown.graceMs and topics.cleanup in README.md "Configuration"): SIGTERM
 * drains and exits 0 within the grace period, deletes the topics it created, says "stopped" last and
 * leaves no consumer process behind; a second SIGTERM forces exit 1 at once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  brokerTopics,
  type DaemonProcess,
  describeDaemon,
  freePort,
  isAlive,
  sleep,
  startDaemon,
  topicsWithPrefix,
} from '../../helpers/daemon.js';
import { waitFor, within } from '../../helpers/wait.js';

const GRACE_MS = 15_000;

/** Starts a daemon with two subscriptions (so consumer processes are forked) and waits until it is ready. */
async function readyDaemon(label: string): Promise<DaemonProcess> {
  const d = await startDaemon({
    label,
    workload: { producerRate: 1000, partitionsPerTopic: 2, subscriptionsPerTopic: 2 },
    env: { SOAKBENCH_SHUTDOWN_GRACE_MS: String(GRACE_MS) },
  });
  await d.waitReady();
  return d;
}

describe('soakbench daemon: SIGTERM', { timeout: 180_000 }, () => {
  test('SIGTERM: exit 0 within the grace period, topics deleted, "stopped" last, no consumer process left', async () => {
    const d = await readyDaemon('sigterm');
    try {
      const topics = await topicsWithPrefix(d.bootstrap, d.topicPrefix);
      assert.equal(topics.length, 1, `created topics: ${topics}`);
      const consumers = await waitFor(
        'consumer processes',
        () => (d.childPids().length > 0 ? d.childPids() : undefined),
        10_000,
      );
      for (const pid of consumers) assert.ok(isAlive(pid));

      const signalledMs = Date.now();
      d.signal('SIGTERM');
      const exit = await within('exit after SIGTERM', d.exited, GRACE_MS + 5_000);
      const tookMs = exit.atMs - signalledMs;
      assert.equal(exit.code, 0, describeDaemon(d));
      assert.ok(tookMs < GRACE_MS, `exit took ${tookMs} ms, the grace period is ${GRACE_MS} ms`);

      const logs = d.logs();
      assert.equal(logs[logs.length - 1]?.msg, 'stopped', `last log line: ${JSON.stringify(logs.at(-1))}`);
      const stopped = logs[logs.length - 1]!;
      assert.equal(typeof stopped.messagesSent, 'number');
      assert.ok(
        logs.some((l) => l.msg === 'topics deleted'),
        'no "topics deleted" log line',
      );

      for (const pid of consumers) {
        await waitFor(`consumer process ${pid} to be gone`, () => !isAlive(pid), 2_000, 50);
      }
      const present = await brokerTopics(d.bootstrap);
      assert.deepEqual(
        topics.filter((t) => present.has(t)),
        [],
        'the created topics are still on the broker (kcat -L)',
      );
    } finally {
      await d.dispose();
    }
  });

  test('after the "stopped" line the process exits at once (no timer keeps it alive)', async () => {
    const d = await readyDaemon('sigterm-linger');
    try {
      d.signal('SIGTERM');
      await d.waitForLog('stopped', (l) => l.msg === 'stopped', GRACE_MS);
      const stoppedAt = Date.now();
      const exit = await within('exit after SIGTERM', d.exited, GRACE_MS + 5_000);
      assert.equal(exit.code, 0, describeDaemon(d));
      const lingerMs = exit.atMs - stoppedAt;
      // Regression: Daemon.stop() raced the connect promise against a timer of graceMs/3 it never
      // cleared, so the process lingered that long after saying "stopped" (fixed in 4ba5764).
      assert.ok(lingerMs < 2_000, `the process lived ${lingerMs} ms after logging "stopped"`);
    } finally {
      await d.dispose();
    }
  });

  test('two SIGTERMs in quick succession: exit 1 or 0 within 2 s, never a hang, no consumer process left', async () => {
    const d = await readyDaemon('sigterm-twice');
    try {
      const consumers = await waitFor(
        'consumer processes',
        () => (d.childPids().length > 0 ? d.childPids() : undefined),
        10_000,
      );
      d.signal('SIGTERM');
      await sleep(20);
      const secondMs = Date.now();
      d.signal('SIGTERM');
      const exit = await within('exit after the second SIGTERM', d.exited, 5_000);
      assert.ok(
        // SIGKILL: the forced exit while a Kafka admin request was pending (src/main.ts forceExit).
        exit.code === 1 || exit.code === 0 || exit.signal === 'SIGKILL',
        `exit code ${exit.code} signal ${exit.signal}\n${describeDaemon(d)}`,
      );
      assert.ok(
        exit.atMs - secondMs <= 2_000,
        `exit took ${exit.atMs - secondMs} ms after the second SIGTERM`,
      );
      // Forked consumers see their IPC channel close when the daemon dies, and must exit with it.
      for (const pid of consumers) {
        await waitFor(`consumer process ${pid} to exit with the daemon`, () => !isAlive(pid), 10_000, 100);
      }
    } finally {
      await d.dispose();
    }
  });

  test('a second SIGTERM during a slow shutdown forces exit 1', async () => {
    // A daemon whose broker does not answer is slow to stop: it waits (bounded) for the connection
    // attempt under way. That makes a window for the second signal.
    const port = await freePort();
    const d = await startDaemon({
      label: 'sigterm-force',
      bootstrap: `127.0.0.1:${port}`,
      env: { SOAKBENCH_SHUTDOWN_GRACE_MS: String(GRACE_MS) },
    });
    try {
      await waitFor(
        '/healthz 200',
        async () => (await d.request('GET', '/healthz')).status === 200,
        15_000,
        100,
      );
      d.signal('SIGTERM');
      await waitFor(
        'the first SIGTERM to be noticed',
        () => d.stderr().includes('SIGTERM: stopping'),
        5_000,
        20,
      );
      await sleep(300);
      assert.ok(
        d.running(),
        'the shutdown was not slow: this test needs another way to keep the first stop busy\n' +
          describeDaemon(d),
      );
      const secondMs = Date.now();
      d.signal('SIGTERM');
      // Waits longer than the bound below, so a late exit is reported with its time, not as a hang.
      const exit = await within('exit after the second SIGTERM', d.exited, 20_000);
      // process.exit() would block in the Kafka client's native teardown while an admin request is
      // pending (up to its 15 s timeout), so then the forced exit is a SIGKILL of itself (src/main.ts
      // forceExit); otherwise exit code 1.
      assert.ok(
        exit.code === 1 || exit.signal === 'SIGKILL',
        `code ${exit.code}, signal ${exit.signal}\n${describeDaemon(d)}`,
      );
      assert.ok(
        exit.atMs - secondMs <= 2_000,
        `exit took ${exit.atMs - secondMs} ms after the second SIGTERM`,
      );
      assert.match(exit.stderr, /second SIGTERM/);
    } finally {
      await d.dispose();
    }
  });
});
