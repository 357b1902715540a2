import { type Histogram, JsHistogram } from 'hdr-histogram-js';
import type { Clock } from '../clock.js';
import type { IntegrityTracker } from '../integrity/integrity-tracker.js';
import type { SloGaugeSample } from '../metrics/profile-slo-metrics.js';
import { SlidingSloEvaluator, type SlidingSloVerdicts } from '../slo/sliding-slo-evaluator.js';
import type { SloThresholds } from '../slo/slo-thresholds.js';
import { createHistogram } from '../stats/histogram-factory.js';
import type { PeriodStats, Stats } from '../stats/stats.js';

/** The SLO periods: OMB's 10-s result periods (src/daemon/interval-reports.ts). */
const SLO_PERIOD_MS = 10_000;
/** The `recent` window of /status and `soakbench_slo_ok{window="recent"}`. */
export const SLO_WINDOW_SECONDS = 300;

export interface DaemonSloOptions {
  clock: Clock;
  stats: Stats;
  integrity: IntegrityTracker;
  /** The target rate now (msg/s, the profile's when following one); undefined while the controller looks for it. */
  targetRate(): number | undefined;
  /** False while the traffic does not count (paused, connecting). */
  counting(): boolean;
}

/**
 * The daemon's SLO verdicts (docs/workloads.md "SLO verdicts"): the workload's `slo` thresholds, judged by a
 * SlidingSloEvaluator over 10-s periods built from the control loop's 1-s intervals, over the last
 * SLO_WINDOW_SECONDS (`recent`) and since the workload started (`run`). Not on the hot path: one call per
 * control interval.
 */
export class DaemonSlo {
  private evaluator: SlidingSloEvaluator | undefined;
  private sent = 0;
  private errors = 0;
  private target = 0;
  private hasTarget = true;
  private lastCloseNs: number;
  private integrityAt = { lost: 0, duplicated: 0, outOfOrder: 0 };
  private responseTime: Histogram | undefined;
  private endToEnd: Histogram | undefined;
  /** The workload has consumers: integrity counts are measured. */
  private withConsumers = false;

  constructor(private readonly o: DaemonSloOptions) {
    this.lastCloseNs = o.clock.nowNs();
    o.stats.responseTime.onInterval((h) => {
      if (this.evaluator !== undefined) this.responseTime = addInto(this.responseTime, h);
    });
    o.stats.endToEnd.onInterval((h) => {
      if (this.evaluator !== undefined) this.endToEnd = addInto(this.endToEnd, h);
    });
  }

  /** Judges `thresholds` from now on (a new workload: both windows start over); undefined: no verdict. */
  configure(thresholds: SloThresholds | undefined, withConsumers: boolean): void {
    this.evaluator?.destroy();
    this.evaluator =
      thresholds === undefined
        ? undefined
        : new SlidingSloEvaluator(thresholds, {
            clock: this.o.clock,
            windowSeconds: SLO_WINDOW_SECONDS,
            periodSeconds: SLO_PERIOD_MS / 1000,
          });
    this.withConsumers = withConsumers;
    this.startPeriod(this.o.clock.nowNs());
  }

  /** One control interval (after its decision); closes an SLO period every 10 s. */
  addInterval(p: PeriodStats): void {
    if (this.evaluator === undefined) return;
    if (this.o.counting()) {
      this.sent += p.messagesSent;
      this.errors += p.sendErrors;
      const rate = this.o.targetRate();
      if (rate === undefined) this.hasTarget = false;
      else this.target += rate * p.elapsedSeconds;
    }
    if ((p.endNs - this.lastCloseNs) / 1e6 < SLO_PERIOD_MS - 1) return;
    const i = this.o.integrity;
    const integrity = this.withConsumers
      ? {
          lost: i.lost - this.integrityAt.lost,
          duplicated: i.duplicated - this.integrityAt.duplicated,
          outOfOrder: i.outOfOrder - this.integrityAt.outOfOrder,
        }
      : {};
    this.evaluator.addPeriod({
      endNs: p.endNs,
      messagesSent: this.sent,
      sendErrors: this.errors,
      targetMessages: this.hasTarget ? this.target : undefined,
      ...integrity,
      responseTime: this.responseTime,
      endToEnd: this.endToEnd,
    });
    this.startPeriod(p.endNs);
  }

  /** Both verdicts now, or undefined without thresholds. */
  verdicts(): SlidingSloVerdicts | undefined {
    return this.evaluator?.evaluate();
  }

  /** The gauges' samples: each configured threshold in both windows. */
  gaugeSamples(): SloGaugeSample[] {
    const v = this.verdicts();
    if (v === undefined) return [];
    return [
      ...v.window.checks.map((c) => ({ threshold: c.name, window: 'recent' as const, ok: c.pass })),
      ...v.whole.checks.map((c) => ({ threshold: c.name, window: 'run' as const, ok: c.pass })),
    ];
  }

  destroy(): void {
    this.evaluator?.destroy();
    this.evaluator = undefined;
    this.responseTime?.destroy();
    this.endToEnd?.destroy();
  }

  private startPeriod(nowNs: number): void {
    this.lastCloseNs = nowNs;
    this.sent = 0;
    this.errors = 0;
    this.target = 0;
    this.hasTarget = true;
    const i = this.o.integrity;
    this.integrityAt = { lost: i.lost, duplicated: i.duplicated, outOfOrder: i.outOfOrder };
    this.responseTime?.reset();
    this.endToEnd?.reset();
  }
}

/** Adds `source` into `into`, creating `into` on first use in the same build as `source`. */
function addInto(into: Histogram | undefined, source: Histogram): Histogram {
  const target =
    into ??
    createHistogram({
      highestTrackableValue: source.highestTrackableValue,
      significantDigits: 2,
      useWebAssembly: !(source instanceof JsHistogram),
    });
  target.add(source);
  return target;
}
