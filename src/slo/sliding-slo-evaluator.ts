import { type Histogram, JsHistogram } from 'hdr-histogram-js';
import type { Clock } from '../clock.js';
import { createHistogram } from '../stats/histogram-factory.js';
import type { LatencyRecorder } from '../stats/latency-recorder.js';
import type { SloThresholds } from './slo-thresholds.js';
import { evaluateSlo, type SloMeasurements, type SloVerdict } from './slo-verdict.js';

/**
 * What the daemon measured in one stats period (a Stats.snapshotInterval, docs/metrics.md), as the
 * sliding evaluator takes it. Counts are of the period alone.
 */
export interface SloPeriodSample {
  /** When the period closed (the clock's nowNs). */
  readonly endNs: number;
  /** Acknowledged and failed sends in the period. */
  readonly messagesSent: number;
  readonly sendErrors: number;
  /**
   * Messages the schedule intended in the period (target rate × seconds, or the profile's integral over
   * it); undefined when there is no target (the controller looks for the rate).
   */
  readonly targetMessages?: number | undefined;
  /** Integrity findings of the period (differences of IntegrityTracker totals); undefined = no checker. */
  readonly lost?: number | undefined;
  readonly duplicated?: number | undefined;
  readonly outOfOrder?: number | undefined;
  /** The period's publish response times and end-to-end latencies (µs); read during the call only. */
  readonly responseTime?: Histogram | undefined;
  readonly endToEnd?: Histogram | undefined;
}

export interface SlidingSloOptions {
  readonly clock: Clock;
  /** The sliding window: periods that ended within the last this many seconds. */
  readonly windowSeconds: number;
  /** Length of a stats period; sizes the ring of periods kept (windowSeconds / periodSeconds + 1). */
  readonly periodSeconds: number;
}

/** The daemon's two verdicts on the same thresholds. */
export interface SlidingSloVerdicts {
  readonly windowSeconds: number;
  readonly window: SloVerdict;
  readonly whole: SloVerdict;
}

/** Sums of a span of periods, and its latencies (copied at 2 significant digits: values within 1 %). */
class Span {
  sent = 0;
  errors = 0;
  target = 0;
  hasTarget = false;
  lost = 0;
  duplicated = 0;
  outOfOrder = 0;
  hasIntegrity = false;
  endNs = Number.NEGATIVE_INFINITY;
  responseTime: Histogram | undefined;
  endToEnd: Histogram | undefined;

  clear(): void {
    this.sent = this.errors = this.target = this.lost = this.duplicated = this.outOfOrder = 0;
    this.hasTarget = this.hasIntegrity = false;
    this.endNs = Number.NEGATIVE_INFINITY;
    this.responseTime?.reset();
    this.endToEnd?.reset();
  }

  add(s: SloPeriodSample): void {
    this.sent += s.messagesSent;
    this.errors += s.sendErrors;
    if (s.targetMessages !== undefined) {
      this.target += s.targetMessages;
      this.hasTarget = true;
    }
    if (s.lost !== undefined || s.duplicated !== undefined || s.outOfOrder !== undefined) {
      this.lost += s.lost ?? 0;
      this.duplicated += s.duplicated ?? 0;
      this.outOfOrder += s.outOfOrder ?? 0;
      this.hasIntegrity = true;
    }
    if (s.responseTime !== undefined) this.responseTime = addInto(this.responseTime, s.responseTime);
    if (s.endToEnd !== undefined) this.endToEnd = addInto(this.endToEnd, s.endToEnd);
  }

  addSpan(o: Span): void {
    this.sent += o.sent;
    this.errors += o.errors;
    this.target += o.target;
    this.hasTarget ||= o.hasTarget;
    this.lost += o.lost;
    this.duplicated += o.duplicated;
    this.outOfOrder += o.outOfOrder;
    this.hasIntegrity ||= o.hasIntegrity;
    if (o.responseTime !== undefined) this.responseTime = addInto(this.responseTime, o.responseTime);
    if (o.endToEnd !== undefined) this.endToEnd = addInto(this.endToEnd, o.endToEnd);
  }

