/**
 * A new estimate below this fraction of the highest one, from a throttle of at least a quarter window, replaces
 * the others: the quota was lowered (a halved quota mutes for about a whole window).
 */
const QUOTA_LOWERED = 0.75;

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
 * steady window. A quota lowered by more than a quarter mutes the client for about a whole window at once: an
 * estimate that low from a throttle that long replaces the older ones.
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
    // The connection stays muted for the throttle time: what queues meanwhile reaches the window after it.
    this.lastThrottleNs = Math.max(this.lastThrottleNs, nowNs + throttleMs * 1e6);
    const sent = this.sentInWindow();
    if (sent > 0) {
      const minWindowMs = (this.windowMs * 10) / 11;
      const windowMs = Math.max(Math.min(this.coveredMs, this.windowMs), minWindowMs);
      const q = sent / ((windowMs + throttleMs) / 1000);
      // Far below the highest estimate, with a long mute: the quota was lowered (the low-side errors above stay
      // within ~10 %; short throttles while the client pays the window back come with a thinned window).
      if (q < QUOTA_LOWERED * (this.current() ?? 0) && throttleMs >= this.windowMs / 4) this.estimates = [];
      this.estimates.push({ q, atNs: nowNs });
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

  /**
   * True while the end of the last mute (throttle time after it was reported) is less than one window old: the
   * broker may still mute the connection.
   */
  active(nowNs: number): boolean {
    return nowNs - this.lastThrottleNs <= this.windowMs * 1e6;
  }

  /** Forget the estimate (the quota was lifted or raised); the ack history stays, it is the client's. */
  forget(): void {
    this.estimates = [];
    this.lastThrottleNs = Number.NEGATIVE_INFINITY;
  }

  /**
   * The client's rate as the broker judges it (msg/s): acks over the last window divided by the window, at least
   * (num − 1)/num of it as for a young client. Without a throttle the quota is at least this. `priorRate`
   * fills the part of the window before the first interval observed (a rate taken as sustainable).
   */
  windowRate(priorRate = 0): number {
    const minWindowMs = (this.windowMs * 10) / 11;
    const spanMs = Math.max(Math.min(this.coveredMs, this.windowMs), minWindowMs);
    const before = (priorRate * Math.max(0, spanMs - this.coveredMs)) / 1000;
    return (this.sentInWindow() + before) / (spanMs / 1000);
  }

  /** Acks over the last `ms` (at most the history kept, just over a window). */
  sentInLast(ms: number): number {
    return this.sentOver(ms);
  }

  /** Acks over the last window, the oldest interval pro rata if it reaches past the window. */
  private sentInWindow(): number {
    return this.sentOver(this.windowMs);
  }

  private sentOver(spanMs: number): number {
    let sum = 0;
    let ms = 0;
    for (let i = this.acks.length - 1; i >= 0; i--) {
      const d = this.durationsMs[i]!;
      if (ms + d <= spanMs) {
        sum += this.acks[i]!;
        ms += d;
      } else {
        sum += (this.acks[i]! * (spanMs - ms)) / d;
        break;
      }
    }
    return sum;
  }
}
