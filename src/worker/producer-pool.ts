/**
 * Runs the workload's producers in N producer processes (engine.producerProcesses ≥ 2; docs/architecture.md,
 * "Processes"): splits the producers round robin and the target rate in proportion (the shares add up
 * to the target), passes rate changes and pauses on, and merges the processes' reports into the main
 * Stats and the integrity ledger: counts, encoded HdrHistograms, per-broker shares, failed sends and
 * the sequence watermarks below which every send is settled. A process that dies is restarted with a
 * backoff under a new run id; what it had not seen acknowledged is never counted as lost.
 */
import { randomInt } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import type { DriverFactory, DriverSettings } from '../driver/driver.js';
import type { Stats } from '../stats/stats.js';
import {
  forkProducerHost,
  inlineProducerHost,
  type ProducerHost,
  type ProducerHostEvents,
} from './producer-hosts.js';
import type { ProducerProcessData, ProducerReport, ToProducerProcess } from './producer-protocol.js';
import type { FailureListener, ProducerStream } from './send-loop.js';

/** How often a changed target (a rate profile moves it continuously) is passed on: well within one control interval. */
const RATE_POLL_MS = 100;

export interface ProducerPoolOptions {
  /** Builds the producers' driver: by its name in each child, or in this process when it cannot cross processes. */
  driverFactory: DriverFactory;
  settings: DriverSettings;
  clock?: Clock;
  stats: Stats;
  /** Every producer of the workload, with global ids. */
  streams: readonly ProducerStream[];
  processes: number;
  runTag: string;
  /** The target rate now (read every RATE_POLL_MS and at each change). */
  rate: () => number;
  paused: boolean;
  workload: ProducerProcessData['workload'];
  /** In flight at most, over all processes. */
  maxInFlight: number;
  /** librdkafka producer clients at most, over all processes (at least one per process). */
  producerClients: number;
  stickyMessages: number;
  reportIntervalMs?: number;
  connectTimeoutMs?: number;
  statisticsIntervalMs?: number;
  onClientStats?: (index: number, stats: unknown) => void;
  onClientError?: (err: Error) => void;
  /** A producer process died (attempt ≥ 1) or one of its clients was replaced (attempt 0). */
  onRestart?: (reason: string, attempt: number) => void;
  onFailure?: FailureListener;
  /** A process ended: sequences from `fromSeq` on were never acknowledged. */
  onAbandoned?: (runId: number, stream: number, partition: number, fromSeq: number) => void;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

/** What the pool knows about one running process from its last report. */
interface HostState {
  host: ProducerHost;
  group: number;
  restarts: number;
  /** Global stream position of each of its streams. */
  positions: number[];
  /** Offset of each of its streams in `settled`. */
  bases: number[];
  settled: number[] | undefined;
  inFlight: number;
  oldestAgeNs: number;
  reportedAtNs: number;
  queueFullTicks: number;
  inFlightFullTicks: number;
}

export class ProducerPool {
  /** Messages acknowledged per stream (global position) since the pool started. */
  readonly ackedByStream: Float64Array;
  private readonly o: ProducerPoolOptions;
  private readonly clock: Clock;
  private readonly groups: ProducerStream[][];
  private readonly states: HostState[] = [];
  private readonly positionOf = new Map<number, number>();
  private nextFlushId = 1;
  private readonly flushWaiters = new Map<number, { pending: Set<ProducerHost>; done: () => void }>();
  private stopped = false;
  private paused: boolean;
  private sentRate: number;
  private poll: NodeJS.Timeout | undefined;
  private readonly retired = { queueFullTicks: 0, inFlightFullTicks: 0 };
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  /** Processes restarted after a death, lifetime. */
  restarts = 0;

  constructor(options: ProducerPoolOptions) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.paused = options.paused;
    this.sentRate = options.rate();
    this.ackedByStream = new Float64Array(options.streams.length);
    options.streams.forEach((s, i) => {
      this.positionOf.set(s.id, i);
    });
    const count = Math.max(1, Math.min(options.processes, options.streams.length));
    this.groups = Array.from({ length: count }, () => []);
    options.streams.forEach((s, i) => {
      this.groups[i % count]!.push(s);
    });
  }

  /** Processes running now. */
  get processes(): number {
    return this.states.filter((s) => s.host.alive()).length;
  }

  /** The run id of each process's current incarnation (a restarted process writes a new one). */
  get runIds(): number[] {
    return this.states.map((s) => s.host.data.runId);
  }

  /** Process ids of the running children (empty inline). */
  get pids(): number[] {
    return this.states.flatMap((s) => (s.host.alive() && s.host.pid !== undefined ? [s.host.pid] : []));
  }

  /**
   * Each process's share of `rate`, in proportion to its producers; the shares add up to `rate` (each is
   * the difference of two cumulative fractions, so rounding cannot drift).
   */
  shares(rate: number): number[] {
    const total = this.o.streams.length;
    let before = 0;
    return this.groups.map((g) => {
      const from = (rate * before) / total;
      before += g.length;
      return (rate * before) / total - from;
    });
  }

