import type { Histogram } from 'hdr-histogram-js';
import { createHistogram } from './histogram-factory.js';
import type { LatencyRecorder } from './latency-recorder.js';
import { type LatencySummary, summarize } from './latency-summary.js';
import { type PeriodStats, rates, type Stats, type StatsCounts } from './stats.js';

type RecorderName = 'publishLatency' | 'publishDelay' | 'responseTime' | 'endToEnd';
const RECORDERS: readonly RecorderName[] = ['publishLatency', 'publishDelay', 'responseTime', 'endToEnd'];

/**
 * Longer periods built from Stats' short intervals: the daemon snapshots Stats every control interval
 * (1 s) and still reports OMB's 10-s periods in GET /results and a stats log line every minute. Each
 * recorder's interval histogram is added to this aggregator's own at every snapshot (once per interval,
 * never per message), and counts come from differences of the lifetime counters.
 */
export class PeriodAggregator {
  private readonly stats: Stats;
  private readonly histograms = new Map<RecorderName, Histogram>();
  private readonly caps = new Map<RecorderName, number>();
  private startNs: number;
  private marks: {
    sent: number;
    bytesSent: number;
    errors: number;
    attempts: number;
    received: number;
    bytesReceived: number;
  };
  private errorMarks: Map<string, number>;

  constructor(stats: Stats, nowNs: number, backlog: () => number) {
    this.stats = stats;
    this.backlog = backlog;
    for (const name of RECORDERS) {
      const recorder: LatencyRecorder = stats[name];
      const h = createHistogram({
        highestTrackableValue: recorder.maxUs,
        significantDigits: 3,
        useWebAssembly: recorder.usesWebAssembly,
      });
      this.histograms.set(name, h);
      this.caps.set(name, recorder.maxUs);
      recorder.onInterval((interval) => h.add(interval));
    }
    this.startNs = nowNs;
    this.marks = this.counters();
    this.errorMarks = new Map(stats.sendErrorsByReason);
  }

  private readonly backlog: () => number;

  private counters() {
    const s = this.stats;
    return {
      sent: s.messagesSent,
      bytesSent: s.bytesSent,
      errors: s.sendErrors,
      attempts: s.sendAttempts,
      received: s.messagesReceived,
      bytesReceived: s.bytesReceived,
    };
  }

  /** Closes the period at `nowNs` (after the Stats snapshot that ended it) and starts the next. */
  close(nowNs: number): PeriodStats {
    const now = this.counters();
    const m = this.marks;
    const elapsedSeconds = (nowNs - this.startNs) / 1e9;
    const byReason: Record<string, number> = {};
    for (const [reason, n] of this.stats.sendErrorsByReason) {
      const d = n - (this.errorMarks.get(reason) ?? 0);
      if (d > 0) byReason[reason] = d;
    }
    const summary = (name: RecorderName): LatencySummary => {
      const h = this.histograms.get(name)!;
      const s = summarize(h, this.caps.get(name)!, 0, 0);
      h.reset();
      return s;
    };
    const responseTime = summary('responseTime');
    const counts: StatsCounts = {
      messagesSent: now.sent - m.sent,
      bytesSent: now.bytesSent - m.bytesSent,
      sendErrors: now.errors - m.errors,
      sendErrorsByReason: byReason,
      sendAttempts: now.attempts - m.attempts,
      messagesReceived: now.received - m.received,
      bytesReceived: now.bytesReceived - m.bytesReceived,
    };
    const period: PeriodStats = {
      startNs: this.startNs,
      endNs: nowNs,
      elapsedSeconds,
      ...counts,
      ...rates(counts, elapsedSeconds),
      totalMessagesSent: now.sent,
      totalMessagesReceived: now.received,
      totalSendErrors: now.errors,
      backlog: this.backlog(),
      publishLatency: summary('publishLatency'),
      publishDelay: summary('publishDelay'),
      responseTime,
      responseTimeWindow: responseTime,
      endToEnd: summary('endToEnd'),
    };
    this.startNs = nowNs;
    this.marks = now;
    this.errorMarks = new Map(this.stats.sendErrorsByReason);
    return period;
  }

  destroy(): void {
    for (const h of this.histograms.values()) h.destroy();
  }
}
