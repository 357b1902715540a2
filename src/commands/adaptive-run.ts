import type { Clock } from '../clock.js';
import { ControlSampleBuilder } from '../rate/control-sample-builder.js';
import { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { Decision } from '../rate/controller/decision.js';
import type { ClientStats } from '../stats/client-stats.js';
import { PeriodAggregator } from '../stats/period-aggregator.js';
import type { Stats } from '../stats/stats.js';
import type { LoadEngine } from '../worker/load-engine.js';
import type { Workload } from '../workload/workload.js';

/**
 * `producerRate: 0` in `soakbench run` (OMB's "find the highest sustainable rate"): the adaptive
 * controller decides the rate every second from the run's own measurements.
 */
export class AdaptiveRun {
  readonly controller: AdaptiveController;
  /** OMB's console periods, built from the 1-s control intervals. */
  readonly periods: PeriodAggregator;
  private readonly builder: ControlSampleBuilder;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    workload: Workload,
    private readonly stats: Stats,
    private readonly clock: Clock,
    options: { p99TargetMs?: number; maxRate?: number },
  ) {
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
    this.builder = new ControlSampleBuilder(stats);
    this.periods = new PeriodAggregator(stats, clock.nowNs(), () => 0);
  }

  start(engine: LoadEngine, clientStats: ClientStats, onStateChange: (d: Decision) => void): void {
    let state = this.controller.state;
    this.timer = setInterval(() => {
      const period = this.stats.snapshotInterval(this.clock.nowNs());
      const view = clientStats.view();
      const decision = this.controller.update(
        this.builder.build(period, engine, clientStats.takeThrottleMs(), view.txRetries),
      );
      engine.setRate(decision.rate);
      if (decision.state !== state) {
        state = decision.state;
        onStateChange(decision);
      }
    }, this.controller.settings.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.builder.close();
    this.periods.destroy();
  }
}
