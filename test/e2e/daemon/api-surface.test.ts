/**
 * The read side of the HTTP API (docs/architecture.md "HTTP API") on a running daemon: /openapi.json describes every
 * endpoint, /status and /results carry their documented fields, unknown paths and wrong methods get JSON
 * errors, /healthz answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DaemonProcess, startDaemon } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait.js';

/** The endpoints of README.md "HTTP API": path → methods. */
const ENDPOINTS: Record<string, string[]> = {
  '/metrics': ['get'],
  '/healthz': ['get'],
  '/readyz': ['get'],
  '/status': ['get'],
  '/rate': ['put', 'delete'],
  '/profile': ['put'],
  '/controller': ['get', 'put'],
  '/workload': ['put'],
  '/backlog': ['post'],
  '/pause': ['post'],
  '/resume': ['post'],
  '/results': ['get'],
  '/openapi.json': ['get'],
};

const LATENCY_FIELDS = ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'];

/** OMB's TestResult fields (benchmark-framework TestResult.java) with their JSON types. */
const OMB_FIELDS: [string, 'string' | 'number' | 'array' | 'object'][] = [
  ['workload', 'string'],
  ['driver', 'string'],
  ['messageSize', 'number'],
  ['topics', 'number'],
  ['partitions', 'number'],
  ['producersPerTopic', 'number'],
  ['consumersPerTopic', 'number'],
  ['publishRate', 'array'],
  ['publishErrorRate', 'array'],
  ['consumeRate', 'array'],
  ['backlog', 'array'],
  ...LATENCY_FIELDS.map((f) => [`publishLatency${f}`, 'array'] as [string, 'array']),
  ...LATENCY_FIELDS.map((f) => [`publishDelayLatency${f}`, 'array'] as [string, 'array']),
  ...LATENCY_FIELDS.map((f) => [`aggregatedPublishLatency${f}`, 'number'] as [string, 'number']),
  ...LATENCY_FIELDS.map((f) => [`aggregatedPublishDelayLatency${f}`, 'number'] as [string, 'number']),
  ['aggregatedPublishLatencyQuantiles', 'object'],
  ['aggregatedPublishDelayLatencyQuantiles', 'object'],
  ...LATENCY_FIELDS.map((f) => [`endToEndLatency${f}`, 'array'] as [string, 'array']),
  ['aggregatedEndToEndLatencyQuantiles', 'object'],
  ...LATENCY_FIELDS.map((f) => [`aggregatedEndToEndLatency${f}`, 'number'] as [string, 'number']),
];

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

