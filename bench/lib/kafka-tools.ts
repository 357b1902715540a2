import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './repo-root.js';
import { runTimed, type TimedRun } from './timed-process.js';

const execFileAsync = promisify(execFile);

/** Producer settings given to both tools: Java names, which soakbench's driver file also takes. */
export interface ProducerSettings {
  acks: '1' | 'all';
  lingerMs: number;
  batchSize: number;
  compression: 'none';
  /** More producer properties (Java names, key=value), given to both tools alike. */
  extra?: string[];
}

/** The same settings as kafka-producer-perf-test's `--producer-props` list. */
export function perfTestProps(bootstrap: string, s: ProducerSettings): string[] {
  return [
    `bootstrap.servers=${bootstrap}`,
    `acks=${s.acks}`,
    `linger.ms=${s.lingerMs}`,
    `batch.size=${s.batchSize}`,
    `compression.type=${s.compression}`,
    ...(s.extra ?? []),
  ];
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  await execFileAsync(
    join(REPO_ROOT, 'scripts/kafka-topics'),
    [
      '--bootstrap-server',
      bootstrap,
      '--create',
      '--topic',
      topic,
      '--partitions',
      String(partitions),
      '--replication-factor',
      '1',
    ],
    { timeout: 60_000 },
  );
}

export async function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  await execFileAsync(
    join(REPO_ROOT, 'scripts/kafka-topics'),
    ['--bootstrap-server', bootstrap, '--delete', '--topic', topic],
    { timeout: 60_000 },
  );
}

/** The summary line kafka-producer-perf-test prints last, and what the JVM cost. */
export interface PerfTestRun {
  records: number;
  recordsPerSecond: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
  run: TimedRun;
}

// "3000000 records sent, 118128.839187 records/sec (115.36 MB/sec), 202.46 ms avg latency, 519.00 ms max
// latency, 197 ms 50th, 372 ms 95th, 432 ms 99th, 494 ms 99.9th." (ProducerPerformance.Stats.printTotal)
const TOTAL_LINE =
  /^(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), ([\d.]+) ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, (\d+) ms 99th/m;

/** Runs Kafka's ProducerPerformance at full speed (`--throughput -1`) from the broker's own jars. */
export async function runPerfTest(options: {
  bootstrap: string;
  topic: string;
  records: number;
  recordSize: number;
  settings: ProducerSettings;
  timeoutMs: number;
}): Promise<PerfTestRun> {
  const run = await runTimed(
    join(REPO_ROOT, 'scripts/kafka-producer-perf-test'),
    [
      '--topic',
      options.topic,
      '--num-records',
      String(options.records),
      '--record-size',
      String(options.recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      ...perfTestProps(options.bootstrap, options.settings),
    ],
    { timeoutMs: options.timeoutMs },
  );
  const m = TOTAL_LINE.exec(run.stdout);
  if (run.exitCode !== 0 || m === null) {
    throw new Error(`kafka-producer-perf-test failed (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  return {
    records: Number(m[1]),
    recordsPerSecond: Number(m[2]),
    avgLatencyMs: Number(m[3]),
    p99LatencyMs: Number(m[4]),
    run,
  };
}

/** The local broker's pid (`make kafka-up` writes it), to charge its CPU to each run; undefined if absent. */
export function brokerPid(): number | undefined {
  try {
    const pid = Number(readFileSync(join(REPO_ROOT, '.kafka/kafka.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Record batches of one partition as the broker stored them. */
export interface BatchSizes {
  batches: number;
  records: number;
  /** Batches that hold `full` records or more (the most any batch of the partition holds). */
  fullBatches: number;
  /** The most records in one batch. */
  full: number;
}

export async function listTopics(bootstrap: string): Promise<string[]> {
  const { stdout } = await execFileAsync(
    join(REPO_ROOT, 'scripts/kafka-topics'),
    ['--bootstrap-server', bootstrap, '--list'],
    { timeout: 60_000 },
  );
  return stdout.split('\n').filter((t) => t !== '');
}

const BATCH_COUNT = /^baseOffset: \d+ lastOffset: \d+ count: (\d+) /gm;

/**
 * The record batches of `topic`'s partition `partition` in the local broker's log (`.kafka/data`, as
 * `make kafka-up` lays it out), read with kafka-dump-log: how the producer batched its messages, which
 * is what the broker pays for per request. undefined when the log is not there (another broker).
 */
export async function batchSizes(topic: string, partition = 0): Promise<BatchSizes | undefined> {
  const dir = join(REPO_ROOT, '.kafka/data', `${topic}-${partition}`);
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => join(dir, f));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  const { stdout } = await execFileAsync(
    join(REPO_ROOT, 'scripts/kafka-dump-log'),
    ['--files', files.join(',')],
    {
      timeout: 300_000,
      maxBuffer: 1024 * 1024 * 1024,
    },
  );
  const counts = [...stdout.matchAll(BATCH_COUNT)].map((m) => Number(m[1]));
  const full = counts.reduce((a, b) => Math.max(a, b), 0);
  return {
    batches: counts.length,
    records: counts.reduce((a, b) => a + b, 0),
    fullBatches: counts.filter((c) => c >= full).length,
    full,
  };
}
