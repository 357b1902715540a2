import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toHttpError } from '../../../src/api/error-mapper.js';
import { SoakbenchError } from '../../../src/errors.js';
import { type ApiUnderTest, startApi } from './fake-control.js';

const JSON_TYPE = 'application/json';

describe('HTTP API: PUT /rate', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi({ bodyLimitBytes: 64 });
  });
  after(async () => {
    await api.close();
  });

  test('every accepted form reaches setRate with the number', async () => {
    const forms: [string | undefined, string, number][] = [
      [JSON_TYPE, '5000', 5000],
      [JSON_TYPE, '{"rate":4000}', 4000],
      [JSON_TYPE, ' { "rate" : 12.5 } ', 12.5],
      ['text/plain', '3000', 3000],
      ['text/plain; charset=utf-8', ' 2000\n', 2000],
      ['application/x-www-form-urlencoded', '1500', 1500],
      ['application/x-www-form-urlencoded', '{"rate":1200}', 1200],
    ];
    for (const [contentType, body, rate] of forms) {
      api.control.calls.length = 0;
      const a = await api.request('PUT', '/rate', { contentType, body });
      assert.equal(a.status, 200, `${contentType} ${body}: ${a.text}`);
      assert.deepEqual(api.control.mutations(), [{ method: 'setRate', arg: rate }], `${contentType} ${body}`);
    }
  });

  test('bad bodies: 400 with {error, message, field?} and setRate never called', async () => {
    const bad: [string | undefined, string | undefined][] = [
      [JSON_TYPE, '-1'],
      [JSON_TYPE, '0'],
      [JSON_TYPE, 'NaN'],
      [JSON_TYPE, '"NaN"'],
      [JSON_TYPE, '"fast"'],
      [JSON_TYPE, '{"rate":"5000"}'],
      [JSON_TYPE, '1e308'],
      [JSON_TYPE, '1e400'],
      [JSON_TYPE, '10000001'],
      [JSON_TYPE, '{"rate":5000,"x":1}'],
      [JSON_TYPE, '{"rate":5000'],
      [JSON_TYPE, '[5000]'],
      [JSON_TYPE, 'null'],
      [JSON_TYPE, '{}'],
      [JSON_TYPE, ''],
      [undefined, undefined],
      ['text/plain', ''],
      ['text/plain', 'Infinity'],
      ['text/plain', '5000 msg/s'],
      ['application/xml', '<rate>5000</rate>'],
      ['application/octet-stream', '5000'],
    ];
    for (const [contentType, body] of bad) {
      api.control.calls.length = 0;
      const a = await api.request('PUT', '/rate', { contentType, body });
      const what = `${contentType} ${JSON.stringify(body)}`;
      assert.equal(a.status, 400, `${what}: ${a.status} ${a.text}`);
      const e = a.json as { error?: unknown; message?: unknown; field?: unknown };
      assert.equal(typeof e.error, 'string', what);
      assert.equal(typeof e.message, 'string', what);
      assert.ok(e.field === undefined || typeof e.field === 'string', what);
      assert.deepEqual(api.control.mutations(), [], `${what} reached the daemon`);
    }
  });

  test('http.bodyLimitBytes: a body of exactly the limit is read, one byte more is refused', async () => {
    const exact = `{"rate":77}${' '.repeat(64 - '{"rate":77}'.length)}`;
    assert.equal(Buffer.byteLength(exact), 64);
    assert.equal((await api.request('PUT', '/rate', { contentType: JSON_TYPE, body: exact })).status, 200);
    api.control.calls.length = 0;
    const over = await api.request('PUT', '/rate', { contentType: JSON_TYPE, body: `${exact} ` });
    assert.equal(over.status, 413, over.text);
    assert.deepEqual(over.json, {
      error: 'body_too_large',
      message: 'the request body must be at most 64 bytes (http.bodyLimitBytes), found 65 bytes',
    });
    assert.deepEqual(api.control.mutations(), [], 'the oversized body reached the daemon');
    // Every body parser answers alike: a YAML workload too.
    const yaml = await api.request('PUT', '/workload', {
      contentType: 'application/yaml',
      body: `name: big\n#${'x'.repeat(100)}\n`,
    });
    assert.equal(yaml.status, 413, yaml.text);
    assert.equal((yaml.json as { error: string }).error, 'body_too_large');
  });
});

