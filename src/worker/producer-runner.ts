/**
 * A share of the workload's producers, run where a producer host puts it: in a producer child process
 * (producer-process.ts) or inline (producer-hosts.ts). The same send path as the main process's own
 * (rate limiter, SendLoop, in-flight table, clients), measuring into a Stats of its own whose counts
 * and histograms it hands over in periodic reports (producer-protocol.ts). docs/architecture.md,
 * "Processes".
 */
import type { Clock } from '../clock.js';
import type { Driver } from '../driver/driver.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { Stats } from '../stats/stats.js';
import { createKeyDistributor } from '../workload/key-distributor.js';
import { createPayloadSource } from '../workload/payloads.js';
import { LeaderRefresh } from './leader-refresh.js';
import { ProducerClients } from './producer-clients.js';
import type { FromProducerProcess, ProducerProcessData, ProducerReport } from './producer-protocol.js';
import { SendLoop } from './send-loop.js';

/** The fields of librdkafka's statistics that ClientStats reads (src/stats/client-stats.ts): the rest stays here. */
function trimStats(raw: unknown): unknown {
  const s = raw as { msg_cnt?: number; brokers?: Record<string, Record<string, unknown>> };
  const brokers: Record<string, unknown> = {};
  for (const [name, b] of Object.entries(s.brokers ?? {})) {
    const { nodeid, txretries, outbuf_cnt, waitresp_cnt, state, rtt, throttle } = b;
    brokers[name] = { nodeid, txretries, outbuf_cnt, waitresp_cnt, state, rtt, throttle };
  }
  return { msg_cnt: s.msg_cnt, brokers };
}

export class ProducerRunner {
  readonly limiter: RateLimiter;
  private readonly data: ProducerProcessData;
  private readonly clock: Clock;
  private readonly post: (message: FromProducerProcess) => void;
  private readonly stats: Stats;
  private readonly clients: ProducerClients;
  private loop: SendLoop | undefined;
  private leaders: LeaderRefresh | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = { sent: 0, bytes: 0, attempts: 0, errors: new Map<string, number>() };
  private lastAcked: Float64Array;
  private settled: Float64Array = new Float64Array(0);
  private failures: number[] = [];
  private clientStats = new Map<number, unknown>();
  private clientErrors: string[] = [];
  private clientRestarts: string[] = [];
  private stopping: Promise<void> | undefined;
  /** Paused as asked last (the start data, then pause and resume requests, even during start-up). */
  private paused: boolean;

  constructor(
    driver: Driver,
    data: ProducerProcessData,
    clock: Clock,
    post: (m: FromProducerProcess) => void,
  ) {
    this.data = data;
    this.clock = clock;
    this.post = post;
    this.stats = new Stats({ clock, brokerBucketsUs: data.brokers ? [] : undefined });
    this.limiter = new RateLimiter(clock, data.rate);
    this.limiter.pause();
    this.paused = data.paused;
    this.lastAcked = new Float64Array(data.streams.length);
    this.clients = new ProducerClients({
      driver,
      settings: data.settings,
      runTag: data.runTag,
      count: data.clients,
      indexBase: data.clientIndexBase,
      statisticsIntervalMs: data.statisticsIntervalMs,
      onStats: (index, s) => this.clientStats.set(index, trimStats(s)),
      onError: (err) => this.noteError(err.message),
      onRestart: (reason) => this.clientRestarts.push(reason),
    });
  }

  private noteError(message: string): void {
    if (this.clientErrors.length < 20) this.clientErrors.push(message);
  }

