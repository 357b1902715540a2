import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestResult } from '../../src/results/test-result.js';
import type { ProducerSettings } from './kafka-tools.js';
import { REPO_ROOT } from './repo-root.js';
import { runTimed, type TimedRun } from './timed-process.js';

/**
 * An OMB driver file for soakbench with the same producer settings kafka-producer-perf-test gets.
 * No `partitioner` line: soakbench picks partitions itself for unkeyed messages.
 */
export async function writeDriverFile(
  dir: string,
  name: string,
  bootstrap: string,
  s: ProducerSettings,
): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  const text = [
    `name: ${name}`,
    'driverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver',
    'replicationFactor: 1',
    'topicConfig: |',
    '  min.insync.replicas=1',
    'commonConfig: |',
    `  bootstrap.servers=${bootstrap}`,
    'producerConfig: |',
    `  acks=${s.acks}`,
    `  linger.ms=${s.lingerMs}`,
    `  batch.size=${s.batchSize}`,
    `  compression.type=${s.compression}`,
    ...(s.extra ?? []).map((kv) => `  ${kv}`),
    'consumerConfig: |',
    '  auto.offset.reset=earliest',
    '',
  ].join('\n');
  await writeFile(path, text);
  return path;
}

export interface BenchWorkload {
  name: string;
  partitions: number;
  messageSize: number;
  rate: number;
  testSeconds: number;
  warmupSeconds: number;
  /** Producers of the topic (default 1): producer processes take whole producers. */
  producers?: number;
}

/** A produce-only workload (no subscriptions, so no consumer processes share the CPU). */
export async function writeWorkloadFile(dir: string, fileName: string, w: BenchWorkload): Promise<string> {
  const path = join(dir, `${fileName}.yaml`);
  const text = [
    `name: ${w.name}`,
    'topics: 1',
    `partitionsPerTopic: ${w.partitions}`,
    `messageSize: ${w.messageSize}`,
    'useRandomizedPayloads: true',
    'randomBytesRatio: 0.5',
    'randomizedPayloadPoolSize: 1000',
    'subscriptionsPerTopic: 0',
    'consumerPerSubscription: 1',
    `producersPerTopic: ${w.producers ?? 1}`,
    `producerRate: ${w.rate}`,
    'consumerBacklogSizeGB: 0',
    `testDurationMinutes: ${w.testSeconds / 60}`,
    `warmupDurationMinutes: ${w.warmupSeconds / 60}`,
    '',
  ].join('\n');
  await writeFile(path, text);
  return path;
}

export interface SoakbenchRun {
  result: TestResult;
  run: TimedRun;
}

export interface SoakbenchRunOptions {
  driverPath: string;
  workloadPath: string;
  /** An empty directory: the one result JSON written there is the answer. */
  outputDir: string;
  periodSeconds: number;
  timeoutMs: number;
  /** The CLI to run (default: this repository's bin/soakbench.js), e.g. a patched copy under /tmp. */
  bin?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra environment for the CLI, e.g. SOAKBENCH_PRODUCER_PROCESSES. */
  env?: Record<string, string>;
  /** More options for `run`, e.g. `--no-cleanup-topics`. */
  runArgs?: string[];
}

/** Runs `soakbench run` for one workload in a child node process and reads its result JSON. */
export async function runSoakbench(o: SoakbenchRunOptions): Promise<SoakbenchRun> {
  const run = await runTimed(
    process.execPath,
    [
      ...(o.nodeArgs ?? []),
      o.bin ?? join(REPO_ROOT, 'bin/soakbench.js'),
      'run',
      '--driver',
      o.driverPath,
      '--output-dir',
      o.outputDir,
      '--period-seconds',
      String(o.periodSeconds),
      ...(o.runArgs ?? []),
      o.workloadPath,
    ],
    { timeoutMs: o.timeoutMs, cwd: o.outputDir, env: { ...process.env, ...o.env } },
  );
  const files = (await readdir(o.outputDir)).filter((f) => f.endsWith('.json'));
  if (run.exitCode !== 0 || files.length !== 1) {
    throw new Error(
      `soakbench run failed (exit ${run.exitCode}, ${files.length} result files):\n${run.stderr}`,
    );
  }
  const result = JSON.parse(await readFile(join(o.outputDir, files[0]!), 'utf8')) as TestResult;
  return { result, run };
}

/**
 * Achieved rate over the whole periods only: the sum of period counts over the sum of their lengths.
 * Unlike messagesSent / testSeconds it leaves out the stop (flush, close, topic deletion) that the
 * aggregated figures include.
 */
export function periodRate(r: TestResult): number {
  let messages = 0;
  let seconds = 0;
  r.publishRate.forEach((rate, i) => {
    const s = r.periodSeconds[i]!;
    messages += rate * s;
    seconds += s;
  });
  return messages / seconds;
}
