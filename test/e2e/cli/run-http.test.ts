/**
 * `soakbench run --http-port P` (README, "Watching a run"): during the run the daemon's /metrics, /status
 * and live page answer on 127.0.0.1:P, steering endpoints answer 409, the port closes when the run ends, and
 * a busy port fails the run before it touches Kafka.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  removeDir,
  runArgs,
  runCli,
  smallWorkload,
  startCli,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { freePort } from '../../helpers/free-port.js';
import { httpRequest } from '../../helpers/http.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';

/** soakbench_messages_sent_total, summed over its series. */
function sentTotal(metrics: string): number {
  let sum = 0;
  for (const m of metrics.matchAll(/^soakbench_messages_sent_total(?:\{[^}]*\})? (\S+)$/gm))
    sum += Number(m[1]);
  return sum;
}

describe('soakbench run --http-port', () => {
  const dir = tempDir('run-http');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('serves /metrics (growing), /status and the live page during the run; the port closes after it', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const workload = writeWorkload(
      dir,
      'http.yaml',
      smallWorkload(uniqueName('runhttp'), { producerRate: 500, testDurationMinutes: 12 / 60 }),
    );
    const cli = startCli([
      ...runArgs({ outputDir: join(dir, 'out'), workloads: [workload] }),
      '--http-port',
      String(port),
    ]);
    try {
      await cli.waitForStdout(/Starting benchmark traffic/, 30_000);
      const first = await waitFor(
        'a first sent message on /metrics',
        async () => {
          const m = await httpRequest(base, 'GET', '/metrics', { timeoutMs: 2_000 });
          return m.status === 200 && sentTotal(m.text) > 0 ? sentTotal(m.text) : 0;
        },
        10_000,
        200,
      );
      const later = await waitFor(
        '/metrics to show more messages sent',
        async () => {
          const m = await httpRequest(base, 'GET', '/metrics', { timeoutMs: 2_000 });
          return sentTotal(m.text) > first + 200 ? sentTotal(m.text) : 0;
        },
        5_000,
        200,
      );
      assert.ok(later > first, `soakbench_messages_sent_total grows: ${first} then ${later}`);

      const status = await httpRequest(base, 'GET', '/status');
      assert.equal(status.status, 200, status.text);
      const s = status.json as {
        mode: string;
        state: string;
        targetRate: number;
        totals: { messagesSent: number };
      };
      assert.equal(s.mode, 'run');
      assert.equal(s.state, 'running');
      assert.equal(s.targetRate, 500);
      assert.ok(s.totals.messagesSent > 0, status.text);

      const page = await httpRequest(base, 'GET', '/');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);

      const rate = await httpRequest(base, 'PUT', '/rate', { body: '1000', contentType: 'application/json' });
      assert.equal(rate.status, 409, rate.text);
      assert.match((rate.json as { message: string }).message, /cannot be steered/);
      const del = await httpRequest(base, 'DELETE', '/status');
      assert.equal(del.status, 405, del.text);

      const end = await cli.exited;
      topics = createdTopicsFromLog(end.stderr);
      assert.equal(end.code, 0, describeOutput(end.stdout, end.stderr));
      assert.match(end.stdout, new RegExp(`Serving /metrics, /status and the live page on ${base}/`));
      await assert.rejects(httpRequest(base, 'GET', '/status', { timeoutMs: 2_000 }), 'the port is closed');
    } finally {
      cli.kill();
    }
  });

  test('a busy port fails the run at once with exit 2, naming the port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const workload = writeWorkload(dir, 'busy.yaml', smallWorkload(uniqueName('runhttpbusy')));
      const run = await runCli(
        [...runArgs({ outputDir: join(dir, 'busy'), workloads: [workload] }), '--http-port', String(port)],
        20_000,
      );
      assert.equal(run.code, 2, describeOutput(run.stdout, run.stderr));
      assert.match(run.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
      assert.ok(run.elapsedMs < 10_000, `fails fast: ${run.elapsedMs} ms`);
      assert.doesNotMatch(run.stdout, /Starting benchmark traffic/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