  /** Connects the clients and starts the send loop (sending once resumed, unless started unpaused). */
  async start(): Promise<void> {
    const { data } = this;
    let loop: SendLoop | undefined;
    await this.clients.connect((errorCode, token) => loop!.onDelivery(errorCode, token));
    if (this.stopping !== undefined) return;
    loop = new SendLoop({
      clock: this.clock,
      stats: this.stats,
      limiter: this.limiter,
      clients: this.clients.list,
      streams: data.streams,
      payloads: createPayloadSource(data.workload),
      keys: createKeyDistributor(data.workload.keyDistributor),
      runId: data.runId,
      maxInFlight: data.maxInFlight,
      stickyMessages: data.stickyMessages,
      onFailure: (_run, stream, partition, sequence) => {
        this.failures.push(stream, partition, sequence);
      },
    });
    this.loop = loop;
    this.settled = new Float64Array(loop.partitionSlots);
    this.leaders = await LeaderRefresh.startFor(
      this.stats.brokers,
      loop,
      data.streams,
      () => this.clients.list,
    );
    // Told to stop while connecting: nothing is sent.
    if (this.stopping !== undefined) {
      this.leaders?.stop();
      return;
    }
    if (!this.paused) this.limiter.resume();
    loop.start();
    this.timer = setInterval(() => this.report(), data.reportIntervalMs);
    this.timer.unref();
  }

  setRate(rate: number): void {
    this.limiter.setRate(rate);
    this.loop?.wake();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.limiter.pause();
    else if (this.loop === undefined || this.stopping !== undefined) return;
    else {
      this.limiter.resume();
      this.loop?.wake();
    }
  }

  /** Sends what was measured since the previous report (answering flush `flushId`, if given). */
  report(flushId?: number): void {
    const loop = this.loop;
    if (loop === undefined) return;
    const s = this.stats;
    const errorsByReason: Record<string, number> = {};
    for (const [reason, n] of s.sendErrorsByReason) {
      const d = n - (this.last.errors.get(reason) ?? 0);
      if (d > 0) errorsByReason[reason] = d;
    }
    const acked: number[] = new Array<number>(this.lastAcked.length);
    for (let i = 0; i < acked.length; i++) {
      acked[i] = loop.ackedByStream[i]! - this.lastAcked[i]!;
      this.lastAcked[i] = loop.ackedByStream[i]!;
    }
    // One pass over the in-flight table for both (it holds up to maxInFlight slots, every 100 ms).
    const oldest = loop.settledBelow(this.settled);
    const report: ProducerReport = {
      type: 'report',
      sent: s.messagesSent - this.last.sent,
      bytes: s.bytesSent - this.last.bytes,
      attempts: s.sendAttempts - this.last.attempts,
      errorsByReason,
      publishLatency: s.publishLatency.drainEncoded(),
      publishDelay: s.publishDelay.drainEncoded(),
      responseTime: s.responseTime.drainEncoded(),
      brokers: s.brokers?.drainShares() ?? [],
      acked,
      failures: this.failures,
      settledBelow: Array.from(this.settled),
      inFlight: loop.inFlight.size,
      oldestInFlightAgeNs: Number.isFinite(oldest) ? Math.max(0, this.clock.nowNs() - oldest) : 0,
      queueFullTicks: loop.queueFullTicks,
      inFlightFullTicks: loop.inFlightFullTicks,
      clientStats: [...this.clientStats],
      clientErrors: this.clientErrors,
      clientRestarts: this.clientRestarts,
      ...(flushId !== undefined && { flushId }),
    };
    this.last = {
      sent: s.messagesSent,
      bytes: s.bytesSent,
      attempts: s.sendAttempts,
      errors: new Map(s.sendErrorsByReason),
    };
    this.failures = [];
    this.clientStats = new Map();
    this.clientErrors = [];
    this.clientRestarts = [];
    this.post(report);
  }

  /** Stops scheduling, flushes what is in flight (at most `flushMs`), closes the clients, reports last. */
  stop(flushMs: number): Promise<void> {
    this.stopping ??= this.doStop(flushMs);
    return this.stopping;
  }

  private async doStop(flushMs: number): Promise<void> {
    this.loop?.stop();
    this.leaders?.stop();
    this.limiter.pause();
    this.clients.stopReplacing();
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.clients.flush(flushMs).catch(() => {});
    // Messages still queued fail with the close: their delivery reports land in the last report.
    await this.clients.close(Math.min(5_000, Math.max(1_000, flushMs))).catch(() => {});
    this.report();
    this.stats.destroy();
    this.post({ type: 'stopped' });
  }

  /** Closes the clients without flushing (the parent is gone or the start failed). */
  async abandon(): Promise<void> {
    this.loop?.stop();
    this.leaders?.stop();
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.clients.close(1_000).catch(() => {});
  }
}
