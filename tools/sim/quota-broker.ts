import type { ControlSample, LatencyView } from '../../src/rate/controller/control-sample.js';
import { BUCKETS, bucketOf, countAbove, valueAt } from './bucket-histogram.js';

/** A quota that changes at given times: [fromS, messages per second], sorted by time, the first at 0. */
export type QuotaSchedule = readonly (readonly [number, number])[];

export interface QuotaBrokerOptions {
  schedule: QuotaSchedule;
  /** Ack latency without throttling (request round trip, linger), ms. */
  floorMs?: number;
  /** Kafka's quota.window.num and quota.window.size.seconds. */
  windowNum?: number;
  windowSizeS?: number;
  /** Simulation step, ms: the client sends what is queued once per step unless muted. */
  tickMs?: number;
}

/**
 * A virtual-time model of Kafka's client quota enforcement (apache/kafka ClientQuotaManager, KIP-219), for the
 * controller's tests without a broker: messages are generated at the commanded rate into the client's queue; while
 * the connection is not muted, the client sends everything queued as one request each tick; the broker counts it
 * in the current sample of its rate window (windowNum samples of windowSizeS), and if the windowed rate O is above
 * the quota Q it answers at once with throttle time T = (O − Q)/Q · W and mutes the connection for T. The window
 * W is the span of the retained samples, at least (windowNum − 1) samples, as Kafka's `Rate` measures it. Acks
 * arrive `floorMs` after the request; their response time is measured from each message's intended send time.
 */
export class QuotaBroker {
  private readonly floorMs: number;
  private readonly num: number;
  private readonly sizeMs: number;
  private readonly tickMs: number;
  private readonly schedule: QuotaSchedule;
  /** Broker rate window: messages per sample, and each sample's start (ms). */
  private readonly samples: number[] = [];
  private readonly sampleStart: number[] = [];
  /** Client queue: one entry per tick of generated messages [intended time ms, count]. */
  private readonly queue: [number, number][] = [];
  private queued = 0;
  private carry = 0;
  private nowMs = 0;
  private mutedUntilMs = 0;
  private readonly hist = new Uint32Array(BUCKETS);

  constructor(o: QuotaBrokerOptions) {
    this.schedule = o.schedule;
    this.floorMs = o.floorMs ?? 2;
    this.num = o.windowNum ?? 11;
    this.sizeMs = (o.windowSizeS ?? 1) * 1000;
    this.tickMs = o.tickMs ?? 5;
  }

  /** The quota at `tS` seconds, msg/s. */
  quotaAt(tS: number): number {
    let q = this.schedule[0]![1];
    for (const [from, rate] of this.schedule) if (tS >= from) q = rate;
    return q;
  }

  /** Runs one control interval of `intervalMs` at `rate` msg/s; returns what the producer would have measured. */
  interval(rate: number, intervalMs = 1000): ControlSample {
    this.hist.fill(0);
    let sent = 0;
    let acks = 0;
    let throttleMs = 0;
    const end = this.nowMs + intervalMs;
    for (; this.nowMs < end; this.nowMs += this.tickMs) {
      const t = this.nowMs;
      const due = rate * (this.tickMs / 1000) + this.carry;
      const n = Math.floor(due);
      this.carry = due - n;
      if (n > 0) {
        this.queue.push([t, n]);
        this.queued += n;
        sent += n;
      }
      if (t < this.mutedUntilMs || this.queued === 0) continue;
      // One produce request with everything queued; acked floorMs later (counted in this interval).
      const batch = this.queued;
      const ackAt = t + this.floorMs;
      for (const [intended, count] of this.queue) this.hist[bucketOf((ackAt - intended) * 1000)]! += count;
      this.queue.length = 0;
      this.queued = 0;
      acks += batch;
      const throttle = this.record(t, batch);
      if (throttle > 0) {
        this.mutedUntilMs = t + throttle;
        throttleMs = Math.max(throttleMs, throttle);
      }
    }
    const oldest = this.queue.length > 0 ? this.nowMs - this.queue[0]![0] : 0;
    const hist = this.hist;
    const response: LatencyView = {
      count: acks,
      p99Ms: valueAt(hist, 0, acks, 0.99) / 1000,
      countAboveMs: (ms) => countAbove(hist, 0, ms * 1000),
    };
    return {
      nowNs: this.nowMs * 1e6,
      intervalNs: intervalMs * 1e6,
      sent,
      acks,
      response,
      errors: { congestion: 0, topology: 0, fatal: 0, other: 0 },
      retries: 0,
      inflight: this.queued,
      oldestInflightAgeMs: oldest,
      publishDelayP99Ms: 0,
      eventLoopDelayP99Ms: 0,
      throttleTimeMs: throttleMs,
    };
  }

  /**
   * Kafka's recordAndGetThrottleTimeMs over a `Rate` of `SampledStat` samples: add `n`, return the throttle time
   * (ms), 0 if under. Samples older than windowNum × windowSize are purged; the window is the age of the oldest
   * sample, padded to at least windowNum − 1 whole samples.
   */
  private record(t: number, n: number): number {
    const expireMs = this.num * this.sizeMs;
    while (this.sampleStart.length > 0 && t - this.sampleStart[0]! >= expireMs) {
      this.samples.shift();
      this.sampleStart.shift();
    }
    const last = this.sampleStart.length - 1;
    if (last < 0 || t >= this.sampleStart[last]! + this.sizeMs) {
      this.samples.push(0);
      this.sampleStart.push(t);
      if (this.samples.length > this.num) {
        this.samples.shift();
        this.sampleStart.shift();
      }
    }
    this.samples[this.samples.length - 1]! += n;
    const total = this.samples.reduce((a, b) => a + b, 0);
    let windowMs = t - this.sampleStart[0]!;
    const full = Math.floor(windowMs / this.sizeMs);
    if (full < this.num - 1) windowMs += (this.num - 1 - full) * this.sizeMs;
    const observed = total / (windowMs / 1000);
    const q = this.quotaAt(t / 1000);
    return observed > q ? ((observed - q) / q) * windowMs : 0;
  }
}
