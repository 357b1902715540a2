import {
  type ControlSample,
  noSendErrors,
  SEND_ERROR_CLASSES,
  type SendErrorCounts,
} from '../rate/controller/control-sample.js';
import { MergedLatencies } from '../stats/latency-view.js';

/**
 * The adaptive controller across a fleet (docs/fleet.md): every member publishes each control interval's
 * sample; the member that leads merges them into one fleet-wide sample for its controller. Pure logic: the
 * records travel through the control topic (fleet-daemon.ts).
 */

/** One member's control interval, as it travels in the control topic. */
export interface FleetSample {
  member: string;
  /** The member's share of the fleet's rate when it sent the sample. */
  share: number;
  /** The interval's end on the member's wall clock (for people: nothing orders by it), and its length. */
  endMs: number;
  intervalMs: number;
  /**
   * Sends the member's own target rate asked for over the interval (the rate changes when a decision reaches
   * it, which may be mid-interval): sent / expected says whether its generator kept up with what it was told.
   */
  expected: number;
  sent: number;
  acks: number;
  errors: SendErrorCounts;
  retries: number;
  inflight: number;
  oldestInflightAgeMs: number;
  publishDelayP99Ms: number;
  eventLoopDelayP99Ms: number;
  throttleTimeMs: number;
  /** The interval's response times (µs), an HdrHistogram in compressed base64. */
  response: string;
}

/** `sample` of member `member` as a record (the encoded histogram comes from the control loop). */
export function fleetSampleOf(
  member: string,
  share: number,
  expected: number,
  sample: ControlSample,
  response: string,
  endMs: number,
): FleetSample {
  return {
    member,
    share,
    endMs,
    intervalMs: sample.intervalNs / 1e6,
    expected,
    sent: sample.sent,
    acks: sample.acks,
    errors: { ...sample.errors },
    retries: sample.retries ?? 0,
    inflight: sample.inflight,
    oldestInflightAgeMs: sample.oldestInflightAgeMs,
    publishDelayP99Ms: sample.publishDelayP99Ms,
    eventLoopDelayP99Ms: sample.eventLoopDelayP99Ms,
    throttleTimeMs: sample.throttleTimeMs,
    response,
  };
}

/** Shares are twelfths: a sum this close to 1 is the whole fleet. */
const SHARE_TOLERANCE = 1e-6;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** True when `o` has every field of a FleetSample (a record from another member is not trusted blindly). */
export function isFleetSample(o: unknown): o is FleetSample {
  const s = o as Record<string, unknown> | null;
  if (s === null || typeof s !== 'object' || typeof s.member !== 'string' || typeof s.response !== 'string')
    return false;
  const errors = s.errors as Record<string, unknown> | null;
  return (
    [
      'share',
      'endMs',
      'intervalMs',
      'expected',
      'sent',
      'acks',
      'retries',
      'inflight',
      'oldestInflightAgeMs',
      'publishDelayP99Ms',
      'eventLoopDelayP99Ms',
      'throttleTimeMs',
    ].every((k) => isNum(s[k])) &&
    errors !== null &&
    typeof errors === 'object' &&
    SEND_ERROR_CLASSES.every((k) => isNum(errors[k]))
  );
}

/**
 * A member's own target rate over time, to tell how many sends it was asked for in an interval: `set` at
 * each change (0 while paused), `expected` per interval (it forgets what ended before that interval).
 */
export class RateTimeline {
  private readonly segments: { fromNs: number; rate: number }[] = [];

  /** The rate from `nowNs` on (nothing changes when it is the rate already in force). */
  set(rate: number, nowNs: number): void {
    if (this.segments.at(-1)?.rate !== rate) this.segments.push({ fromNs: nowNs, rate });
  }

  /** Messages the rate asked for between `startNs` and `endNs`. */
  expected(startNs: number, endNs: number): number {
    let total = 0;
    const segs = this.segments;
    for (let i = 0; i < segs.length; i++) {
      const from = Math.max(segs[i]!.fromNs, startNs);
      const to = Math.min(segs[i + 1]?.fromNs ?? Number.POSITIVE_INFINITY, endNs);
      if (to > from) total += (segs[i]!.rate * (to - from)) / 1e9;
    }
    while (segs.length > 1 && segs[1]!.fromNs <= endNs) segs.shift();
    return total;
  }
}

/** What the merger keeps of a member between intervals: its latest rates and gauges. */
interface MemberRates {
  atNs: number;
  expectedPerS: number;
  sentPerS: number;
  acksPerS: number;
  latest: FleetSample;
}