  /** Starts every process; resolves when all clients are connected (or rejects, everything stopped). */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.groups.map((_, g) => this.spawn(g, 0)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.stop(2_000);
      throw (failed as PromiseRejectedResult).reason;
    }
    this.poll = setInterval(() => this.syncRate(), RATE_POLL_MS);
    this.poll.unref();
  }

  private spawn(group: number, restarts: number): Promise<void> {
    const o = this.o;
    const streams = this.groups[group]!;
    const processes = this.groups.length;
    const perProcess = Math.max(1, Math.ceil(o.producerClients / processes));
    const clients = Math.max(1, Math.min(streams.length, perProcess));
    const bases: number[] = [];
    let base = 0;
    for (const s of streams) {
      bases.push(base);
      base += s.partitions;
    }
    const data: ProducerProcessData = {
      driver: o.driverFactory.name,
      settings: o.settings,
      streams: streams.map((s, i) => ({ ...s, client: i % clients })),
      clients,
      clientIndexBase: group * perProcess,
      runTag: o.runTag,
      runId: randomInt(1, 2 ** 32 - 1),
      rate: this.shares(this.sentRate)[group]!,
      paused: this.paused,
      workload: o.workload,
      maxInFlight: Math.max(1, Math.ceil(o.maxInFlight / processes)),
      stickyMessages: o.stickyMessages,
      reportIntervalMs: o.reportIntervalMs ?? 100,
      connectTimeoutMs: o.connectTimeoutMs ?? 15_000,
      statisticsIntervalMs: o.statisticsIntervalMs ?? 0,
      brokers: o.stats.brokers !== undefined,
    };
    const events: ProducerHostEvents = {
      onReport: (host, report) => this.merge(host, report),
      onExit: (host, died, reason) => this.exited(host, died, reason),
      stopping: () => this.stopped,
    };
    const { host, started } = o.driverFactory.crossProcess
      ? forkProducerHost(data, events)
      : inlineProducerHost(
          o.driverFactory.create(o.settings, { connectTimeoutMs: data.connectTimeoutMs }),
          data,
          this.clock,
          events,
        );
    this.states.push({
      host,
      group,
      restarts,
      positions: streams.map((s) => this.positionOf.get(s.id)!),
      bases,
      settled: undefined,
      inFlight: 0,
      oldestAgeNs: 0,
      reportedAtNs: this.clock.nowNs(),
      queueFullTicks: 0,
      inFlightFullTicks: 0,
    });
    o.log?.('producer process started', {
      process: group,
      pid: host.pid,
      producers: streams.length,
      runId: data.runId,
    });
    return started.then(() => {
      // A change that happened while it connected (its start data had the rate and pause of then).
      if (this.paused !== data.paused) host.send({ type: this.paused ? 'pause' : 'resume' });
      const share = this.shares(this.sentRate)[group]!;
      if (share !== data.rate) host.send({ type: 'rate', rate: share });
    });
  }

  private stateOf(host: ProducerHost): HostState | undefined {
    return this.states.find((s) => s.host === host);
  }

  private merge(host: ProducerHost, r: ProducerReport): void {
    const { stats } = this.o;
    stats.addSent({
      messages: r.sent,
      bytes: r.bytes,
      attempts: r.attempts,
      errorsByReason: r.errorsByReason,
    });
    stats.publishLatency.addEncoded(r.publishLatency);
    stats.publishDelay.addEncoded(r.publishDelay);
    stats.responseTime.addEncoded(r.responseTime);
    if (stats.brokers !== undefined) for (const share of r.brokers) stats.brokers.addShare(share);
    const state = this.stateOf(host);
    if (state !== undefined) {
      r.acked.forEach((n, i) => {
        this.ackedByStream[state.positions[i]!]! += n;
      });
      state.settled = r.settledBelow;
      state.inFlight = r.inFlight;
      state.oldestAgeNs = r.oldestInFlightAgeNs;
      state.reportedAtNs = this.clock.nowNs();
      state.queueFullTicks = r.queueFullTicks;
      state.inFlightFullTicks = r.inFlightFullTicks;
    }
    const runId = host.data.runId;
    for (let i = 0; i + 2 < r.failures.length; i += 3)
      this.o.onFailure?.(runId, r.failures[i]!, r.failures[i + 1]!, r.failures[i + 2]!);
    for (const [index, s] of r.clientStats) this.o.onClientStats?.(index, s);
    for (const message of r.clientErrors) this.o.onClientError?.(new Error(message));
    for (const reason of r.clientRestarts) this.o.onRestart?.(`producer client failed (${reason})`, 0);
    if (r.flushId !== undefined) {
      const waiter = this.flushWaiters.get(r.flushId);
      if (waiter?.pending.delete(host) && waiter.pending.size === 0) {
        this.flushWaiters.delete(r.flushId);
        waiter.done();
      }
    }
  }

  /**
   * A process ended. Whatever it had not reported settled was never seen acknowledged: not lost if
   * missing (its run id is never used again). A death is counted and restarted after 1, 2, 4 … 30 s.
   */
  private exited(host: ProducerHost, died: boolean, reason: string): void {
    const index = this.states.findIndex((s) => s.host === host);
    if (index < 0) return;
    const state = this.states[index]!;
    this.states.splice(index, 1);
    this.retired.queueFullTicks += state.queueFullTicks;
    this.retired.inFlightFullTicks += state.inFlightFullTicks;
    const { streams, runId } = host.data;
    streams.forEach((s, i) => {
      for (let p = 0; p < s.partitions; p++) {
        this.o.onAbandoned?.(runId, s.id, p, state.settled?.[state.bases[i]! + p] ?? 0);
      }
    });
    for (const [id, waiter] of this.flushWaiters) {
      if (waiter.pending.delete(host) && waiter.pending.size === 0) {
        this.flushWaiters.delete(id);
        waiter.done();
      }
    }
    if (!died || this.stopped) return;
    this.restartAfterDeath(state.group, state.restarts + 1, reason);
  }

  private restartAfterDeath(group: number, attempt: number, reason: string): void {
    this.restarts++;
    const delayMs = Math.min(30_000, 1_000 * 2 ** (attempt - 1));
    this.o.log?.('producer process restarting', { process: group, reason, attempt, delayMs });
    this.o.onRestart?.(`producer process ${reason}`, attempt);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.stopped) return;
      this.spawn(group, attempt).catch((err: Error) => {
        if (!this.stopped) this.restartAfterDeath(group, attempt + 1, err.message);
      });
    }, delayMs);
    timer.unref();
    this.restartTimers.add(timer);
  }

  /** Passes a changed target on (a rate profile moves it continuously). */
  private syncRate(): void {
    const rate = this.o.rate();
    if (rate === this.sentRate) return;
    this.sentRate = rate;
    const shares = this.shares(rate);
    for (const s of this.states)
      s.host.send({ type: 'rate', rate: shares[s.group]! } satisfies ToProducerProcess);
  }

  /** The target changed: every process gets its share now. */
  setRate(): void {
    this.syncRate();
  }

  pause(): void {
    this.paused = true;
    for (const s of this.states) s.host.send({ type: 'pause' });
  }

  resume(): void {
    this.paused = false;
    this.syncRate();
    for (const s of this.states) s.host.send({ type: 'resume' });
  }

  /** Asks every process for a report now and waits for them (at most `timeoutMs`). */
  flush(timeoutMs = 2_000): Promise<void> {
    const live = this.states.filter((s) => s.host.alive()).map((s) => s.host);
    if (live.length === 0) return Promise.resolve();
    const id = this.nextFlushId++;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.flushWaiters.delete(id);
        resolve();
      }, timeoutMs);
      this.flushWaiters.set(id, {
        pending: new Set(live),
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      });
      for (const h of live) h.send({ type: 'flush', id });
    });
  }

  /** Ends running process `index` as a crash would (no flush; it is restarted): for fault tests. */
  kill(index: number): boolean {
    const state = this.states[index];
    if (state === undefined) return false;
    state.host.kill();
    return true;
  }

  /** True when a message of run `runId` whose sequence is in [start, end) may still be in flight. */
  inFlightIn(runId: number, producerId: number, partition: number, start: number, end: number): boolean {
    for (const s of this.states) {
      if (s.host.data.runId !== runId) continue;
      if (s.settled === undefined) return end > start;
      const i = s.host.data.streams.findIndex((x) => x.id === producerId);
      if (i < 0) return false;
      return end > (s.settled[s.bases[i]! + partition] ?? 0);
    }
    return false;
  }

  get inFlight(): number {
    return this.states.reduce((a, s) => a + s.inFlight, 0);
  }

  /** Age of the oldest message in flight in any process, ns, as of their last reports. */
  oldestInFlightAgeNs(): number {
    const now = this.clock.nowNs();
    return this.states.reduce(
      (a, s) => (s.inFlight > 0 ? Math.max(a, s.oldestAgeNs + (now - s.reportedAtNs)) : a),
      0,
    );
  }

  get backpressure(): { queueFullTicks: number; inFlightFullTicks: number } {
    return {
      queueFullTicks: this.states.reduce((a, s) => a + s.queueFullTicks, this.retired.queueFullTicks),
      inFlightFullTicks: this.states.reduce(
        (a, s) => a + s.inFlightFullTicks,
        this.retired.inFlightFullTicks,
      ),
    };
  }

  /**
   * Stops every process: each stops scheduling, flushes (at most `flushMs`), closes its clients and
   * sends its last report; one that has not ended a few seconds after that is killed.
   */
  async stop(flushMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.poll !== undefined) clearInterval(this.poll);
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    const states = [...this.states];
    for (const s of states) s.host.send({ type: 'stop', flushMs });
    const all = Promise.all(states.map((s) => s.host.exited));
    const boundMs = flushMs + 7_000;
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), boundMs).unref());
    if ((await Promise.race([all, deadline])) === 'late') {
      this.o.log?.('producer processes did not stop in time; killing them', { afterMs: boundMs });
      for (const s of states) s.host.kill();
      await Promise.race([all, new Promise((r) => setTimeout(r, 2_000).unref())]);
    }
  }
}