describe('HTTP API: bearer token', () => {
  const token = 'unit-test-token-0123456789';
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi({ token });
  });
  after(async () => {
    await api.close();
  });

  const mutating: [string, string, string, string][] = [
    ['PUT', '/rate', JSON_TYPE, '5000'],
    ['PUT', '/controller', JSON_TYPE, '{"mode":"fixed"}'],
    ['PUT', '/workload', 'application/yaml', 'name: x\n'],
    ['POST', '/backlog', JSON_TYPE, '{"sizeGB":0.01}'],
    ['POST', '/pause', JSON_TYPE, ''],
    ['POST', '/resume', JSON_TYPE, ''],
    ['PUT', '/profile', JSON_TYPE, ''],
    ['DELETE', '/rate', JSON_TYPE, ''],
  ];

  test('mutating calls without the right token: 401, WWW-Authenticate, the daemon never asked', async () => {
    for (const [method, path, contentType, body] of mutating) {
      for (const authorization of [
        undefined,
        'Bearer wrong',
        `Bearer ${token}x`,
        token,
        `bearer  ${token.slice(1)}`,
      ]) {
        api.control.calls.length = 0;
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const a = await api.request(method, path, { contentType, body, headers });
        assert.equal(a.status, 401, `${method} ${path} ${authorization}: ${a.text}`);
        assert.equal(a.headers.get('www-authenticate'), 'Bearer');
        assert.equal((a.json as { error: string }).error, 'unauthorized');
        assert.deepEqual(api.control.calls, [], `${method} ${path}: the control was called`);
      }
    }
  });

  test('a bad body without a token is 401, not 400: nothing about the body is told', async () => {
    const a = await api.request('PUT', '/rate', { contentType: JSON_TYPE, body: '{"rate":' });
    assert.equal(a.status, 401);
  });

  test('with the token (any case of "Bearer"): 200 (202 for POST /backlog, which starts an action)', async () => {
    for (const [method, path, contentType, body] of mutating) {
      for (const scheme of ['Bearer', 'bearer']) {
        const a = await api.request(method, path, {
          contentType,
          body,
          headers: { authorization: `${scheme} ${token}` },
        });
        assert.equal(a.status, path === '/backlog' ? 202 : 200, `${method} ${path}: ${a.text}`);
      }
    }
  });

  test('reads need no token', async () => {
    for (const path of [
      '/status',
      '/controller',
      '/metrics',
      '/healthz',
      '/readyz',
      '/results',
      '/openapi.json',
    ]) {
      assert.equal((await api.request('GET', path)).status, 200, path);
    }
  });
});

