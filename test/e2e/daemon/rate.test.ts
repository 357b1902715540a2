/**
 * PUT /rate and PUT /controller on a running daemon (docs/architecture.md "HTTP API"): a new rate shows in the measured
 * ack rate within seconds; every bad input answers 400 with {error, message, field?} and changes nothing;
 * the forms people type with curl work as typed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type DaemonProcess,
  describeDaemon,
  metricValue,
  type RequestOptions,
  sampleCounter,
  startDaemon,
} from '../../helpers/daemon.js';

const JSON_TYPE = 'application/json';
/** Small, so the oversized-body case needs only a few KiB. */
const BODY_LIMIT_BYTES = 1024;

/** The rate as the daemon reports it in GET /status and in soakbench_target_rate. */
async function rateNow(d: DaemonProcess): Promise<{ status: number; metric: number }> {
  const { body } = await d.getJson('/status');
  const metric = metricValue(await d.scrape(), 'soakbench_target_rate');
  return { status: body.targetRate as number, metric };
}

/** The controller's settings from GET /controller (its decision log and measurements move on their own). */
async function controllerSettings(d: DaemonProcess): Promise<Record<string, unknown>> {
  const { body } = await d.getJson('/controller');
  const { mode, rate, p99TargetMs, maxErrorRate, minRate, maxRate } = body;
  return { mode, rate, p99TargetMs, maxErrorRate, minRate, maxRate };
}

