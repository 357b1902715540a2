/**
 * Issue 12, part 2: the shipped config/drivers/kafka-local-sasl-ssl.yaml against a private SASL_SSL
 * broker (scripts/kafka.sh KAFKA_SECURITY=sasl_ssl). `run` and the daemon work from a directory whose
 * `.kafka` is the broker's KAFKA_DIR (the file's paths are relative to the working directory); the
 * password appears in nothing soakbench wrote; a wrong password or an untrusted CA fails `run` with exit
 * 1 and one line within 15 s, and the daemon's /readyz says the same.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type PrivateBroker, startPrivateBroker } from '../../helpers/broker.js';
import { removeDir, runCli, smallWorkload, startCli, tempDir, writeWorkload } from '../../helpers/cli.js';
import { freePort, REPO_ROOT } from '../../helpers/daemon.js';
import { uniqueName } from '../../helpers/kafka.js';

const SHIPPED = join(REPO_ROOT, 'config', 'drivers', 'kafka-local-sasl-ssl.yaml');

describe('SASL_SSL (SCRAM-SHA-512 over TLS) with the shipped driver file', { timeout: 300_000 }, () => {
  let broker: PrivateBroker;
  let cwd: string;
  let password: string;
  /** Everything soakbench wrote, to be searched for the password. */
  const written: { what: string; text: string }[] = [];

  before(
    async () => {
      broker = await startPrivateBroker({ security: 'sasl_ssl' });
      cwd = tempDir('sasl-ssl');
      symlinkSync(broker.dir, join(cwd, '.kafka'));
      password = readFileSync(join(broker.dir, 'secrets', 'soakbench.password'), 'utf8').trim();
      assert.ok(password.length >= 32, 'a generated password');
    },
    { timeout: 150_000 },
  );
  after(async () => {
    await broker?.clean();
    if (cwd) removeDir(cwd);
  });

  const workload = (name: string) =>
    writeWorkload(cwd, `${name}.yaml`, smallWorkload(uniqueName(name), { producerRate: 200 }));
  const args = (driver: string, name: string) => [
    'run',
    '--driver',
    driver,
    '--bootstrap-servers',
    broker.bootstrap,
    '--output-dir',
    join(cwd, 'results'),
    '--log-level',
    'debug',
    workload(name),
  ];

  test('run works from the directory holding .kafka, and writes a result', async () => {
    const out = await runCli(args(SHIPPED, 'sasl-run'), 90_000, { cwd });
    written.push({ what: 'run stdout', text: out.stdout }, { what: 'run stderr', text: out.stderr });
    assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
    const results = readdirSync(join(cwd, 'results')).filter((f) => f.endsWith('.json'));
    assert.equal(results.length, 1);
    const json = readFileSync(join(cwd, 'results', results[0]!), 'utf8');
    written.push({ what: 'result JSON', text: json });
    assert.ok((JSON.parse(json) as { publishRate: number[] }).publishRate.length > 0);
  });

  test('the daemon serves /status, /results and /metrics; none of them, nor its log, holds the password', async () => {
    const port = await freePort();
    const cli = startCli(['daemon', '--driver', SHIPPED, '--workload', workload('sasl-daemon')], {
      cwd,
      env: {
        ...process.env,
        SOAKBENCH_BOOTSTRAP_SERVERS: broker.bootstrap,
        SOAKBENCH_HTTP_PORT: String(port),
        SOAKBENCH_LOG_LEVEL: 'debug',
      },
    });
    try {
      const get = async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
        return { status: res.status, text: await res.text() };
      };
      const deadline = Date.now() + 60_000;
      let ready = { status: 0, text: '' };
      while (Date.now() < deadline) {
        ready = await get('/readyz').catch((e: Error) => ({ status: 0, text: e.message }));
        if (ready.status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(ready.status, 200, `not ready: ${ready.text}\n${cli.stderr()}`);
      await new Promise((r) => setTimeout(r, 3_000));
      for (const path of ['/status', '/results', '/metrics', '/readyz', '/controller', '/openapi.json']) {
        written.push({ what: `GET ${path}`, text: (await get(path)).text });
      }
    } finally {
      cli.signalGroup('SIGTERM');
      await cli.exited;
    }
    written.push(
      { what: 'daemon stdout', text: cli.stdout() },
      { what: 'daemon stderr', text: cli.stderr() },
    );
    const leaks = written.filter((w) => w.text.includes(password)).map((w) => w.what);
    assert.deepEqual(leaks, [], 'the password appears in these outputs');
    assert.ok(written.length >= 10, `searched ${written.length} outputs`);
  });

  test('a wrong password fails run with exit 1 and one line naming the broker, within 15 s', async () => {
    const driver = join(cwd, 'wrong-password.yaml');
    writeFileSync(
      driver,
      readFileSync(SHIPPED, 'utf8').replace(
        '${file:.kafka/secrets/soakbench.password}',
        '${env:SB_TEST_PASSWORD}',
      ),
    );
    const started = Date.now();
    const out = await runCli(args(driver, 'sasl-wrong-pw'), 30_000, {
      cwd,
      env: { ...process.env, SB_TEST_PASSWORD: 'not-the-password' },
    });
    const ms = Date.now() - started;
    assert.equal(out.code, 1, out.stderr);
    assert.ok(ms < 15_000, `${ms} ms`);
    const lines = out.stderr.split('\n').filter((l) => l.startsWith('soakbench: '));
    assert.equal(lines.length, 1, out.stderr);
    assert.match(lines[0]!, new RegExp(`authentication failed at broker 127\\.0\\.0\\.1:${broker.port}`));
  });

  test('a CA that did not sign the broker certificate fails run with "certificate not trusted", within 15 s', async () => {
    const otherCa = join(cwd, 'other-ca.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=not the broker CA',
        '-keyout',
        join(cwd, 'other-ca.key'),
        '-out',
        otherCa,
      ],
      { stdio: 'ignore' },
    );
    const driver = join(cwd, 'wrong-ca.yaml');
    writeFileSync(driver, readFileSync(SHIPPED, 'utf8').replace('.kafka/tls/ca.pem', otherCa));
    const started = Date.now();
    const out = await runCli(args(driver, 'sasl-wrong-ca'), 30_000, { cwd });
    const ms = Date.now() - started;
    assert.equal(out.code, 1, out.stderr);
    assert.ok(ms < 15_000, `${ms} ms`);
    assert.match(
      out.stderr,
      new RegExp(`^soakbench: certificate not trusted: broker 127\\.0\\.0\\.1:${broker.port}`, 'm'),
    );
    assert.ok(!out.stderr.includes(password));
  });

  test("the daemon's /readyz names the authentication failure", async () => {
    const driver = join(cwd, 'wrong-password-daemon.yaml');
    writeFileSync(
      driver,
      readFileSync(SHIPPED, 'utf8').replace('${file:.kafka/secrets/soakbench.password}', 'wrong'),
    );
    const port = await freePort();
    const cli = startCli(['daemon', '--driver', driver, '--workload', workload('sasl-readyz')], {
      cwd,
      env: {
        ...process.env,
        SOAKBENCH_BOOTSTRAP_SERVERS: broker.bootstrap,
        SOAKBENCH_HTTP_PORT: String(port),
      },
    });
    try {
      const deadline = Date.now() + 15_000;
      let body = '';
      while (Date.now() < deadline && !/authentication failed/.test(body)) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        body = res ? `${res.status} ${await res.text()}` : '';
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.match(body, /^503 .*authentication failed at broker 127\.0\.0\.1:\d+/);
    } finally {
      cli.signalGroup('SIGTERM');
      await cli.exited;
    }
  });
});
