import { type Clock, systemClock } from '../clock.js';
import type { DriverFactory, DriverSettings } from '../driver/driver.js';
import type { Stats } from '../stats/stats.js';
import {
  type ConsumerHost,
  type ConsumerHostEvents,
  forkConsumerHost,
  inlineConsumerHost,
} from './consumer-hosts.js';
import type {
  ConsumerReport,
  ConsumerSpec,
  ConsumerThreadData,
  ToConsumerThread,
} from './consumer-protocol.js';

export interface ConsumerPoolOptions {
  /**
   * Builds the consumers' driver: by its name in each child process, or in this process (consumers
   * inline, no child process) when the factory says its clients cannot cross processes.
   */
  driverFactory: DriverFactory;
  settings: DriverSettings;
  consumers: readonly ConsumerSpec[];
  subscriptions: number;
  stats: Stats;
  /**
   * Child processes to spread the consumers over (default 2: this is a 2-core class of machine);
   * ignored for inline consumers, which all share one runner.
   */
  processes?: number;
  /** Wall clock of inline consumers (default: the system clock; child processes always use it). */
  clock?: Clock;
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

/**
 * Runs the workload's consumers in child processes (see consumer-process.ts for why not threads), or
 * in this process for a driver that cannot cross processes (consumer-hosts.ts), and merges what they
 * measure into the main Stats: counts per subscription and end-to-end latencies (encoded HdrHistograms).
 */
export class ConsumerPool {
  /** Messages received per subscription since the pool started. */
  readonly receivedBySubscription: number[];
  /** Payload bytes received since the pool started, all subscriptions. */
  receivedBytes = 0;
  private readonly o: ConsumerPoolOptions;
  private readonly threads: ConsumerHost[] = [];
  private nextFlushId = 1;
  private readonly flushWaiters = new Map<number, { pending: number; done: () => void }>();
  private stopped = false;
  private paused = false;

  constructor(options: ConsumerPoolOptions) {
    this.o = options;
    this.receivedBySubscription = new Array<number>(options.subscriptions).fill(0);
  }

  /** Starts every consumer; resolves when all are connected and subscribed. */
  async start(): Promise<void> {
    // Inline consumers share this process: one runner holds them all.
    const hosts = this.o.driverFactory.crossProcess ? (this.o.processes ?? 2) : 1;
    const count = Math.min(this.o.consumers.length, Math.max(1, hosts));
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
      driver: this.o.driverFactory.name,
      settings: this.o.settings,
      consumers,
      subscriptions: this.o.subscriptions,
      reportIntervalMs: this.o.reportIntervalMs ?? 500,
      connectTimeoutMs: this.o.connectTimeoutMs ?? 15_000,
      maxEndToEndUs: this.o.maxEndToEndUs,
      lateAfterMs: this.o.lateAfterMs,
      paused: this.paused,
    };
    const events: ConsumerHostEvents = {
      onReport: (host, report) => this.merge(host, report),
      onDied: (host, reason) => this.restart(host, reason),
      stopping: () => this.stopped,
    };
    const { host, started } = this.o.driverFactory.crossProcess
      ? forkConsumerHost(data, restarts, events)
      : inlineConsumerHost(
          this.o.driverFactory.create(this.o.settings, { connectTimeoutMs: data.connectTimeoutMs }),
          data,
          this.o.clock ?? systemClock,
          events,
        );
    this.threads.push(host);
    return started;
  }

  /** Starts a replacement for a consumer process that died, after a backoff of 1, 2, 4 … 30 s. */
  private restart(dead: ConsumerHost, reason: string): void {
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

  private merge(handle: ConsumerHost, report: ConsumerReport): void {
    let messages = 0;
    let bytes = 0;
    for (let i = 0; i < report.received.length; i++) {
      this.receivedBySubscription[i]! += report.received[i]!;
      messages += report.received[i]!;
      bytes += report.bytes[i]!;
    }
    this.receivedBytes += bytes;
    this.o.stats.addReceived(messages, bytes);
    this.o.stats.endToEnd.addEncoded(report.endToEnd);
    handle.assigned = report.assigned;
    handle.members = report.members;
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
    return this.sumBySubscription((t) => t.assigned);
  }

  /** Consumers holding at least one partition, per subscription (as of the threads' last reports). */
  membersBySubscription(): number[] {
    return this.sumBySubscription((t) => t.members);
  }

  private sumBySubscription(of: (thread: ConsumerHost) => number[]): number[] {
    const out = new Array<number>(this.o.subscriptions).fill(0);
    for (const t of this.threads) {
      of(t).forEach((n, i) => {
        out[i]! += n;
      });
    }
    return out;
  }

  /** Asks every thread for a report now and waits for them (at most `timeoutMs`). */
  flush(timeoutMs = 5_000, allGaps = false): Promise<void> {
    const live = this.threads.filter((t) => t.alive());
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
      for (const t of live) t.send({ type: 'flush', id, allGaps } satisfies ToConsumerThread);
    });
  }

  /** True between `pause()` and `resume()`. */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Pauses every consumer (they stay in their groups and fetch nothing; a replacement process starts
   * paused) and resolves once every host has applied it and reported what it consumed before: the
   * flush request travels behind the pause on the same channel.
   */
  async pause(timeoutMs = 5_000): Promise<void> {
    await this.setPaused(true, timeoutMs);
  }

  /** Consumers fetch again from where they stopped. */
  async resume(timeoutMs = 5_000): Promise<void> {
    await this.setPaused(false, timeoutMs);
  }

  private async setPaused(paused: boolean, timeoutMs: number): Promise<void> {
    this.paused = paused;
    for (const t of this.threads) {
      if (t.alive()) t.send({ type: paused ? 'pause' : 'resume' } satisfies ToConsumerThread);
    }
    await this.flush(timeoutMs);
  }

  /** Stops the consumers (they commit what they consumed), merges their last reports, ends the threads. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.threads) {
      if (t.alive()) {
        t.send({
          type: 'stop',
          timeoutMs: Math.max(1_000, timeoutMs - 1_000),
        } satisfies ToConsumerThread);
      }
    }
    const all = Promise.all(this.threads.map((t) => t.exited));
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), timeoutMs).unref());
    if ((await Promise.race([all, deadline])) === 'late') {
      for (const t of this.threads) t.kill();
      await Promise.all(this.threads.map((t) => t.exited));
    }
  }
}
