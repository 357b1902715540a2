import type { SweepResult } from '../rate/sweep-plan.js';
import type { CumulativeLatencySummary } from '../stats/latency-recorder.js';
import type { LatencySummary } from '../stats/latency-summary.js';
import type { CumulativeStats, PeriodStats } from '../stats/stats.js';
import { javaDoubleToString } from './java-format.js';
import type { BacklogResult, ResultMeta, TestResult } from './test-result.js';

/** OMB's `microsToMillis`: latencies are recorded in µs and reported in ms. */
const msOf = (us: number): number => us / 1000;
const usOf = (us: number): number => us;

type Scale = (us: number) => number;
type SeriesPrefix = 'publishLatency' | 'publishDelayLatency' | 'endToEndLatency' | 'publishResponseTime';
type AggregatedPrefix =
  | 'aggregatedPublishLatency'
  | 'aggregatedPublishDelayLatency'
  | 'aggregatedEndToEndLatency'
  | 'aggregatedPublishResponseTime';

/** Suffixes of OMB's latency fields, with the summary entry each one takes. */
const FIELDS = [
  ['Avg', 'avg'],
  ['50pct', 'p50'],
  ['75pct', 'p75'],
  ['95pct', 'p95'],
  ['99pct', 'p99'],
  ['999pct', 'p999'],
  ['9999pct', 'p9999'],
  ['Max', 'max'],
] as const;

/**
 * Builds OMB's TestResult as WorkloadGenerator.printAndCollectStats does: one entry per period in each list, the
 * aggregated fields and quantile maps from the cumulative histograms at the end (or whenever asked, for a result
 * "so far").
 */
export class ResultCollector {
  private readonly r: TestResult;

  constructor(meta: ResultMeta) {
    this.r = emptyResult(meta);
  }

  /** Periods added so far. */
  get periods(): number {
    return this.r.publishRate.length;
  }

  /** Appends one period, as OMB does after each 10-s print. */
  addPeriod(p: PeriodStats): void {
    const r = this.r;
    r.publishRate.push(p.publishRate);
    r.publishErrorRate.push(p.errorRate);
    r.consumeRate.push(p.consumeRate);
    r.backlog.push(p.backlog);
    r.periodSeconds.push(p.elapsedSeconds);
    this.pushSeries('publishLatency', p.publishLatency, msOf);
    this.pushSeries('publishDelayLatency', p.publishDelay, usOf);
    this.pushSeries('endToEndLatency', p.endToEnd, msOf);
    this.pushSeries('publishResponseTime', p.responseTime, msOf);
  }

  /** Fills the aggregated fields and quantile maps from a cumulative snapshot (replacing earlier ones). */
  setAggregated(c: CumulativeStats): void {
    const r = this.r;
    this.setAggregate('aggregatedPublishLatency', c.publishLatency, msOf);
    this.setAggregate('aggregatedPublishDelayLatency', c.publishDelay, usOf);
    this.setAggregate('aggregatedEndToEndLatency', c.endToEnd, msOf);
    this.setAggregate('aggregatedPublishResponseTime', c.responseTime, msOf);
    r.aggregatedPublishLatencyQuantiles = quantileMap(c.publishLatency, msOf);
    r.aggregatedPublishDelayLatencyQuantiles = quantileMap(c.publishDelay, usOf);
    r.aggregatedEndToEndLatencyQuantiles = quantileMap(c.endToEnd, msOf);
    r.aggregatedPublishResponseTimeQuantiles = quantileMap(c.responseTime, msOf);
    r.latencyOverflowCount = c.latencyOverflowCount;
    r.publishErrorsByReason = { ...c.sendErrorsByReason };
    r.messagesSent = c.messagesSent;
    r.messagesReceived = c.messagesReceived;
    r.sendErrors = c.sendErrors;
    r.testSeconds = c.elapsedSeconds;
  }

  /** Whole-run totals (warm-up and drain included), from the lifetime counters. */
  setTotals(messagesSent: number, messagesReceived: number): void {
    this.r.totalMessagesSent = messagesSent;
    this.r.totalMessagesReceived = messagesReceived;
  }