  measurements(): SloMeasurements {
    const attempts = this.sent + this.errors;
    return {
      publishResponseTimeP99Ms: percentileMs(this.responseTime, 99),
      publishResponseTimeP999Ms: percentileMs(this.responseTime, 99.9),
      endToEndP99Ms: percentileMs(this.endToEnd, 99),
      errorRate: attempts > 0 ? this.errors / attempts : undefined,
      lost: this.hasIntegrity ? this.lost : undefined,
      duplicated: this.hasIntegrity ? this.duplicated : undefined,
      outOfOrder: this.hasIntegrity ? this.outOfOrder : undefined,
      achievedRatio: this.hasTarget && this.target > 0 ? this.sent / this.target : undefined,
    };
  }

  destroy(): void {
    this.responseTime?.destroy();
    this.endToEnd?.destroy();
  }
}

/**
 * The daemon's SLO verdicts (docs/workloads.md, "SLO verdicts"): the same thresholds as `run`, over the
 * periods that ended within the last `windowSeconds` and over everything since creation or `reset()`.
 * Latency percentiles merge the periods' histograms, so a window's p99 is the p99 of its values, not an
 * average of p99s. Not on the hot path: one `addPeriod` per stats period.
 */
export class SlidingSloEvaluator {
  readonly thresholds: SloThresholds;
  readonly windowSeconds: number;
  private readonly clock: Clock;
  private readonly ring: Span[];
  private next = 0;
  private readonly whole = new Span();
  private readonly merged = new Span();
  /** Latencies observed from recorders since the last `addPeriod` (see `observe`). */
  private readonly pending = new Span();

  constructor(thresholds: SloThresholds, options: SlidingSloOptions) {
    if (!(options.windowSeconds > 0) || !(options.periodSeconds > 0)) {
      throw new RangeError('windowSeconds and periodSeconds must be above 0');
    }
    this.thresholds = thresholds;
    this.windowSeconds = options.windowSeconds;
    this.clock = options.clock;
    const slots = Math.ceil(options.windowSeconds / options.periodSeconds) + 1;
    this.ring = Array.from({ length: slots }, () => new Span());
  }

  /**
   * Takes latencies straight from the recorders: every interval histogram they close (Stats.snapshotInterval)
   * is kept until the next `addPeriod`, which then needs no histograms. Periods may span several intervals
   * (the daemon's 1-s intervals, 10-s SLO periods: fewer, larger slots).
   */
  observe(recorders: { readonly responseTime: LatencyRecorder; readonly endToEnd?: LatencyRecorder }): void {
    recorders.responseTime.onInterval((h) => {
      this.pending.responseTime = addInto(this.pending.responseTime, h);
    });
    recorders.endToEnd?.onInterval((h) => {
      this.pending.endToEnd = addInto(this.pending.endToEnd, h);
    });
  }

  /** Adds a closed period (with the latencies observed since the previous one, if `observe` was called). */
  addPeriod(sample: SloPeriodSample): void {
    const slot = this.ring[this.next]!;
    slot.clear();
    slot.add(sample);
    slot.addSpan(this.pending);
    slot.endNs = sample.endNs;
    this.next = (this.next + 1) % this.ring.length;
    this.whole.add(sample);
    this.whole.addSpan(this.pending);
    this.pending.clear();
  }

  /** Measurements of the periods that ended within the last `windowSeconds`. */
  windowMeasurements(): SloMeasurements {
    const fromNs = this.clock.nowNs() - this.windowSeconds * 1e9;
    this.merged.clear();
    for (const slot of this.ring) if (slot.endNs > fromNs) this.merged.addSpan(slot);
    return this.merged.measurements();
  }

  /** Measurements since creation or the last `reset()`. */
  wholeMeasurements(): SloMeasurements {
    return this.whole.measurements();
  }

  /** Both verdicts now. */
  evaluate(): SlidingSloVerdicts {
    return {
      windowSeconds: this.windowSeconds,
      window: evaluateSlo(this.thresholds, this.windowMeasurements()),
      whole: evaluateSlo(this.thresholds, this.wholeMeasurements()),
    };
  }

  /** Forgets every period (a new measured run). */
  reset(): void {
    for (const slot of this.ring) slot.clear();
    this.whole.clear();
    this.pending.clear();
  }

  /** Frees the histograms (required when the sources use the WebAssembly build). */
  destroy(): void {
    for (const span of [...this.ring, this.whole, this.merged, this.pending]) span.destroy();
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

function percentileMs(h: Histogram | undefined, p: number): number | undefined {
  if (h === undefined || h.totalCount === 0) return undefined;
  return Math.min(h.getValueAtPercentile(p), h.highestTrackableValue) / 1000;
}
