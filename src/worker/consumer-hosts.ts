import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../clock.js';
import type { Driver } from '../driver/driver.js';
import { type ErrorCode, SoakbenchError } from '../errors.js';
import { CHILD_EXEC_ARGV } from './child-exec-argv.js';
import type {
  ConsumerReport,
  ConsumerSpec,
  ConsumerThreadData,
  FromConsumerThread,
  ToConsumerThread,
} from './consumer-protocol.js';
import { ConsumerRunner } from './consumer-runner.js';

/**
 * Where a ConsumerRunner runs, as ConsumerPool sees it: a child process (consumer-process.ts) or this
 * process. Both take the same requests and give the same reports (consumer-protocol.ts).
 */
export interface ConsumerHost {
  readonly consumers: ConsumerSpec[];
  /** How many times these consumers were started again after their host died. */
  readonly restarts: number;
  /** Partitions assigned now per subscription, as of the last report. */
  assigned: number[];
  /** Consumers holding a partition now per subscription, as of the last report. */
  members: number[];
  /** Resolves when the host has ended (process exited, or inline consumers closed). */
  readonly exited: Promise<void>;
  /** True while the host takes requests. */
  alive(): boolean;
  send(message: ToConsumerThread): void;
  /** Ends the host without waiting for its consumers to commit. */
  kill(): void;
}

export interface ConsumerHostEvents {
  onReport(host: ConsumerHost, report: ConsumerReport): void;
  /** The host died after it had started (only a child process can). */
  onDied(host: ConsumerHost, reason: string): void;
  /** True once the pool is stopping: an exit is then expected. */
  stopping(): boolean;
}

const ENTRY = fileURLToPath(new URL('./consumer-process.js', import.meta.url));

/** Starts consumers in a child process; `started` settles when they are all connected and subscribed. */
export function forkConsumerHost(
  data: ConsumerThreadData,
  restarts: number,
  events: ConsumerHostEvents,
): { host: ConsumerHost; started: Promise<void> } {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: [...CHILD_EXEC_ARGV],
    serialization: 'advanced',
    stdio: 'inherit',
  });
  let running = true;
  const host: ConsumerHost = {
    consumers: data.consumers,
    restarts,
    assigned: new Array<number>(data.subscriptions).fill(0),
    members: new Array<number>(data.subscriptions).fill(0),
    // 'close', not 'exit': it comes after the channel was read to its end, so the last report has been
    // handled (the exit of a child can be seen before its last messages are read).
    exited: new Promise((resolve) => child.once('close', () => resolve())),
    alive: () => running && child.connected,
    send: (message) => child.send(message),
    kill: () => {
      if (running) child.kill('SIGKILL');
    },
  };
  let isStarted = false;
  child.once('close', (code, signal) => {
    running = false;
    // Counts from a dead process are lost with it; its partitions go to the group's other members
    // or to its replacement, which starts from the last committed offsets.
    if (isStarted && !events.stopping()) events.onDied(host, `exited (code ${code}, signal ${signal})`);
  });
  child.send(data);
  const started = new Promise<void>((resolve, reject) => {
    child.on('message', (message: FromConsumerThread) => {
      switch (message.type) {
        case 'started':
          isStarted = true;
          resolve();
          break;
        case 'failed':
          reject(
            new SoakbenchError(message.code as ErrorCode, `consumer: ${message.message}`, {
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
      reject(new SoakbenchError('INTERNAL', `consumer process failed: ${err.message}`, { cause: err })),
    );
    child.once('close', (code, signal) => {
      if (!events.stopping()) {
        reject(new SoakbenchError('INTERNAL', `consumer process exited (code ${code}, signal ${signal})`));
      }
    });
  });
  return { host, started };
}

/**
 * Runs consumers in this process, for a driver whose clients cannot cross processes (the in-memory
 * driver): the same ConsumerRunner as a child process, its reports handed over directly.
 */
export function inlineConsumerHost(
  driver: Driver,
  data: ConsumerThreadData,
  clock: Clock,
  events: ConsumerHostEvents,
): { host: ConsumerHost; started: Promise<void> } {
  let running = true;
  let ended!: () => void;
  const exited = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const end = (): void => {
    running = false;
    ended();
  };
  const host: ConsumerHost = {
    consumers: data.consumers,
    restarts: 0,
    assigned: new Array<number>(data.subscriptions).fill(0),
    members: new Array<number>(data.subscriptions).fill(0),
    exited,
    alive: () => running,
    send: (message) => {
      if (message.type === 'flush') runner.report(message.id, message.allGaps === true);
      else if (message.type === 'pause' || message.type === 'resume')
        runner.setPaused(message.type === 'pause');
      else void runner.stop(message.timeoutMs).then(end, end);
    },
    kill: () => {
      void runner.closeConsumers(0);
      end();
    },
  };
  const runner = new ConsumerRunner(driver, data, clock, (message) => {
    if (message.type === 'report') events.onReport(host, message);
  });
  const started = runner.start().catch(async (err: unknown) => {
    await runner.closeConsumers(2_000);
    end();
    throw err;
  });
  return { host, started };
}
