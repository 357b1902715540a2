import type { ControlSample } from './control-sample.js';
import type { ControllerSettings } from './controller-settings.js';
import { type IntervalCounts, p99Above, perSecond } from './interval-counts.js';

/** Signals of the latest interval alone (docs/controller.md "Signals"), derived from a sample and the rate in force. */
export interface IntervalSignals {
  ackRate: number;
  sendRate: number;
  /** Congestion-class errors / (acks + congestion errors) this interval. */
  errorRate: number;
  p99Ms: number;
  /** Fewer acks than 0.9 × sends, or none at all with messages in flight: delivery lags the sends. */
  lagging: boolean;
  /**
   * In-flight messages older than the SLO (censored latencies; at least 1 when the oldest is older), counted only
   * while delivery lags: messages stuck while current traffic is acked on time are not a queue this rate built.
   */
  censoredOverSlo: number;
  /** Likewise, older than severeFactor·SLO. */
  censoredOverSevere: number;
  /** More than 2·r·S worth of messages in flight (Little's law), the oldest already past the SLO. */
  backlog: boolean;
  /** No acks at all while the oldest in-flight message is past the SLO. */
  stall: boolean;
  /** The generator, not the broker, is behind: publish delay, event-loop delay or achieved send rate. */
  generatorLimited: boolean;
  generatorReason: string;
}

const finite = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);

export function intervalSignals(
  sample: ControlSample,
  cur: IntervalCounts,
  rate: number,
  s: ControllerSettings,
): IntervalSignals {
  const slo = s.p99TargetMs;
  const inflight = finite(sample.inflight);
  const oldest = finite(sample.oldestInflightAgeMs);
  const lagging = cur.acks < 0.9 * cur.sent || (cur.acks === 0 && inflight > 0);
  const past = lagging && oldest > slo;
  const censored = past ? Math.max(1, finite(sample.inflightAge?.countAboveMs(slo) ?? 1)) : 0;
  const severeMs = s.severeFactor * slo;
  const censoredSevere =
    lagging && oldest > severeMs ? Math.max(1, finite(sample.inflightAge?.countAboveMs(severeMs) ?? 1)) : 0;
  const backlog = past && inflight > (2 * rate * slo) / 1000;
  const stall = cur.acks === 0 && inflight > 0 && oldest > slo;
  const ackRate = perSecond(cur.acks, cur);
  const sendRate = perSecond(cur.sent, cur);
  const expected = (rate * cur.durationNs) / 1e9;
  const reasons: string[] = [];
  // A delay tail while the schedule is kept (sends on target) and the SLO is met is CPU contention on a
  // shared host, not a generator that cannot keep up: on Harness B single noisy intervals like that
  // capped the rate for a minute. Delays count when sends fall short, or when the SLO is missed (then
  // our own lateness is in the response time, and the broker must not be blamed for it).
  const p99Now = Number.isFinite(sample.response.p99Ms) ? sample.response.p99Ms : 0;
  const behind = cur.sent < 0.99 * expected - 1 || p99Now > slo;
  if (behind && finite(sample.publishDelayP99Ms) > s.maxPublishDelayP99Ms)
    reasons.push(`publish delay p99 ${fmt(sample.publishDelayP99Ms)} ms > ${s.maxPublishDelayP99Ms} ms`);
  if (behind && finite(sample.eventLoopDelayP99Ms) > s.maxEventLoopDelayP99Ms)
    reasons.push(
      `event-loop delay p99 ${fmt(sample.eventLoopDelayP99Ms)} ms > ${s.maxEventLoopDelayP99Ms} ms`,
    );
  // One message of slack: a uniform schedule sends ⌊r·T⌋ or ⌈r·T⌉ in an interval.
  if (cur.sent < s.minSendRatio * expected - 1)
    reasons.push(`sent ${fmt(sendRate)}/s < ${s.minSendRatio}·${fmt(rate)}/s`);
  // Broker back-pressure also slows sends (in-flight cap, queue full): that is the broker's doing, not ours.
  // A throttled (muted) connection is the broker's quota at work, not our saturation either.
  const brokerBehind = backlog || stall || cur.congestion > 0 || finite(sample.throttleTimeMs) > 0;
  return {
    ackRate,
    sendRate,
    errorRate: cur.congestion / Math.max(1, cur.acks + cur.congestion),
    p99Ms: Number.isFinite(sample.response.p99Ms) ? sample.response.p99Ms : 0,
    lagging,
    censoredOverSlo: censored,
    censoredOverSevere: censoredSevere,
    backlog,
    stall,
    generatorLimited: reasons.length > 0 && !brokerBehind,
    generatorReason: reasons.join(', '),
  };
}

/**
 * The p99 of `acks` values, `over` of them above a threshold, plus `censored` in-flight messages already older
 * than it, is above the threshold — on enough samples (or so many late ones that more samples cannot help).
 */
export function latencyOver(over: number, acks: number, censored: number, minSamples: number): boolean {
  const late = over + censored;
  const n = acks + censored;
  return p99Above(late, n) && (n >= minSamples || late >= Math.max(3, 0.01 * minSamples));
}

/** Short number formatting for reasons. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return String(Math.round(x));
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
