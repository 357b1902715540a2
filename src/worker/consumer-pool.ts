import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DriverSettings } from '../driver/driver.js';
import { type ErrorCode, SoakbenchError } from '../errors.js';
import type { Stats } from '../stats/stats.js';
import type {
  ConsumerReport,
  ConsumerSpec,
  ConsumerThreadData,
  FromConsumerThread,
  ToConsumerThread,
} from './consumer-protocol.js';

export interface ConsumerPoolOptions {
  settings: DriverSettings;
  consumers: readonly ConsumerSpec[];
  subscriptions: number;
  stats: Stats;
  /** Child processes to spread the consumers over (default 2: this is a 2-core class of machine). */
  processes?: number;
  reportIntervalMs?: number;
  connectTimeoutMs?: number;
  maxEndToEndUs: number;
  /** Client errors seen by consumers, by code (rare). */
  onErrors?: (errors: Record<string, number>) => void;
  /** A message consumed this long after its intended send time is late; gaps open this long are judged. */
  lateAfterMs: number;
  /** Integrity findings of the consumers: counts since the last report, and stale gaps. */
  onIntegrity?: (
    counts: { duplicated: number; outOfOrder: number; late: number },
    gaps: ConsumerReport['staleGaps'],
  ) => void;
  /** A consumer process died after start-up and is being started again (after a backoff). */
  onRestart?: (reason: string, attempt: number) => void;
}

interface ThreadHandle {
  consumers: ConsumerSpec[];
  restarts: number;
  child: ChildProcess;
  assigned: number[];
  exited: Promise<void>;
  alive: boolean;
}

const ENTRY = fileURLToPath(new URL('./consumer-process.js', import.meta.url));

/**
 * Runs the workload's consumers in child processes (see consumer-process.ts for why not threads) and merges what they measure into the main Stats:
 * counts per subscription and end-to-end latencies (encoded HdrHistograms).
 */
export class ConsumerPool {
  /** Messages received per subscription since the pool started. */
  readonly receivedBySubscription: number[];
  private readonly o: ConsumerPoolOptions;
  private readonly threads: ThreadHandle[] = [];
  private nextFlushId = 1;
  private readonly flushWaiters = new Map<number, { pending: number; done: () => void }>();
  private stopped = false;

  constructor(options: ConsumerPoolOptions) {
    this.o = options;
    this.receivedBySubscription = new Array<number>(options.subscriptions).fill(0);
  }

