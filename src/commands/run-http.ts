import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DaemonControl } from '../api/daemon-control.js';
import { closeServer, createHttpApi, listen } from '../api/http-api.js';
import { metricsSource, statusView, type ViewSources } from '../daemon/daemon-views.js';
import type { DaemonState } from '../daemon/readiness.js';
import { SoakbenchError } from '../errors.js';
import { createDaemonRegistry } from '../metrics/daemon-metrics.js';
import { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { SessionGraph } from '../session/session-graph.js';
import type { WorkloadSession } from '../session/workload-session.js';
import { VERSION } from '../version.js';

/** `run --http-port` binds here only: nothing on the API can steer a run, but /status names topics and hosts. */
export const RUN_HTTP_HOST = '127.0.0.1';
/** The achieved rate of /status is measured over this much time. */
const RATE_SAMPLE_MS = 1_000;

/** What one workload of the run shows on /status and /metrics. */
export interface RunViewParts {
  graph: SessionGraph;
  session: WorkloadSession;
  /** producerRate 0: the run's controller; otherwise a fixed-mode one is made for the views. */
  controller?: AdaptiveController;
  driverName: string;
}

interface Attached {
  views: ViewSources;
  registry: ReturnType<typeof createDaemonRegistry>;
  sampler: NodeJS.Timeout;
}

/**
 * `soakbench run --http-port P`: the daemon's HTTP API (src/api/http-api.ts) over the run's own session, so
 * Prometheus, Grafana and the live page follow a long run. The views and the metrics registry are the daemon's
 * (src/daemon/daemon-views.ts, src/metrics/daemon-metrics.ts); a run's rate is fixed by its workload (or its
 * controller), so every mutating endpoint answers 409 (README, "Watching a run").
 */
export class RunHttp implements DaemonControl {
  private current: Attached | undefined;
  private state: DaemonState = 'starting';
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly startedAtMs = Date.now();

  private constructor(private readonly server: Server) {
    this.loopDelay.enable();
  }

  /** Binds before anything touches Kafka, so a busy port fails the run at once (INVALID_CONFIG, exit 2). */
  static async start(port: number): Promise<RunHttp> {
    let self: RunHttp | undefined;
    const app = createHttpApi({
      control: {
        // The app needs its control before the server exists; every call arrives after listen resolved.
        status: () => self!.status(),
        setRate: () => self!.setRate(),
        controller: () => self!.controller(),
        updateController: () => self!.updateController(),
        parseWorkload: () => self!.parseWorkload(),
        replaceWorkload: () => self!.replaceWorkload(),
        pause: () => self!.pause(),
        resume: () => self!.resume(),
        startBacklog: () => self!.startBacklog(),
        resumeProfile: () => self!.resumeProfile(),
        results: () => self!.results(),
        health: () => self!.health(),
        readiness: () => self!.readiness(),
        metrics: () => self!.metrics(),
      },
      token: '',
      bodyLimitBytes: 16 * 1024,
      version: VERSION,
    });
    self = new RunHttp(await listen(app, RUN_HTTP_HOST, port));
    return self;
  }

  /** The port actually bound (0 picks a free one). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Shows this workload until `detach`. */
  attach(parts: RunViewParts): void {
    this.detach();
    const { graph, session } = parts;
    const controller = parts.controller ?? new AdaptiveController({ mode: 'fixed' }, graph.clock);
    let lastSent = graph.stats.messagesSent;
    let lastMs = Date.now();
    let achieved = 0;
    // Sampled once a second off the hot path (the daemon reads its result periods instead).
    const sampler = setInterval(() => {
      const now = Date.now();
      const sent = graph.stats.messagesSent;
      achieved = sent >= lastSent ? ((sent - lastSent) * 1000) / Math.max(1, now - lastMs) : 0;
      lastSent = sent;
      lastMs = now;
    }, RATE_SAMPLE_MS);
    sampler.unref();
    const views: ViewSources = {
      clock: graph.clock,
      stats: graph.stats,
      integrity: graph.integrity,
      clientStats: graph.clientStats,
      session,
      controller,
      driverName: parts.driverName,
      startedAtMs: this.startedAtMs,
      loopDelay: this.loopDelay,
      state: () => this.state,
      readiness: () => this.readiness(),
      achievedRate: () => achieved,
    };
    this.current = { views, registry: createDaemonRegistry(metricsSource(views)), sampler };
    this.state = 'running';
  }

  /** The workload ended: /status and /metrics answer 409 until the next one attaches. */
  detach(): void {
    if (!this.current) return;
    clearInterval(this.current.sampler);
    this.current.registry.clear();
    this.current = undefined;
    this.state = 'starting';
  }

  async close(): Promise<void> {
    this.detach();
    this.state = 'stopped';
    this.loopDelay.disable();
    await closeServer(this.server, 2_000);
  }

  // ---- DaemonControl (the HTTP API) ----

  status(): Record<string, unknown> {
    return { mode: 'run', ...statusView(this.attached()) };
  }

  controller(): Record<string, unknown> {
    return this.status().controller as Record<string, unknown>;
  }

  results(): never {
    throw new SoakbenchError(
      'CONFLICT',
      'soakbench run writes its results to a file when each workload ends; GET /status shows the run meanwhile',
    );
  }

  health(): { ok: boolean; reason: string } {
    return { ok: this.state !== 'stopped', reason: this.state };
  }

  readiness(): { ready: boolean; reason: string } {
    return this.state === 'running'
      ? { ready: true, reason: 'running' }
      : { ready: false, reason: 'no workload is running' };
  }

  async metrics(): Promise<{ contentType: string; body: string }> {
    const { registry } = this.attachedParts();
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  setRate(): never {
    return refuse('PUT /rate');
  }
  startBacklog(): never {
    return refuse('POST /backlog');
  }
  resumeProfile(): never {
    return refuse('PUT /profile');
  }
  updateController(): never {
    return refuse('PUT /controller');
  }
  parseWorkload(): never {
    return refuse('PUT /workload');
  }
  replaceWorkload(): Promise<never> {
    return Promise.reject(refuse('PUT /workload'));
  }
  pause(): never {
    return refuse('POST /pause');
  }
  resume(): never {
    return refuse('POST /resume');
  }

  private attached(): ViewSources {
    return this.attachedParts().views;
  }

  private attachedParts(): Attached {
    if (!this.current) {
      throw new SoakbenchError('CONFLICT', 'no workload of this run is running at this moment');
    }
    return this.current;
  }
}

/** A run follows its workload file (and --sweep): steer a long-lived load with `soakbench daemon`. */
function refuse(what: string): never {
  throw new SoakbenchError(
    'CONFLICT',
    `${what}: a soakbench run cannot be steered, it follows its workload file; use soakbench daemon for a load you can steer`,
  );
}
