/**
 * Helpers for tests that drive the built `soakbench` CLI from outside: spawn it with a deadline, watch
 * its output, write workload files, read the result JSON, and look at the broker with kcat (a client
 * independent of soakbench's).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { kafkaDriverFactory } from '../../src/driver/driver-factories.js';
import type { TestResult } from '../../src/results/test-result.js';
import { BOOTSTRAP, testSettings } from './kafka.js';

/** The repository root (this file runs as dist/test/helpers/cli.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The published entry point, as a user runs it. */
export const SOAKBENCH_BIN = join(REPO_ROOT, 'bin', 'soakbench.js');
/** The shipped driver file for the local broker (its bootstrap is overridden with BOOTSTRAP). */
export const LOCAL_DRIVER = join(REPO_ROOT, 'config', 'drivers', 'kafka-local.yaml');
/** OMB's own workload, driver and payload files, kept unchanged in test/fixtures/omb (see its README). */
export const OMB_DIR = join(REPO_ROOT, 'test', 'fixtures', 'omb');

/** How a CLI process ended, with everything it printed. */
export interface CliOutcome {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  elapsedMs: number;
}

/** A running CLI process. It leads its own process group, as a shell job does. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<CliOutcome>;
  /** Waits until stdout matches `pattern`; fails if the process exits first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Sends `signal` to the whole process group, as Ctrl-C in a terminal does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILLs the group if anything of it is still alive (test cleanup). */
  kill(): void;
}

/** Options of startCli and runCli. */
export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Spawns `node bin/soakbench.js ...args` in a new process group. */
export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const startedMs = Date.now();
  const child = spawn(process.execPath, [SOAKBENCH_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own: signals reach soakbench and its consumer processes together, as from a terminal.
    detached: true,
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  let done = false;
  const exited = new Promise<CliOutcome>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      done = true;
      for (const w of waiters) w();
      resolve({ code, signal, stdout: out, stderr: err, elapsedMs: Date.now() - startedMs });
    };
    // 'close' comes after the pipes are drained, so the outcome holds the last lines.
    child.once('close', finish);
    child.once('error', (e) => {
      err += `\nspawn error: ${e.message}`;
      finish(null, null);
    });
  });
  const pid = child.pid!;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    signalGroup,
    kill: () => signalGroup('SIGKILL'),
    waitForStdout(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          } else if (done) {
            cleanup();
            reject(new Error(`the process exited before printing ${pattern}\n${describeOutput(out, err)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms\n${describeOutput(out, err)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Runs the CLI to its end. If it is still running after `timeoutMs`, its group is killed and the
 * promise rejects with its output: a hanging CLI fails the test instead of hanging the suite.
 */
export async function runCli(
  args: readonly string[],
  timeoutMs: number,
  options: CliOptions = {},
): Promise<CliOutcome> {
  const cli = startCli(args, options);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const first = await Promise.race([cli.exited, late]);
  clearTimeout(timer);
  if (first === 'late') {
    cli.kill();
    await cli.exited;
    throw new Error(
      `soakbench ${args.join(' ')} still running after ${timeoutMs} ms (killed)\n${describeOutput(cli.stdout(), cli.stderr())}`,
    );
  }
  return first;
}

/** Output of a process for an assertion message. */
export function describeOutput(stdout: string, stderr: string): string {
  return `--- stdout ---\n${stdout.slice(-8000)}\n--- stderr ---\n${stderr.slice(-8000)}`;
}

/** `soakbench run` arguments against the test broker, with short periods. */
export function runArgs(options: {
  outputDir: string;
  workloads: readonly string[];
  periodSeconds?: number;
  cleanupTopics?: boolean;
  driver?: string;
  logLevel?: string;
}): string[] {
  return [
    'run',
    '--driver',
    options.driver ?? LOCAL_DRIVER,
    '--bootstrap-servers',
    BOOTSTRAP,
    '--output-dir',
    options.outputDir,
    '--period-seconds',
    String(options.periodSeconds ?? 2),
    '--log-level',
    options.logLevel ?? 'info',
    ...(options.cleanupTopics === false ? ['--no-cleanup-topics'] : []),
    ...options.workloads,
  ];
}

/** A fresh temporary directory; remove it with `removeDir`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `soakbench-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `fields` as a YAML workload file `<dir>/<fileName>` and returns its path. */
export function writeWorkload(dir: string, fileName: string, fields: Record<string, unknown>): string {
  const path = join(dir, fileName);
  writeFileSync(path, stringify(fields));
  return path;
}

/** A small workload: one 2-partition topic, one producer, 500 msg/s of 1 KiB for 3 s, no warm-up. */
export function smallWorkload(
  topicPrefix: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: topicPrefix,
    topics: 1,
    partitionsPerTopic: 2,
    messageSize: 1024,
    subscriptionsPerTopic: 1,
    consumerPerSubscription: 1,
    producersPerTopic: 1,
    producerRate: 500,
    testDurationMinutes: 0.05,
    warmupDurationMinutes: 0,
    topicPrefix,
    ...overrides,
  };
}

/** The result files in `dir` (file name → parsed JSON). */
export function readResults(dir: string): Map<string, TestResult> {
  const out = new Map<string, TestResult>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    out.set(name, JSON.parse(readFileSync(join(dir, name), 'utf8')) as TestResult);
  }
  return out;
}

/** The one result file in `dir`; fails if there is not exactly one. */
export function readOnlyResult(dir: string): { name: string; result: TestResult } {
  const all = [...readResults(dir)];
  if (all.length !== 1) throw new Error(`expected one result file in ${dir}, found ${all.map(([n]) => n)}`);
  const [name, result] = all[0]!;
  return { name, result };
}

/** Topic names from the "topics created" log line(s) of a run at log level info. */
export function createdTopicsFromLog(stderr: string): string[] {
  const topics: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; topics?: string[] };
      if (entry.msg === 'topics created' && Array.isArray(entry.topics)) topics.push(...entry.topics);
    } catch {
      // Not a log line.
    }
  }
  return topics;
}

