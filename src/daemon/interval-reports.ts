import type { IntegrityTracker } from '../integrity/integrity-tracker.js';
import type { Logger } from '../log/logger.js';
import type { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { ResultCollector } from '../results/result-collector.js';
import type { TestResult } from '../results/test-result.js';
import type { WorkloadSession } from '../session/workload-session.js';
import { PeriodAggregator } from '../stats/period-aggregator.js';
import type { PeriodStats, Stats } from '../stats/stats.js';

/** OMB's console/result period. */
const RESULT_PERIOD_MS = 10_000;

export interface IntervalReportsOptions {
  stats: Stats;
  session: WorkloadSession;
  controller: AdaptiveController;
  integrity: IntegrityTracker;
  collector: ResultCollector;
  log: Logger;
  /** log.statsIntervalMs: a 'stats' log line this often. */
  logIntervalMs: number;
  /** generator.saturationDelayMs: publish delay p99 past this flags the generator as saturated. */
  saturationDelayMs: number;
  nowNs: number;
}

/**
 * What the daemon makes of each control interval besides the decision: the generator-saturation verdict
 * (in the stats' events), OMB's 10-s result periods, the periodic 'stats' log line, and settled losses.
 */
export class IntervalReports {
  private readonly o: IntervalReportsOptions;
  private readonly resultPeriods: PeriodAggregator;
  private readonly logPeriods: PeriodAggregator;
  private lastResultNs: number;
  private lastLogNs: number;

  constructor(options: IntervalReportsOptions) {
    this.o = options;
    const backlog = (): number => options.session.totalBacklog();
    this.resultPeriods = new PeriodAggregator(options.stats, options.nowNs, backlog);
    this.logPeriods = new PeriodAggregator(options.stats, options.nowNs, backlog);
    this.lastResultNs = this.lastLogNs = options.nowNs;
  }

  /**
   * OMB's periods start with the traffic, not with the connection attempts before it: the time spent so
   * far is dropped from the result periods (the lifetime counters keep everything).
   */
  trafficStarted(nowNs: number): void {
    this.resultPeriods.close(nowNs);
    this.lastResultNs = nowNs;
  }

  /** Before the decision: the controller still shows what it knew at the previous one. */
  judge(period: PeriodStats): void {
    this.o.stats.events.saturated = this.saturated(period);
  }

  /** After the decision: settle losses, close result and log periods when due. */
  report(period: PeriodStats): void {
    const now = period.endNs;
    const lost = this.o.session.settleIntegrity();
    if (lost > 0) this.o.log.warn({ lost, totalLost: this.o.integrity.lost }, 'messages lost');
    if ((now - this.lastResultNs) / 1e6 >= RESULT_PERIOD_MS - 1) {
      this.lastResultNs = now;
      this.o.collector.addPeriod(this.resultPeriods.close(now));
    }
    if ((now - this.lastLogNs) / 1e6 >= this.o.logIntervalMs - 1) {
      this.lastLogNs = now;
      this.logStats(this.logPeriods.close(now));
    }
  }

  /** The last result period's publish rate, 0 before the first. */
  achievedRate(): number {
    const r = this.o.collector.result();
    return r.publishRate[r.publishRate.length - 1] ?? 0;
  }

  results(nowNs: number): TestResult {
    const { collector, stats } = this.o;
    collector.setAggregated(stats.cumulativeSnapshot(nowNs));
    collector.setTotals(stats.messagesSent, stats.messagesReceived);
    collector.setIntegrity(this.o.integrity);
    return collector.result();
  }

  destroy(): void {
    this.resultPeriods.destroy();
    this.logPeriods.destroy();
  }

  /**
   * Generator saturation: soakbench itself cannot keep the schedule — sends are late (publish delay
   * p99 over the bound) although neither the in-flight cap nor a full client queue held them back, so
   * the broker is not the cause (docs/controller.md: never blame the broker for our own limits).
   */
  private saturated(p: PeriodStats): boolean {
    const engine = this.o.session.engine;
    if (!engine || this.o.session.paused || p.sendAttempts === 0) return false;
    const lateUs = p.publishDelay.p99;
    const boundUs = this.o.saturationDelayMs * 1000;
    const nearCap = engine.inFlight >= 0.9 * engine.maxInFlight;
    return (lateUs > boundUs && !nearCap) || this.o.controller.generatorLimited;
  }

  private logStats(p: PeriodStats): void {
    const { session } = this.o;
    this.o.log.info(
      {
        rate: session.rate,
        publishRate: round(p.publishRate),
        consumeRate: round(p.consumeRate),
        sendErrors: p.sendErrors,
        backlog: session.totalBacklog(),
        p99ResponseMs: p.responseTime.p99 / 1000,
        p99PublishMs: p.publishLatency.p99 / 1000,
        p99EndToEndMs: p.endToEnd.p99 / 1000,
        p99PublishDelayUs: p.publishDelay.p99,
        inFlight: session.inFlight,
        saturated: this.o.stats.events.saturated,
      },
      'stats',
    );
  }
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}
