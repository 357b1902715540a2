import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids, statCpuSeconds, threadCpuSeconds } from './thread-cpu.js';

/** What one child process cost: wall time and CPU time, its waited-for descendants included. */
export interface TimedRun {
  exitCode: number | null;
  wallSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** CPU seconds per thread name of the timed command, sampled every second (last sample before it ended). */
  threads: Map<string, number>;
}

export interface TimedRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (its whole process group) after this long. */
  timeoutMs: number;
}

/**
 * Runs a command under GNU time (`/usr/bin/time -f "%e %U %S"`), which reports the CPU of the child
 * and every descendant it waited for: the whole soakbench process tree, or the JVM that
 * kafka-producer-perf-test execs into. The command runs in its own process group so a timeout ends
 * all of it and nothing else.
 */
export async function runTimed(command: string, args: string[], options: TimedRunOptions): Promise<TimedRun> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-time-'));
  const timeFile = join(dir, 'time');
  try {
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S', command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    // /usr/bin/time's child is the command itself (the perf-test wrapper execs java in place).
    let threads = new Map<string, number>();
    const sampler = setInterval(() => {
      const pid = child.pid === undefined ? undefined : childPids(child.pid)[0];
      if (pid === undefined) return;
      const sample = threadCpuSeconds(pid);
      if (sample.size > 0) threads = sample;
    }, 1_000);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    clearTimeout(timer);
    clearInterval(sampler);
    const [wall, user, sys] = parseTimeLine(await readFile(timeFile, 'utf8').catch(() => ''));
    return {
      exitCode,
      wallSeconds: wall,
      userSeconds: user,
      systemSeconds: sys,
      stdout,
      stderr,
      timedOut,
      threads,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GNU time writes "Command exited with non-zero status N" before the format line when it fails. */
function parseTimeLine(text: string): [number, number, number] {
  const line = text.trim().split('\n').at(-1) ?? '';
  const parts = line.split(' ').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n)))
    return [Number.NaN, Number.NaN, Number.NaN];
  return parts as [number, number, number];
}

/**
 * user + system CPU seconds a running process has used so far (its own threads only), from
 * /proc/<pid>/stat; NaN when it cannot be read (gone, or not ours to read).
 */
export function processCpuSeconds(pid: number): number {
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}