/** Runs kcat against the test broker; resolves with its stdout as bytes. */
export function kcat(args: readonly string[], timeoutMs = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'kcat',
      ['-b', BOOTSTRAP, ...args],
      { encoding: 'buffer', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kcat ${args.join(' ')}: ${err.message}\n${stderr.toString('utf8')}`));
        else resolve(stdout);
      },
    );
  });
}

/** Produces `lines` (one message each) into `topic` with kcat; `args` add options such as `-K`. */
export function kcatProduce(
  topic: string,
  lines: readonly string[],
  args: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', BOOTSTRAP, '-P', '-t', topic, ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`kcat -P -t ${topic} ${args.join(' ')}: exit ${code ?? signal}\n${stderr}`));
    });
    child.stdin!.end(lines.map((l) => `${l}\n`).join(''));
  });
}

/** Topic metadata as kcat sees it: name → partition count. */
export async function brokerTopics(): Promise<Map<string, number>> {
  const json = JSON.parse((await kcat(['-L', '-J', '-m', '10'])).toString('utf8')) as {
    topics: { topic: string; partitions: unknown[] }[];
  };
  return new Map(json.topics.map((t) => [t.topic, t.partitions.length]));
}

/** One consumed message as kcat prints it with the format below. */
export interface KcatMessage {
  partition: number;
  offset: number;
  /** null when the message has no key. */
  key: string | null;
  value: Buffer;
}

// kcat -f: %p partition, %o offset, %K key length (-1 for none), %k key, %S value length, %s value.
// Every field is framed by its length, so binary values and any key survive the trip.
const FRAMED_FORMAT = '%p %o %K %S\n%k%s';

/** Every message of `topic`, read from the beginning to the current end of each partition. */
export async function consumeTopic(topic: string, timeoutMs = 60_000): Promise<KcatMessage[]> {
  const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', FRAMED_FORMAT], timeoutMs);
  const messages: KcatMessage[] = [];
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0) throw new Error(`kcat output ends in a partial header at byte ${at}`);
    const [p, o, k, s] = out.subarray(at, nl).toString('latin1').split(' ').map(Number);
    const keyBytes = Math.max(0, k!);
    const keyStart = nl + 1;
    const valueStart = keyStart + keyBytes;
    const valueBytes = Math.max(0, s!);
    messages.push({
      partition: p!,
      offset: o!,
      key: k! < 0 ? null : out.subarray(keyStart, valueStart).toString('utf8'),
      value: out.subarray(valueStart, valueStart + valueBytes),
    });
    at = valueStart + valueBytes;
  }
  return messages;
}

/** Deletes topics a test left behind (--no-cleanup-topics or a forced exit). Ignores missing ones. */
export async function deleteTopics(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const admin = kafkaDriverFactory
    .create(testSettings(), { connectTimeoutMs: 10_000, operationTimeoutMs: 20_000 })
    .admin();
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length > 0) await admin.deleteTopics(present);
  } finally {
    await admin.close();
  }
}

/** Process ids whose parent is `pid` (from /proc, Linux). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** True while process `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