  /** What the integrity checker found over the whole run. */
  setIntegrity(counts: { lost: number; duplicated: number; outOfOrder: number; late: number }): void {
    this.r.messagesLost = counts.lost;
    this.r.messagesDuplicated = counts.duplicated;
    this.r.messagesOutOfOrder = counts.outOfOrder;
    this.r.messagesLate = counts.late;
  }

  /** producerRate 0: the highest rate the controller found sustainable under the p99 target. */
  setRateFound(rate: number, p99TargetMs: number): void {
    this.r.maxSustainableRate = rate;
    this.r.maxSustainableRateP99TargetMs = p99TargetMs;
  }

  /** The SLO verdict of the measured run (src/commands/run-slo.ts). */
  setSloVerdict(verdict: NonNullable<TestResult['slo']>): void {
    this.r.slo = verdict;
  }

  /** Backlog mode: the build and drain figures (src/worker/backlog-phase.ts); none if the phase failed. */
  setBacklog(figures: BacklogResult | undefined): void {
    if (figures) this.r.consumerBacklog = figures;
  }

  /** `run --sweep`: the capacity curve and its knee (docs/sweep.md). */
  setSweep(sweep: SweepResult): void {
    this.r.sweep = sweep;
  }

  /** A copy of the result as it stands, ready for JSON. */
  result(): TestResult {
    return structuredClone(this.r);
  }

  private pushSeries(prefix: SeriesPrefix, s: LatencySummary, scale: Scale): void {
    const r = this.r as unknown as Record<string, number[]>;
    for (const [suffix, key] of FIELDS) r[prefix + suffix]!.push(scale(s[key]));
  }

  private setAggregate(prefix: AggregatedPrefix, s: LatencySummary, scale: Scale): void {
    const r = this.r as unknown as Record<string, number>;
    for (const [suffix, key] of FIELDS) r[prefix + suffix] = scale(s[key]);
  }
}

function quantileMap(s: CumulativeLatencySummary, scale: Scale): Record<string, number> {
  const map: Record<string, number> = {};
  for (const [percentile, valueUs] of s.quantiles) map[javaDoubleToString(percentile)] = scale(valueUs);
  return map;
}

function emptyResult(meta: ResultMeta): TestResult {
  const series = (prefix: SeriesPrefix): Record<string, number[]> =>
    Object.fromEntries(FIELDS.map(([suffix]) => [prefix + suffix, []]));
  const aggregate = (prefix: AggregatedPrefix): Record<string, number> =>
    Object.fromEntries(FIELDS.map(([suffix]) => [prefix + suffix, 0]));
  // Built in TestResult.java's field order, so the JSON reads like OMB's.
  return {
    workload: meta.workload,
    driver: meta.driver,
    messageSize: meta.messageSize,
    topics: meta.topics,
    partitions: meta.partitions,
    producersPerTopic: meta.producersPerTopic,
    consumersPerTopic: meta.consumersPerTopic,
    publishRate: [],
    publishErrorRate: [],
    consumeRate: [],
    backlog: [],
    ...series('publishLatency'),
    ...series('publishDelayLatency'),
    ...aggregate('aggregatedPublishLatency'),
    ...aggregate('aggregatedPublishDelayLatency'),
    aggregatedPublishLatencyQuantiles: {},
    aggregatedPublishDelayLatencyQuantiles: {},
    ...series('endToEndLatency'),
    aggregatedEndToEndLatencyQuantiles: {},
    ...aggregate('aggregatedEndToEndLatency'),
    soakbenchVersion: meta.soakbenchVersion,
    periodSeconds: [],
    ...series('publishResponseTime'),
    ...aggregate('aggregatedPublishResponseTime'),
    aggregatedPublishResponseTimeQuantiles: {},
    latencyOverflowCount: 0,
    publishErrorsByReason: {},
    messagesSent: 0,
    messagesReceived: 0,
    sendErrors: 0,
    testSeconds: 0,
    totalMessagesSent: 0,
    totalMessagesReceived: 0,
    messagesLost: 0,
    messagesDuplicated: 0,
    messagesOutOfOrder: 0,
    messagesLate: 0,
  } as unknown as TestResult;
}
