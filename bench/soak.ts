/**
 * Long-run soak of the built daemon at a fixed rate: does memory grow, does the rate hold, does the
 * event loop stay responsive, does the integrity checker stay at zero, and does SIGTERM end it cleanly?
 *
 * Runs `node bin/soakbench.js daemon` (configured through SOAKBENCH_* environment variables, as a
 * container would be) with one topic of 8 partitions, 1 KiB messages, one subscription, producerRate =
 * --rate, and samples every --sample-seconds: the daemon's RSS (/proc/<pid>/status VmRSS, and its anonymous
 * and file-backed parts, RssAnon and RssFile: a step in the first is allocated memory, in the second pages of
 * the node binary and libraries), the same summed over its consumer child processes (`pgrep -P <pid>`), heap used, external memory and event-loop lag p99
 * (prom-client's default metrics) and messages acknowledged (soakbench_messages_sent_total) from /metrics.
 * Once a minute it also reads the child processes' V8 heap from outside: the daemon runs with Node's
 * `--report-on-signal` (in NODE_OPTIONS, which its children inherit), the bench sends each child SIGUSR2 and
 * reads `javascriptHeap.usedMemory` and `externalMemory` from the diagnostic report it writes. The
 * latency histograms are fixed-size and live outside the V8 heap (typed arrays in the daemon's process,
 * WebAssembly memory in the child processes), counted in external memory, so a flat external-memory line
 * is the histograms' memory not growing.
 *
 * At the end: least-squares slopes (MB per hour) of RSS and heap over the samples after the warm-up,
 * the achieved rate per window relative to the target (min, p1, p50, p99, max), the integrity counters,
 * the event-loop lag, and the daemon's exit code after SIGTERM.
 *
 * With --kafka-dir DIR (a cluster started by `scripts/kafka.sh up`, e.g. `make kafka-up KAFKA_BROKERS=3
 * KAFKA_DIR=DIR`), the bench connects to every broker of that cluster, creates its topic with replication
 * factor min(3, brokers) and min.insync.replicas=2 (acks=all, idempotence), and with
 * --restart-every-minutes M rolls the cluster every M minutes: each broker in turn is stopped cleanly
 * (`scripts/kafka.sh stop-broker N`), left down --down-seconds, started again, and waited for until it is
 * back in the ISR of every partition (kcat) before the next. The restart windows are reported, and the
 * slopes are also given over the last hour alone. --consumer-config K=V (repeatable) adds a consumer property
 * to that cluster's driver file (e.g. queued.max.messages.kbytes=16384, to bound the consumer's prefetch).
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/soak.js [--minutes 30] [--rate 5000]
 *      [--sample-seconds 10] [--warmup-minutes 2] [--bootstrap 127.0.0.1:9092] [--json FILE]
 *      [--kafka-dir DIR [--restart-every-minutes 30] [--down-seconds 20] [--consumer-config K=V ...]]
 * Prints a markdown section for bench/RESULTS.md on stdout; progress goes to stderr.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { replicatedDriverYaml, waitInIsr } from '../test/helpers/cluster.js';
import { freePort } from '../test/helpers/free-port.js';
import { benchArgs, COMMON_OPTIONS, splitArgs } from './lib/bench-args.js';
import { REPO_ROOT } from './lib/repo-root.js';
import { grouped, markdownTable } from './lib/summary.js';

const args = benchArgs('soak', {
  ...COMMON_OPTIONS,
  minutes: { type: 'string', default: '30' },
  rate: { type: 'string', default: '5000' },
  'sample-seconds': { type: 'string', default: '10' },
  'warmup-minutes': { type: 'string', default: '2' },
  'kafka-dir': { type: 'string' },
  'restart-every-minutes': { type: 'string' },
  'down-seconds': { type: 'string', default: '20' },
  'consumer-config': { type: 'string', multiple: true },
});

const minutes = Number(args.minutes);
const rate = Number(args.rate);
const sampleMs = Number(args['sample-seconds']) * 1000;
const warmupMs = Number(args['warmup-minutes']) * 60_000;
const restartEveryMs = args['restart-every-minutes'] ? Number(args['restart-every-minutes']) * 60_000 : 0;
const downMs = Number(args['down-seconds']) * 1000;
if (restartEveryMs && !args['kafka-dir']) {
  process.stderr.write('soak: --restart-every-minutes needs --kafka-dir (the cluster to roll)\n');
  process.exit(2);
}
for (const [name, v] of [
  ['--minutes', minutes],
  ['--rate', rate],
  ['--sample-seconds', sampleMs],
  ['--down-seconds', downMs],
  ['--restart-every-minutes', restartEveryMs || 1],
] as const) {
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`soak: ${name} must be a positive number\n`);
    process.exit(2);
  }
}

const log = (line: string): void => {
  process.stderr.write(`[soak ${new Date().toISOString()}] ${line}\n`);
};

/** One sample of the daemon, taken every sampleMs. */
interface Sample {
  /** Milliseconds since the daemon became ready. */
  tMs: number;
  daemonRssBytes: number;
  consumerRssBytes: number;
  /** The anonymous and file-backed parts of those (RssAnon, RssFile): a step in the first is allocated memory. */
  daemonRssAnonBytes: number;
  daemonRssFileBytes: number;
  consumerRssAnonBytes: number;
  consumerRssFileBytes: number;
  consumerProcesses: number;
  heapUsedBytes: number;
  /** The daemon's external memory (ArrayBuffers: where its histograms' typed arrays live). */
  externalBytes: number;
  /** Summed V8 heap used / external memory of the child processes (diagnostic reports, once a minute). */
  childHeapUsedBytes?: number;
  childExternalBytes?: number;
  eventLoopLagP99Seconds: number;
  messagesSent: number;
  /** Integrity counters so far (lost, duplicated, out of order): when did any move? */
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Achieved msg/s since the previous sample (undefined for the first). */
  windowRate?: number;
}

