import type { Clock } from '../clock.js';
import { invalid } from '../errors.js';

const NS_PER_S = 1e9;

/**
 * Intended send time of message `index` on a schedule that passed `anchorPosition` (a possibly fractional
 * message index) at `anchorNs`, at `ratePerSec`. Computed from the index, never by adding intervals, so the
 * error stays below a nanosecond after billions of messages (docs/controller.md "Holding the rate", rule 1; OMB UniformRateLimiter
 * and k6 compute intended times the same way).
 */
export function scheduleTimeNs(
  anchorNs: number,
  anchorPosition: number,
  index: number,
  ratePerSec: number,
): number {
  return anchorNs + ((index - anchorPosition) * NS_PER_S) / ratePerSec;
}

/** Messages that were already due under an earlier rate when the rate changed; they keep their times. */
interface PastSegment {
  /** First index not in this segment. */
  endIndex: number;
  anchorNs: number;
  anchorPosition: number;
  rate: number;
}

/**
 * An open-model schedule: message i is intended at the integral of the commanded rate, whether or not the
 * sender keeps up. A late caller is told about every due message at once (wrk2 catch-up) and stamps each
 * with its own intended time, so publish delay and response time measure the lateness instead of hiding it.
 *
 * Hot path: `due()`, `nextIntendedNs()` and `peekIntendedNs()` allocate nothing.
 */
export class RateLimiter {
  private readonly clock: Clock;
  private currentRate: number;
  /** The current segment: schedule position `anchorPosition` is reached at `anchorNs`. */
  private anchorNs: number;
  private anchorPosition = 0;
  private taken = 0;
  private isPaused = false;
  /** Older segments still holding due messages, oldest first; empty unless a rate change caught us behind. */
  private readonly past: PastSegment[] = [];

  constructor(clock: Clock, ratePerSec: number) {
    checkRate(ratePerSec);
    this.clock = clock;
    this.currentRate = ratePerSec;
    this.anchorNs = clock.nowNs();
  }

  /** Messages per second commanded now (the rate is kept while paused). */
  get rate(): number {
    return this.currentRate;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Messages handed out so far by `nextIntendedNs()`; also the index of the next message. */
  get position(): number {
    return this.taken;
  }

  /**
   * Changes the rate from now on. The schedule stays continuous: the fractional position reached under the
   * old rate carries over, messages already due keep their original intended times (and stay due), and the
   * next ones follow at the new rate.
   */
  setRate(ratePerSec: number): void {
    checkRate(ratePerSec);
    if (ratePerSec === this.currentRate) return;
    if (this.isPaused) {
      this.currentRate = ratePerSec;
      return;
    }
    const nowNs = this.clock.nowNs();
    const old = this.currentRate;
    const first = this.firstCurrentIndex();
    let position: number;
    let anchorNs = nowNs;
    if (old === 0) {
      // Nothing became due at rate 0: the position froze where the rate went to 0.
      position = this.anchorPosition;
    } else {
      position = this.anchorPosition + ((nowNs - this.anchorNs) * old) / NS_PER_S;
      const endDue = this.lastDueIndex(nowNs) + 1;
      if (endDue > first) {
        this.past.push({
          endIndex: endDue,
          anchorNs: this.anchorNs,
          anchorPosition: this.anchorPosition,
          rate: old,
        });
      } else if (first > endDue) {
        // The caller took messages ahead of time: continue after the last one taken so times never go back.
        position = first - 1;
        anchorNs = scheduleTimeNs(this.anchorNs, this.anchorPosition, position, old);
      }
    }
    this.anchorNs = anchorNs;
    this.anchorPosition = position;
    this.currentRate = ratePerSec;
  }

  /** Stops the schedule: nothing is due until `resume()`. Messages due but not taken are forgotten. */
  pause(): void {
    this.isPaused = true;
    this.past.length = 0;
  }

  /** Restarts the schedule at now: the next message is due immediately (a pause is not a backlog). */
  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    this.anchorNs = this.clock.nowNs();
    this.anchorPosition = this.taken;
  }

  /** How many messages are due by `nowNs` (intended time <= nowNs) and not yet taken, at most `max`. */
  due(nowNs: number, max: number): number {
    if (this.isPaused) return 0;
    const first = this.firstCurrentIndex();
    let count = first - this.taken;
    if (this.currentRate > 0) {
      const last = this.lastDueIndex(nowNs);
      if (last >= first) count += last - first + 1;
    }
    return Math.min(count, max);
  }

  /**
   * Intended time (ns, possibly fractional) of the next message, advancing the schedule by one. Returns
   * Infinity without advancing when nothing is scheduled (paused, or rate 0 with nothing left due).
   */
  nextIntendedNs(): number {
    const t = this.peekIntendedNs();
    if (t !== Number.POSITIVE_INFINITY) {
      this.taken++;
      while (this.past.length > 0 && this.past[0]!.endIndex <= this.taken) this.past.shift();
    }
    return t;
  }

  /** Intended time of the next message without advancing; Infinity when nothing is scheduled. */
  peekIntendedNs(): number {
    return this.isPaused ? Number.POSITIVE_INFINITY : this.intendedNsAt(this.taken);
  }

  /** Intended time of message `index` (>= position) on the current schedule; Infinity if never at this rate. */
  intendedNsAt(index: number): number {
    for (const seg of this.past) {
      if (index < seg.endIndex) return scheduleTimeNs(seg.anchorNs, seg.anchorPosition, index, seg.rate);
    }
    if (this.currentRate === 0) return Number.POSITIVE_INFINITY;
    return scheduleTimeNs(this.anchorNs, this.anchorPosition, index, this.currentRate);
  }

  /** First index belonging to the current segment. */
  private firstCurrentIndex(): number {
    const n = this.past.length;
    return n === 0 ? this.taken : this.past[n - 1]!.endIndex;
  }

  /** Highest index whose intended time on the current segment is <= nowNs (rate > 0). */
  private lastDueIndex(nowNs: number): number {
    const rate = this.currentRate;
    let last = Math.floor(this.anchorPosition + ((nowNs - this.anchorNs) * rate) / NS_PER_S);
    // The inverse above can round across an integer; settle it with the same formula the times use.
    if (scheduleTimeNs(this.anchorNs, this.anchorPosition, last + 1, rate) <= nowNs) last++;
    else if (scheduleTimeNs(this.anchorNs, this.anchorPosition, last, rate) > nowNs) last--;
    return last;
  }
}

function checkRate(ratePerSec: number): void {
  if (!Number.isFinite(ratePerSec) || ratePerSec < 0) {
    throw invalid('INVALID_ARGUMENT', { field: 'rate' }, 'a finite number of messages/s >= 0', ratePerSec);
  }
}
