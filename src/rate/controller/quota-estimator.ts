/**
 * Estimates a broker's producer quota, in messages per second, from the throttle time it returns.
 *
 * Kafka enforces a client quota by delaying: for a request that takes the client's rate O (measured over the
 * quota window W, `quota.window.num` × `quota.window.size.seconds`, 11 × 1 s by default) above the bound Q, the
 * broker returns throttle time T = (O − Q)/Q · W and mutes the connection for T (apache/kafka docs/design.html,
 * Quotas → Enforcement). Solved for the bound: Q = O·W/(W + T) = (what was sent in the window)/(W + T). Counting
 * messages instead of bytes keeps the ratio and gives the bound in msg/s, without knowing how the broker counts
 * request bytes.
 *
 * The messages "in the window" are this client's acks over the last W (a quota response returns at once, so an
 * ack marks when the broker counted the request). The broker divides by at least (num − 1)/num of W even when
 * its window is younger (a new client); so does this. Under a quota the 1-s ack rate is bursty (muted, then a
 * burst): this window sum is what the broker itself judges, not a one-second reading.
 *
 * Single estimates err both ways, so the estimate is the highest of those of the last two windows. Statistics
 * give the largest throttle of an interval, paired here with the window at the interval's end: a long throttle
 * mutes the rest of the interval, so the broker's window may end up to an interval earlier than this one (an
 * error of up to interval/W, 9 % at 1 s of 11 s, low); while the client drains after an overshoot its rate falls
 * through the interval, so the window at the end holds less than the broker's did (low; on the real broker
 * estimates fell 10 % below the calibrated rate during drains); and the catch-up burst after a drain lands in
 * the window at once (high: 1.1× the calibrated rate, right after one). The highest keeps the low errors out; two
 * windows later a high one has expired, and a hold above the quota is throttled again and re-estimated from a
 * steady window.
 */
export class QuotaEstimator {
  private readonly acks: number[] = [];
  private readonly durationsMs: number[] = [];
  private coveredMs = 0;
  /** Estimates (msg/s) and when they were made, the last two windows' worth (at least the newest). */
  private estimates: { q: number; atNs: number }[] = [];
  private lastThrottleNs = Number.NEGATIVE_INFINITY;

  constructor(private windowMs: number) {}

  set window(ms: number) {
    this.windowMs = ms;
  }

  /** Every control interval, throttled or not: the client's acks and the interval's length. */
  observe(acks: number, durationNs: number): void {
    const ms = durationNs / 1e6;
    if (!(ms > 0)) return;
    this.acks.push(acks);
    this.durationsMs.push(ms);
    this.coveredMs += ms;
    // Keep just over one window.
    while (this.acks.length > 1 && this.coveredMs - this.durationsMs[0]! >= this.windowMs) {
      this.coveredMs -= this.durationsMs.shift()!;
      this.acks.shift();
    }
  }

  /**
   * A throttle time `throttleMs` > 0 was seen at `nowNs` (after `observe` of the same interval): returns the
   * quota estimate (the highest of the last two windows), or undefined if there was never an ack to estimate from.
   */
  throttled(throttleMs: number, nowNs: number): number | undefined {
    this.lastThrottleNs = nowNs;
    const sent = this.sentInWindow();
    if (sent > 0) {
      const minWindowMs = (this.windowMs * 10) / 11;
      const windowMs = Math.max(Math.min(this.coveredMs, this.windowMs), minWindowMs);
      this.estimates.push({ q: sent / ((windowMs + throttleMs) / 1000), atNs: nowNs });
      const oldest = nowNs - 2 * this.windowMs * 1e6;
      while (this.estimates.length > 1 && this.estimates[0]!.atNs < oldest) this.estimates.shift();
    }
    return this.current();
  }

  /** The current estimate (undefined before any). */
  current(): number | undefined {
    if (this.estimates.length === 0) return undefined;
    return Math.max(...this.estimates.map((e) => e.q));
  }

  /** True while the last throttle is less than one window old: the broker may still mute the connection. */
  active(nowNs: number): boolean {
    return nowNs - this.lastThrottleNs <= this.windowMs * 1e6;
  }

  /** Forget the estimate (the quota was lifted or raised); the ack history stays, it is the client's. */
  forget(): void {
    this.estimates = [];
    this.lastThrottleNs = Number.NEGATIVE_INFINITY;
  }

  /** Acks over the last window, the oldest interval pro rata if it reaches past the window. */
  private sentInWindow(): number {
    let sum = 0;
    let ms = 0;
    for (let i = this.acks.length - 1; i >= 0; i--) {
      const d = this.durationsMs[i]!;
      if (ms + d <= this.windowMs) {
        sum += this.acks[i]!;
        ms += d;
      } else {
        sum += (this.acks[i]! * (this.windowMs - ms)) / d;
        break;
      }
    }
    return sum;
  }
}
