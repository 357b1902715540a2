/**
 * The daemon outlives its broker (/healthz and /readyz, docs/architecture.md "HTTP API"): a broker killed and restarted
 * under it leaves it up, unready with a reason while the broker is away, and producing again once the
 * broker is back; a daemon started with no broker keeps running and says why it is not ready. The
 * first test runs its own broker, so the shared one is never disturbed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PrivateBroker, startPrivateBroker } from '../../helpers/broker.js';
import {
  type DaemonProcess,
  describeDaemon,
  freePort,
  metricValue,
  sleep,
  startDaemon,
} from '../../helpers/daemon.js';
import { waitFor, within } from '../../helpers/wait.js';

const GRACE_MS = 15_000;
/**
 * A daemon without a broker exits only once its pending admin request has timed out (up to 15 s,
 * bugs-daemon.md), so its stop gets a grace period above that: this tests the stop, not that bug.
 */
const NO_BROKER_GRACE_MS = 20_000;
// A daemon without a broker exits only when its pending admin request times out (15 s, bugs-daemon.md):
// its stop test allows for that, so it tests the stop, not that bug.

/** Polls /healthz every `intervalMs` until stop(); keeps every answer that was not a 200. */
function watchHealth(
  d: DaemonProcess,
  intervalMs = 500,
): { failures: string[]; polls(): number; stop(): Promise<void> } {
  const failures: string[] = [];
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = new Date().toISOString();
      try {
        const a = await d.request('GET', '/healthz', { timeoutMs: 3_000 });
        if (a.status !== 200) failures.push(`${at}: ${a.status} ${a.text}`);
      } catch (err) {
        failures.push(`${at}: ${(err as Error).message}`);
      }
      polls++;
      await sleep(intervalMs);
    }
  })();
  return {
    failures,
    polls: () => polls,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function readyz(d: DaemonProcess): Promise<{ status: number; reason: string }> {
  const a = await d.request('GET', '/readyz', { timeoutMs: 3_000 });
  return { status: a.status, reason: (a.json as { reason?: string } | undefined)?.reason ?? '' };
}

async function sent(d: DaemonProcess): Promise<number> {
  return metricValue(await d.scrape(), 'soakbench_messages_sent_total');
}

describe('soakbench daemon: broker stop and restart', { timeout: 300_000 }, () => {
  test('kill -9 of the broker: /readyz 503 with a reason, /healthz 200 throughout, producing again after restart', async () => {
    let broker: PrivateBroker | undefined;
    let d: DaemonProcess | undefined;
    try {
      broker = await startPrivateBroker();
      d = await startDaemon({
        label: 'broker-restart',
        bootstrap: broker.bootstrap,
        workload: { producerRate: 1000, partitionsPerTopic: 2 },
        env: { SOAKBENCH_SHUTDOWN_GRACE_MS: String(GRACE_MS) },
      });
      // A fresh broker creates __consumer_offsets on the first group join: allow for it.
      await d.waitReady(90_000);
      const daemon = d;
      const health = watchHealth(daemon);
      try {
        const before = await sent(daemon);
        await waitFor(
          'acknowledged messages before the fault',
          async () => (await sent(daemon)) > before,
          5_000,
          100,
        );

        await broker.kill9();
        const killedMs = Date.now();
        const unready = await waitFor(
          '/readyz 503 after the broker was killed',
          async () => {
            const r = await readyz(daemon);
            return r.status === 503 ? r : undefined;
          },
          20_000,
          250,
        );
        assert.match(
          unready.reason,
          /kafka|broker/i,
          `the reason does not name the problem: "${unready.reason}"`,
        );
        // Ten seconds of outage, then the broker comes back on its data.
        await sleep(Math.max(0, 10_000 - (Date.now() - killedMs)));
        assert.ok(daemon.running(), `the daemon died while the broker was down\n${describeDaemon(daemon)}`);
        assert.equal((await readyz(daemon)).status, 503, 'ready while the broker is still down');
        const duringOutage = await sent(daemon);

        await broker.up();
        const upMs = Date.now();
        await waitFor(
          'acknowledged messages again after the restart',
          async () => (await sent(daemon)) > duringOutage,
          30_000,
          250,
        );
        await waitFor(
          '/readyz 200 after the restart',
          async () => (await readyz(daemon)).status === 200,
          30_000 - (Date.now() - upMs),
          250,
        );
        const resumedMs = Date.now() - upMs;
        assert.ok(resumedMs <= 30_000, `producing resumed ${resumedMs} ms after the broker was back`);
        // And it keeps producing.
        const afterRestart = await sent(daemon);
        await waitFor(
          'steady producing after the restart',
          async () => (await sent(daemon)) > afterRestart + 500,
          5_000,
          250,
        );
      } finally {
        await health.stop();
      }
      assert.ok(health.polls() >= 20, `only ${health.polls()} /healthz polls`);
      assert.deepEqual(health.failures, [], '/healthz was not 200 throughout');
      assert.ok(daemon.running(), describeDaemon(daemon));
      const exit = await daemon.stop(GRACE_MS + 5_000);
      assert.equal(exit.code, 0, describeDaemon(daemon));
    } finally {
      await d?.dispose();
      await broker?.clean();
    }
  });
});

describe('soakbench daemon started while the broker is down', { timeout: 120_000 }, () => {
  let d: DaemonProcess;
  let bootstrap: string;

  before(async () => {
    // A port nobody listens on: connections are refused at once.
    bootstrap = `127.0.0.1:${await freePort()}`;
    d = await startDaemon({
      label: 'no-broker',
      bootstrap,
      env: { SOAKBENCH_SHUTDOWN_GRACE_MS: String(NO_BROKER_GRACE_MS) },
    });
  });
  after(async () => {
    await d?.dispose();
  });

  test('keeps running past its first failed attempt: /healthz 200, /readyz 503, no exit', async () => {
    await waitFor(
      '/healthz to answer',
      async () => (await d.request('GET', '/healthz')).status === 200,
      15_000,
      100,
    );
    const health = watchHealth(d);
    try {
      const deadline = Date.now() + 45_000;
      let unready: { status: number; reason: string } | undefined;
      // Until the first attempt has failed and the daemon says it will retry.
      while (!d.logs().some((l) => l.msg === 'kafka not reachable, retrying')) {
        assert.ok(Date.now() < deadline, `no retry within 45 s\n${describeDaemon(d)}`);
        assert.ok(d.running(), `the daemon exited\n${describeDaemon(d)}`);
        unready = await readyz(d);
        assert.equal(unready.status, 503, `ready without a broker: ${unready.reason}`);
        assert.match(unready.reason, /kafka/i, `reason while connecting: "${unready.reason}"`);
        await sleep(500);
      }
      await sleep(2_000);
      assert.ok(d.running(), `the daemon exited after its first failed attempt\n${describeDaemon(d)}`);
      assert.equal((await readyz(d)).status, 503);
      const status = (await d.getJson('/status')).body;
      assert.equal(status.state, 'connecting');
      assert.ok((status.lastErrors as unknown[]).length > 0, 'GET /status lists no error');
    } finally {
      await health.stop();
    }
    assert.deepEqual(health.failures, [], '/healthz was not 200 throughout');
  });

  test('after a failed attempt, the /readyz reason says that Kafka is unreachable (and where)', async () => {
    const { status, reason } = await readyz(d);
    assert.equal(status, 503);
    // bugs-daemon.md: the reason is the last error message, e.g. "cannot start the workload (attempt 1,
    // next in 1 s): creating topic ...: Local: Timed out (ERR__TIMED_OUT)": nothing says the broker
    // cannot be reached, nor which address was tried.
    assert.match(reason, /kafka|broker/i, `"${reason}" does not name Kafka`);
    assert.ok(
      reason.includes(bootstrap) ||
        /unreachable|not reachable|cannot connect|connection refused/i.test(reason),
      `"${reason}" neither names ${bootstrap} nor says it cannot be reached`,
    );
  });

  test('SIGTERM while connecting exits 0 within the grace period, "stopped" last', async () => {
    const signalledMs = Date.now();
    d.signal('SIGTERM');
    const exit = await within('exit after SIGTERM', d.exited, NO_BROKER_GRACE_MS + 5_000);
    assert.equal(exit.code, 0, describeDaemon(d));
    assert.ok(exit.atMs - signalledMs < NO_BROKER_GRACE_MS, `took ${exit.atMs - signalledMs} ms`);
    assert.equal(d.logs().at(-1)?.msg, 'stopped');
  });
});