describe('HTTP API: other endpoints and errors', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi();
  });
  after(async () => {
    await api.close();
  });

  test('no token configured: mutating calls need none', async () => {
    assert.equal((await api.request('POST', '/pause')).status, 200);
    assert.equal(api.control.paused, true);
    assert.equal((await api.request('POST', '/resume')).status, 200);
  });

  test('PUT /workload: a YAML body reaches parseWorkload as sent, a JSON body as equivalent JSON text', async () => {
    api.control.calls.length = 0;
    const yaml = 'name: swap\ntopics: 2\n# a comment\n';
    assert.equal(
      (await api.request('PUT', '/workload', { contentType: 'application/yaml', body: yaml })).status,
      200,
    );
    assert.deepEqual(api.control.calls, [
      { method: 'parseWorkload', arg: yaml },
      { method: 'replaceWorkload', arg: 'parsed' },
    ]);
    api.control.calls.length = 0;
    const json = { name: 'swap', topics: 2 };
    const a = await api.request('PUT', '/workload', { contentType: JSON_TYPE, body: JSON.stringify(json) });
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(JSON.parse(api.control.calls[0]!.arg as string), json);
  });

  test('PUT /workload: empty or of an unknown type is 400 and never parsed', async () => {
    for (const [contentType, body] of [
      ['application/yaml', ''],
      ['application/yaml', '   \n'],
      ['application/xml', '<workload/>'],
    ] as const) {
      api.control.calls.length = 0;
      const a = await api.request('PUT', '/workload', { contentType, body });
      assert.equal(a.status, 400, `${contentType} ${JSON.stringify(body)}: ${a.text}`);
      assert.deepEqual(api.control.calls, []);
    }
  });

  test('PUT /controller: the schema is checked before the daemon is asked', async () => {
    api.control.calls.length = 0;
    for (const body of [
      '{"x":1}',
      '{"p99TargetMs":0}',
      '{"mode":"auto"}',
      '{"minRate":-1}',
      '{"maxErrorRate":1.5}',
    ]) {
      const a = await api.request('PUT', '/controller', { contentType: JSON_TYPE, body });
      assert.equal(a.status, 400, `${body}: ${a.text}`);
    }
    assert.deepEqual(api.control.calls, []);
    const a = await api.request('PUT', '/controller', {
      contentType: JSON_TYPE,
      body: '{"mode":"adaptive","p99TargetMs":20}',
    });
    assert.equal(a.status, 200);
    assert.deepEqual(api.control.mutations(), [
      { method: 'updateController', arg: { mode: 'adaptive', p99TargetMs: 20 } },
    ]);
  });

  test('POST /backlog: 202 with sizeBytes or sizeGB (GiB) and drainRatio; bad bodies 400 naming the field', async () => {
    api.control.calls.length = 0;
    for (const [body, field] of [
      ['{}', 'sizeBytes'],
      ['{"sizeBytes":1000,"sizeGB":1}', 'sizeBytes'],
      ['{"sizeBytes":0}', 'sizeBytes'],
      ['{"sizeBytes":1.5}', 'sizeBytes'],
      ['{"sizeGB":-1}', 'sizeGB'],
      ['{"sizeGB":1,"drainRatio":2}', 'drainRatio'],
      ['{"sizeGB":1,"size":2}', 'size'],
      ['5', '(body)'],
    ] as const) {
      const a = await api.request('POST', '/backlog', { contentType: JSON_TYPE, body });
      assert.equal(a.status, 400, `${body}: ${a.text}`);
      assert.equal((a.json as { field?: string }).field, field, `${body}: ${a.text}`);
    }
    assert.deepEqual(api.control.calls, []);
    const gb = await api.request('POST', '/backlog', { contentType: JSON_TYPE, body: '{"sizeGB":0.01}' });
    assert.equal(gb.status, 202, gb.text);
    const bytes = await api.request('POST', '/backlog', {
      contentType: 'application/x-www-form-urlencoded',
      body: '{"sizeBytes":5000000,"drainRatio":0.5}',
    });
    assert.equal(bytes.status, 202, bytes.text);
    assert.deepEqual(api.control.mutations(), [
      { method: 'startBacklog', arg: { sizeBytes: Math.round(0.01 * 1024 ** 3) } },
      { method: 'startBacklog', arg: { sizeBytes: 5_000_000, drainRatio: 0.5 } },
    ]);
    api.control.fail = {
      startBacklog: new SoakbenchError('CONFLICT', 'a backlog action is already under way'),
    };
    const busy = await api.request('POST', '/backlog', { contentType: JSON_TYPE, body: '{"sizeGB":1}' });
    assert.equal(busy.status, 409, busy.text);
    api.control.fail = {};
  });

  test('errors thrown by the daemon map to their status; an unexpected error tells nothing inside', async () => {
    const cases: [unknown, number, string][] = [
      [new SoakbenchError('CONFLICT', 'a swap is under way'), 409, 'conflict'],
      [new SoakbenchError('INVALID_WORKLOAD', 'topics: bad', { field: 'topics' }), 400, 'invalid_workload'],
      [new SoakbenchError('KAFKA_UNREACHABLE', 'no broker'), 503, 'kafka_unreachable'],
      [new Error('secret internals at /srv/x.js:12'), 500, 'internal'],
    ];
    for (const [err, status, code] of cases) {
      api.control.fail = { setRate: err };
      const a = await api.request('PUT', '/rate', { contentType: JSON_TYPE, body: '10' });
      assert.equal(a.status, status, a.text);
      assert.equal((a.json as { error: string }).error, code);
      if (status === 500) assert.doesNotMatch(a.text, /secret internals/);
    }
    api.control.fail = {
      parseWorkload: new SoakbenchError('INVALID_WORKLOAD', 'topics: bad', { field: 'topics' }),
    };
    const a = await api.request('PUT', '/workload', { contentType: 'application/yaml', body: 'topics: x' });
    assert.deepEqual(a.json, { error: 'invalid_workload', message: 'topics: bad', field: 'topics' });
    api.control.fail = {};
  });

  test('/healthz and /readyz: 200 or 503 with the reason', async () => {
    assert.equal((await api.request('GET', '/healthz')).status, 200);
    api.control.healthy = false;
    const h = await api.request('GET', '/healthz');
    assert.equal(h.status, 503);
    assert.match((h.json as { reason: string }).reason, /sampling loop/);
    api.control.healthy = true;
    api.control.ready = { ready: false, reason: 'no acknowledgement from Kafka for 6 s' };
    const r = await api.request('GET', '/readyz');
    assert.equal(r.status, 503);
    assert.deepEqual(r.json, { status: 'not ready', reason: 'no acknowledgement from Kafka for 6 s' });
    api.control.ready = { ready: true, reason: 'producing' };
  });

  test('/metrics keeps the registry content type', async () => {
    const a = await api.request('GET', '/metrics');
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(a.text, 'soakbench_x 1\n');
  });

  test('unknown path 404 JSON; known path, other method 405 JSON with Allow', async () => {
    const nf = await api.request('GET', '/nope');
    assert.equal(nf.status, 404);
    assert.equal((nf.json as { error: string }).error, 'not_found');
    const wrong = await api.request('PATCH', '/controller');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, PUT');
    assert.equal((wrong.json as { error: string }).error, 'method_not_allowed');
  });
});

