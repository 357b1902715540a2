/**
 * What the fault tests share: driver and workload files for a private broker, a spawned `soakbench
 * daemon` driven over HTTP, readers of /metrics, and a watcher that polls /healthz and /readyz while a
 * fault is injected.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateBroker } from '../../helpers/broker.js';
import { type CliProcess, describeOutput, startCli, writeWorkload } from '../../helpers/cli.js';
import { freePort, kcat } from '../../helpers/daemon.js';
import { within } from '../../helpers/wait.js';

/**
 * Last resort for a test process that ends without `broker.clean()` (an uncaught error, process.exit):
 * the broker runs in a session of its own (setsid) and would outlive the test, holding its ports.
 * Returns the function that disarms it (call it after clean()).
 */
export function killBrokerOnExit(broker: PrivateBroker): () => void {
  const onExit = (): void => {
    try {
      const pid = Number(readFileSync(`${broker.dir}/kafka.pid`, 'utf8').trim());
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(broker.dir)) process.kill(pid, 'SIGKILL');
    } catch {
      // No broker of ours left.
    }
    rmSync(broker.dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

/**
 * Freezes the broker (SIGSTOP: the process stays, its sockets stay open, nothing answers, as in a long
 * GC pause or a hung disk) for `ms`, then thaws it (SIGCONT), whatever happens meanwhile.
 */
export async function freezeBroker(broker: PrivateBroker, ms: number): Promise<void> {
  const pid = await broker.pid();
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** Messages in each partition of `topic` now: its end offsets (kcat -Q; a test's topic is never trimmed). */
export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<number[]> {
  const specs = Array.from({ length: partitions }, (_, p) => ['-t', `${topic}:${p}:-1`]).flat();
  // One line per partition: "<topic> [<partition>] offset <end offset>".
  const out = await kcat(bootstrap, ['-Q', ...specs]);
  const offsets = new Array<number>(partitions).fill(Number.NaN);
  for (const m of out.matchAll(/^(\S+) \[(\d+)\] offset (-?\d+)$/gm)) {
    if (m[1] === topic) offsets[Number(m[2])] = Number(m[3]);
  }
  if (offsets.some((o) => !Number.isInteger(o) || o < 0)) {
    throw new Error(`kcat -Q: no end offset for every partition of ${topic}:\n${out}`);
  }
  return offsets;
}

/** Writes an OMB driver file whose producerConfig is exactly `producerConfig` (Java property lines). */
export function writeDriver(dir: string, name: string, producerConfig: readonly string[]): string {
  const path = join(dir, `${name}.yaml`);
  const block = (lines: readonly string[]): string => lines.map((l) => `  ${l}`).join('\n');
  writeFileSync(
    path,
    [
      `name: ${name}`,
      'driverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver',
      'replicationFactor: 1',
      'topicConfig: |',
      '  min.insync.replicas=1',
      'commonConfig: |',
      // Overridden by --bootstrap-servers; present because OMB driver files always carry it.
      '  bootstrap.servers=127.0.0.1:9092',
      'producerConfig: |',
      block(['linger.ms=1', ...producerConfig]),
      'consumerConfig: |',
      block(['auto.offset.reset=earliest', 'enable.auto.commit=false']),
      '',
    ].join('\n'),
  );
  return path;
}

/** A daemon workload: one topic of `partitions`, 1 KiB, one subscription, fixed `rate`, forever. */
export function writeFaultWorkload(dir: string, topicPrefix: string, rate: number, partitions = 4): string {
  return writeWorkload(dir, `${topicPrefix}.yaml`, {
    name: topicPrefix,
    topics: 1,
    partitionsPerTopic: partitions,
    messageSize: 1024,
    subscriptionsPerTopic: 1,
    consumerPerSubscription: 1,
    producersPerTopic: 1,
    producerRate: rate,
    testDurationMinutes: 0,
    warmupDurationMinutes: 0,
    topicPrefix,
  });
}

/** The parts of GET /status the fault tests read. */
export interface DaemonStatus {
  state: string;
  workload: { topics: string[] };
  totals: {
    messagesSent: number;
    sendErrors: number;
    sendErrorsByReason: Record<string, number>;
    messagesReceived: number;
    inFlight: number;
    backlog: number;
  };
  integrity: { lost: number; duplicated: number; outOfOrder: number; late: number; undecidedGaps: number };
  lastErrors: { time: string; message: string }[];
}

/** A spawned daemon on a free port. */
export interface FaultDaemon {
  readonly url: string;
  readonly cli: CliProcess;
  get(path: string): Promise<{ status: number; text: string }>;
  post(path: string): Promise<{ status: number; text: string }>;
  status(): Promise<DaemonStatus>;
  metrics(): Promise<string>;
  /** SIGTERM to the node process itself (not its group); resolves with its exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Output for assertion messages. */
  output(): string;
}

/**
 * Starts `soakbench daemon` against `bootstrap` and waits (bounded) until /readyz answers 200.
 * Topics are kept (counted with kcat afterwards; the private broker's clean removes them) and gaps
 * older than `lateAfterMs` are judged.
 */
export async function startFaultDaemon(o: {
  driver: string;
  workload: string;
  bootstrap: string;
  lateAfterMs?: number;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<FaultDaemon> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cli = startCli(
    [
      'daemon',
      '--driver',
      o.driver,
      '--workload',
      o.workload,
      '--bootstrap-servers',
      o.bootstrap,
      '--http-port',
      String(port),
    ],
    {
      env: {
        ...process.env,
        SOAKBENCH_LOG_LEVEL: 'info',
        SOAKBENCH_TOPICS_CLEANUP: 'false',
        SOAKBENCH_LATE_AFTER_MS: String(o.lateAfterMs ?? 5_000),
        ...o.env,
      },
    },
  );
  const request = async (method: string, path: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${url}${path}`, { method, signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text() };
  };
  const daemon: FaultDaemon = {
    url,
    cli,
    get: (path) => request('GET', path),
    post: (path) => request('POST', path),
    async status() {
      return JSON.parse((await request('GET', '/status')).text) as DaemonStatus;
    },
    async metrics() {
      return (await request('GET', '/metrics')).text;
    },
    async stop(timeoutMs = 60_000) {
      cli.child.kill('SIGTERM');
      const outcome = await within('daemon exit after SIGTERM', cli.exited, timeoutMs);
      return outcome.code;
    },
    output: () => describeOutput(cli.stdout(), cli.stderr()),
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  for (;;) {
    const ready = await request('GET', '/readyz').catch(() => undefined);
    if (ready?.status === 200) return daemon;
    if (Date.now() > deadline) {
      cli.kill();
      await cli.exited;
      throw new Error(`daemon not ready within the bound: ${ready?.text}\n${daemon.output()}`);
    }
    const exited = await Promise.race([cli.exited, new Promise((r) => setTimeout(r, 250, undefined))]);
    if (exited) throw new Error(`the daemon exited during start-up\n${daemon.output()}`);
  }
}

/** Sum of a metric's series whose labels include `labels` (`{le="2.5"}` style text, or none). */
export function metricValue(text: string, name: string, labels = ''): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labels !== '' && !rest.includes(labels)) continue;
    sum += Number(rest.slice(rest.lastIndexOf(' ') + 1));
    found = true;
  }
  if (!found) throw new Error(`no ${name}${labels ? ` with ${labels}` : ''} in /metrics`);
  return sum;
}

/** Observations of /healthz and /readyz polled every `intervalMs` until stopped. */
export interface HealthLog {
  /** Polls of /healthz that did not answer 200 (or failed), with the time and what came back. */
  healthFailures: { atMs: number; what: string }[];
  healthPolls: number;
  /** Every change of /readyz's status code, in order, with its body. */
  readyChanges: { atMs: number; status: number; body: string }[];
  /** Times the daemon process was found not alive. */
  deadPolls: number;
  stop(): Promise<void>;
}

export function watchHealth(daemon: FaultDaemon, intervalMs = 200): HealthLog {
  let running = true;
  const log: HealthLog = {
    healthFailures: [],
    healthPolls: 0,
    readyChanges: [],
    deadPolls: 0,
    stop: async () => {
      running = false;
      await loop;
    },
  };
  const loop = (async () => {
    while (running) {
      const atMs = Date.now();
      if (daemon.cli.child.exitCode !== null || daemon.cli.child.signalCode !== null) log.deadPolls++;
      const health = await daemon.get('/healthz').catch((e: Error) => ({ status: 0, text: e.message }));
      log.healthPolls++;
      if (health.status !== 200) log.healthFailures.push({ atMs, what: `${health.status} ${health.text}` });
      const ready = await daemon.get('/readyz').catch((e: Error) => ({ status: 0, text: e.message }));
      const last = log.readyChanges[log.readyChanges.length - 1];
      if (last?.status !== ready.status)
        log.readyChanges.push({ atMs, status: ready.status, body: ready.text });
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return log;
}

/**
 * Pauses producing and waits (bounded) until nothing is in flight and the acknowledged count has stopped
 * changing; resolves with that count.
 */
export async function pauseAndSettle(daemon: FaultDaemon, timeoutMs = 30_000): Promise<number> {
  const paused = await daemon.post('/pause');
  if (paused.status !== 200) throw new Error(`POST /pause: ${paused.status} ${paused.text}`);
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const s = await daemon.status();
    if (s.totals.messagesSent !== last) {
      last = s.totals.messagesSent;
      stableSince = Date.now();
    }
    if (s.totals.inFlight === 0 && Date.now() - stableSince >= 2_000) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `after pause: still ${s.totals.inFlight} in flight or acks changing after ${timeoutMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits (bounded) until `read()` returns a value that stays the same for `stableMs`; resolves with it. */
export async function waitStable<T>(
  what: string,
  read: () => Promise<T>,
  stableMs: number,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(await read());
  let value: T;
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
    const now = JSON.stringify(value);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) {
      return value;
    }
    if (Date.now() > deadline) throw new Error(`${what} still changing after ${timeoutMs} ms (last ${now})`);
  }
}
