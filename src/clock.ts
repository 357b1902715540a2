/**
 * Time as a dependency (docs/contributing.md, "Code style"): the rate limiter, stats windows and the
 * controller take a Clock, and the daemon's loops and deadlines a Scheduler, so tests drive them with a
 * ManualClock and assert exact times.
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

/** A timer made by a Scheduler. */
export interface Timer {
  cancel(): void;
}

/** Timers as a dependency: loops and deadlines run on a Scheduler, so a test steps them with a ManualClock. */
export interface Scheduler {
  /** Calls `fn` every `ms`, the first time `ms` from now. */
  every(ms: number, fn: () => void): Timer;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): Timer;
}

/** Node's timers. */
export const systemScheduler: Scheduler = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

interface ManualTimer {
  atNs: number;
  /** 0 for a one-shot timer. */
  everyNs: number;
  fn: () => void;
}

/** A clock that moves only when told to; its timers fire, in time order, as it moves past them. */
export class ManualClock implements Clock, Scheduler {
  private ns: number;
  private readonly wallOriginMs: number;
  private timers: ManualTimer[] = [];

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
    this.moveTo(this.ns + ns);
  }

  advanceMs(ms: number): void {
    this.advanceNs(ms * 1e6);
  }

  setNs(ns: number): void {
    if (ns < this.ns) throw new RangeError('a clock never goes back');
    this.moveTo(ns);
  }

  every(ms: number, fn: () => void): Timer {
    return this.add(ms, ms, fn);
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(ms, 0, fn);
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private add(ms: number, everyMs: number, fn: () => void): Timer {
    const timer: ManualTimer = {
      atNs: this.ns + Math.max(0, ms) * 1e6,
      everyNs: Math.max(0, everyMs) * 1e6,
      fn,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  /** Fires every timer due up to `targetNs` at its own time (the clock reads that time while it runs). */
  private moveTo(targetNs: number): void {
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.timers) if (t.atNs <= targetNs && (!next || t.atNs < next.atNs)) next = t;
      if (!next) break;
      this.ns = Math.max(this.ns, next.atNs);
      if (next.everyNs > 0) next.atNs += next.everyNs;
      else this.timers = this.timers.filter((t) => t !== next);
      next.fn();
    }
    this.ns = targetNs;
  }
}