/**
 * Resident memory of a process in bytes (/proc/PID/status): VmRSS, and its anonymous part (heaps, malloc arenas,
 * librdkafka's buffers) and file-backed part (pages of the node binary and libraries); zeros once it is gone.
 */
function rss(pid: number): { total: number; anon: number; file: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { total: kib('VmRSS') * 1024, anon: kib('RssAnon') * 1024, file: kib('RssFile') * 1024 };
  } catch {
    return { total: 0, anon: 0, file: 0 };
  }
}

/** The sum of `rss` over processes. */
function rssOf(pids: readonly number[]): { total: number; anon: number; file: number } {
  const sum = { total: 0, anon: 0, file: 0 };
  for (const p of pids) {
    const r = rss(p);
    sum.total += r.total;
    sum.anon += r.anon;
    sum.file += r.file;
  }
  return sum;
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * Asks each child for a diagnostic report (SIGUSR2, see --report-on-signal below) and sums the V8 heap used
 * and external memory the reports give; undefined if any child did not write one within 5 s.
 */
async function childHeaps(
  pids: number[],
  dir: string,
): Promise<{ heap: number; external: number } | undefined> {
  if (pids.length === 0) return undefined;
  let heap = 0;
  let external = 0;
  for (const child of pids) {
    const before = new Set(readdirSync(dir));
    try {
      process.kill(child, 'SIGUSR2');
    } catch {
      return undefined;
    }
    const deadline = Date.now() + 5_000;
    let file: string | undefined;
    while (!file && Date.now() < deadline) {
      await sleep(100);
      file = readdirSync(dir).find((f) => !before.has(f) && f.includes(`.${child}.`) && f.endsWith('.json'));
    }
    if (!file) return undefined;
    // The report is written in one go, but give a half-written file one more chance.
    let report: { javascriptHeap?: { usedMemory?: number; externalMemory?: number } } | undefined;
    for (let i = 0; i < 3 && !report; i++) {
      try {
        report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch {
        await sleep(200);
      }
    }
    rmSync(join(dir, file), { force: true });
    if (!report?.javascriptHeap?.usedMemory) return undefined;
    heap += report.javascriptHeap.usedMemory;
    external += report.javascriptHeap.externalMemory ?? 0;
  }
  return { heap, external };
}

async function fetchText(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Sum of every series of `name` (unlabelled or labelled) in Prometheus text; NaN when absent. */
function metric(text: string, name: string): number {
  let sum = Number.NaN;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    sum = Number.isNaN(sum) ? value : sum + value;
  }
  return sum;
}

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Nearest-rank percentile of a sorted list. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const execFileAsync = promisify(execFile);
/** Partitions of the soak's one topic. */
const PARTITIONS = 8;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

/** The cluster `scripts/kafka.sh up` recorded in KAFKA_DIR/cluster.env: its size and first port. */
function readCluster(dir: string): { brokers: number; port: number } {
  const text = readFileSync(join(dir, 'cluster.env'), 'utf8');
  const value = (name: string): number => {
    const m = new RegExp(`^${name}=['"]?(\\d+)`, 'm').exec(text);
    if (!m) throw new Error(`${dir}/cluster.env: no ${name}`);
    return Number(m[1]);
  };
  return { brokers: value('KAFKA_BROKERS'), port: value('KAFKA_PORT') };
}

const kafkaDir = args['kafka-dir'];
const cluster = kafkaDir ? readCluster(kafkaDir) : undefined;
const bootstrap = cluster
  ? Array.from({ length: cluster.brokers }, (_, i) => `127.0.0.1:${cluster.port + i}`).join(',')
  : args.bootstrap;
const replication = cluster ? Math.min(3, cluster.brokers) : 1;
if (restartEveryMs && replication < 2) {
  process.stderr.write('soak: a rolling restart needs at least 2 brokers\n');
  process.exit(2);
}

/** Runs scripts/kafka.sh on the bench's cluster; rejects with its output on failure. */
async function kafkaSh(...cmd: string[]): Promise<void> {
  const r = await execFileAsync(join(REPO_ROOT, 'scripts/kafka.sh'), cmd, {
    env: { ...process.env, KAFKA_DIR: kafkaDir },
    timeout: 180_000,
  });
  const said = `${r.stdout}${r.stderr}`.trim().split('\n');
  log(`kafka.sh ${cmd.join(' ')}: ${said[said.length - 1] ?? ''}`);
}

/** One broker's stop and start during a rolling restart, in ms since the daemon became ready. */
interface RestartWindow {
  broker: number;
  stopAtMs: number;
  startAtMs: number;
  inIsrAtMs: number;
}

const work = await mkdtemp(join(tmpdir(), 'bench-soak-'));
const workloadPath = join(work, 'soak.yaml');
const topicPrefix = `soak-${Date.now().toString(36)}`;
await writeFile(
  workloadPath,
  [
    `name: soak ${rate} msg/s`,
    'topics: 1',
    `partitionsPerTopic: ${PARTITIONS}`,
    'messageSize: 1024',
    'useRandomizedPayloads: true',
    'randomBytesRatio: 0.5',
    'randomizedPayloadPoolSize: 1000',
    'subscriptionsPerTopic: 1',
    'consumerPerSubscription: 1',
    'producersPerTopic: 1',
    `producerRate: ${rate}`,
    'consumerBacklogSizeGB: 0',
    'testDurationMinutes: 0',
    'warmupDurationMinutes: 0',
    `topicPrefix: ${topicPrefix}`,
    '',
  ].join('\n'),
);
let driverPath: string | undefined;
if (cluster) {
  driverPath = join(work, 'driver.yaml');
  const consumerLines = (args['consumer-config'] ?? []).map((kv) => `  ${kv}\n`).join('');
  await writeFile(driverPath, replicatedDriverYaml('soak-cluster', bootstrap, replication) + consumerLines);
}
const port = await freePort();
const daemonLog = join(work, 'daemon.log');
const startedAt = new Date();
const loadBefore = loadavg();
log(`daemon on port ${port}, ${grouped(rate)} msg/s for ${minutes} min; its log: ${daemonLog}`);

const logStream = createWriteStream(daemonLog);
const reportDir = join(work, 'reports');
mkdirSync(reportDir);
const daemon = spawn(
  process.execPath,
  [...splitArgs(args['node-args']), args.bin ?? join(REPO_ROOT, 'bin/soakbench.js'), 'daemon'],
  {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SOAKBENCH_HTTP_PORT: String(port),
      SOAKBENCH_WORKLOAD: workloadPath,
      SOAKBENCH_BOOTSTRAP_SERVERS: bootstrap,
      ...(driverPath ? { SOAKBENCH_DRIVER: driverPath } : {}),
      SOAKBENCH_LOG_LEVEL: 'warn',
      // Lets the bench read the child processes' V8 heap (see childHeaps); inherited by the children.
      NODE_OPTIONS: [
        process.env.NODE_OPTIONS ?? '',
        '--report-on-signal --report-signal=SIGUSR2 --report-compact',
        `--report-directory=${reportDir}`,
      ]
        .join(' ')
        .trim(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
daemon.stdout.pipe(logStream);
daemon.stderr.pipe(logStream);
const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
  daemon.once('exit', (code, signal) => resolve({ code, signal })),
);
let daemonExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
void exited.then((e) => {
  daemonExit = e;
});
const pid = daemon.pid!;
const base = `http://127.0.0.1:${port}`;

/** Stops the daemon with SIGTERM and waits (bounded) for its exit. */
async function stopDaemon(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const t0 = Date.now();
  if (daemonExit) return { ...daemonExit, ms: 0 };
  daemon.kill('SIGTERM');
  const outcome = await Promise.race([exited, sleep(90_000).then(() => undefined)]);
  if (!outcome) {
    log('the daemon did not exit within 90 s of SIGTERM: SIGKILL');
    daemon.kill('SIGKILL');
    return { ...(await exited), ms: Date.now() - t0 };
  }
  return { ...outcome, ms: Date.now() - t0 };
}

process.once('SIGINT', () => {
  daemon.kill('SIGTERM');
  process.exit(130);
});

const samples: Sample[] = [];
const restarts: RestartWindow[] = [];
const scrapeFailures: { tMs: number; what: string }[] = [];
let restartError: string | undefined;

/** The topic the daemon created for the workload (its name starts with the workload's prefix). */
async function findTopic(prefix: string): Promise<string> {
  const text = (await execFileAsync('kcat', ['-b', bootstrap, '-L'], { timeout: 30_000 })).stdout;
  const m = new RegExp(`topic "(${prefix}[^"]*)"`).exec(text);
  if (!m) throw new Error(`no topic ${prefix}* in the cluster's metadata`);
  return m[1]!;
}

/** Rolls the cluster every restartEveryMs until endMs (none starts in the last restart period's half). */
async function rollingRestarts(t0: number, endMs: number, alive: () => boolean): Promise<void> {
  const topic = await findTopic(topicPrefix);
  for (let k = 1; t0 + k * restartEveryMs < endMs - restartEveryMs / 2; k++) {
    while (alive() && Date.now() < t0 + k * restartEveryMs) await sleep(1_000);
    if (!alive()) return;
    log(`rolling restart ${k} of the ${cluster!.brokers} brokers`);
    for (let n = 1; n <= cluster!.brokers && alive(); n++) {
      const stopAtMs = Date.now() - t0;
      await kafkaSh('stop-broker', String(n));
      await sleep(downMs);
      await kafkaSh('start-broker', String(n));
      const startAtMs = Date.now() - t0;
      await waitInIsr(bootstrap, topic, n, PARTITIONS, 300_000);
      const w = { broker: n, stopAtMs, startAtMs, inIsrAtMs: Date.now() - t0 };
      restarts.push(w);
      log(
        `broker ${n}: down ${((startAtMs - stopAtMs) / 1000).toFixed(0)} s, in every ISR ${((w.inIsrAtMs - startAtMs) / 1000).toFixed(0)} s later`,
      );
    }
  }
}
let finalMetrics = '';
let stop: { code: number | null; signal: NodeJS.Signals | null; ms: number };
try {
  const readyDeadline = Date.now() + 120_000;
  for (;;) {
    if (daemonExit) throw new Error(`the daemon exited during start-up (${JSON.stringify(daemonExit)})`);
    const r = await fetchText(`${base}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > readyDeadline) throw new Error(`not ready within 120 s: ${r?.body ?? 'no answer'}`);
    await sleep(500);
  }
  const t0 = Date.now();
  const endMs = t0 + minutes * 60_000;
  let next = t0;
  let running = true;
  const rolling = restartEveryMs
    ? rollingRestarts(t0, endMs, () => running && !daemonExit).catch((e: Error) => {
        restartError = e.message;
        log(`rolling restart failed: ${e.message}`);
      })
    : Promise.resolve();
  while (next <= endMs) {
    await sleep(Math.max(0, next - Date.now()));
    if (daemonExit) throw new Error(`the daemon exited during the run (${JSON.stringify(daemonExit)})`);
    // A scrape that fails or takes over 5 s is a finding (Prometheus's own timeout is 10 s), not the
    // end of the soak: count it, say when, and go on.
    const scrapeStart = Date.now();
    const scraped = await fetchText(`${base}/metrics`).catch((e: Error) => e);
    if (scraped instanceof Error || scraped.status !== 200) {
      const what = scraped instanceof Error ? scraped.message : `HTTP ${scraped.status}`;
      scrapeFailures.push({ tMs: scrapeStart - t0, what });
      log(`/metrics failed after ${Date.now() - scrapeStart} ms: ${what}`);
      next += sampleMs;
      continue;
    }
    const text = scraped.body;
    const tMs = Date.now() - t0;
    const children = childPids(pid);
    const s: Sample = {
      tMs,
      ...(() => {
        const d = rss(pid);
        const c = rssOf(children);
        return {
          daemonRssBytes: d.total,
          daemonRssAnonBytes: d.anon,
          daemonRssFileBytes: d.file,
          consumerRssBytes: c.total,
          consumerRssAnonBytes: c.anon,
          consumerRssFileBytes: c.file,
        };
      })(),
      consumerProcesses: children.length,
      heapUsedBytes: metric(text, 'nodejs_heap_size_used_bytes'),
      externalBytes: metric(text, 'nodejs_external_memory_bytes'),
      eventLoopLagP99Seconds: metric(text, 'nodejs_eventloop_lag_p99_seconds'),
      messagesSent: metric(text, 'soakbench_messages_sent_total'),
      lost: metric(text, 'soakbench_messages_lost_total'),
      duplicated: metric(text, 'soakbench_messages_duplicated_total'),
      outOfOrder: metric(text, 'soakbench_messages_out_of_order_total'),
    };
    if (samples.length % 6 === 0) {
      const heaps = await childHeaps(children, reportDir);
      if (heaps) {
        s.childHeapUsedBytes = heaps.heap;
        s.childExternalBytes = heaps.external;
      }
    }
    const prev = samples[samples.length - 1];
    if (prev) s.windowRate = ((s.messagesSent - prev.messagesSent) * 1000) / (s.tMs - prev.tMs);
    samples.push(s);
    finalMetrics = text;
    if (samples.length % 6 === 1) {
      // Keep what was measured so far on disk: a soak of hours should not be lost to one late failure.
      if (args.json)
        await writeFile(args.json, JSON.stringify({ partial: true, samples, restarts, scrapeFailures }));
      log(
        `t=${(tMs / 60_000).toFixed(1)} min rss=${(s.daemonRssBytes / MB).toFixed(0)} MB ` +
          `consumers=${(s.consumerRssBytes / MB).toFixed(0)} MB (${s.consumerProcesses}) ` +
          `heap=${(s.heapUsedBytes / MB).toFixed(0)} MB ext=${(s.externalBytes / MB).toFixed(0)} MB ` +
          `child heap=${s.childHeapUsedBytes === undefined ? '-' : (s.childHeapUsedBytes / MB).toFixed(0)} MB rate=${s.windowRate?.toFixed(0) ?? '-'} ` +
          `lag99=${(s.eventLoopLagP99Seconds * 1000).toFixed(1)} ms`,
      );
    }
    next += sampleMs;
  }
  running = false;
  await rolling;
} finally {
  stop = await stopDaemon();
  logStream.end();
}

const steady = samples.filter((s) => s.tMs >= warmupMs);
const slopeOver = (set: Sample[], pick: (s: Sample) => number | undefined): number => {
  const measured = set.filter((s) => pick(s) !== undefined);
  return (
    slope(
      measured.map((s) => s.tMs / 3_600_000),
      measured.map((s) => pick(s)!),
    ) / MB
  );
};
const slopeOf = (pick: (s: Sample) => number | undefined): number => slopeOver(steady, pick);
const lastT = samples[samples.length - 1]?.tMs ?? 0;
const lastHour = samples.filter((s) => s.tMs >= Math.max(warmupMs, lastT - 3_600_000));
const lastHourSlope = (pick: (s: Sample) => number | undefined): number => slopeOver(lastHour, pick);
const firstWith = (pick: (s: Sample) => number | undefined): number | undefined =>
  steady.map(pick).find((v) => v !== undefined);
const lastWith = (pick: (s: Sample) => number | undefined): number | undefined =>
  steady.map(pick).findLast((v) => v !== undefined);
const windows = samples
  .filter((s) => s.windowRate !== undefined)
  .map((s) => s.windowRate! / rate)
  .sort((a, b) => a - b);
const lags = samples.map((s) => s.eventLoopLagP99Seconds * 1000).sort((a, b) => a - b);
const integrity = {
  lost: metric(finalMetrics, 'soakbench_messages_lost_total'),
  duplicated: metric(finalMetrics, 'soakbench_messages_duplicated_total'),
  outOfOrder: metric(finalMetrics, 'soakbench_messages_out_of_order_total'),
  late: metric(finalMetrics, 'soakbench_messages_late_total'),
  sendErrors: metric(finalMetrics, 'soakbench_send_errors_total'),
};
const last = steady[steady.length - 1];
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const mb = (b: number | undefined): string => (b === undefined ? '-' : (b / MB).toFixed(1));
/** A row of the memory table: after warm-up, at the end, slope after warm-up, slope over the last hour. */
const memoryRow = (label: string, pick: (s: Sample) => number | undefined): string[] => [
  label,
  mb(firstWith(pick)),
  mb(lastWith(pick)),
  slopeOf(pick).toFixed(2),
  lastHourSlope(pick).toFixed(2),
];

const out: string[] = [];
out.push(`### Soak: ${grouped(rate)} msg/s for ${minutes} min (${startedAt.toISOString()})`);
out.push('');
out.push(
  `Command: \`node dist/bench/soak.js ${process.argv
    .slice(2)
    .map((a) => (a === kafkaDir ? 'DIR' : a))
    .join(' ')}\` (1 topic, 8 partitions, 1 KiB, ` +
    `1 subscription, acks=all, linger.ms=1, replication factor ${replication}; brokers ${bootstrap}). Samples every ${sampleMs / 1000} s: ` +
    `${samples.length}; slopes over the ${steady.length} after ${warmupMs / 60_000} min of warm-up. ` +
    `Load average before: ${loadBefore.map((l) => l.toFixed(2)).join(', ')}.`,
);
out.push('');
out.push(
  markdownTable(
    [
      'measure',
      'after warm-up',
      'at the end',
      'slope after warm-up (MB/h)',
      'slope over the last hour (MB/h)',
    ],
    [
      memoryRow('daemon RSS (MB)', (s) => s.daemonRssBytes),
      memoryRow('daemon RSS, anonymous part (MB)', (s) => s.daemonRssAnonBytes),
      memoryRow('daemon RSS, file-backed part (MB)', (s) => s.daemonRssFileBytes),
      memoryRow(
        `consumer processes RSS (MB, ${last?.consumerProcesses ?? 0} processes)`,
        (s) => s.consumerRssBytes,
      ),
      memoryRow('consumer processes RSS, anonymous part (MB)', (s) => s.consumerRssAnonBytes),
      memoryRow('consumer processes RSS, file-backed part (MB)', (s) => s.consumerRssFileBytes),
      memoryRow('daemon heap used (MB)', (s) => s.heapUsedBytes),
      memoryRow('daemon external memory (MB; the histograms, buffers)', (s) => s.externalBytes),
      memoryRow(
        'consumer processes heap used (MB, diagnostic report once a minute)',
        (s) => s.childHeapUsedBytes,
      ),
      memoryRow('consumer processes external memory (MB)', (s) => s.childExternalBytes),
    ],
  ),
);
out.push('');
out.push(
  markdownTable(
    ['achieved / target per window', 'min', 'p1', 'p50', 'p99', 'max'],
    [
      [
        `${windows.length} windows of ${sampleMs / 1000} s`,
        ...[0, 1, 50, 99, 100].map((p) => pct(percentile(windows, p))),
      ],
    ],
  ),
);
out.push('');
out.push(
  markdownTable(
    [
      'lost',
      'duplicated',
      'out of order',
      'late',
      'send errors',
      'event-loop lag p99 (median / max of windows)',
    ],
    [
      [
        String(integrity.lost),
        String(integrity.duplicated),
        String(integrity.outOfOrder),
        String(integrity.late),
        String(integrity.sendErrors),
        `${percentile(lags, 50).toFixed(1)} ms / ${percentile(lags, 100).toFixed(1)} ms`,
      ],
    ],
  ),
);
out.push('');
if (restartEveryMs) {
  const min = (ms: number): string => (ms / 60_000).toFixed(1);
  out.push(
    markdownTable(
      ['broker', 'stopped at (min)', 'started at (min)', 'down (s)', 'back in every ISR after (s)'],
      restarts.map((w) => [
        String(w.broker),
        min(w.stopAtMs),
        min(w.startAtMs),
        ((w.startAtMs - w.stopAtMs) / 1000).toFixed(0),
        ((w.inIsrAtMs - w.startAtMs) / 1000).toFixed(0),
      ]),
    ),
  );
  const moved = samples.filter((s, i) => {
    const p = samples[i - 1];
    return p && (s.lost > p.lost || s.duplicated > p.duplicated || s.outOfOrder > p.outOfOrder);
  });
  out.push('');
  out.push(
    `Rolling restarts every ${restartEveryMs / 60_000} min (each broker down ${downMs / 1000} s): ` +
      `${restarts.length} broker restarts${restartError ? `; FAILED: ${restartError}` : ''}. ` +
      `Samples in which lost/duplicated/out-of-order grew: ${moved.length === 0 ? 'none' : moved.map((s) => min(s.tMs)).join(', ')}.`,
  );
  out.push('');
}
out.push(
  `Scrapes of /metrics that failed or took over 5 s: ${scrapeFailures.length === 0 ? 'none' : scrapeFailures.map((f) => `${(f.tMs / 60_000).toFixed(1)} min (${f.what})`).join(', ')}.`,
);
out.push('');
out.push(
  `Messages acknowledged: ${grouped(last?.messagesSent ?? 0)}. SIGTERM: exit code ${stop.code}` +
    `${stop.signal ? ` (signal ${stop.signal})` : ''} after ${(stop.ms / 1000).toFixed(1)} s. ` +
    `Load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}.`,
);
process.stdout.write(`${out.join('\n')}\n`);
if (args.json) {
  await writeFile(
    args.json,
    JSON.stringify(
      { startedAt, rate, minutes, bootstrap, samples, restarts, scrapeFailures, integrity, stop, daemonLog },
      null,
      2,
    ),
  );
}
process.exitCode = stop.code === 0 && !restartError ? 0 : 1;