describe('toHttpError', () => {
  test('SoakbenchError codes, body-parser error types', () => {
    assert.deepEqual(toHttpError(new SoakbenchError('INVALID_ARGUMENT', 'm', { field: 'rate' })), {
      status: 400,
      body: { error: 'invalid_argument', message: 'm', field: 'rate' },
    });
    assert.equal(toHttpError(new SoakbenchError('UNAUTHORIZED', 'm')).status, 401);
    assert.equal(toHttpError({ type: 'entity.parse.failed', status: 400, message: 'x' }).status, 400);
    assert.equal(toHttpError({ type: 'entity.too.large', status: 413, message: 'x' }).status, 413);
    assert.equal(toHttpError({ type: 'charset.unsupported', status: 415, message: 'x' }).status, 400);
    assert.deepEqual(toHttpError(new Error('boom')), {
      status: 500,
      body: { error: 'internal', message: 'internal error' },
    });
  });

  test('a client error without a known type keeps its 4xx status (e.g. a gzip body that is not gzip)', () => {
    // body-parser's read.js wraps stream and zlib errors as createError(400, err) with no `type`
    // (bugs-daemon.md): they are the client's fault, not an internal error.
    const { status } = toHttpError({
      status: 400,
      statusCode: 400,
      expose: true,
      message: 'incorrect header check',
    });
    assert.equal(status, 400);
  });
});
