import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A spawned process whose last output is kept for failure messages. */
export interface Child {
  process: ChildProcess;
  /** The last ~64 KiB of stdout and stderr, interleaved. */
  output(): string;
  /** Exit code or signal once it has exited, else undefined. */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs: number): Promise<void>;
}

const KEEP_CHARS = 64 * 1024;

export function spawnChild(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Child {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exit: string | undefined;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEEP_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => {
    exit ??= `spawn error: ${err.message}`;
  });
  child.on('exit', (code, signal) => {
    exit = signal === null ? `exit code ${code}` : `signal ${signal}`;
  });
  return {
    process: child,
    output: () => output,
    exited: () => exit,
    async stop(graceMs) {
      if (exit !== undefined) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await gone;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Polls `probe` every `intervalMs` until it returns a value, the child exits, or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; child?: Child },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    const exited = options.child?.exited();
    if (exited !== undefined) {
      throw new Error(`${what}: the process ended (${exited}) first. Output:\n${options.child!.output()}`);
    }
    if (Date.now() > deadline) {
      const output = options.child === undefined ? '' : `\nOutput:\n${options.child.output()}`;
      throw new Error(`${what}: not within ${options.timeoutMs} ms ${lastError}${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}
