import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ControllerSettingsPatch, DaemonControl } from '../api/daemon-control.js';
import { closeServer, createHttpApi, listen } from '../api/http-api.js';
import type { BacklogRequest } from '../api/schemas.js';
import { type Clock, systemClock } from '../clock.js';
import { driverSettings } from '../commands/load-files.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import { KafkaDriver } from '../driver/kafka/kafka-driver.js';
import { isSoakbenchError, SoakbenchError } from '../errors.js';
import { IntegrityTracker } from '../integrity/integrity-tracker.js';
import type { Logger } from '../log/logger.js';
import { createDaemonRegistry, LATENCY_BUCKETS_US, type MetricsSource } from '../metrics/daemon-metrics.js';
import { ControlSampleBuilder } from '../rate/control-sample-builder.js';
import { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { Decision } from '../rate/controller/decision.js';
import { ResultCollector } from '../results/result-collector.js';
import type { TestResult } from '../results/test-result.js';
import { BucketCounter } from '../stats/bucket-counter.js';
import { ClientStats } from '../stats/client-stats.js';
import { PeriodAggregator } from '../stats/period-aggregator.js';
import { type PeriodStats, Stats } from '../stats/stats.js';
import { VERSION } from '../version.js';
import { LoadEngine } from '../worker/load-engine.js';
import { sweepAbandonedTopics } from '../worker/topic-sweep.js';
import type { DriverFile } from '../workload/driver-file.js';
import { refuseUnsupported } from '../workload/supported.js';
import type { Workload } from '../workload/workload.js';
import { parseWorkloadText } from '../workload/workload-parser.js';
import { BacklogAction } from './backlog-action.js';

/** OMB's console/result period. */
const RESULT_PERIOD_MS = 10_000;
/** Without an ack for this long while sends are due, the daemon is not ready (broker away). */
const ACK_SILENCE_UNREADY_MS = 5_000;
const LAST_ERRORS = 20;

type State = 'starting' | 'connecting' | 'running' | 'stopping' | 'stopped';

export interface DaemonOptions {
  config: DaemonConfig;
  driverFile: DriverFile;
  workload: Workload;
  /** Directory PUT /workload resolves relative payloadFile paths against. */
  workloadDir?: string;
  log: Logger;
  clock?: Clock;
}

/**
 * `soakbench daemon`: one workload running until stopped, its stats exported on /metrics, controlled
 * over HTTP. Start order: HTTP server (health and readiness answer while Kafka is away), then the load
 * engine, retried with backoff until Kafka answers. Stop: the reverse, each step under the deadline.
 */
export class Daemon implements DaemonControl {
  private readonly o: DaemonOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly stats: Stats;
  private readonly buckets: Record<
    'publishLatency' | 'publishDelay' | 'responseTime' | 'endToEnd',
    BucketCounter
  >;
  private readonly resultPeriods: PeriodAggregator;
  private readonly logPeriods: PeriodAggregator;
  private readonly collector: ResultCollector;
  private readonly clientStats = new ClientStats();
  private readonly integrity = new IntegrityTracker();
  private readonly controllerImpl: AdaptiveController;
  private readonly sampleBuilder: ControlSampleBuilder;
  private lastDecision: Decision | undefined;
  /** When the current engine started producing: control intervals that began earlier are skipped. */
  private producingSinceNs = Number.POSITIVE_INFINITY;
  private readonly registry;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private server: Server | undefined;
  private engine: LoadEngine | undefined;
  private workload: Workload;
  private state: State = 'starting';
  private notReadyReason = 'starting';
  private targetRate: number;
  private paused = false;
  private swapping = false;
  private sampler: NodeJS.Timeout | undefined;
  private lastSampleNs: number;
  private lastResultNs: number;
  private lastLogNs: number;
  private lastAckNs: number;
  private lastAckCount = 0;
  private saturated = false;
  private readonly errors: { time: string; message: string }[] = [];
  private readonly restarts = { producer: 0, consumer: 0 };
  private readonly startedAtMs: number;
  private connectAttempt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  /** An engine whose start() is under way (not yet `engine`). */
  private pending: LoadEngine | undefined;
  /** Decisions counted by kind, then by cause. */
  private readonly decisions: Record<string, Record<string, number>> = {};
  /** POST /backlog (src/daemon/backlog-action.ts); it stops when the engine changes or the daemon stops. */
  private readonly backlogAction: BacklogAction;

  constructor(options: DaemonOptions) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.workload = options.workload;
    this.targetRate = options.workload.producerRate;
    this.stats = new Stats({
      clock: this.clock,
      subscriptionsPerTopic: options.workload.subscriptionsPerTopic,
    });
    this.buckets = {
      publishLatency: new BucketCounter(LATENCY_BUCKETS_US),
      publishDelay: new BucketCounter(LATENCY_BUCKETS_US),
      responseTime: new BucketCounter(LATENCY_BUCKETS_US),
      endToEnd: new BucketCounter(LATENCY_BUCKETS_US),
    };
    for (const name of ['publishLatency', 'publishDelay', 'responseTime', 'endToEnd'] as const) {
      this.stats[name].onInterval((h) => this.buckets[name].add(h));
    }
    const now = this.clock.nowNs();
    const backlog = (): number => this.totalBacklog();
    this.resultPeriods = new PeriodAggregator(this.stats, now, backlog);
    this.logPeriods = new PeriodAggregator(this.stats, now, backlog);
    this.collector = this.newCollector();
    this.lastSampleNs = this.lastResultNs = this.lastLogNs = this.lastAckNs = now;
    this.startedAtMs = this.clock.wallMs();
    this.backlogAction = new BacklogAction(this.clock, this.log, () =>
      this.state === 'running' ? this.engine : undefined,
    );
    const c = options.config.controller;
    const adaptive = options.workload.producerRate === 0;
    this.controllerImpl = new AdaptiveController(
      {
        mode: adaptive ? 'adaptive' : 'fixed',
        fixedRate: adaptive ? 1_000 : options.workload.producerRate,
        p99TargetMs: c.p99TargetMs,
        maxErrorRate: c.maxErrorRate,
        minRate: c.minRate,
        maxRate: c.maxRate,
        intervalMs: c.intervalMs,
      },
      this.clock,
    );
    this.targetRate = this.controllerImpl.rate;
    this.sampleBuilder = new ControlSampleBuilder(this.stats);
    this.registry = createDaemonRegistry(this.metricsSource());
    this.loopDelay.enable();
  }

  private newCollector(): ResultCollector {
    const w = this.workload;
    return new ResultCollector({
      workload: w.name,
      driver: this.o.driverFile.name,
      messageSize: w.messageSize,
      topics: w.topics,
      partitions: w.partitionsPerTopic,
      producersPerTopic: w.producersPerTopic,
      consumersPerTopic: w.consumerPerSubscription,
      soakbenchVersion: VERSION,
    });
  }

  /** Listens on HTTP, then connects to Kafka in the background (retrying); resolves once listening. */
  async start(): Promise<void> {
    const { config } = this.o;
    const app = createHttpApi({
      control: this,
      token: config.api.token,
      bodyLimitBytes: config.http.bodyLimitBytes,
      version: VERSION,
    });
    this.server = await listen(app, config.http.host, config.http.port);
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    this.log.info(
      { host: config.http.host, port, version: VERSION, workload: this.workload.name },
      'http listening',
    );
    this.sampler = setInterval(() => this.sample(), config.controller.intervalMs);
    this.state = 'connecting';
    this.connecting = this.connect();
  }

  /** The port actually bound (http.port 0 picks a free one). */
  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : this.o.config.http.port;
  }

  private newEngine(workload: Workload, rate: number): LoadEngine {
    const { config, driverFile } = this.o;
    const settings = driverSettings(driverFile);
    return new LoadEngine({
      driver: new KafkaDriver(settings, {
        connectTimeoutMs: config.kafka.connectTimeoutMs,
        operationTimeoutMs: Math.max(config.kafka.connectTimeoutMs, 15_000),
      }),
      settings,
      workload,
      clock: this.clock,
      stats: this.stats,
      initialRate: rate,
      cleanupTopics: config.topics.cleanup,
      maxInFlight: config.generator.maxInFlight,
      producerClients: config.generator.producerClients,
      consumerProcesses: config.generator.consumerProcesses,
      connectTimeoutMs: config.kafka.connectTimeoutMs,
      statisticsIntervalMs: config.kafka.statisticsIntervalMs,
      onClientStats: (i, s) => this.clientStats.update(i, s),
      integrity: {
        lateAfterMs: config.integrity.lateAfterMs,
        onFailure: this.integrity.onFailure,
        onIntegrity: this.integrity.onIntegrity,
      },
      onProducerRestart: (reason) => {
        this.restarts.producer++;
        this.noteError(`producer client failed (${reason}); replacing it`);
      },
      onConsumerRestart: (reason) => {
        this.restarts.consumer++;
        this.noteError(`consumer process ${reason}; restarting`);
      },
      onClientError: (err) => this.noteError(err.message),
      log: (event, fields) => this.log.info({ ...fields }, event),
    });
  }

  /** Starts the engine; on failure tears it down and tries again after 1, 2, 4 … 30 s. */
  private async connect(): Promise<void> {
    let swept = !this.o.config.topics.sweepOnStart;
    while (this.state === 'connecting') {
      if (!swept) swept = await this.sweep();
      const engine = this.newEngine(this.workload, this.targetRate);
      this.notReadyReason = this.connectAttempt === 0 ? 'connecting to Kafka' : this.notReadyReason;
      this.pending = engine;
      try {
        await engine.start();
        this.pending = undefined;
        if (this.state !== 'connecting') {
          // stop() came while the engine was starting: it is not ours to keep.
          await engine.stop({ flushMs: 1_000 }).catch(() => {});
          return;
        }
        if (this.paused) engine.pause();
        this.engine = engine;
        this.state = 'running';
        this.producingSinceNs = this.clock.nowNs();
        // OMB's periods start with the traffic, not with the connection attempts before it: the time
        // spent so far is dropped from the result periods (the lifetime counters keep everything).
        this.resultPeriods.close(this.producingSinceNs);
        this.lastResultNs = this.producingSinceNs;
        this.lastAckNs = this.clock.nowNs();
        this.log.info({ topics: engine.topics, rate: this.targetRate }, 'running');
        return;
      } catch (err) {
        this.pending = undefined;
        await engine.stop({ flushMs: 1_000 }).catch(() => {});
        if (this.state !== 'connecting') return;
        if (isSoakbenchError(err) && err.isUserError) {
          // A workload the cluster cannot take (e.g. too few brokers for the replication factor): say so and keep trying.
          this.noteError(err.message);
        }
        this.connectAttempt++;
        const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(this.connectAttempt - 1, 5));
        const message = (err as Error).message;
        this.notReadyReason = `cannot start the workload (attempt ${this.connectAttempt}, next in ${delayMs / 1000} s): ${message}`;
        this.noteError(message);
        this.log.warn(
          { attempt: this.connectAttempt, retryInMs: delayMs, error: message },
          'kafka not reachable, retrying',
        );
        await new Promise<void>((resolve) => {
          this.connectTimer = setTimeout(resolve, delayMs);
        });
      }
    }
  }

  /** topics.sweepOnStart: deletes topics an earlier, killed soakbench run left; true once done. */
  private async sweep(): Promise<boolean> {
    const admin = new KafkaDriver(driverSettings(this.o.driverFile), {
      connectTimeoutMs: this.o.config.kafka.connectTimeoutMs,
      operationTimeoutMs: 15_000,
    }).admin();
    try {
      const r = await sweepAbandonedTopics(
        admin,
        this.workload.topicPrefix,
        this.workload.subscriptionsPerTopic,
      );
      this.log.info({ deleted: r.deleted, kept: r.kept }, 'swept topics of earlier runs');
      return true;
    } catch (err) {
      this.log.warn({ error: (err as Error).message }, 'topic sweep failed; will try again');
      return false;
    } finally {
      await admin.close();
    }
  }

  private noteError(message: string): void {
    this.errors.push({ time: new Date(this.clock.wallMs()).toISOString(), message });
    if (this.errors.length > LAST_ERRORS) this.errors.shift();
  }

  private totalBacklog(): number {
    return (this.engine?.backlogBySubscription() ?? []).reduce((a, b) => a + b, 0);
  }

  /** Every control interval: snapshot stats (feeding buckets and periods), judge saturation and readiness. */
  private sample(): void {
    const now = this.clock.nowNs();
    const period = this.stats.snapshotInterval(now);
    this.lastSampleNs = now;
    if (this.stats.messagesSent !== this.lastAckCount) {
      this.lastAckCount = this.stats.messagesSent;
      this.lastAckNs = now;
    }
    this.saturated = this.judgeSaturation(period);
    this.control(period);
    const lost = this.integrity.settle([this.engine, this.pending]);
    if (lost > 0) this.log.warn({ lost, totalLost: this.integrity.lost }, 'messages lost');
    if ((now - this.lastResultNs) / 1e6 >= RESULT_PERIOD_MS - 1) {
      this.lastResultNs = now;
      this.collector.addPeriod(this.resultPeriods.close(now));
    }
    if ((now - this.lastLogNs) / 1e6 >= this.o.config.log.statsIntervalMs - 1) {
      this.lastLogNs = now;
      this.logStats(this.logPeriods.close(now));
    }
  }

  /** One controller decision per interval; in adaptive mode its rate becomes the target. */
  private control(period: PeriodStats): void {
    if (this.paused || this.state !== 'running') return;
    // An interval that began before producing started (or a swap) is partial: its send rate would read
    // as a generator that cannot keep up.
    if (period.startNs < this.producingSinceNs) return;
    const view = this.clientStats.view();
    const sample = this.sampleBuilder.build(
      period,
      this.engine,
      this.clientStats.takeThrottleMs(),
      view.txRetries,
    );
    const decision = this.controllerImpl.update(sample);
    this.applyDecision(decision);
  }

  private applyDecision(decision: Decision): void {
    const previous = this.lastDecision;
    this.lastDecision = decision;
    this.bumpDecision(decision.kind, decision.cause);
    if (decision.rate !== this.targetRate) {
      this.targetRate = decision.rate;
      this.engine?.setRate(decision.rate);
    }
    if (previous === undefined || previous.state !== decision.state) {
      this.log.info(
        {
          from: previous?.state,
          to: decision.state,
          rate: Math.round(decision.rate),
          kind: decision.kind,
          cause: decision.cause,
          reason: decision.reason,
        },
        'controller state',
      );
    }
  }

  /**
   * Generator saturation: soakbench itself cannot keep the schedule — sends are late (publish delay
   * p99 over the bound) although neither the in-flight cap nor a full client queue held them back, so
   * the broker is not the cause (CONTROLLER.md: never blame the broker for our own limits).
   */
  private judgeSaturation(p: PeriodStats): boolean {
    const engine = this.engine;
    if (!engine || this.paused || p.sendAttempts === 0) return false;
    const lateUs = p.publishDelay.p99;
    const boundUs = this.o.config.generator.saturationDelayMs * 1000;
    const nearCap = engine.inFlight >= 0.9 * engine.maxInFlight;
    return (lateUs > boundUs && !nearCap) || this.controllerImpl.generatorLimited;
  }

  private logStats(p: PeriodStats): void {
    this.log.info(
      {
        rate: this.targetRate,
        publishRate: round(p.publishRate),
        consumeRate: round(p.consumeRate),
        sendErrors: p.sendErrors,
        backlog: this.totalBacklog(),
        p99ResponseMs: p.responseTime.p99 / 1000,
        p99PublishMs: p.publishLatency.p99 / 1000,
        p99EndToEndMs: p.endToEnd.p99 / 1000,
        p99PublishDelayUs: p.publishDelay.p99,
        inFlight: this.engine?.inFlight ?? 0,
        saturated: this.saturated,
      },
      'stats',
    );
  }

  // ---- DaemonControl (the HTTP API) ----

  health(): { ok: boolean; reason: string } {
    const sinceSampleMs = (this.clock.nowNs() - this.lastSampleNs) / 1e6;
    const bound = 5 * this.o.config.controller.intervalMs + 1_000;
    if (this.state !== 'stopped' && sinceSampleMs > bound) {
      return { ok: false, reason: `the sampling loop has not turned for ${Math.round(sinceSampleMs)} ms` };
    }
    return { ok: true, reason: this.state };
  }

  readiness(): { ready: boolean; reason: string } {
    if (this.state === 'stopping' || this.state === 'stopped')
      return { ready: false, reason: 'shutting down' };
    if (this.state !== 'running' || !this.engine) return { ready: false, reason: this.notReadyReason };
    if (this.paused) return { ready: true, reason: 'paused on purpose' };
    const silentMs = (this.clock.nowNs() - this.lastAckNs) / 1e6;
    // At very low rates a silence of a few seconds is normal: wait at least three send intervals.
    const bound = Math.max(ACK_SILENCE_UNREADY_MS, 3_000 / Math.max(this.targetRate, 1e-3));
    if (silentMs > bound) {
      return {
        ready: false,
        reason: `no acknowledgement from Kafka for ${Math.round(silentMs / 1000)} s (${this.engine.inFlight} in flight)`,
      };
    }
    return { ready: true, reason: 'producing' };
  }

  status(): Record<string, unknown> {
    const s = this.stats;
    return {
      state: this.state,
      ready: this.readiness(),
      version: VERSION,
      uptimeSeconds: round((this.clock.wallMs() - this.startedAtMs) / 1000),
      workload: {
        name: this.workload.name,
        topics: this.engine?.topics ?? [],
        subscriptions: this.engine?.subscriptions ?? [],
      },
      driver: this.o.driverFile.name,
      paused: this.paused,
      targetRate: this.targetRate,
      achievedRate: this.achievedRate(),
      generatorSaturated: this.saturated,
      controller: this.controller(),
      totals: {
        messagesSent: s.messagesSent,
        bytesSent: s.bytesSent,
        sendErrors: s.sendErrors,
        sendErrorsByReason: Object.fromEntries(s.sendErrorsByReason),
        messagesReceived: s.messagesReceived,
        bytesReceived: s.bytesReceived,
        inFlight: this.engine?.inFlight ?? 0,
        backlog: this.totalBacklog(),
      },
      integrity: {
        lost: this.integrity.lost,
        duplicated: this.integrity.duplicated,
        outOfOrder: this.integrity.outOfOrder,
        late: this.integrity.late,
        undecidedGaps: this.integrity.undecided,
      },
      restarts: { ...this.restarts },
      backlog: this.backlogAction.status(),
      eventLoopDelayP99Ms: round(this.loopDelay.percentile(99) / 1e6),
      lastErrors: [...this.errors],
    };
  }

  private achievedRate(): number {
    // The last result period if there is one, else lifetime average.
    const r = this.collector.result();
    const last = r.publishRate[r.publishRate.length - 1];
    return round(last ?? 0);
  }

  setRate(rate: number): Record<string, unknown> {
    const previous = this.targetRate;
    this.applyDecision(this.controllerImpl.setMode('fixed', rate));
    this.log.info({ previous, rate }, 'rate set');
    return { rate, previous, mode: 'fixed' };
  }

  controller(): Record<string, unknown> {
    const st = this.controllerImpl.status();
    const set = st.settings;
    return {
      mode: st.mode,
      state: st.state.toLowerCase(),
      rate: this.targetRate,
      p99TargetMs: set.p99TargetMs,
      maxErrorRate: set.maxErrorRate,
      minRate: set.minRate,
      maxRate: set.maxRate,
      bestRate: st.bestRate,
      lastCut: st.lastCut
        ? { fromRate: st.lastCut.fromRate, toRate: st.lastCut.toRate, reason: st.lastCut.reason }
        : null,
      generatorLimited: st.generatorLimited,
      latencyFloorMs: st.latencyFloorMs ?? null,
      quotaRate: st.quotaRate ?? null,
      lastDecisions: this.controllerImpl
        .decisions()
        .slice(-10)
        .map((d) => ({
          kind: d.kind,
          cause: d.cause,
          state: d.state.toLowerCase(),
          rate: Math.round(d.rate),
          reason: d.reason,
        })),
    };
  }

  updateController(patch: ControllerSettingsPatch): Record<string, unknown> {
    const { mode, ...settings } = patch;
    const current = this.controllerImpl.settings;
    const min = settings.minRate ?? current.minRate;
    const max = settings.maxRate ?? current.maxRate;
    if (min > max) {
      throw new SoakbenchError('INVALID_ARGUMENT', `minRate (${min}) must not exceed maxRate (${max})`, {
        field: 'minRate',
      });
    }
    // configure() validates everything and changes nothing when a value is refused.
    this.controllerImpl.configure(settings);
    if (mode !== undefined && mode !== this.controllerImpl.status().mode) {
      this.applyDecision(this.controllerImpl.setMode(mode, mode === 'fixed' ? this.targetRate : undefined));
    } else if (this.controllerImpl.rate !== this.targetRate) {
      this.targetRate = this.controllerImpl.rate;
      this.engine?.setRate(this.targetRate);
    }
    this.log.info({ ...patch }, 'controller settings changed');
    return this.controller();
  }

  private bumpDecision(kind: string, cause: string): void {
    const byCause = this.decisions[kind] ?? {};
    byCause[cause] = (byCause[cause] ?? 0) + 1;
    this.decisions[kind] = byCause;
  }

  parseWorkload(text: string): Workload {
    const dir = this.o.workloadDir ?? process.cwd();
    const workload = parseWorkloadText(text, 'PUT /workload', { baseDir: dir });
    refuseUnsupported(workload, 'PUT /workload');
    return workload;
  }

  /** New topics, producers and consumers up first; then the old ones drain and stop. Metrics continue. */
  async replaceWorkload(workload: Workload): Promise<Record<string, unknown>> {
    if (this.swapping) throw new SoakbenchError('CONFLICT', 'a workload swap is already under way');
    if (this.state !== 'running')
      throw new SoakbenchError('CONFLICT', `cannot swap the workload while ${this.state}`);
    this.swapping = true;
    try {
      const next = this.newEngine(
        workload,
        workload.producerRate === 0 ? this.targetRate : workload.producerRate,
      );
      try {
        await next.start();
      } catch (err) {
        await next.stop({ flushMs: 1_000 }).catch(() => {});
        throw err;
      }
      if (this.paused) next.pause();
      const old = this.engine;
      this.engine = next;
      this.producingSinceNs = this.clock.nowNs();
      this.workload = workload;
      this.clientStats.clear();
      this.applyDecision(
        workload.producerRate === 0
          ? this.controllerImpl.setMode('adaptive', this.targetRate)
          : this.controllerImpl.setMode('fixed', workload.producerRate),
      );
      this.log.info({ workload: workload.name, topics: next.topics }, 'workload replaced');
      await old
        ?.stop({ flushMs: 5_000 })
        .catch((err: Error) => this.noteError(`stopping the old workload: ${err.message}`));
      return { workload: workload.name, topics: next.topics, rate: this.targetRate };
    } finally {
      this.swapping = false;
    }
  }

  startBacklog(request: BacklogRequest): Record<string, unknown> {
    const engine = this.state === 'running' && !this.swapping ? this.engine : undefined;
    return this.backlogAction.start(request, { engine, workload: this.workload, paused: this.paused });
  }

  pause(): Record<string, unknown> {
    this.paused = true;
    this.engine?.pause();
    this.log.info({}, 'paused');
    return { paused: true };
  }

  resume(): Record<string, unknown> {
    this.paused = false;
    this.engine?.resume();
    this.lastAckNs = this.clock.nowNs();
    this.log.info({}, 'resumed');
    return { paused: false };
  }

  results(): TestResult {
    this.collector.setAggregated(this.stats.cumulativeSnapshot(this.clock.nowNs()));
    this.collector.setTotals(this.stats.messagesSent, this.stats.messagesReceived);
    this.collector.setIntegrity(this.integrity);
    return this.collector.result();
  }

  async metrics(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private metricsSource(): MetricsSource {
    const s = this.stats;
    return {
      counters: () => ({
        messagesSent: s.messagesSent,
        bytesSent: s.bytesSent,
        messagesReceived: s.messagesReceived,
        bytesReceived: s.bytesReceived,
        sendErrorsByReason: s.sendErrorsByReason,
        lost: this.integrity.lost,
        duplicated: this.integrity.duplicated,
        outOfOrder: this.integrity.outOfOrder,
        late: this.integrity.late,
      }),
      histograms: () => this.buckets,
      latencyOverflows: () => ({
        publish_latency: s.publishLatency.overflowCount,
        publish_delay: s.publishDelay.overflowCount,
        publish_response_time: s.responseTime.overflowCount,
        end_to_end_latency: s.endToEnd.overflowCount,
      }),
      targetRate: () => (this.paused ? 0 : this.targetRate),
      backlog: () => {
        const engine = this.engine;
        if (!engine) return [];
        const values = engine.backlogBySubscription();
        return engine.subscriptions.map((sub, i) => ({
          subscription: sub.groupId,
          messages: values[i] ?? 0,
        }));
      },
      controller: () => ({
        state: this.controllerImpl.state.toLowerCase(),
        decisions: this.decisions,
        lastCutRate: this.controllerImpl.lastCut?.fromRate ?? 0,
        bestRate: this.controllerImpl.bestRate,
        p99TargetSeconds: this.controllerImpl.settings.p99TargetMs / 1000,
      }),
      generatorSaturated: () => this.saturated,
      paused: () => this.paused,
      ready: () => this.readiness().ready,
      inFlight: () => this.engine?.inFlight ?? 0,
      workerRestarts: () => this.restarts,
      info: () => ({ version: VERSION, driver: this.o.driverFile.name, workload: this.workload.name }),
      client: () => this.clientStats.view(),
    };
  }

  /**
   * Stops in reverse order under `deadlineMs`: sampling, connecting, the engine (stop scheduling, flush
   * in-flight sends, consumers commit, created topics deleted when configured), then HTTP. Every step
   * runs even if one fails. Resolves with the final totals.
   */
  async stop(deadlineMs: number): Promise<Record<string, unknown>> {
    const started = Date.now();
    const left = (): number => Math.max(500, deadlineMs - (Date.now() - started));
    this.state = 'stopping';
    if (this.connectTimer) clearTimeout(this.connectTimer);
    // A start under way finishes within the client timeouts; do not wait for more than a third of the deadline.
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([
      this.connecting?.catch(() => {}),
      new Promise((r) => {
        wait = setTimeout(r, left() / 3);
      }),
    ]);
    // A pending timer would keep the process alive after the stop (regression: exits lingered graceMs/3).
    clearTimeout(wait);
    await this.pending?.stop({ flushMs: 1_000 }).catch(() => {});
    if (this.sampler) clearInterval(this.sampler);
    const steps: [string, () => Promise<unknown>][] = [
      ['engine', async () => this.engine?.stop({ flushMs: Math.min(10_000, left() / 2) })],
      ['http', async () => (this.server ? closeServer(this.server, Math.min(2_000, left())) : undefined)],
    ];
    for (const [name, run] of steps) {
      try {
        await run();
      } catch (err) {
        this.log.error({ step: name, error: (err as Error).message }, 'stop step failed');
      }
    }
    this.sample();
    this.loopDelay.disable();
    this.sampleBuilder.close();
    this.state = 'stopped';
    const totals = {
      messagesSent: this.stats.messagesSent,
      messagesReceived: this.stats.messagesReceived,
      sendErrors: this.stats.sendErrors,
      stopMs: Date.now() - started,
    };
    this.log.info(totals, 'stopped');
    this.resultPeriods.destroy();
    this.logPeriods.destroy();
    return totals;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