/**
 * Merges the members' samples into the fleet's, one controller interval at a time. Members' intervals are
 * not aligned with the leader's, so a member's samples arrive 0, 1 or 2 to an interval: sends and acks are
 * merged as rates (a member without a new sample counts at its last rate until it is `staleMs` old, then
 * not at all: a dead member's traffic leaves the fleet's), events (errors, retries) and response times as
 * they arrive, so none is lost or counted twice. Gauges: in-flight summed, delays and throttle the worst.
 * There is no fleet sample until the members heard from hold the whole rate between them (their shares add
 * up to 1): a part of the fleet would read as a generator that cannot keep up with the fleet's rate.
 */
export class FleetSampleMerger {
  private readonly pending = new Map<string, FleetSample[]>();
  private readonly members = new Map<string, MemberRates>();

  constructor(
    /** A member whose last sample is older than this (ns) no longer counts. */
    private readonly staleNs: number,
    /** The response histograms' highest trackable value (µs). */
    private readonly maxUs: number,
  ) {}

  offer(sample: FleetSample): void {
    const list = this.pending.get(sample.member);
    if (list === undefined) this.pending.set(sample.member, [sample]);
    else list.push(sample);
  }

  /** Members counted in the last merge, and the share of the fleet's rate they held. */
  memberCount = 0;
  shareCounted = 0;

  /**
   * The fleet's sample for the interval of `intervalNs` ending at `nowNs` (leader's clock), in which the
   * controller had commanded `commandedRate`; undefined until the members counted hold the whole fleet rate.
   */
  merge(nowNs: number, intervalNs: number, commandedRate: number): ControlSample | undefined {
    const errors = noSendErrors();
    const encoded: string[] = [];
    let retries = 0;
    for (const [member, samples] of this.pending) {
      let expected = 0;
      let sent = 0;
      let acks = 0;
      let ms = 0;
      for (const s of samples) {
        expected += s.expected;
        sent += s.sent;
        acks += s.acks;
        ms += s.intervalMs;
        retries += s.retries;
        for (const k of SEND_ERROR_CLASSES) errors[k] += s.errors[k];
        encoded.push(s.response);
      }
      const latest = samples[samples.length - 1]!;
      const seconds = ms > 0 ? ms / 1000 : 1;
      this.members.set(member, {
        atNs: nowNs,
        expectedPerS: expected / seconds,
        sentPerS: sent / seconds,
        acksPerS: acks / seconds,
        latest,
      });
    }
    this.pending.clear();
    let expectedPerS = 0;
    let sentPerS = 0;
    let acksPerS = 0;
    let inflight = 0;
    let oldest = 0;
    let publishDelay = 0;
    let loopDelay = 0;
    let throttle = 0;
    let share = 0;
    for (const [member, m] of this.members) {
      if (nowNs - m.atNs > this.staleNs) {
        this.members.delete(member);
        continue;
      }
      share += m.latest.share;
      expectedPerS += m.expectedPerS;
      sentPerS += m.sentPerS;
      acksPerS += m.acksPerS;
      inflight += m.latest.inflight;
      oldest = Math.max(oldest, m.latest.oldestInflightAgeMs);
      publishDelay = Math.max(publishDelay, m.latest.publishDelayP99Ms);
      loopDelay = Math.max(loopDelay, m.latest.eventLoopDelayP99Ms);
      throttle = Math.max(throttle, m.latest.throttleTimeMs);
    }
    this.memberCount = this.members.size;
    this.shareCounted = share;
    if (share < 1 - SHARE_TOLERANCE || !(expectedPerS > 0)) return undefined;
    // Sends as a share of what the members were told (each by its own rate in force), applied to the rate
    // the controller commanded: a decision reaches the members a moment after it is made, so the fleet's
    // raw send rate lags it by part of an interval, which is not a generator that cannot keep up.
    const sent = Math.min(1, sentPerS / expectedPerS) * commandedRate * (intervalNs / 1e9);
    return {
      nowNs,
      intervalNs,
      sent: Math.round(sent),
      // Acknowledged as a share of sent, as the members saw it.
      acks: sentPerS > 0 ? Math.round((sent * acksPerS) / sentPerS) : 0,
      response: new MergedLatencies(encoded, this.maxUs),
      errors,
      retries,
      inflight,
      oldestInflightAgeMs: oldest,
      publishDelayP99Ms: publishDelay,
      eventLoopDelayP99Ms: loopDelay,
      throttleTimeMs: throttle,
    };
  }
}