describe('soakbench daemon: the read side of the HTTP API', { timeout: 120_000 }, () => {
  let d: DaemonProcess;

  before(async () => {
    d = await startDaemon({ label: 'api', workload: { producerRate: 800, partitionsPerTopic: 2 } });
    await d.waitReady();
  });
  after(async () => {
    await d?.dispose();
  });

  test('GET /openapi.json: OpenAPI 3 with every documented endpoint and resolvable $refs', async () => {
    const { status, body } = await d.getJson('/openapi.json');
    assert.equal(status, 200);
    assert.match(String(body.openapi), /^3\.\d+\.\d+$/);
    const info = body.info as { title?: unknown; version?: unknown };
    assert.equal(typeof info.title, 'string');
    assert.equal(typeof info.version, 'string');
    const paths = body.paths as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    for (const [path, methods] of Object.entries(ENDPOINTS)) {
      assert.ok(paths[path], `no path ${path}`);
      for (const method of methods) {
        const op = paths[path]![method];
        assert.ok(op, `no ${method.toUpperCase()} ${path}`);
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${path}: no responses`);
        for (const code of Object.keys(op.responses)) assert.match(code, /^([1-5]\d\d|default)$/);
      }
    }
    assert.deepEqual(Object.keys(paths).sort(), Object.keys(ENDPOINTS).sort(), 'undocumented paths');
    // Mutating operations declare the bearer scheme, which must exist.
    const schemes = (body.components as { securitySchemes?: Record<string, unknown> }).securitySchemes ?? {};
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const req of (op as { security?: Record<string, unknown>[] }).security ?? []) {
          for (const scheme of Object.keys(req))
            assert.ok(schemes[scheme], `${method} ${path}: scheme ${scheme}`);
        }
      }
    }
    const text = JSON.stringify(body);
    for (const ref of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      let node: unknown = body;
      for (const part of ref[1]!.split('/')) node = (node as Record<string, unknown> | undefined)?.[part];
      assert.ok(node !== undefined, `$ref #/${ref[1]} does not resolve`);
    }
  });

  test('GET /status: state, workload, target and achieved rates, controller, totals, uptime, last errors', async () => {
    // The achieved rate is the last 10-s result period's: wait for one.
    const body = await waitFor(
      'a first result period in GET /status',
      async () => {
        const s = (await d.getJson('/status')).body;
        return (s.achievedRate as number) > 0 ? s : undefined;
      },
      25_000,
      500,
    );
    assert.equal(body.state, 'running');
    const workload = body.workload as { name: string; topics: string[] };
    assert.equal(workload.name, d.topicPrefix);
    assert.equal(workload.topics.length, 1);
    assert.match(workload.topics[0]!, new RegExp(`^${d.topicPrefix}-sb-[0-9a-f]{8}-0$`));
    assert.equal(body.targetRate, 800);
    // The first 10-s period starts when producing starts (the daemon drops the connection time before it).
    const achieved = body.achievedRate as number;
    assert.ok(achieved >= 0.7 * 800 && achieved <= 1.05 * 800, `achievedRate ${achieved}`);
    const controller = body.controller as { mode: string; state: string };
    assert.equal(controller.mode, 'fixed');
    assert.equal(typeof controller.state, 'string');
    const totals = body.totals as Record<string, number>;
    for (const key of ['messagesSent', 'bytesSent', 'sendErrors', 'messagesReceived', 'bytesReceived']) {
      assert.equal(typeof totals[key], 'number', `totals.${key}`);
    }
    assert.ok(totals.messagesSent! > 0);
    assert.equal(totals.bytesSent, totals.messagesSent! * 512);
    assert.ok((body.uptimeSeconds as number) > 0);
    assert.ok(Array.isArray(body.lastErrors));
    assert.equal(typeof body.version, 'string');
    // No POST /backlog yet: nothing under way, no last result.
    assert.deepEqual(body.backlog, { inProgress: null, last: null });
  });

  test('GET /results: OMB result JSON fields of the run so far', async () => {
    const { status, body } = await d.getJson('/results');
    assert.equal(status, 200);
    const problems: string[] = [];
    for (const [field, type] of OMB_FIELDS) {
      if (typeOf(body[field]) !== type) problems.push(`${field}: ${typeOf(body[field])}, expected ${type}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(body.workload, d.topicPrefix);
    assert.equal(body.messageSize, 512);
    assert.equal(body.topics, 1);
    assert.equal(body.partitions, 2);
    const periods = (body.publishRate as number[]).length;
    assert.ok(periods >= 1, 'no result period yet');
    for (const [field, type] of OMB_FIELDS) {
      if (type === 'array')
        assert.equal((body[field] as unknown[]).length, periods, `${field}: one value per period`);
    }
    const rate = (body.publishRate as number[])[0]!;
    assert.ok(rate >= 0.7 * 800 && rate <= 1.05 * 800, `publishRate ${body.publishRate}`);
    // Latencies in ms as OMB writes them: loopback acks are well under a second, and above zero.
    const p99 = body.aggregatedPublishLatency99pct as number;
    assert.ok(p99 > 0 && p99 < 1000, `aggregatedPublishLatency99pct ${p99}`);
    const quantiles = body.aggregatedPublishLatencyQuantiles as Record<string, number>;
    assert.ok(Object.keys(quantiles).length > 0, 'no quantiles');
  });

  test('unknown path: 404 JSON; wrong method: 405 JSON with Allow', async () => {
    // GET / is the live page (docs/live-page.md); /assets/ serves only its own files.
    for (const path of ['/nope', '/rate/5000', '/metrics/x', '/assets/nope.js', '/index.html']) {
      const a = await d.request('GET', path);
      assert.equal(a.status, 404, `GET ${path}: ${a.status} ${a.text}`);
      assert.match(a.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal((a.json as { error: string }).error, 'not_found');
      assert.equal(typeof (a.json as { message: unknown }).message, 'string');
    }
    const wrong: [string, string, string][] = [
      ['POST', '/rate', 'PUT, DELETE'],
      ['GET', '/rate', 'PUT, DELETE'],
      ['GET', '/profile', 'PUT'],
      ['POST', '/status', 'GET'],
      ['GET', '/pause', 'POST'],
      ['PUT', '/resume', 'POST'],
      ['DELETE', '/controller', 'GET, PUT'],
      ['POST', '/metrics', 'GET'],
      ['GET', '/workload', 'PUT'],
      ['POST', '/', 'GET'],
    ];
    for (const [method, path, allow] of wrong) {
      const a = await d.request(method, path);
      assert.equal(a.status, 405, `${method} ${path}: ${a.status} ${a.text}`);
      assert.equal(a.headers.get('allow'), allow, `${method} ${path}: Allow`);
      assert.match(a.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal((a.json as { error: string }).error, 'method_not_allowed');
    }
  });

  test('GET /healthz: 200 while the loops turn', async () => {
    const a = await d.request('GET', '/healthz');
    assert.equal(a.status, 200, a.text);
    assert.equal((a.json as { status: string }).status, 'ok');
  });
});
