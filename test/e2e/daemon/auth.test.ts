/**
 * The control API's bearer token (docs/architecture.md "HTTP API"): with api.token set, every mutating call needs it and
 * nothing changes without it; reads need none; the token is never shown. Without a token the daemon
 * refuses a non-loopback address unless told that an open API is intended.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import {
  type DaemonProcess,
  daemonWorkload,
  describeDaemon,
  type RequestOptions,
  startDaemon,
} from '../../helpers/daemon.js';
import { within } from '../../helpers/wait.js';

const JSON_TYPE = 'application/json';

/** What a mutating call could change, as the daemon reports it. */
async function snapshot(d: DaemonProcess): Promise<Record<string, unknown>> {
  const status = (await d.getJson('/status')).body;
  const workload = status.workload as { name: string; topics: string[] };
  return {
    targetRate: status.targetRate,
    paused: status.paused,
    workload: workload.name,
    topics: workload.topics,
    // The controller's settings (its decision log and measurements move on their own).
    controller: Object.fromEntries(
      Object.entries((await d.getJson('/controller')).body).filter(([k]) =>
        ['mode', 'rate', 'p99TargetMs', 'maxErrorRate', 'minRate', 'maxRate'].includes(k),
      ),
    ),
  };
}

describe('soakbench daemon with api.token', { timeout: 180_000 }, () => {
  const token = `sb-test-token-${randomBytes(16).toString('hex')}`;
  let d: DaemonProcess;
  let mutations: [string, string, RequestOptions][];

  before(async () => {
    d = await startDaemon({
      label: 'auth',
      workload: { producerRate: 500, partitionsPerTopic: 2 },
      env: { SOAKBENCH_API_TOKEN: token },
    });
    await d.waitReady();
    const next = daemonWorkload(`${d.topicPrefix}-next`, { producerRate: 700, partitionsPerTopic: 2 });
    mutations = [
      ['PUT', '/rate', { contentType: JSON_TYPE, body: '{"rate":5000}' }],
      ['PUT', '/controller', { contentType: JSON_TYPE, body: '{"mode":"fixed","p99TargetMs":20}' }],
      ['PUT', '/workload', { contentType: 'application/yaml', body: stringify(next) }],
      ['POST', '/pause', {}],
      ['POST', '/resume', {}],
    ];
  });
  after(async () => {
    await d?.dispose();
  });

  test('every mutating call without the right token gets 401 (JSON, WWW-Authenticate) and changes nothing', async () => {
    const before = await snapshot(d);
    const credentials: [string, Record<string, string>][] = [
      ['no Authorization header', {}],
      ['a wrong token', { authorization: `Bearer ${token}x` }],
      ['a prefix of the token', { authorization: `Bearer ${token.slice(0, -1)}` }],
      ['an empty bearer', { authorization: 'Bearer ' }],
      ['the token without the Bearer scheme', { authorization: token }],
      [
        'the token as Basic credentials',
        { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
      ],
    ];
    for (const [method, path, options] of mutations) {
      for (const [how, headers] of credentials) {
        const what = `${method} ${path} with ${how}`;
        const answer = await d.request(method, path, { ...options, headers });
        assert.equal(answer.status, 401, `${what}: ${answer.status} ${answer.text}`);
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer\b/, `${what}: WWW-Authenticate`);
        assert.match(answer.headers.get('content-type') ?? '', /^application\/json/, what);
        const body = answer.json as { error: string; message: string };
        assert.equal(body.error, 'unauthorized', what);
        assert.equal(typeof body.message, 'string', what);
        assert.ok(!answer.text.includes(token), `${what}: the answer shows the token`);
        assert.deepEqual(await snapshot(d), before, `${what} changed something`);
      }
    }
  });

  test('GET endpoints need no token', async () => {
    for (const path of [
      '/status',
      '/controller',
      '/metrics',
      '/healthz',
      '/readyz',
      '/results',
      '/openapi.json',
    ]) {
      const answer = await d.request('GET', path);
      assert.equal(answer.status, 200, `GET ${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
  });

  test('with the right token every mutating call answers 200 and takes effect', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    const call = async (method: string, path: string, options: RequestOptions) => {
      const answer = await d.request(method, path, { ...options, headers: bearer, timeoutMs: 60_000 });
      assert.equal(
        answer.status,
        200,
        `${method} ${path}: ${answer.status} ${answer.text}\n${describeDaemon(d)}`,
      );
      return answer;
    };
    const [rate, controller, workload, pause, resume] = mutations;
    await call(...rate!);
    assert.equal((await snapshot(d)).targetRate, 5000);
    await call(...controller!);
    await call(...pause!);
    assert.equal((await snapshot(d)).paused, true);
    await call(...resume!);
    assert.equal((await snapshot(d)).paused, false);
    await call(...workload!);
    const after = await snapshot(d);
    assert.equal(after.workload, `${d.topicPrefix}-next`);
    assert.equal(after.targetRate, 700);
  });

  test('the token never appears in the logs, GET /status or any other GET answer', async () => {
    for (const path of [
      '/status',
      '/controller',
      '/metrics',
      '/results',
      '/openapi.json',
      '/healthz',
      '/readyz',
    ]) {
      const answer = await d.request('GET', path);
      assert.ok(!answer.text.includes(token), `GET ${path} shows the token`);
    }
    const status = (await d.getJson('/status')).body;
    assert.ok(!JSON.stringify(status).includes(token));
    const exit = await d.stop(30_000);
    assert.equal(exit.code, 0, describeDaemon(d));
    // The configuration line is logged, with the token redacted; the stop lines come last.
    assert.ok(
      d.logs().some((l) => l.msg === 'configuration'),
      'the configuration log line is missing, so this check would prove nothing',
    );
    assert.ok(!exit.stderr.includes(token), 'stderr shows the token');
    assert.ok(!exit.stdout.includes(token), 'stdout shows the token');
  });
});

describe('soakbench daemon on a non-loopback address', { timeout: 120_000 }, () => {
  for (const host of ['0.0.0.0', '::']) {
    test(`--http-host ${host} without a token exits 2 with a message naming the setting, before touching Kafka`, async () => {
      const d = await startDaemon({ label: 'open', httpHost: host });
      try {
        const exit = await within(`the daemon on ${host} without a token to exit`, d.exited, 30_000);
        assert.equal(exit.code, 2, describeDaemon(d));
        assert.match(exit.stderr, /http\.host/, 'the message names http.host');
        assert.match(exit.stderr, /api\.token|SOAKBENCH_API_TOKEN/, 'the message says how to set a token');
        assert.match(exit.stderr, /allowUnauthenticated/, 'the message says how to allow it on purpose');
        assert.ok(!exit.stderr.includes('internal error'), exit.stderr);
        await assert.rejects(d.request('GET', '/healthz', { timeoutMs: 2_000 }), 'nothing listens');
      } finally {
        await d.dispose();
      }
    });
  }

  test('--http-host 0.0.0.0 with SOAKBENCH_HTTP_ALLOW_UNAUTHENTICATED=true starts and serves', async () => {
    const d = await startDaemon({
      label: 'open',
      httpHost: '0.0.0.0',
      workload: { producerRate: 200, partitionsPerTopic: 1 },
      env: { SOAKBENCH_HTTP_ALLOW_UNAUTHENTICATED: 'true' },
    });
    try {
      await d.waitReady();
      assert.equal((await d.request('GET', '/healthz')).status, 200);
      const listening = d.logs().find((l) => l.msg === 'http listening');
      assert.equal(listening?.host, '0.0.0.0');
      // Open on purpose: no token is asked for.
      assert.equal((await d.request('PUT', '/rate', { contentType: JSON_TYPE, body: '300' })).status, 200);
      assert.equal((await d.stop()).code, 0, describeDaemon(d));
    } finally {
      await d.dispose();
    }
  });

  test('--http-host 0.0.0.0 with a token starts and still requires it', async () => {
    const token = randomBytes(12).toString('hex');
    const d = await startDaemon({
      label: 'open',
      httpHost: '0.0.0.0',
      workload: { producerRate: 200, partitionsPerTopic: 1 },
      env: { SOAKBENCH_API_TOKEN: token },
    });
    try {
      await d.waitReady();
      assert.equal((await d.request('POST', '/pause')).status, 401);
      assert.equal((await d.request('POST', '/pause', { token })).status, 200);
      assert.equal((await d.stop()).code, 0, describeDaemon(d));
    } finally {
      await d.dispose();
    }
  });
});