/** Asserts the answer is `status` with the JSON error body of docs/architecture.md "HTTP API", and returns that body. */
function assertErrorBody(
  what: string,
  answer: { status: number; text: string; json: unknown; headers: Headers },
  status: number,
): { error: string; message: string; field?: string } {
  assert.equal(answer.status, status, `${what}: expected ${status}, got ${answer.status} ${answer.text}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/, `${what}: content type`);
  const body = answer.json as { error?: unknown; message?: unknown; field?: unknown };
  assert.equal(typeof body?.error, 'string', `${what}: error code in ${answer.text}`);
  assert.ok((body.error as string).length > 0, `${what}: empty error code`);
  assert.equal(typeof body.message, 'string', `${what}: message in ${answer.text}`);
  assert.ok((body.message as string).length > 0, `${what}: empty message`);
  if (body.field !== undefined) assert.equal(typeof body.field, 'string', `${what}: field in ${answer.text}`);
  return body as { error: string; message: string; field?: string };
}

/** A measured rate: the counter's increase over the window between two scrapes, per second. */
function rateOver(points: { atMs: number; value: number }[]): number {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return ((last.value - first.value) * 1000) / (last.atMs - first.atMs);
}

describe('soakbench daemon: PUT /rate and PUT /controller', { timeout: 180_000 }, () => {
  let d: DaemonProcess;

  before(async () => {
    d = await startDaemon({
      label: 'rate',
      workload: { producerRate: 1000 },
      env: { SOAKBENCH_HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) },
    });
    await d.waitReady();
  });
  after(async () => {
    await d?.dispose();
  });

  test('PUT /rate 1,000 -> 3,000 msg/s: the measured ack rate is within 2 % of 3,000 within 10 s', async () => {
    // The measurement itself first: at 1,000 msg/s the same method must read about 1,000.
    const baseline = rateOver(await sampleCounter(d, 'soakbench_messages_sent_total', 3_500));
    assert.ok(Math.abs(baseline - 1000) <= 50, `baseline rate ${baseline.toFixed(1)} msg/s, expected ~1,000`);

    const put = await d.request('PUT', '/rate', { contentType: JSON_TYPE, body: '{"rate":3000}' });
    const t0 = Date.now();
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((put.json as { rate: number }).rate, 3000);

    const points = await sampleCounter(d, 'soakbench_messages_sent_total', 9_800, 250);
    // The window from 3 s after the change to its 10th second: the rate must have arrived by then (the
    // limiter switches at once; a longer window makes scrape timing count less).
    const window = points.filter((p) => p.atMs - t0 >= 3_000 && p.atMs - t0 <= 10_000);
    assert.ok(window.length >= 2, `too few scrapes in the window: ${JSON.stringify(points)}`);
    const measured = rateOver(window);
    const span = window[window.length - 1]!.atMs - window[0]!.atMs;
    assert.ok(span >= 5_000, `window of ${span} ms is too short to measure 2 %`);
    assert.ok(
      Math.abs(measured - 3000) <= 0.02 * 3000,
      `measured ${measured.toFixed(1)} msg/s over ${span} ms, expected 3,000 ± 2 %: ${JSON.stringify(window)}\n${describeDaemon(d)}`,
    );
    assert.deepEqual(await rateNow(d), { status: 3000, metric: 3000 });
  });

  test('every bad PUT /rate body gets 400 {error, message, field?} and leaves the rate unchanged', async () => {
    const before = await rateNow(d);
    assert.equal(before.status, before.metric);
    const padded = `{"rate":5000}${' '.repeat(BODY_LIMIT_BYTES + 100)}`;
    // Every refusal is 400 but an oversized body, 413 (not read, so nothing in it is wrong yet).
    const cases: [string, RequestOptions, { error?: string; field?: string; status?: number }][] = [
      ['negative', { contentType: JSON_TYPE, body: '-5' }, { field: 'rate' }],
      ['negative in an object', { contentType: JSON_TYPE, body: '{"rate":-5}' }, { field: 'rate' }],
      ['zero', { contentType: JSON_TYPE, body: '0' }, { field: 'rate' }],
      ['zero in an object', { contentType: JSON_TYPE, body: '{"rate":0}' }, { field: 'rate' }],
      ['NaN (not JSON)', { contentType: JSON_TYPE, body: 'NaN' }, { error: 'invalid_json' }],
      ['"NaN" (a JSON string)', { contentType: JSON_TYPE, body: '"NaN"' }, {}],
      ['NaN as text/plain', { contentType: 'text/plain', body: 'NaN' }, {}],
      ['{"rate":"NaN"}', { contentType: JSON_TYPE, body: '{"rate":"NaN"}' }, {}],
      ['a string', { contentType: JSON_TYPE, body: '"fast"' }, {}],
      ['a word as text/plain', { contentType: 'text/plain', body: 'fast' }, {}],
      ['the rate as a string', { contentType: JSON_TYPE, body: '{"rate":"5000"}' }, {}],
      ['1e308', { contentType: JSON_TYPE, body: '1e308' }, { field: 'rate' }],
      ['1e308 in an object', { contentType: JSON_TYPE, body: '{"rate":1e308}' }, { field: 'rate' }],
      ['1e400 (Infinity once parsed)', { contentType: JSON_TYPE, body: '1e400' }, {}],
      ['1e400 in an object', { contentType: JSON_TYPE, body: '{"rate":1e400}' }, {}],
      ['Infinity as text/plain', { contentType: 'text/plain', body: 'Infinity' }, {}],
      ['empty, no content type', {}, {}],
      ['empty, declared JSON', { contentType: JSON_TYPE, body: '' }, {}],
      ['blank text/plain', { contentType: 'text/plain', body: '   ' }, {}],
      [
        'application/xml',
        { contentType: 'application/xml', body: '<rate>5000</rate>' },
        { field: 'content-type' },
      ],
      [
        'oversized (over http.bodyLimitBytes)',
        { contentType: JSON_TYPE, body: padded },
        { error: 'body_too_large', status: 413 },
      ],
      [
        'oversized, form-encoded',
        { contentType: 'application/x-www-form-urlencoded', body: padded },
        { error: 'body_too_large', status: 413 },
      ],
      ['unknown field', { contentType: JSON_TYPE, body: '{"rate":5000,"x":1}' }, { field: 'x' }],
      ['JSON declared, invalid', { contentType: JSON_TYPE, body: '{"rate":5000' }, { error: 'invalid_json' }],
      ['null', { contentType: JSON_TYPE, body: 'null' }, {}],
      ['a list', { contentType: JSON_TYPE, body: '[5000]' }, {}],
      ['true', { contentType: JSON_TYPE, body: 'true' }, {}],
      ['an empty object', { contentType: JSON_TYPE, body: '{}' }, {}],
      ['form field syntax', { contentType: 'application/x-www-form-urlencoded', body: 'rate=5000' }, {}],
      ['hexadecimal text', { contentType: 'text/plain', body: '0x1388' }, {}],
      ['unsupported charset', { contentType: 'application/json; charset=latin1', body: '5000' }, {}],
    ];
    for (const [what, options, expected] of cases) {
      const answer = await d.request('PUT', '/rate', options);
      const body = assertErrorBody(what, answer, expected.status ?? 400);
      if (expected.error !== undefined) assert.equal(body.error, expected.error, `${what}: ${answer.text}`);
      if (expected.field !== undefined) assert.equal(body.field, expected.field, `${what}: ${answer.text}`);
      assert.deepEqual(await rateNow(d), before, `${what} changed the rate`);
    }
  });

  test('a type error inside {"rate": ...} names the field "rate", not the body', async () => {
    // The object form is allowed, so "(body): must be number, found an object" misleads (bugs-daemon.md).
    const cases: [string, string][] = [
      ['{"rate":"5000"}', '{"rate":"5000"}'],
      ['{"rate":"NaN"}', '{"rate":"NaN"}'],
      ['{"rate":1e400}', '{"rate":1e400}'],
      ['{"rate":null}', '{"rate":null}'],
    ];
    const problems: string[] = [];
    for (const [what, body] of cases) {
      const answer = await d.request('PUT', '/rate', { contentType: JSON_TYPE, body });
      const error = assertErrorBody(what, answer, 400);
      if (error.field !== 'rate') problems.push(`${what} -> ${answer.text}`);
    }
    assert.deepEqual(problems, [], 'answers that do not name the field "rate"');
  });

  test('a body that cannot be decoded (content-encoding: gzip, not gzip data) gets 400, not 500', async () => {
    const before = await rateNow(d);
    const answer = await d.request('PUT', '/rate', {
      contentType: JSON_TYPE,
      headers: { 'content-encoding': 'gzip' },
      body: '5000',
    });
    assertErrorBody('content-encoding gzip with plain bytes', answer, 400);
    assert.deepEqual(await rateNow(d), before);
  });

  test('the forms people type with curl work as typed, and text/plain', async () => {
    const forms: [string, RequestOptions, number][] = [
      // curl -X PUT .../rate -d 5000   (curl declares application/x-www-form-urlencoded)
      ['curl -d 5000', { contentType: 'application/x-www-form-urlencoded', body: '5000' }, 5000],
      [
        'curl -d \'{"rate":4000}\'',
        { contentType: 'application/x-www-form-urlencoded', body: '{"rate":4000}' },
        4000,
      ],
      ['text/plain', { contentType: 'text/plain', body: '3500' }, 3500],
      ['text/plain with a newline', { contentType: 'text/plain; charset=utf-8', body: '2500\n' }, 2500],
      ['JSON number', { contentType: JSON_TYPE, body: '1500' }, 1500],
      ['JSON object', { contentType: JSON_TYPE, body: '{"rate":2000}' }, 2000],
      ['fractional', { contentType: JSON_TYPE, body: '{"rate":1234.5}' }, 1234.5],
    ];
    for (const [what, options, rate] of forms) {
      const answer = await d.request('PUT', '/rate', options);
      assert.equal(answer.status, 200, `${what}: ${answer.status} ${answer.text}`);
      assert.equal((answer.json as { rate: number }).rate, rate, `${what}: ${answer.text}`);
      assert.deepEqual(await rateNow(d), { status: rate, metric: rate }, what);
    }
  });

  test('PUT /controller: bad input gets 400 and changes nothing', async () => {
    const before = await controllerSettings(d);
    assert.equal(before.mode, 'fixed');
    const bad: [string, string, string][] = [
      ['unknown field', '{"mode":"fixed","x":1}', 'x'],
      ['minRate > maxRate', '{"minRate":5000,"maxRate":100}', 'minRate'],
      ['negative p99TargetMs', '{"p99TargetMs":-1}', 'p99TargetMs'],
      ['p99TargetMs as a string', '{"p99TargetMs":"50"}', 'p99TargetMs'],
      ['unknown mode', '{"mode":"turbo"}', 'mode'],
      ['maxErrorRate above 1', '{"maxErrorRate":2}', 'maxErrorRate'],
    ];
    for (const [what, body, field] of bad) {
      const answer = await d.request('PUT', '/controller', { contentType: JSON_TYPE, body });
      const error = assertErrorBody(what, answer, 400);
      assert.equal(error.field, field, `${what}: ${answer.text}`);
      assert.deepEqual(await controllerSettings(d), before, `${what} changed the controller`);
    }
    for (const [what, options] of [
      ['no body', {}],
      ['invalid JSON', { contentType: JSON_TYPE, body: '{"mode":' }],
      ['application/xml', { contentType: 'application/xml', body: '<mode>fixed</mode>' }],
    ] as [string, RequestOptions][]) {
      assertErrorBody(what, await d.request('PUT', '/controller', options), 400);
      assert.deepEqual(await controllerSettings(d), before, `${what} changed the controller`);
    }
    assert.equal(
      metricValue(await d.scrape(), 'soakbench_controller_state', { state: 'fixed' }),
      1,
      'the controller state gauge left fixed',
    );
  });

  test('an empty body declared JSON is not valid JSON: 400 on PUT /controller too', async () => {
    // docs/architecture.md "HTTP API": a body that declares JSON must be valid JSON; the empty string is not JSON.
    const answer = await d.request('PUT', '/controller', { contentType: JSON_TYPE, body: '' });
    assertErrorBody('empty body declared JSON', answer, 400);
  });

  test('PUT /controller with valid settings applies them (GET /controller and the SLO gauge show them)', async () => {
    const answer = await d.request('PUT', '/controller', {
      contentType: JSON_TYPE,
      body: '{"mode":"fixed","p99TargetMs":20,"maxErrorRate":0.01,"minRate":50,"maxRate":20000}',
    });
    assert.equal(answer.status, 200, answer.text);
    const after = await controllerSettings(d);
    assert.deepEqual(
      { ...after, rate: undefined },
      { mode: 'fixed', rate: undefined, p99TargetMs: 20, maxErrorRate: 0.01, minRate: 50, maxRate: 20000 },
    );
    assert.equal(metricValue(await d.scrape(), 'soakbench_slo_p99_target_seconds'), 0.02);
  });

  test('PUT /controller {"mode":"adaptive"} switches to the adaptive controller; PUT /rate switches back to fixed', async () => {
    const answer = await d.request('PUT', '/controller', {
      contentType: JSON_TYPE,
      body: '{"mode":"adaptive"}',
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal((await controllerSettings(d)).mode, 'adaptive');
    const states = (await d.scrape()).get('soakbench_controller_state')!.samples;
    assert.equal(states.find((s) => s.labels.state === 'fixed')?.value, 0, 'still in the fixed state');
    assert.equal(
      states.filter((s) => s.value === 1).length,
      1,
      `exactly one state is 1: ${JSON.stringify(states)}`,
    );
    // docs/architecture.md "HTTP API": PUT /rate sets a fixed rate and switches the controller to fixed.
    const put = await d.request('PUT', '/rate', { contentType: JSON_TYPE, body: '{"rate":1200}' });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(
      { mode: (await controllerSettings(d)).mode, ...(await rateNow(d)) },
      { mode: 'fixed', status: 1200, metric: 1200 },
    );
    assert.equal(metricValue(await d.scrape(), 'soakbench_controller_state', { state: 'fixed' }), 1);
  });
});
