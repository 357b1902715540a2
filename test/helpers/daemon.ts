/**
 * Drives a spawned `soakbench daemon` from outside, as an operator does: start it with its own workload
 * file and topic prefix on a port picked free, talk HTTP to it, scrape and parse /metrics, signal the
 * node process itself, and clean up (process group, leftover topics, temp dir) however the test ends.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { BOOTSTRAP, testSettings, uniqueName } from './kafka.js';

/** The repository root (this file runs as dist/test/helpers/daemon.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The published entry point, as a user runs it. */
export const SOAKBENCH_BIN = join(REPO_ROOT, 'bin', 'soakbench.js');
/** The shipped driver for the local broker; its bootstrap is overridden per daemon. */
export const LOCAL_DRIVER = join(REPO_ROOT, 'config', 'drivers', 'kafka-local.yaml');

import { freePort } from './free-port.js';
import { type HttpAnswer, httpRequest, type RequestOptions } from './http.js';

export type { HttpAnswer, RequestOptions };
export { freePort };

/**
 * A daemon workload: one 4-partition topic of 512-byte messages at `producerRate`, one subscription,
 * running forever, named by `topicPrefix` so the test finds (and removes) its own topics.
 */
export function daemonWorkload(
  topicPrefix: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: topicPrefix,
    topics: 1,
    partitionsPerTopic: 4,
    messageSize: 512,
    subscriptionsPerTopic: 1,
    consumerPerSubscription: 1,
    producersPerTopic: 1,
    producerRate: 1000,
    testDurationMinutes: 0,
    warmupDurationMinutes: 0,
    topicPrefix,
    ...overrides,
  };
}

/** Options of startDaemon. */
export interface StartDaemonOptions {
  /** Workload fields over daemonWorkload's (its topicPrefix is set by the helper). */
  workload?: Record<string, unknown>;
  /** Prefix of the topic names (default: a unique name from `label`). */
  topicPrefix?: string;
  /** Used in the unique prefix and temp dir name. */
  label?: string;
  /** Broker for --bootstrap-servers (default SOAKBENCH_TEST_BOOTSTRAP or 127.0.0.1:9092). */
  bootstrap?: string;
  /** SOAKBENCH_* variables for the daemon (the test's own SOAKBENCH_* are not passed on). */
  env?: Record<string, string>;
  /** Extra command-line arguments after the defaults. */
  args?: readonly string[];
  /** --http-host (default: none, the daemon's default 127.0.0.1). */
  httpHost?: string;
}

/** How the daemon process ended. */
export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** When it exited (Date.now()). */
  atMs: number;
}

/** One pino log line of the daemon (stderr). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A running (or exited) daemon. */
export interface DaemonProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly baseUrl: string;
  readonly topicPrefix: string;
  readonly workloadPath: string;
  /** The daemon's temp dir (workload file and anything else the test writes). */
  readonly dir: string;
  readonly bootstrap: string;
  readonly exited: Promise<DaemonExit>;
  /** True until the process has exited. */
  running(): boolean;
  stderr(): string;
  /** The JSON log lines so far. */
  logs(): LogLine[];
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
  /** GET path, JSON body parsed (fails on a non-JSON answer). */
  getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** GET /metrics, parsed. */
  scrape(): Promise<MetricFamilies>;
  /** Waits until /readyz answers 200 (fails at once if the process exits). */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Waits until a log line satisfies `match`. */
  waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Sends `signal` to the node process only (a second SIGTERM must reach it alone, as from `kill`). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM and wait for the exit; SIGKILLs the group and fails after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<DaemonExit>;
  /** Child processes of the daemon (its consumer processes), from /proc. */
  childPids(): number[];
  /** Test cleanup: SIGKILL whatever is left of the group, delete leftover topics, remove the temp dir. */
  dispose(): Promise<void>;
}

/** Output of a daemon for an assertion message. */
export function describeDaemon(d: DaemonProcess): string {
  return `--- daemon pid ${d.pid} port ${d.port} stderr (last 6000 chars) ---\n${d.stderr().slice(-6000)}`;
}

/** The test's environment without its SOAKBENCH_* settings (each daemon gets exactly the ones its test sets). */
function daemonEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('SOAKBENCH_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Parses pino's JSON lines out of stderr (other lines, such as the signal notice, are skipped). */
export function parseLogLines(stderr: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      // A partial line still being written.
    }
  }
  return out;
}

/**
 * Spawns `node bin/soakbench.js daemon` with its own workload file, port and topic prefix. Does not wait
 * for readiness (tests of a broken broker need the daemon unready); call waitReady() when it should be.
 */
