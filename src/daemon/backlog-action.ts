import type { BacklogRequest } from '../api/schemas.js';
import type { Clock } from '../clock.js';
import { SoakbenchError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { type BacklogResult, buildAndDrainBacklog } from '../worker/backlog-phase.js';
import type { LoadEngine } from '../worker/load-engine.js';
import type { Workload } from '../workload/workload.js';

/** What the daemon tells the action when it starts one. */
export interface BacklogContext {
  /** The running engine, or undefined while the daemon is not running. */
  engine: LoadEngine | undefined;
  workload: Workload;
  paused: boolean;
}

interface Running {
  sizeBytes: number;
  drainRatio: number;
  stage: 'building' | 'draining';
  startedAt: string;
  /** Backlog (messages, all subscriptions) when the current stage began. */
  stageBacklogMessages: number;
}

/**
 * The daemon's backlog action (POST /backlog; docs/workloads.md "Backlog mode"): OMB's build and
 * drain (src/worker/backlog-phase.ts) on the running workload, one at a time, for catch-up tests during
 * a soak. The phase stops (consumers resumed) when the workload is replaced or the daemon stops: it asks
 * `currentEngine` at every check.
 */
export class BacklogAction {
  private running: Running | undefined;
  private last: (BacklogResult & { finishedAt: string }) | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly currentEngine: () => LoadEngine | undefined,
  ) {}

  start(request: BacklogRequest, ctx: BacklogContext): Record<string, unknown> {
    const engine = ctx.engine;
    if (this.running)
      throw new SoakbenchError('CONFLICT', 'a backlog action is already under way (see /status)');
    if (engine === undefined) {
      throw new SoakbenchError(
        'CONFLICT',
        'no workload is running now (starting, swapping or stopping): try again',
      );
    }
    if (ctx.paused) {
      throw new SoakbenchError('CONFLICT', 'the daemon is paused: no backlog can build; POST /resume first');
    }
    if (ctx.workload.subscriptionsPerTopic === 0) {
      throw new SoakbenchError(
        'CONFLICT',
        'the workload has no consumers (subscriptionsPerTopic 0): nothing to drain',
      );
    }
    const drainRatio = request.drainRatio ?? ctx.workload.backlogDrainRatio;
    const running: Running = {
      sizeBytes: request.sizeBytes,
      drainRatio,
      stage: 'building',
      startedAt: new Date(this.clock.wallMs()).toISOString(),
      stageBacklogMessages: 0,
    };
    this.running = running;
    const abort = new AbortController();
    const sleep = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        setTimeout(() => {
          if (this.currentEngine() !== engine) abort.abort();
          resolve();
        }, ms);
      });
    this.log.info({ sizeBytes: request.sizeBytes, drainRatio }, 'backlog: pausing consumers to build');
    buildAndDrainBacklog(engine, {
      sizeBytes: request.sizeBytes,
      drainRatio,
      messageSize: ctx.workload.messageSize,
      clock: this.clock,
      signal: abort.signal,
      sleep,
      onStage: (stage, backlog) => {
        running.stage = stage;
        running.stageBacklogMessages = backlog;
        if (stage === 'draining') this.log.info({ backlog }, 'backlog: built; consumers resumed to drain');
      },
    }).then(
      (r) => {
        this.last = { ...r, finishedAt: new Date(this.clock.wallMs()).toISOString() };
        this.lastError = undefined;
        this.running = undefined;
        this.log.info({ ...r }, r.completed ? 'backlog: drained' : 'backlog: stopped before drained');
      },
      (err: Error) => {
        this.lastError = err.message;
        this.running = undefined;
        this.log.error({ error: err.message }, 'backlog action failed');
      },
    );
    return { backlog: this.status() };
  }

  /** For /status: the action under way (if any), the last result and the last failure. */
  status(): Record<string, unknown> {
    return {
      inProgress: this.running ? { ...this.running } : null,
      last: this.last ?? null,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }
}
