import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../../helpers/wait.js';
import { type MemoryDaemon, startMemoryDaemon } from './memory-daemon.js';

type Json = Record<string, unknown>;

describe('daemon control API (memory driver)', () => {
  let d: MemoryDaemon;

  before(async () => {
    d = await startMemoryDaemon({ label: 'cmp-api', workload: { producerRate: 200 } });
    await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
  });
  after(async () => d?.close());

  const controller = async (): Promise<Json> => (await d.request('GET', '/controller')).json as Json;
  const status = async (): Promise<Json> => (await d.request('GET', '/status')).json as Json;

  test('PUT /rate sets a fixed rate the engine and the views follow', async () => {
    const answer = await d.request('PUT', '/rate', { body: '350' });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json, { rate: 350, previous: 200, mode: 'fixed' });
    const c = await controller();
    assert.equal(c.mode, 'fixed');
    assert.equal(c.rate, 350);
    assert.equal((await status()).targetRate, 350);
    const metrics = (await d.request('GET', '/metrics')).text;
    assert.match(metrics, /^soakbench_target_rate(\{[^}]*\})? 350$/m);
    assert.equal(d.daemon.status().targetRate, 350);
  });

  test('the subscription consumes what is produced (consumers in this process on the memory driver)', async () => {
    await waitFor(
      'messages received',
      async () => Number(((await status()).totals as Json).messagesReceived) > 0,
      5_000,
    );
    const metrics = (await d.request('GET', '/metrics')).text;
    assert.match(
      metrics,
      /^soakbench_consumer_backlog_messages\{subscription="[^"]+-sub-0-[0-9a-f]+"\} \d+$/m,
    );
  });

  test('PUT /rate with bad input answers 400 with JSON naming the problem and changes nothing', async () => {
    const before = await controller();
    for (const body of ['-5', '"fast"', '{}', '']) {
      const answer = await d.request('PUT', '/rate', { body });
      assert.equal(answer.status, 400, `body ${JSON.stringify(body)}: ${answer.text}`);
      assert.equal((answer.json as Json).error, 'invalid_argument', answer.text);
      assert.match(String((answer.json as Json).message), /rate|body/, answer.text);
    }
    const afterwards = await controller();
    assert.equal(afterwards.rate, before.rate);
    assert.equal(afterwards.mode, before.mode);
  });

  test('PUT /controller changes settings and mode; a decision switches the controller to adaptive', async () => {
    const answer = await d.request('PUT', '/controller', {
      body: JSON.stringify({ p99TargetMs: 25, maxRate: 5_000, mode: 'adaptive' }),
    });
    assert.equal(answer.status, 200, answer.text);
    const c = answer.json as Json;
    assert.equal(c.mode, 'adaptive');
    assert.equal(c.p99TargetMs, 25);
    assert.equal(c.maxRate, 5_000);
    assert.equal(d.lines.filter((l) => l.msg === 'controller settings changed').length, 1);
  });

  test('PUT /controller with bad input answers 400 and changes nothing', async () => {
    const before = await controller();
    const bad = [
      { minRate: 9_000, maxRate: 10 },
      { p99TargetMs: -1 },
      { mode: 'turbo' },
      { unknownSetting: 1 },
    ];
    for (const body of bad) {
      const answer = await d.request('PUT', '/controller', { body: JSON.stringify(body) });
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
      assert.equal((answer.json as Json).error, 'invalid_argument', answer.text);
      assert.equal(typeof (answer.json as Json).message, 'string', answer.text);
    }
    const afterwards = await controller();
    for (const key of ['mode', 'p99TargetMs', 'minRate', 'maxRate', 'maxErrorRate'] as const) {
      assert.deepEqual(afterwards[key], before[key], key);
    }
  });

  test('pause stops sending (target rate 0 on /metrics, still ready); resume sends again', async () => {
    await d.request('PUT', '/rate', { body: '400' });
    const paused = await d.request('POST', '/pause');
    assert.equal(paused.status, 200, paused.text);
    assert.deepEqual(paused.json, { paused: true });
    // Sends already handed to the client are acknowledged; after that nothing moves.
    await new Promise((r) => setTimeout(r, 200));
    const sentAtPause = (await status()).totals as Json;
    await new Promise((r) => setTimeout(r, 500));
    const sentLater = (await status()).totals as Json;
    assert.equal(sentLater.messagesSent, sentAtPause.messagesSent, 'nothing sent while paused');
    assert.match((await d.request('GET', '/metrics')).text, /^soakbench_target_rate(\{[^}]*\})? 0$/m);
    const ready = await d.request('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal((ready.json as Json).reason, 'paused on purpose');
    assert.equal((await status()).paused, true);

    const resumed = await d.request('POST', '/resume');
    assert.deepEqual(resumed.json, { paused: false });
    await waitFor(
      'sends after resume',
      async () => Number(((await status()).totals as Json).messagesSent) > Number(sentLater.messagesSent),
      5_000,
    );
  });
});
