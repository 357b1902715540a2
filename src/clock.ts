/**
 * Time as a dependency (docs/contributing.md, "Code style"): the rate limiter, stats windows and the controller take a
 * Clock, so tests drive them with a ManualClock and assert exact times.
 *
 * `nowNs` is a monotonic clock in nanoseconds (a double: 2^53 ns is 104 days, enough for a soak run);
 * `wallMs` is epoch milliseconds, used only where a wall time leaves the process (the send time carried
 * in each message for end-to-end latency, result JSON).
 */
export interface Clock {
  nowNs(): number;
  wallMs(): number;
}

/**
 * The real clock. performance.now() is monotonic with sub-microsecond resolution and returns a double:
 * unlike process.hrtime.bigint() it allocates nothing, which matters on the send path.
 * performance.timeOrigin is the epoch time (ms) at which this thread's performance.now() was 0, so
 * wall times taken in different worker threads agree.
 */
export const systemClock: Clock = {
  nowNs: () => performance.now() * 1e6,
  wallMs: () => performance.timeOrigin + performance.now(),
};

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  private ns: number;
  private readonly wallOriginMs: number;

  constructor(startNs = 0, wallOriginMs = 1_700_000_000_000) {
    this.ns = startNs;
    this.wallOriginMs = wallOriginMs;
  }

  nowNs(): number {
    return this.ns;
  }

  wallMs(): number {
    return this.wallOriginMs + this.ns / 1e6;
  }

  advanceNs(ns: number): void {
    if (ns < 0) throw new RangeError('a clock never goes back');
    this.ns += ns;
  }

  advanceMs(ms: number): void {
    this.advanceNs(ms * 1e6);
  }

  setNs(ns: number): void {
    if (ns < this.ns) throw new RangeError('a clock never goes back');
    this.ns = ns;
  }
}
