import type { Clock, Scheduler } from '../clock.js';
import { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { Decision } from '../rate/controller/decision.js';
import { ControlLoop } from '../session/control-loop.js';
import type { SessionGraph } from '../session/session-graph.js';
import type { WorkloadSession } from '../session/workload-session.js';
import { PeriodAggregator } from '../stats/period-aggregator.js';
import type { Workload } from '../workload/workload.js';

/**
 * `producerRate: 0` in `soakbench run` (OMB's "find the highest sustainable rate"): the adaptive
 * controller decides the rate every second from the run's own measurements (the control loop of
 * src/session/control-loop.ts, as in the daemon).
 */
export class AdaptiveRun {
  readonly controller: AdaptiveController;
  /** OMB's console periods, built from the 1-s control intervals. */
  readonly periods: PeriodAggregator;
  private loop: ControlLoop | undefined;

  constructor(
    workload: Workload,
    private readonly graph: SessionGraph,
    private readonly scheduler: Scheduler,
    options: { p99TargetMs?: number; maxRate?: number },
  ) {
    const clock: Clock = graph.clock;
    this.controller = new AdaptiveController(
      {
        mode: 'adaptive',
        p99TargetMs: options.p99TargetMs ?? 50,
        ...(options.maxRate === undefined ? {} : { maxRate: options.maxRate }),
        // The workload's warm-up doubles as the controller's: no decisions while it learns the floor.
        warmupMs: Math.min(30_000, workload.warmupDurationMinutes * 60_000),
      },
      clock,
    );
    this.periods = new PeriodAggregator(graph.stats, clock.nowNs(), () => 0);
  }

  /** Starts deciding; `onStateChange` hears each change of the controller's state. */
  start(session: WorkloadSession, onStateChange: (d: Decision) => void): void {
    let state = this.controller.state;
    this.loop = new ControlLoop({
      clock: this.graph.clock,
      scheduler: this.scheduler,
      intervalMs: this.controller.settings.intervalMs,
      stats: this.graph.stats,
      clientStats: this.graph.clientStats,
      session,
      controller: this.controller,
      onDecision: (d) => {
        if (d.state === state) return;
        state = d.state;
        onStateChange(d);
      },
    });
    this.loop.start();
  }

  stop(): void {
    this.loop?.close();
    this.periods.destroy();
  }
}