export async function startDaemon(options: StartDaemonOptions = {}): Promise<DaemonProcess> {
  const label = options.label ?? 'daemon';
  const topicPrefix = options.topicPrefix ?? uniqueName(`e2e-${label}`);
  const bootstrap = options.bootstrap ?? BOOTSTRAP;
  const dir = mkdtempSync(join(tmpdir(), `soakbench-${label}-`));
  const workloadPath = join(dir, 'workload.yaml');
  writeFileSync(workloadPath, stringify(daemonWorkload(topicPrefix, options.workload)));
  const port = await freePort();
  const args = [
    SOAKBENCH_BIN,
    'daemon',
    '--driver',
    LOCAL_DRIVER,
    '--workload',
    workloadPath,
    '--bootstrap-servers',
    bootstrap,
    '--http-port',
    String(port),
    ...(options.httpHost === undefined ? [] : ['--http-host', options.httpHost]),
    ...(options.args ?? []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: daemonEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own group, so cleanup can SIGKILL the daemon with its consumer processes; tests signal the pid.
    detached: true,
  });
  const pid = child.pid!;
  let out = '';
  let err = '';
  let done = false;
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exited = new Promise<DaemonExit>((resolve) => {
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stderr: err, stdout: out, atMs: Date.now() });
    });
    child.once('error', (e) => {
      done = true;
      err += `\nspawn error: ${e.message}`;
      resolve({ code: null, signal: null, stderr: err, stdout: out, atMs: Date.now() });
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const killGroup = (): void => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  };

  const d: DaemonProcess = {
    pid,
    port,
    baseUrl,
    topicPrefix,
    workloadPath,
    dir,
    bootstrap,
    exited,
    running: () => !done,
    stderr: () => err,
    logs: () => parseLogLines(err),
    request: (method, path, o = {}) => httpRequest(baseUrl, method, path, o),
    async getJson(path) {
      const a = await d.request('GET', path);
      if (a.json === undefined)
        throw new Error(`GET ${path}: ${a.status}, not JSON: ${a.text.slice(0, 200)}`);
      return { status: a.status, body: a.json as Record<string, unknown> };
    },
    async scrape() {
      const a = await d.request('GET', '/metrics', { timeoutMs: 5_000 });
      if (a.status !== 200) throw new Error(`GET /metrics: ${a.status} ${a.text.slice(0, 200)}`);
      return parseMetrics(a.text);
    },
    async waitReady(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (done) throw new Error(`the daemon exited before it was ready\n${describeDaemon(d)}`);
        try {
          const a = await d.request('GET', '/readyz', { timeoutMs: 2_000 });
          if (a.status === 200) return;
          last = `${a.status} ${a.text}`;
        } catch (e) {
          last = (e as Error).message;
        }
        await sleep(200);
      }
      throw new Error(
        `the daemon was not ready within ${timeoutMs} ms (last: ${last})\n${describeDaemon(d)}`,
      );
    },
    async waitForLog(what, match, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = d.logs().find(match);
        if (hit) return hit;
        if (done || Date.now() >= deadline) {
          throw new Error(
            `no log line "${what}" within ${timeoutMs} ms${done ? ' (the daemon exited)' : ''}\n${describeDaemon(d)}`,
          );
        }
        await sleep(100);
      }
    },
    signal(signal) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already.
      }
    },
    async stop(timeoutMs = 30_000) {
      d.signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      const first = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (first === 'late') {
        killGroup();
        await exited;
        throw new Error(`the daemon did not exit within ${timeoutMs} ms of SIGTERM\n${describeDaemon(d)}`);
      }
      return first;
    },
    childPids: () => childPids(pid),
    async dispose() {
      if (!done) {
        // A clean stop deletes the daemon's topics itself; a daemon that does not stop is killed.
        await d.stop(20_000).catch(() => {});
      }
      killGroup();
      const logs = d.logs();
      const count = (msg: string): number => logs.filter((l) => l.msg === msg).length;
      // Every engine logs "topics created" and, on a clean stop, "topics deleted": only a killed or
      // failed daemon leaves topics behind (and one that never reached a broker made none).
      if (count('topics created') <= count('topics deleted')) {
        rmSync(dir, { recursive: true, force: true });
        return;
      }
      try {
        // Also the topics of workloads the test swapped in, named with topicPrefix as their prefix.
        const left = [...(await brokerTopics(bootstrap, 5_000)).keys()].filter((t) =>
          t.startsWith(topicPrefix),
        );
        if (left.length > 0) await deleteTopicsWithPrefix(bootstrap, topicPrefix);
      } catch {
        // The broker is gone (a private one, cleaned already): nothing to delete.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return d;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- /metrics: the Prometheus text format (https://prometheus.io/docs/instrumenting/exposition_formats/) ----

/** One sample line. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family: its # HELP and # TYPE, and the samples that follow them. */
export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: MetricSample[];
}

export type MetricFamilies = Map<string, MetricFamily>;

const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseSample(line: string): MetricSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/.exec(line);
  if (!m) throw new Error(`not a sample line: ${line}`);
  const labels: Record<string, string> = {};
  const body = m[3] ?? '';
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const l = re.exec(body);
    if (!l) throw new Error(`bad labels in: ${line}`);
    labels[l[1]!] = unescapeLabel(l[2]!);
    at = re.lastIndex;
  }
  const raw = m[4]!;
  // Prometheus parses values with Go's ParseFloat, which takes any case of NaN and Inf (prom-client
  // writes "Nan" for an empty event-loop-lag histogram).
  const special = /^([+-]?)(inf|nan)$/i.exec(raw);
  const value = special
    ? special[2]!.toLowerCase() === 'nan'
      ? Number.NaN
      : special[1] === '-'
        ? -Infinity
        : Infinity
    : Number(raw);
  if (Number.isNaN(value) && !special) throw new Error(`bad value in: ${line}`);
  return { name: m[1]!, labels, value };
}

