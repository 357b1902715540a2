import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ControllerSettingsPatch, DaemonControl } from '../api/daemon-control.js';
import type { BacklogRequest } from '../api/schemas.js';
import { type Clock, type Scheduler, systemClock, systemScheduler } from '../clock.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import type { DriverFactory } from '../driver/driver.js';
import { SoakbenchError } from '../errors.js';
import type { IntegrityTracker } from '../integrity/integrity-tracker.js';
import { Lifecycle } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/logger.js';
import { createDaemonRegistry, type FleetGauges } from '../metrics/daemon-metrics.js';
import { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { Decision } from '../rate/controller/decision.js';
import { RateProfile } from '../rate/rate-profile.js';
import type { TestResult } from '../results/test-result.js';
import { ControlLoop, type ControlLoopOptions } from '../session/control-loop.js';
import { buildSessionGraph, type SessionGraph } from '../session/session-graph.js';
import { WorkloadSession } from '../session/workload-session.js';
import type { DriverFile } from '../workload/driver-file.js';
import { refuseUnsupported } from '../workload/supported.js';
import { findsSustainableRate, type Workload } from '../workload/workload.js';
import { parseWorkloadText } from '../workload/workload-parser.js';
import { BacklogAction } from './backlog-action.js';
import { ConnectRetry } from './connect-retry.js';
import { daemonControllerSettings, daemonGraphOptions, startRate } from './daemon-settings.js';
import { DaemonSlo } from './daemon-slo.js';
import { controllerView, metricsSource, statusView, type ViewSources } from './daemon-views.js';
import { HttpService } from './http-service.js';
import { IntervalReports } from './interval-reports.js';
import { type DaemonState, Readiness } from './readiness.js';

export interface DaemonOptions {
  config: DaemonConfig;
  driverFile: DriverFile;
  /** Makes the engines' drivers: Kafka's in `soakbench daemon`, an in-memory one in component tests. */
  driverFactory: DriverFactory;
  workload: Workload;
  /** Directory PUT /workload resolves relative payloadFile paths against. */
  workloadDir?: string;
  log: Logger;
  clock?: Clock;
  /** Turns the control loop and times the backoff and stop deadlines (default: Node's timers). */
  scheduler?: Scheduler;
  /**
   * An HTTP API already listening, owned (started and stopped) by the caller: a fleet member serves it while it
   * joins and puts itself in front of this daemon (src/fleet/). Default: the daemon's own, talking to it.
   */
  http?: HttpService;
  /** The fleet this daemon is a member of, for /metrics (src/fleet/). */
  fleetGauges?: () => FleetGauges | undefined;
  /** Each control interval's sample (a fleet member publishes it for the fleet's controller: src/fleet/). */
  onControlSample?: ControlLoopOptions['onSample'];
  /** A fleet's tag for a workload's topics and groups, the same on every member (default: a random one per engine). */
  sharedRunTag?: (workload: Workload) => string | undefined;
}

/**
 * `soakbench daemon`: one workload running until stopped, its stats exported on /metrics, controlled
 * over HTTP (the DaemonControl of src/api/). Services, started in this order and stopped in reverse
 * under the shutdown deadline: the HTTP server (health and readiness answer while Kafka is away), the
 * workload (connect-retry until Kafka answers), the control loop.
 */
export class Daemon implements DaemonControl {
  private readonly o: DaemonOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly graph: SessionGraph;
  private readonly session: WorkloadSession;
  private readonly controllerImpl: AdaptiveController;
  private readonly loop: ControlLoop;
  private readonly connector: ConnectRetry;
  private readonly reports: IntervalReports;
  private readonly slo: DaemonSlo;
  /** The first workload's profile starts with its traffic (running()), not at construction. */
  private profileStarted = false;
  private readonly ready: Readiness;
  private readonly lifecycle: Lifecycle;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly registry;
  private readonly views: ViewSources;
  private readonly http: HttpService;
  private state: DaemonState = 'starting';
  private swapping = false;
  /** POST /backlog (src/daemon/backlog-action.ts); it ends when the engine changes or the daemon stops. */
  private readonly backlogAction: BacklogAction;

  constructor(options: DaemonOptions) {
    this.o = options;
    const { config, workload, log } = options;
    this.log = log;
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    const scheduler = options.scheduler ?? systemScheduler;
    const c = config.controller;
    this.graph = buildSessionGraph(daemonGraphOptions({ ...options, clock }));
    const { stats, integrity, clientStats } = this.graph;
    this.controllerImpl = new AdaptiveController(daemonControllerSettings(config, workload), clock);
    this.session = new WorkloadSession({
      clock,
      integrity,
      newEngine: (w, rate) => this.graph.newEngine(w, rate, options.sharedRunTag?.(w)),
      workload,
      rate: this.controllerImpl.rate,
    });
    this.backlogAction = new BacklogAction(clock, log, () =>
      this.state === 'running' ? this.session.engine : undefined,
    );
    const now = clock.nowNs();
    this.reports = new IntervalReports({
      stats,
      session: this.session,
      controller: this.controllerImpl,
      integrity,
      collector: this.graph.newCollector(workload),
      log,
      logIntervalMs: config.log.statsIntervalMs,
      saturationDelayMs: config.generator.saturationDelayMs,
      nowNs: now,
    });
    this.slo = new DaemonSlo({
      clock,
      stats,
      integrity,
      targetRate: () =>
        this.controllerImpl.status().mode === 'adaptive' ? undefined : this.session.targetRate,
      counting: () => this.state === 'running' && !this.session.paused,
    });
    this.slo.configure(workload.slo, workload.subscriptionsPerTopic > 0);
    this.ready = new Readiness(clock, stats, c.intervalMs);
    this.loop = new ControlLoop({
      clock,
      scheduler,
      intervalMs: c.intervalMs,
      stats,
      clientStats,
      session: this.session,
      controller: this.controllerImpl,
      beforeDecision: (p) => {
        this.ready.observe(p.endNs);
        this.reports.judge(p);
      },
      afterDecision: (p) => {
        this.reports.report(p);
        this.slo.addInterval(p);
      },
      onSample: options.onControlSample,
      onDecision: (d, previous) => this.logStateChange(d, previous),
    });
    this.connector = new ConnectRetry({
      session: this.session,
      events: stats.events,
      clock,
      scheduler,
      log,
      sweepAdmin: config.topics.sweepOnStart
        ? () =>
            this.graph.newAdmin({
              connectTimeoutMs: config.kafka.connectTimeoutMs,
              operationTimeoutMs: 15_000,
            })
        : undefined,
      sweepKeeps: () => options.sharedRunTag?.(this.session.workload),
      onConnecting: () => {
        this.state = 'connecting';
      },
      onRunning: () => this.running(),
    });
    this.http =
      options.http ??
      new HttpService({ control: this, config, log, workloadName: () => this.session.workload.name });
    this.lifecycle = new Lifecycle({ clock, scheduler, log });
    if (options.http === undefined) this.lifecycle.add(this.http);
    this.lifecycle
      .add(this.connector)
      .add({ name: 'control loop', start: () => this.loop.start(), stop: () => this.loop.stop() });
    this.views = this.viewSources();
    this.registry = createDaemonRegistry(metricsSource(this.views));
    this.loopDelay.enable();
  }

  /** Listens on HTTP, then connects to Kafka in the background (retrying); resolves once listening. */
  async start(): Promise<void> {
    await this.lifecycle.start();
  }

  /** The port actually bound (http.port 0 picks a free one). */
  get port(): number {
    return this.http.port;
  }

  private running(): void {
    this.state = 'running';
    const now = this.session.producingSinceNs;
    this.reports.trafficStarted(now);
    this.ready.restartAckWatch();
    if (!this.profileStarted) {
      this.profileStarted = true;
      this.followProfileOf(this.session.workload);
    }
    this.log.info({ topics: this.session.topics, rate: this.session.targetRate }, 'running');
  }

  /** The session follows `workload`'s rateProfile from now (its t = 0), or drops the one it followed. */
  private followProfileOf(workload: Workload): void {
    const spec = workload.rateProfile;
    if (spec === undefined) this.session.dropProfile();
    else this.session.followProfile(RateProfile.fromSpec(spec, this.clock.wallMs()), this.clock.nowNs());
  }

  private logStateChange(decision: Decision, previous: Decision | undefined): void {
    if (previous !== undefined && previous.state === decision.state) return;
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

  private viewSources(): ViewSources {
    return {
      clock: this.clock,
      stats: this.graph.stats,
      integrity: this.graph.integrity,
      clientStats: this.graph.clientStats,
      session: this.session,
      controller: this.controllerImpl,
      driverName: this.o.driverFile.name,
      startedAtMs: this.clock.wallMs(),
      loopDelay: this.loopDelay,
      state: () => this.state,
      readiness: () => this.readiness(),
      achievedRate: () => this.reports.achievedRate(),
      slo: this.slo,
      fleet: this.o.fleetGauges,
    };
  }

  /** What a fleet member reads and feeds (src/fleet/fleet-daemon.ts): the integrity tracker and the producers' run ids. */
  fleetHooks(): { integrity: IntegrityTracker; runIds: () => number[] } {
    return {
      integrity: this.graph.integrity,
      runIds: () => [...(this.session.engine?.runIds() ?? []), ...(this.session.pending?.runIds() ?? [])],
    };
  }

  // ---- DaemonControl (the HTTP API) ----

  health(): { ok: boolean; reason: string } {
    return this.ready.health(this.state, this.loop.lastTickNs);
  }

  readiness(): { ready: boolean; reason: string } {
    return this.ready.readiness(this.state, this.session, this.connector.notReadyReason);
  }

  status(): Record<string, unknown> {
    return { ...statusView(this.views), backlog: this.backlogAction.status() };
  }

  setRate(rate: number): Record<string, unknown> {
    const previous = this.session.rate;
    this.loop.apply(this.controllerImpl.setMode('fixed', rate));
    // With a profile the session's rate may already equal `rate`: the override must still happen.
    if (this.session.hasProfile) this.session.setRate(rate);
    this.log.info({ previous, rate }, 'rate set');
    return { rate, previous, mode: 'fixed', ...(this.session.hasProfile ? { profileOverridden: true } : {}) };
  }

  resumeProfile(): Record<string, unknown> {
    if (!this.session.hasProfile) {
      throw new SoakbenchError(
        'CONFLICT',
        'the workload has no rateProfile to hand the rate back to (PUT /workload with one, or PUT /rate)',
      );
    }
    // Fixed mode at the session's rate: the controller's decisions then leave the profile alone.
    this.loop.apply(this.controllerImpl.setMode('fixed', this.session.rate));
    this.session.resumeProfile();
    const profile = this.session.profileProgress();
    this.log.info({ rate: profile?.profileRate, step: profile?.stepName }, 'rate handed back to the profile');
    return { profile };
  }

  controller(): Record<string, unknown> {
    return controllerView(this.controllerImpl, this.session.rate);
  }

  updateController(patch: ControllerSettingsPatch): Record<string, unknown> {
    const { mode, ...settings } = patch;
    const controller = this.controllerImpl;
    const min = settings.minRate ?? controller.settings.minRate;
    const max = settings.maxRate ?? controller.settings.maxRate;
    if (min > max) {
      throw new SoakbenchError('INVALID_ARGUMENT', `minRate (${min}) must not exceed maxRate (${max})`, {
        field: 'minRate',
      });
    }
    // configure() validates everything and changes nothing when a value is refused.
    controller.configure(settings);
    if (mode !== undefined && mode !== controller.status().mode) {
      this.loop.apply(controller.setMode(mode, mode === 'fixed' ? this.session.rate : undefined));
    } else {
      this.loop.syncRate();
    }
    this.log.info({ ...patch }, 'controller settings changed');
    return this.controller();
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
      const session = this.session;
      const adaptive = findsSustainableRate(workload);
      const rate = adaptive ? session.rate : startRate(workload, this.clock.wallMs());
      const old = await session.replace(workload, rate);
      this.graph.clientStats.clear();
      this.loop.apply(this.controllerImpl.setMode(adaptive ? 'adaptive' : 'fixed', rate));
      this.followProfileOf(workload);
      this.slo.configure(workload.slo, workload.subscriptionsPerTopic > 0);
      this.log.info({ workload: workload.name, topics: session.topics }, 'workload replaced');
      await session
        .retire(old, 5_000)
        .catch((err: Error) =>
          this.graph.stats.events.noteError(`stopping the old workload: ${err.message}`),
        );
      return { workload: workload.name, topics: session.topics, rate: session.rate };
    } finally {
      this.swapping = false;
    }
  }

  startBacklog(request: BacklogRequest): Record<string, unknown> {
    const engine = this.state === 'running' && !this.swapping ? this.session.engine : undefined;
    const { workload, paused } = this.session;
    return this.backlogAction.start(request, { engine, workload, paused });
  }

  pause(): Record<string, unknown> {
    this.session.pause();
    this.log.info({}, 'paused');
    return { paused: true };
  }

  resume(): Record<string, unknown> {
    this.session.resume();
    this.ready.restartAckWatch();
    this.log.info({}, 'resumed');
    return { paused: false };
  }

  results(): TestResult {
    return this.reports.results(this.clock.nowNs());
  }

  async metrics(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Stops the services in reverse order under `deadlineMs` (the control loop; the workload: stop
   * scheduling, flush in-flight sends, consumers commit, created topics deleted when configured; HTTP).
   * Every step runs even if one fails or hangs. Resolves with the final totals.
   */
  async stop(deadlineMs: number): Promise<Record<string, unknown>> {
    const startedNs = this.clock.nowNs();
    this.state = 'stopping';
    await this.lifecycle.stop(deadlineMs);
    // The last partial interval: acks that arrived during the flush reach the counters and periods.
    this.loop.tick();
    this.loop.close();
    this.loopDelay.disable();
    this.state = 'stopped';
    const { stats } = this.graph;
    const totals = {
      messagesSent: stats.messagesSent,
      messagesReceived: stats.messagesReceived,
      sendErrors: stats.sendErrors,
      stopMs: Math.round((this.clock.nowNs() - startedNs) / 1e6),
    };
    this.log.info(totals, 'stopped');
    this.reports.destroy();
    this.slo.destroy();
    return totals;
  }
}
