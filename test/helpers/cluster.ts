/**
 * A private multi-broker KRaft cluster of one test (scripts/kafka.sh with KAFKA_BROKERS in a temporary
 * KAFKA_DIR, on blocks of free ports), for faults that need replication: rolling restarts, leader
 * elections. The jars are the repository's (KAFKA_LIB_DIR's default).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kcat, REPO_ROOT } from './daemon.js';

const KAFKA_SH = join(REPO_ROOT, 'scripts', 'kafka.sh');

export interface PrivateCluster {
  readonly brokers: number;
  /** 127.0.0.1:port,… of every broker. */
  readonly bootstrap: string;
  /** Client port of broker n (1-based). */
  port(n: number): number;
  readonly dir: string;
  /** Stops broker n cleanly (SIGTERM, a controlled shutdown). */
  stopBroker(n: number): Promise<void>;
  /** Starts broker n again on its data; resolves once it answers metadata requests. */
  startBroker(n: number): Promise<void>;
  /** Runs one of the repository's Kafka tool wrappers (scripts/kafka-*) with `args`. */
  tool(name: string, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** Stops every broker and deletes the directory; never throws. */
  clean(): Promise<void>;
}

function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `n` consecutive ports on 127.0.0.1 that were free a moment ago, from a random base. */
export async function freePortBlock(n: number, avoid: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const ports = Array.from({ length: n }, (_, i) => base + i);
    if (ports.some((p) => avoid.includes(p))) continue;
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error(`no block of ${n} free ports found`);
}

/** Starts `brokers` brokers (about 20–40 s here); `clean()` it in the test's cleanup. */
export async function startPrivateCluster(brokers = 3): Promise<PrivateCluster> {
  const base = await freePortBlock(brokers);
  const avoid = Array.from({ length: brokers }, (_, i) => base + i);
  const controllerBase = await freePortBlock(brokers, avoid);
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-cluster-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_DIR: dir,
    KAFKA_BROKERS: String(brokers),
    KAFKA_SECURITY: 'plaintext',
    KAFKA_PORT: String(base),
    KAFKA_CONTROLLER_PORT: String(controllerBase),
    KAFKA_START_TIMEOUT: '150',
    KAFKA_STOP_TIMEOUT: '20',
  };
  const kafkaSh = (args: readonly string[], timeoutMs: number) => run(KAFKA_SH, args, env, timeoutMs);
  const cluster: PrivateCluster = {
    brokers,
    bootstrap: avoid.map((p) => `127.0.0.1:${p}`).join(','),
    port: (n) => base + n - 1,
    dir,
    stopBroker: async (n) => {
      await kafkaSh(['stop-broker', String(n)], 60_000);
    },
    startBroker: async (n) => {
      await kafkaSh(['start-broker', String(n)], 180_000);
    },
    tool: (name, args, timeoutMs = 60_000) => run(join(REPO_ROOT, 'scripts', name), args, env, timeoutMs),
    async clean() {
      await kafkaSh(['clean'], 90_000).catch(() => killAll(dir));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await kafkaSh(['up'], 200_000);
  } catch (err) {
    await cluster.clean();
    throw err;
  }
  return cluster;
}

/** SIGKILL every broker JVM of `dir` (checked by its command line): the last resort of a failed clean. */
export function killAll(dir: string): void {
  for (const node of readdirSync(dir, { withFileTypes: true })) {
    if (!node.isDirectory() || !node.name.startsWith('node-')) continue;
    try {
      const pid = Number(readFileSync(join(dir, node.name, 'kafka.pid'), 'utf8').trim());
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) process.kill(pid, 'SIGKILL');
    } catch {
      // Not running.
    }
  }
}

/**
 * An OMB Kafka driver file (YAML text) for a replicated cluster: topics of `replication` replicas with
 * min.insync.replicas=min(2, replication), producers with acks=all and idempotence, so that a broker
 * stopped cleanly loses nothing. Used by the rolling-restart test and the soak bench.
 */
export function replicatedDriverYaml(name: string, bootstrap: string, replication = 3): string {
  return [
    `name: ${name}`,
    'driverClass: io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver',
    `replicationFactor: ${replication}`,
    'topicConfig: |',
    `  min.insync.replicas=${Math.min(2, replication)}`,
    'commonConfig: |',
    `  bootstrap.servers=${bootstrap}`,
    'producerConfig: |',
    '  acks=all',
    '  enable.idempotence=true',
    '  linger.ms=1',
    'consumerConfig: |',
    '  auto.offset.reset=earliest',
    '  enable.auto.commit=false',
    '',
  ].join('\n');
}

/**
 * Waits (bounded) until broker `broker` is in the ISR of all `partitions` partitions of `topic`, as kcat's
 * metadata shows it: a broker started again has caught up before the next one of a rolling restart stops.
 */
export async function waitInIsr(
  bootstrap: string,
  topic: string,
  broker: number,
  partitions: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await kcat(bootstrap, ['-L', '-t', topic]).catch((e: Error) => e.message);
    const isrs = [...last.matchAll(/partition (\d+), leader -?\d+, replicas: [\d,]+, isrs: ([\d,]+)/g)];
    if (isrs.length === partitions && isrs.every((m) => m[2]!.split(',').includes(String(broker)))) return;
    if (Date.now() > deadline)
      throw new Error(`broker ${broker} not back in every ISR of ${topic}:\n${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
