/**
 * POST /pause and POST /resume (docs/architecture.md "HTTP API"): paused, nothing more is acknowledged once the messages
 * in flight are, the daemon stays ready ("paused on purpose") and consumers keep draining; resumed, it
 * sends again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type DaemonProcess,
  describeDaemon,
  metricValue,
  sampleCounter,
  startDaemon,
} from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait.js';

describe('soakbench daemon: POST /pause and POST /resume', { timeout: 120_000 }, () => {
  let d: DaemonProcess;

  before(async () => {
    d = await startDaemon({ label: 'pause', workload: { producerRate: 2000, partitionsPerTopic: 2 } });
    await d.waitReady();
  });
  after(async () => {
    await d?.dispose();
  });

  test('paused: soakbench_messages_sent_total stops increasing, /readyz stays 200, consumers drain', async () => {
    const answer = await d.request('POST', '/pause');
    assert.equal(answer.status, 200, answer.text);
    assert.equal((answer.json as { paused: boolean }).paused, true);

    // The messages in flight at the pause are still acknowledged; then nothing more.
    await waitFor(
      'the in-flight messages to be acknowledged',
      async () => metricValue(await d.scrape(), 'soakbench_inflight_messages') === 0,
      10_000,
      100,
    );
    const points = await sampleCounter(d, 'soakbench_messages_sent_total', 3_000, 300);
    const first = points[0]!.value;
    assert.ok(
      points.every((p) => p.value === first),
      `sent while paused: ${JSON.stringify(points)}\n${describeDaemon(d)}`,
    );

    const ready = await d.request('GET', '/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.match((ready.json as { reason: string }).reason, /paused on purpose/);
    const metrics = await d.scrape();
    assert.equal(metricValue(metrics, 'soakbench_paused'), 1);
    assert.equal(metricValue(metrics, 'soakbench_ready'), 1);
    const status = (await d.getJson('/status')).body;
    assert.equal(status.paused, true);
    assert.equal(status.targetRate, 2000, 'the rate is kept for the resume');

    // Consumers keep draining: everything acknowledged is received.
    await waitFor(
      'the consumers to receive every acknowledged message',
      async () => {
        const m = await d.scrape();
        return metricValue(m, 'soakbench_messages_received_total') >= first;
      },
      15_000,
      250,
    );
  });

  test('resumed: soakbench_messages_sent_total increases again at the rate, /readyz 200 producing', async () => {
    const before = metricValue(await d.scrape(), 'soakbench_messages_sent_total');
    const answer = await d.request('POST', '/resume');
    assert.equal(answer.status, 200, answer.text);
    assert.equal((answer.json as { paused: boolean }).paused, false);
    await waitFor(
      'messages to be acknowledged again',
      async () => metricValue(await d.scrape(), 'soakbench_messages_sent_total') > before,
      5_000,
      100,
    );
    const points = await sampleCounter(d, 'soakbench_messages_sent_total', 3_000, 500);
    const rate =
      ((points[points.length - 1]!.value - points[0]!.value) * 1000) /
      (points[points.length - 1]!.atMs - points[0]!.atMs);
    assert.ok(Math.abs(rate - 2000) <= 200, `rate after resume ${rate.toFixed(0)} msg/s, expected ~2,000`);
    const ready = await d.request('GET', '/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.match((ready.json as { reason: string }).reason, /producing/);
    assert.equal(metricValue(await d.scrape(), 'soakbench_paused'), 0);
    assert.equal((await d.getJson('/status')).body.paused, false);
  });

  test('pause and resume are idempotent', async () => {
    for (const path of ['/pause', '/pause', '/resume', '/resume']) {
      const answer = await d.request('POST', path);
      assert.equal(answer.status, 200, `${path}: ${answer.text}`);
    }
    assert.equal((await d.getJson('/status')).body.paused, false);
  });
});
