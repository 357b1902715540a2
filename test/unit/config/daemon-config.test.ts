import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DaemonConfig, loadDaemonConfig, redactedConfig } from '../../../src/config/daemon-config.js';
import { isSoakbenchError, type SoakbenchError } from '../../../src/errors.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'soakbench-config-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Asserts `load` throws a SoakbenchError with `code` whose message matches every pattern. */
function assertConfigError(load: () => unknown, code: string, ...patterns: RegExp[]): SoakbenchError {
  let thrown: unknown;
  try {
    load();
  } catch (err) {
    thrown = err;
  }
  assert.ok(isSoakbenchError(thrown), `expected a SoakbenchError, got ${String(thrown)}`);
  assert.equal(thrown.code, code, thrown.message);
  for (const p of patterns) assert.match(thrown.message, p);
  return thrown;
}

describe('loadDaemonConfig', () => {
  test('the documented defaults (README.md "Configuration")', () => {
    const c = loadDaemonConfig({ env: {} });
    assert.equal(c.http.host, '127.0.0.1');
    assert.equal(c.http.port, 8080);
    assert.equal(c.http.allowUnauthenticated, false);
    assert.equal(c.http.bodyLimitBytes, 1_048_576);
    assert.equal(c.api.token, '');
    // The shipped files (resolved against the installation, so a daemon started elsewhere finds them).
    assert.match(c.driver, /(^|\/)config\/drivers\/kafka-local\.yaml$/);
    assert.match(c.workload, /(^|\/)config\/workloads\/default\.yaml$/);
    assert.equal(c.kafka.bootstrapServers, '');
    assert.equal(c.log.level, 'info');
    assert.equal(c.topics.cleanup, true);
    assert.ok(c.shutdown.graceMs > 0);
    assert.ok(Object.isFrozen(c));
  });

  test('the documented environment names (README.md "Configuration")', () => {
    const c = loadDaemonConfig({
      env: {
        SOAKBENCH_HTTP_HOST: '0.0.0.0',
        SOAKBENCH_HTTP_PORT: '9000',
        SOAKBENCH_API_TOKEN: 't0k3n',
        SOAKBENCH_DRIVER: 'd.yaml',
        SOAKBENCH_WORKLOAD: 'w.yaml',
        SOAKBENCH_BOOTSTRAP_SERVERS: 'b1:9092,b2:9092',
        SOAKBENCH_LOG_LEVEL: 'debug',
        SOAKBENCH_SHUTDOWN_GRACE_MS: '15000',
        SOAKBENCH_TOPICS_CLEANUP: 'false',
      },
    });
    assert.deepEqual(
      [c.http.host, c.http.port, c.api.token, c.driver, c.workload, c.kafka.bootstrapServers],
      ['0.0.0.0', 9000, 't0k3n', 'd.yaml', 'w.yaml', 'b1:9092,b2:9092'],
    );
    assert.deepEqual([c.log.level, c.shutdown.graceMs, c.topics.cleanup], ['debug', 15_000, false]);
  });

  test('precedence: file < environment < flags, key by key', () => {
    const yaml = file(
      'precedence.yaml',
      'http:\n  port: 1111\n  host: 127.0.0.2\nlog:\n  level: warn\nshutdown:\n  graceMs: 5000\n',
    );
    const fromFile = loadDaemonConfig({ file: yaml, env: {} });
    assert.deepEqual(
      [fromFile.http.port, fromFile.http.host, fromFile.log.level],
      [1111, '127.0.0.2', 'warn'],
    );

    const env = { SOAKBENCH_HTTP_PORT: '2222', SOAKBENCH_LOG_LEVEL: 'error' };
    const fileAndEnv = loadDaemonConfig({ file: yaml, env });
    assert.deepEqual(
      [fileAndEnv.http.port, fileAndEnv.http.host, fileAndEnv.log.level, fileAndEnv.shutdown.graceMs],
      [2222, '127.0.0.2', 'error', 5000],
    );

    const all = loadDaemonConfig({
      file: yaml,
      env,
      overrides: { 'http.port': 3333, 'log.level': undefined, 'http.host': '127.0.0.3' },
    });
    // An undefined flag (not given on the command line) leaves the lower layers alone.
    assert.deepEqual([all.http.port, all.http.host, all.log.level], [3333, '127.0.0.3', 'error']);
  });

  test('JSON and YAML files; an empty file is no settings', () => {
    const json = loadDaemonConfig({
      file: file('c.json', '{"http":{"port":4444},"topics":{"cleanup":false}}'),
      env: {},
    });
    assert.deepEqual([json.http.port, json.topics.cleanup], [4444, false]);
    const yml = loadDaemonConfig({ file: file('c.yml', 'api:\n  token: abc\n'), env: {} });
    assert.equal(yml.api.token, 'abc');
    assert.equal(loadDaemonConfig({ file: file('empty.yaml', ''), env: {} }).http.port, 8080);
  });

  test('strict: an unknown key in the file is INVALID_CONFIG naming the key', () => {
    assertConfigError(
      () => loadDaemonConfig({ file: file('typo.yaml', 'http:\n  prot: 9000\n'), env: {} }),
      'INVALID_CONFIG',
      /http\.prot/,
      /typo\.yaml/,
    );
    assertConfigError(
      () => loadDaemonConfig({ file: file('top.json', '{"cleanupTopics": true}'), env: {} }),
      'INVALID_CONFIG',
      /cleanupTopics/,
    );
  });

  test('a file that is not a mapping, or not YAML, is INVALID_CONFIG naming the file', () => {
    assertConfigError(
      () => loadDaemonConfig({ file: file('list.yaml', '- a\n- b\n'), env: {} }),
      'INVALID_CONFIG',
      /list\.yaml/,
    );
    assertConfigError(
      () => loadDaemonConfig({ file: file('broken.yaml', 'http: [1\n'), env: {} }),
      'INVALID_CONFIG',
      /broken\.yaml/,
    );
    assertConfigError(
      () => loadDaemonConfig({ file: file('broken.json', '{"http":'), env: {} }),
      'INVALID_CONFIG',
      /broken\.json/,
    );
  });

  test('malformed environment values are errors naming the key, never read leniently', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ SOAKBENCH_HTTP_PORT: '80x' }, /http\.port/],
      [{ SOAKBENCH_HTTP_PORT: '70000' }, /http\.port/],
      [{ SOAKBENCH_HTTP_PORT: '-1' }, /http\.port/],
      [{ SOAKBENCH_TOPICS_CLEANUP: 'yes' }, /topics\.cleanup/],
      [{ SOAKBENCH_HTTP_ALLOW_UNAUTHENTICATED: 'maybe' }, /http\.allowUnauthenticated/],
      [{ SOAKBENCH_SHUTDOWN_GRACE_MS: '1.5' }, /shutdown\.graceMs/],
      [{ SOAKBENCH_SHUTDOWN_GRACE_MS: '0' }, /shutdown\.graceMs/],
      [{ SOAKBENCH_HTTP_BODY_LIMIT_BYTES: '1MB' }, /http\.bodyLimitBytes/],
      [{ SOAKBENCH_LOG_LEVEL: 'loud' }, /log\.level/],
      [{ SOAKBENCH_P99_TARGET_MS: 'fast' }, /controller\.p99TargetMs/],
      // The limits of src/workload/limits.ts, as in workload files, the HTTP API and the flags.
      [{ SOAKBENCH_MAX_RATE: '1e308' }, /controller\.maxRate.*at most 10,000,000/],
      [{ SOAKBENCH_MIN_RATE: '20000000' }, /controller\.minRate.*at most 10,000,000/],
      [{ SOAKBENCH_P99_TARGET_MS: '4000000' }, /controller\.p99TargetMs.*at most 3,600,000/],
    ];
    for (const [env, key] of cases) {
      const err = assertConfigError(() => loadDaemonConfig({ env }), 'INVALID_CONFIG', key);
      assert.ok(err.isUserError, 'a bad setting is a user error (exit code 2)');
    }
  });

  test('booleans from the environment: true/false and 1/0 only', () => {
    for (const [value, expected] of [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const) {
      assert.equal(
        loadDaemonConfig({ env: { SOAKBENCH_TOPICS_CLEANUP: value } }).topics.cleanup,
        expected,
        value,
      );
    }
  });

  test('the same strictness for values in a file: a port written as text is an error', () => {
    assertConfigError(
      () => loadDaemonConfig({ file: file('port.yaml', 'http:\n  port: "80x"\n'), env: {} }),
      'INVALID_CONFIG',
      /http\.port/,
    );
  });

  test('fleet: no fleet by default; SOAKBENCH_FLEET and its siblings; a name Kafka cannot use is refused', () => {
    const none = loadDaemonConfig({ env: {} });
    assert.deepEqual(none.fleet, { name: '', memberId: '', heartbeatMs: 2_000, sessionTimeoutMs: 10_000 });
    const c = loadDaemonConfig({
      env: {
        SOAKBENCH_FLEET: 'staging.soak-1',
        SOAKBENCH_FLEET_MEMBER_ID: 'pod-a',
        SOAKBENCH_FLEET_SESSION_TIMEOUT_MS: '15000',
      },
    });
    assert.deepEqual(
      [c.fleet.name, c.fleet.memberId, c.fleet.sessionTimeoutMs],
      ['staging.soak-1', 'pod-a', 15_000],
    );
    assertConfigError(
      () => loadDaemonConfig({ env: { SOAKBENCH_FLEET: 'has space' } }),
      'INVALID_CONFIG',
      /fleet\.name \(SOAKBENCH_FLEET\)/,
      /A-Z a-z 0-9 \. _ -/,
    );
    assertConfigError(
      () => loadDaemonConfig({ env: {}, overrides: { 'fleet.name': 'x'.repeat(201) } }),
      'INVALID_CONFIG',
      /fleet\.name/,
    );
  });

  test('a missing file is FILE_NOT_FOUND naming it', () => {
    const missing = join(dir, 'nope.yaml');
    assertConfigError(() => loadDaemonConfig({ file: missing, env: {} }), 'FILE_NOT_FOUND', /nope\.yaml/);
  });

  test('a bad setting next to a token: the error does not show the token', () => {
    const err = assertConfigError(
      () => loadDaemonConfig({ env: { SOAKBENCH_API_TOKEN: 'hush-hush-42', SOAKBENCH_HTTP_PORT: 'x' } }),
      'INVALID_CONFIG',
    );
    assert.ok(!err.message.includes('hush-hush-42'));
    assert.ok(!String(err.cause ?? '').includes('hush-hush-42'));
  });
});

describe('redactedConfig', () => {
  test('replaces the token and keeps everything else', () => {
    const c = loadDaemonConfig({ env: { SOAKBENCH_API_TOKEN: 'hush-hush-42', SOAKBENCH_HTTP_PORT: '9001' } });
    const shown = redactedConfig(c);
    assert.ok(!JSON.stringify(shown).includes('hush-hush-42'));
    assert.deepEqual(shown.api, { token: '[redacted]' });
    assert.equal((shown.http as DaemonConfig['http']).port, 9001);
    assert.equal(c.api.token, 'hush-hush-42', 'the configuration itself keeps the token');
  });

  test('no token: shown as empty, so the log says none is set', () => {
    assert.deepEqual(redactedConfig(loadDaemonConfig({ env: {} })).api, { token: '' });
  });
});
