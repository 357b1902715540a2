import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../helpers/free-port.js';
import { httpRequest } from '../../helpers/http.js';
import { waitFor, within } from '../../helpers/wait.js';
import { repoPath } from './repo-root.js';

// scripts/prune-runtime.sh is what the Dockerfile's build stage runs after `npm prune --omit=dev`. No
// Docker engine runs here, so this builds the image's /app in a temp dir instead: the production
// packages (the set `npm prune --omit=dev` keeps), dist/src, config, bin, web and package.json; runs the
// same script on it; and then runs soakbench from there.

const CLIENT = join('node_modules', '@confluentinc', 'kafka-javascript');
/** Files strip rewrites: copied, never hard-linked, so the shared node_modules stays untouched. */
const REWRITTEN = /\.node$|\.so(\.\d+)*$/;

/**
 * Copies a tree as hard links where it can (fast, no space; the script only unlinks them) and as real
 * copies for files the script rewrites, or when linking fails (another file system).
 */
function mirror(from: string, to: string): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) mirror(join(from, name), join(to, name));
  } else if (REWRITTEN.test(from)) copyFileSync(from, to);
  else {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
}

/** Apparent size in bytes of a tree (symlinks count as themselves). */
function size(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0);
}

/** Every file and symlink under a directory, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

const app = mkdtempSync(join(tmpdir(), 'soakbench-image-'));
let before_ = 0;
let pruned: ReturnType<typeof spawnSync>;

describe('scripts/prune-runtime.sh on a copy of the image /app', () => {
  before(() => {
    // The lockfile is what the image's `npm ci` installs; `npm prune --omit=dev` keeps the entries not
    // marked dev (optional ones only where installed).
    const lock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const modules = realpathSync(repoPath('node_modules'));
    const packages = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true)
      .map(([path]) => path.slice('node_modules/'.length))
      .filter((pkg) => existsSync(join(modules, pkg)));
    assert.ok(packages.includes('@confluentinc/kafka-javascript'), 'the client is a production package');
    for (const pkg of packages) mirror(join(modules, pkg), join(app, 'node_modules', pkg));
    cpSync(repoPath('dist', 'src'), join(app, 'dist', 'src'), { recursive: true });
    for (const dir of ['config', 'bin', 'web']) cpSync(repoPath(dir), join(app, dir), { recursive: true });
    copyFileSync(repoPath('package.json'), join(app, 'package.json'));
    before_ = size(join(app, 'node_modules'));
    pruned = spawnSync('sh', [repoPath('scripts', 'prune-runtime.sh'), 'node_modules'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 120_000,
    });
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  test('the script succeeds', () => {
    assert.equal(pruned.status, 0, `prune-runtime.sh: ${pruned.stderr}`);
  });

  test("of the client's build tree only the addon and its shared libraries remain", () => {
    const client = join(app, CLIENT);
    assert.ok(!existsSync(join(client, 'deps')), 'deps/ (librdkafka sources) removed');
    assert.ok(!existsSync(join(client, 'src')), 'src/ (C++ sources) removed');
    const build = filesUnder(join(client, 'build')).sort();
    assert.ok(build.includes(join('Release', 'confluent-kafka-javascript.node')), build.join(', '));
    for (const file of build) {
      assert.ok(/^Release\/[^/]+\.node$|\.so\.\d+$/.test(file), `build/${file} is neither addon nor library`);
    }
    assert.ok(existsSync(join(client, 'lib', 'index.js')) && existsSync(join(client, 'package.json')));
  });

  test('the addon loads librdkafka from the pruned package, not from anywhere else', () => {
    const script =
      "require('@confluentinc/kafka-javascript');" +
      "process.stdout.write(require('fs').readFileSync('/proc/self/maps','utf8'))";
    const run = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const libraries = new Set(
      run.stdout
        .split('\n')
        .map((line) => line.split(/\s+/).at(-1) ?? '')
        .filter((path) => /librdkafka|confluent-kafka-javascript\.node/.test(path)),
    );
    assert.ok(libraries.size >= 2, `mapped: ${[...libraries].join(', ')}`);
    const inApp = realpathSync(join(app, CLIENT, 'build'));
    for (const path of libraries) assert.ok(path.startsWith(inApp), `${path} is outside the pruned client`);
  });

  test('soakbench --version and validate run from the pruned /app', () => {
    const version = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).version;
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['dist/src/main.js', ...args], {
        cwd: app,
        encoding: 'utf8',
        timeout: 30_000,
      });
    assert.equal(run(['--version']).stdout.trim(), version);
    const validated = run([
      'validate',
      '--driver',
      'config/drivers/kafka-local.yaml',
      'config/workloads/default.yaml',
    ]);
    assert.equal(validated.status, 0, validated.stderr);
  });

  test('the daemon runs from the pruned /app: probes, /metrics, the live page, its stop on SIGTERM', async () => {
    // No broker: the daemon listens at once and keeps retrying Kafka (README.md, "Commands") with
    // librdkafka clients; a port nobody listens on refuses at once.
    const [port, nobody] = [await freePort(), await freePort()];
    const daemon = spawn(process.execPath, ['dist/src/main.js', 'daemon'], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        SOAKBENCH_HTTP_PORT: String(port),
        SOAKBENCH_BOOTSTRAP_SERVERS: `127.0.0.1:${nobody}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    daemon.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        'GET /healthz',
        async () => (await httpRequest(url, 'GET', '/healthz')).status === 200,
        20_000,
      );
      const ready = await httpRequest(url, 'GET', '/readyz');
      assert.equal(ready.status, 503, 'not ready without Kafka');
      const metrics = await httpRequest(url, 'GET', '/metrics');
      assert.match(metrics.text, /^soakbench_/m);
      // The live page and its chart library (uPlot, from node_modules) are served from the pruned /app.
      assert.equal((await httpRequest(url, 'GET', '/')).status, 200);
      assert.equal((await httpRequest(url, 'GET', '/assets/uPlot.iife.min.js')).status, 200);
      daemon.kill('SIGTERM');
      // Stopping waits for the pending connection attempt to time out: 9-15 s in our runs, within the
      // default 30 s grace, so the exit is the clean one (0), not the forced one (src/main.ts).
      assert.equal(await within('exit after SIGTERM', exited, 40_000), 0, stderr);
      assert.match(stderr, /"msg":"stopped"/, stderr);
      assert.doesNotMatch(stderr, /Cannot find module|ERR_DLOPEN_FAILED|cannot open shared object/);
    } finally {
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
    }
  });

  test('node_modules shrinks to less than a fifth', (t) => {
    const after_ = size(join(app, 'node_modules'));
    t.diagnostic(
      `node_modules: ${(before_ / 2 ** 20).toFixed(1)} MiB -> ${(after_ / 2 ** 20).toFixed(1)} MiB`,
    );
    assert.ok(after_ < before_ / 5, `${after_} of ${before_} bytes`);
  });
});
