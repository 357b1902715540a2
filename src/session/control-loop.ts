import type { Clock, Scheduler, Timer } from '../clock.js';
import { ControlSampleBuilder } from '../rate/control-sample-builder.js';
import type { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { ControlSample } from '../rate/controller/control-sample.js';
import type { Decision } from '../rate/controller/decision.js';
import type { ClientStats } from '../stats/client-stats.js';
import type { PeriodStats, Stats } from '../stats/stats.js';
import type { WorkloadSession } from './workload-session.js';

export interface ControlLoopOptions {
  clock: Clock;
  /** Turns the loop every `intervalMs` (a ManualClock in tests). */
  scheduler: Scheduler;
  intervalMs: number;
  stats: Stats;
  clientStats: ClientStats;
  session: WorkloadSession;
  controller: AdaptiveController;
  /** Each interval, before the controller decides (it still shows the previous decision's state). */
  beforeDecision?: (period: PeriodStats) => void;
  /** Each interval, after the decision was applied. */
  afterDecision?: (period: PeriodStats) => void;
  /**
   * Each interval that counts, with its sample, before the controller reads it; `encodeResponse` gives the
   * sample's response-time histogram, compressed base64 (a fleet member publishes both: src/fleet/).
   */
  onSample?: (sample: ControlSample, encodeResponse: () => string) => void;
  /** Each decision applied, with the one before it (undefined the first time). */
  onDecision?: (decision: Decision, previous: Decision | undefined) => void;
}

/**
 * The control loop of docs/controller.md: every interval it closes a Stats interval, turns it into a
 * control sample, asks the controller for a decision and applies its rate to the session. Decisions are
 * counted in the stats' events. Intervals while paused, closed, or begun before the current engine
 * produced (a partial interval reads as a generator that cannot keep up) get no decision.
 */
export class ControlLoop {
  private readonly o: ControlLoopOptions;
  private readonly builder: ControlSampleBuilder;
  private timer: Timer | undefined;
  private last: Decision | undefined;
  /** When the loop last turned (clock ns); the liveness check reads it. */
  lastTickNs: number;

  constructor(options: ControlLoopOptions) {
    this.o = options;
    this.builder = new ControlSampleBuilder(options.stats);
    this.lastTickNs = options.clock.nowNs();
  }

  get controller(): AdaptiveController {
    return this.o.controller;
  }

  start(): void {
    this.timer ??= this.o.scheduler.every(this.o.intervalMs, () => this.tick());
  }

  /** Stops turning; `tick()` may still be called by hand (a final interval). */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Releases the sample builder's event-loop monitor; the loop is done. */
  close(): void {
    this.stop();
    this.builder.close();
  }

  /** One interval: snapshot, decide (when the interval counts), apply. Returns the interval. */
  tick(): PeriodStats {
    const { stats, session, clientStats } = this.o;
    const now = this.o.clock.nowNs();
    const period = stats.snapshotInterval(now);
    this.lastTickNs = now;
    this.o.beforeDecision?.(period);
    const counts =
      !session.paused &&
      !session.closed &&
      session.engine !== undefined &&
      period.startNs >= session.producingSinceNs;
    if (counts) {
      const view = clientStats.view();
      const sample = this.builder.build(period, session.engine, clientStats.takeThrottleMs(), view.txRetries);
      this.o.onSample?.(sample, () => this.builder.encodeResponse());
      this.apply(this.o.controller.update(sample));
    }
    this.o.afterDecision?.(period);
    return period;
  }

  /** Applies a decision (from the loop, or from the control API's setMode): counts it, sets the rate. */
  apply(decision: Decision): void {
    const previous = this.last;
    this.last = decision;
    this.o.stats.events.countDecision(decision.kind, decision.cause);
    if (decision.rate !== this.o.session.rate) this.o.session.setRate(decision.rate);
    this.o.onDecision?.(decision, previous);
  }

  /** After a settings change that moved the controller's rate without a decision. */
  syncRate(): void {
    if (this.o.controller.rate !== this.o.session.rate) this.o.session.setRate(this.o.controller.rate);
  }
}
