/**
 * A `soakbench daemon` child process for the quota harness: started on a free port with SOAKBENCH_* settings,
 * spoken to over its HTTP API, stopped with SIGTERM (SIGKILL of its process group if it does not go).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/free-port.js';
import { REPO_ROOT } from './repo-root.js';

export interface QuotaDaemonOptions {
  driverPath: string;
  workloadPath: string;
  bootstrap: string;
  /** More SOAKBENCH_* variables (they win over the defaults set here). */
  env?: Record<string, string>;
  /** The CLI to run (default: this repository's bin/soakbench.js). */
  bin?: string;
}

export interface QuotaDaemon {
  readonly port: number;
  readonly child: ChildProcess;
  /** GET `path`; the parsed JSON body (throws on a non-2xx answer). */
  getJson(path: string): Promise<Record<string, unknown>>;
  /** PUT `path` with a JSON body; the parsed answer (throws on a non-2xx answer). */
  putJson(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** GET /metrics as text. */
  metricsText(): Promise<string>;
  /** Everything the daemon wrote to stderr (its JSON log) so far. */
  log(): string;
  /** SIGTERM, SIGKILL of the group after `graceMs`; resolves once it has exited. Never throws. */
  stop(graceMs?: number): Promise<void>;
}

async function answer(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Spawns the daemon and waits (up to `readyTimeoutMs`) until GET /readyz says it is producing. */
export async function startQuotaDaemon(o: QuotaDaemonOptions, readyTimeoutMs = 60_000): Promise<QuotaDaemon> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [o.bin ?? join(REPO_ROOT, 'bin/soakbench.js'), 'daemon'], {
    env: {
      ...process.env,
      SOAKBENCH_DRIVER: o.driverPath,
      SOAKBENCH_WORKLOAD: o.workloadPath,
      SOAKBENCH_BOOTSTRAP_SERVERS: o.bootstrap,
      SOAKBENCH_HTTP_PORT: String(port),
      SOAKBENCH_LOG_LEVEL: 'info',
      // The controller reads throttle time from librdkafka statistics: once a second, not the default 5 s.
      SOAKBENCH_KAFKA_STATISTICS_INTERVAL_MS: '1000',
      ...o.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own group, so a stuck daemon and its consumer processes go together.
    detached: true,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 4_000_000) stderr = stderr.slice(-2_000_000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const daemon: QuotaDaemon = {
    port,
    child,
    getJson: async (path) => answer(await fetch(base + path), `GET ${path}`),
    putJson: async (path, body) =>
      answer(
        await fetch(base + path, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        `PUT ${path}`,
      ),
    metricsText: async () => {
      const res = await fetch(`${base}/metrics`);
      if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
      return res.text();
    },
    log: () => stderr,
    async stop(graceMs = 30_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (gone) throw new Error(`the daemon exited during start-up:\n${stderr.slice(-4000)}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return daemon;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await daemon.stop(5_000);
      throw new Error(`the daemon was not ready within ${readyTimeoutMs} ms:\n${stderr.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
