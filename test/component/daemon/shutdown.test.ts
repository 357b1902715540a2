import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor, within } from '../../helpers/wait.js';
import { startMemoryDaemon } from './memory-daemon.js';

type Json = Record<string, unknown>;

describe('daemon shutdown (memory driver)', () => {
  test('HTTP stops last: while the workload drains /readyz answers 503 shutting down; then topics are gone and the port is closed', async () => {
    const d = await startMemoryDaemon({ label: 'cmp-stop', ackDelayMs: 300 });
    try {
      await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
      const topics = (d.daemon.status().workload as Json).topics as string[];
      // With a 300-ms ack delay the flush takes a while; look at the API meanwhile.
      const stopping = d.stop(10_000);
      const during = await d.request('GET', '/readyz');
      assert.equal(during.status, 503);
      assert.equal((during.json as Json).reason, 'shutting down');
      const totals = await within('stop', stopping, 12_000);
      assert.equal(typeof totals.messagesSent, 'number');
      assert.ok(Number(totals.messagesSent) > 0);
      assert.equal(d.broker.topic(topics[0]!), undefined, 'created topics deleted at stop');
      await assert.rejects(d.request('GET', '/healthz', { timeoutMs: 2_000 }), 'the HTTP port is closed');
      const order = d.lines.map((l) => l.msg).filter((m) => m === 'running' || m === 'stopped');
      assert.deepEqual(order, ['running', 'stopped']);
      assert.equal(d.daemon.health().reason, 'stopped');
    } finally {
      await d.close();
    }
  });

  test('a broker that stops acknowledging cannot hold the stop past its deadline', async () => {
    const d = await startMemoryDaemon({ label: 'cmp-stall', workload: { producerRate: 500 } });
    try {
      await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
      d.broker.stall();
      await new Promise((r) => setTimeout(r, 200)); // sends pile up in flight
      assert.ok(Number((d.daemon.status().totals as Json).inFlight) > 0, 'sends in flight');
      const t0 = Date.now();
      const totals = await within('stop', d.stop(3_000), 6_000);
      const tookMs = Date.now() - t0;
      // The HTTP server, stopped last, always gets its minimum step (500 ms) to close.
      const failed = d.lines.filter((l) => l.msg === 'stop step failed');
      assert.ok(tookMs <= 3_800, `stopped in ${tookMs} ms, deadline 3000 ms; ${JSON.stringify(failed)}`);
      assert.ok(Number(totals.stopMs) <= 3_800);
    } finally {
      await d.close();
    }
  });
});

describe('daemon start while Kafka is away (memory driver)', () => {
  test('/readyz says why until the broker answers; the attempts are in lastErrors; then it runs', async () => {
    const d = await startMemoryDaemon({ label: 'cmp-away', brokerDown: true });
    try {
      const notReady = await waitFor(
        'a failed attempt',
        async () => {
          const r = await d.request('GET', '/readyz');
          return r.status === 503 &&
            /cannot start the workload \(attempt 1/.test(String((r.json as Json).reason))
            ? r
            : undefined;
        },
        5_000,
      );
      assert.equal(notReady.status, 503);
      assert.equal((await d.request('GET', '/healthz')).status, 200, 'alive while not ready');
      const status = d.daemon.status();
      assert.equal(status.state, 'connecting');
      assert.ok((status.lastErrors as unknown[]).length >= 1);
      assert.ok(d.lines.some((l) => l.msg === 'kafka not reachable, retrying'));
      d.broker.up();
      await waitFor(
        'ready after the broker is up',
        async () => (await d.request('GET', '/readyz')).status === 200,
        8_000,
      );
      assert.equal(d.daemon.status().state, 'running');
    } finally {
      await d.close();
    }
  });
});