  /** Starts every consumer; resolves when all are connected and subscribed. */
  async start(): Promise<void> {
    const count = Math.min(this.o.consumers.length, Math.max(1, this.o.processes ?? 2));
    const groups: ConsumerSpec[][] = Array.from({ length: count }, () => []);
    this.o.consumers.forEach((c, i) => {
      groups[i % count]!.push(c);
    });
    const started = groups.map((consumers) => this.spawn(consumers));
    const results = await Promise.allSettled(started);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.stop(5_000);
      throw (failed as PromiseRejectedResult).reason;
    }
  }

  private spawn(consumers: ConsumerSpec[], restarts = 0): Promise<void> {
    const data: ConsumerThreadData = {
      driver: 'kafka',
      settings: this.o.settings,
      consumers,
      subscriptions: this.o.subscriptions,
      reportIntervalMs: this.o.reportIntervalMs ?? 500,
      connectTimeoutMs: this.o.connectTimeoutMs ?? 15_000,
      maxEndToEndUs: this.o.maxEndToEndUs,
      lateAfterMs: this.o.lateAfterMs,
    };
    // --enable-source-maps keeps stack traces readable; no other flags of ours leak into the child.
    const child = fork(ENTRY, [], {
      execArgv: ['--enable-source-maps'],
      serialization: 'advanced',
      stdio: 'inherit',
    });
    const handle: ThreadHandle = {
      consumers,
      restarts,
      child,
      assigned: new Array<number>(this.o.subscriptions).fill(0),
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
      alive: true,
    };
    let started = false;
    child.once('exit', (code, signal) => {
      handle.alive = false;
      // Counts from a dead process are lost with it; its partitions go to the group's other members
      // or to its replacement, which starts from the last committed offsets.
      if (started && !this.stopped) this.restart(handle, `exited (code ${code}, signal ${signal})`);
    });
    this.threads.push(handle);
    child.send(data);
    return new Promise<void>((resolve, reject) => {
      child.on('message', (message: FromConsumerThread) => {
        switch (message.type) {
          case 'started':
            started = true;
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
            this.merge(handle, message);
            break;
          case 'stopped':
            break;
        }
      });
      child.once('error', (err) =>
        reject(new SoakbenchError('INTERNAL', `consumer process failed: ${err.message}`, { cause: err })),
      );
      child.once('exit', (code, signal) => {
        if (!this.stopped) {
          reject(new SoakbenchError('INTERNAL', `consumer process exited (code ${code}, signal ${signal})`));
        }
      });
    });
  }

  /** Starts a replacement for a consumer process that died, after a backoff of 1, 2, 4 … 30 s. */
  private restart(dead: ThreadHandle, reason: string): void {
    const attempt = dead.restarts + 1;
    const delayMs = Math.min(30_000, 1_000 * 2 ** (attempt - 1));
    this.o.onRestart?.(reason, attempt);
    const timer = setTimeout(() => {
      if (this.stopped) return;
      const index = this.threads.indexOf(dead);
      if (index >= 0) this.threads.splice(index, 1);
      this.spawn(dead.consumers, attempt).catch((err: Error) =>
        this.restart({ ...dead, restarts: attempt }, err.message),
      );
    }, delayMs);
    timer.unref();
  }

  private merge(handle: ThreadHandle, report: ConsumerReport): void {
    let messages = 0;
    let bytes = 0;
    for (let i = 0; i < report.received.length; i++) {
      this.receivedBySubscription[i]! += report.received[i]!;
      messages += report.received[i]!;
      bytes += report.bytes[i]!;
    }
    this.o.stats.addReceived(messages, bytes);
    this.o.stats.endToEnd.addEncoded(report.endToEnd);
    handle.assigned = report.assigned;
    if (report.duplicated + report.outOfOrder + report.late > 0 || report.staleGaps.length > 0) {
      this.o.onIntegrity?.(
        { duplicated: report.duplicated, outOfOrder: report.outOfOrder, late: report.late },
        report.staleGaps,
      );
    }
    if (Object.keys(report.errors).length > 0) this.o.onErrors?.(report.errors);
    if (report.flushId !== undefined) {
      const waiter = this.flushWaiters.get(report.flushId);
      if (waiter && --waiter.pending === 0) {
        this.flushWaiters.delete(report.flushId);
        waiter.done();
      }
    }
  }

  /** Partitions assigned now, per subscription (as of the threads' last reports). */
  assignedBySubscription(): number[] {
    const out = new Array<number>(this.o.subscriptions).fill(0);
    for (const t of this.threads) {
      t.assigned.forEach((n, i) => {
        out[i]! += n;
      });
    }
    return out;
  }

  /** Asks every thread for a report now and waits for them (at most `timeoutMs`). */
  flush(timeoutMs = 5_000, allGaps = false): Promise<void> {
    const live = this.threads.filter((t) => t.alive && t.child.connected);
    if (live.length === 0) return Promise.resolve();
    const id = this.nextFlushId++;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.flushWaiters.delete(id);
        resolve();
      }, timeoutMs);
      this.flushWaiters.set(id, {
        pending: live.length,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      for (const t of live) t.child.send({ type: 'flush', id, allGaps } satisfies ToConsumerThread);
    });
  }

  /** Stops the consumers (they commit what they consumed), merges their last reports, ends the threads. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.threads) {
      if (t.alive && t.child.connected) {
        t.child.send({
          type: 'stop',
          timeoutMs: Math.max(1_000, timeoutMs - 1_000),
        } satisfies ToConsumerThread);
      }
    }
    const all = Promise.all(this.threads.map((t) => t.exited));
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), timeoutMs).unref());
    if ((await Promise.race([all, deadline])) === 'late') {
      for (const t of this.threads) if (t.alive) t.child.kill('SIGKILL');
      await Promise.all(this.threads.map((t) => t.exited));
    }
  }
}