/** Parses the text format into families; a sample belongs to the family whose # TYPE precedes it. */
export function parseMetrics(text: string): MetricFamilies {
  const families: MetricFamilies = new Map();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  let current: MetricFamily | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      current = family(meta[2]!);
      if (meta[1] === 'TYPE') current.type = meta[3]!;
      else current.help = meta[3]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const belongs =
      current !== undefined &&
      (sample.name === current.name ||
        (SUFFIXES[current.type] ?? []).some((s) => sample.name === `${current!.name}${s}`));
    (belongs ? current! : family(sample.name)).samples.push(sample);
  }
  return families;
}

/** The value of the one sample `name` whose labels include `labels`; fails if there is none. */
export function metricValue(
  families: MetricFamilies,
  name: string,
  labels: Record<string, string> = {},
): number {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  throw new Error(`no sample ${name}${JSON.stringify(labels)} in /metrics`);
}

/**
 * Scrapes `name` on `d` every `intervalMs` for `durationMs`. Each point is timed at the middle of its
 * request: the daemon read the value somewhere between sending and answering.
 */
export async function sampleCounter(
  d: DaemonProcess,
  name: string,
  durationMs: number,
  intervalMs = 500,
): Promise<{ atMs: number; value: number }[]> {
  const points: { atMs: number; value: number }[] = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const sentMs = Date.now();
    const value = metricValue(await d.scrape(), name);
    points.push({ atMs: (sentMs + Date.now()) / 2, value });
    await sleep(intervalMs);
  }
  return points;
}

// ---- the broker, seen by clients independent of the daemon ----

/** Runs kcat against `bootstrap`; resolves with its stdout. */
export function kcat(bootstrap: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'kcat',
      ['-b', bootstrap, ...args],
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kcat ${args.join(' ')}: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Topic name → partition count, as `kcat -L` sees the cluster. */
export async function brokerTopics(bootstrap: string, timeoutMs = 30_000): Promise<Map<string, number>> {
  const json = JSON.parse(await kcat(bootstrap, ['-L', '-J', '-m', '10'], timeoutMs)) as {
    topics: { topic: string; partitions: unknown[] }[];
  };
  return new Map(json.topics.map((t) => [t.topic, t.partitions.length]));
}

/** Topics created by a daemon with this prefix (`<prefix>-sb-<8 hex>-<i>`). */
export async function topicsWithPrefix(
  bootstrap: string,
  prefix: string,
  timeoutMs = 30_000,
): Promise<string[]> {
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-sb-[0-9a-f]{8}-\\d+$`);
  return [...(await brokerTopics(bootstrap, timeoutMs)).keys()].filter((t) => re.test(t)).sort();
}

/** Sum of the end offsets of every partition of `topic` (kcat -Q with timestamp -1: the log end). */
export async function topicEndOffset(bootstrap: string, topic: string, partitions: number): Promise<number> {
  const args = ['-Q', '-J'];
  for (let p = 0; p < partitions; p++) args.push('-t', `${topic}:${p}:-1`);
  const json = JSON.parse(await kcat(bootstrap, args)) as Record<string, Record<string, unknown>>;
  let sum = 0;
  for (const [key, value] of Object.entries(json[topic] ?? {})) {
    if (/^\d+$/.test(key)) sum += (value as { offset: number }).offset;
  }
  return sum;
}

/** Deletes the topics whose names start with `prefix` (leftovers of a killed daemon). */
export async function deleteTopicsWithPrefix(bootstrap: string, prefix: string): Promise<void> {
  // Imported here: unit tests use this file's metric parser without loading the Kafka client.
  const { kafkaDriverFactory } = await import('../../src/driver/driver-factories.js');
  const settings = testSettings();
  const admin = kafkaDriverFactory
    .create(
      { ...settings, admin: { ...settings.admin, 'bootstrap.servers': bootstrap } },
      { connectTimeoutMs: 5_000, operationTimeoutMs: 10_000 },
    )
    .admin();
  try {
    const names = (await admin.listTopics()).filter((n) => n.startsWith(prefix));
    if (names.length > 0) await admin.deleteTopics(names);
  } finally {
    await admin.close();
  }
}

// ---- processes (Linux /proc) ----

import { childPids, isAlive } from './cli.js';

export { childPids, isAlive };

/** Resident set size of `pid` in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}
