/**
 * Where a ProducerRunner runs, as ProducerPool sees it: a child process (producer-process.ts) or this
 * process, for a driver whose clients cannot cross processes (the in-memory driver). Both take the same
 * requests and give the same reports (producer-protocol.ts). docs/architecture.md, "Processes".
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../clock.js';
import type { Driver } from '../driver/driver.js';
import { type ErrorCode, SoakbenchError } from '../errors.js';
import { CHILD_EXEC_ARGV } from './child-exec-argv.js';
import type {
  FromProducerProcess,
  ProducerProcessData,
  ProducerReport,
  ToProducerProcess,
} from './producer-protocol.js';
import { ProducerRunner } from './producer-runner.js';

export interface ProducerHost {
  readonly data: ProducerProcessData;
  /** The child's process id (undefined inline). */
  readonly pid: number | undefined;
  /** Resolves when the host has ended (process exited, or inline clients closed). */
  readonly exited: Promise<void>;
  alive(): boolean;
  send(message: ToProducerProcess): void;
  /** Ends the host without flushing. */
  kill(): void;
}

export interface ProducerHostEvents {
  onReport(host: ProducerHost, report: ProducerReport): void;
  /** The host ended: `died` when it had started and nobody asked it to stop. */
  onExit(host: ProducerHost, died: boolean, reason: string): void;
  /** True once the pool is stopping (or this host was told to stop): an exit is then expected. */
  stopping(host: ProducerHost): boolean;
}

const ENTRY = fileURLToPath(new URL('./producer-process.js', import.meta.url));

/** Starts producers in a child process; `started` settles when their clients are connected. */
export function forkProducerHost(
  data: ProducerProcessData,
  events: ProducerHostEvents,
): { host: ProducerHost; started: Promise<void> } {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: [...CHILD_EXEC_ARGV],
    serialization: 'advanced',
    stdio: 'inherit',
  });
  let running = true;
  const host: ProducerHost = {
    data,
    pid: child.pid,
    // 'close', not 'exit': it comes after the channel was read to its end, so the last report has been
    // handled (the exit of a child can be seen before its last messages are read).
    exited: new Promise((resolve) => child.once('close', () => resolve())),
    alive: () => running && child.connected,
    send: (message) => {
      if (running && child.connected) child.send(message);
    },
    kill: () => {
      if (running) child.kill('SIGKILL');
    },
  };
  let isStarted = false;
  child.once('close', (code, signal) => {
    running = false;
    events.onExit(host, isStarted && !events.stopping(host), `exited (code ${code}, signal ${signal})`);
  });
  child.send(data);
  const started = new Promise<void>((resolve, reject) => {
    child.on('message', (message: FromProducerProcess) => {
      switch (message.type) {
        case 'started':
          isStarted = true;
          resolve();
          break;
        case 'failed':
          reject(
            new SoakbenchError(message.code as ErrorCode, `producer: ${message.message}`, {
              retriable: message.retriable,
            }),
          );
          break;
        case 'report':
          events.onReport(host, message);
          break;
        case 'stopped':
          break;
      }
    });
    child.once('error', (err) =>
      reject(new SoakbenchError('INTERNAL', `producer process failed: ${err.message}`, { cause: err })),
    );
    child.once('close', (code, signal) =>
      reject(new SoakbenchError('INTERNAL', `producer process exited (code ${code}, signal ${signal})`)),
    );
  });
  return { host, started };
}

/** Runs producers in this process: the same ProducerRunner as a child process, its reports handed over directly. */
export function inlineProducerHost(
  driver: Driver,
  data: ProducerProcessData,
  clock: Clock,
  events: ProducerHostEvents,
): { host: ProducerHost; started: Promise<void> } {
  let running = true;
  /** False once killed: requests are dropped while the clients close. */
  let accepting = true;
  let ended!: () => void;
  const exited = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const end = (died: boolean): void => {
    if (!running) return;
    running = false;
    ended();
    events.onExit(host, died, died ? 'killed' : 'stopped');
  };
  const stopped = (): void => end(false);
  const host: ProducerHost = {
    data,
    pid: undefined,
    exited,
    alive: () => running && accepting,
    send: (message) => {
      if (!running || !accepting) return;
      if (message.type === 'flush') runner.report(message.id);
      else if (message.type === 'rate') runner.setRate(message.rate);
      else if (message.type === 'pause' || message.type === 'resume')
        runner.setPaused(message.type === 'pause');
      else void runner.stop(message.flushMs).then(stopped, stopped);
    },
    // Like a SIGKILL of a child process: the clients go without a flush, and unless the pool is
    // stopping, the pool sees a death.
    kill: () => {
      if (!accepting) return;
      accepting = false;
      const died = !events.stopping(host);
      void runner.abandon().then(() => end(died));
    },
  };
  const runner = new ProducerRunner(driver, data, clock, (message) => {
    if (message.type === 'report') events.onReport(host, message);
  });
  const started = runner.start().catch(async (err: unknown) => {
    await runner.abandon();
    end(false);
    throw err;
  });
  return { host, started };
}
