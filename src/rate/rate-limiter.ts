import type { Clock } from '../clock.js';
import { invalid, SoakbenchError } from '../errors.js';
import type { RateProfile } from './rate-profile.js';
import { ScheduleSegment } from './schedule-segment.js';

export { scheduleTimeNs } from './schedule-segment.js';

const NS_PER_S = 1e9;

/** Where a limiter that follows a profile is, for /status and metrics (made on request, not per message). */
export interface ProfileProgress {
  /** True while `setRate()` overrides the profile (until `resumeProfile()`). */
  readonly overridden: boolean;
  /** Seconds since the profile's start (its clock runs on during overrides and pauses). */
  readonly seconds: number;
  readonly stepIndex: number;
  readonly stepName: string;
  /** Pass of a looping profile, 0 for the first. */
  readonly pass: number;
  /** The profile's rate now (what the limiter follows unless overridden). */
  readonly profileRate: number;
  /** A profile that does not loop has run all its steps (its last rate holds). */
  readonly ended: boolean;
}

/**
 * An open-model schedule: message i is intended at the integral of the commanded rate, whether or not the
 * sender keeps up. A late caller is told about every due message at once (wrk2 catch-up) and stamps each
 * with its own intended time, so publish delay and response time measure the lateness instead of hiding it.
 *
 * The commanded rate is a constant (`setRate`) or a RateProfile (`followProfile`). `setRate` while following
 * a profile overrides it until `resumeProfile()`; every switch keeps the schedule continuous (the fractional
 * position carries over: no burst, no gap), and the profile's own clock runs on during an override, so
 * handing back rejoins the profile where it is now.
 *
 * Hot path: `due()`, `nextIntendedNs()` and `peekIntendedNs()` allocate nothing.
 */
export class RateLimiter {
  private readonly clock: Clock;
  /** The constant rate (also the override rate while a profile is overridden). */
  private currentRate: number;
  private profile: RateProfile | undefined;
  private profileStartNs = 0;
  /** A profile is set but `setRate()` overrides it. */
  private overriding = false;
  private current: ScheduleSegment;
  private taken = 0;
  private isPaused = false;
  /** Older segments still holding due messages, oldest first; empty unless a change caught us behind. */
  private readonly past: ScheduleSegment[] = [];

  constructor(clock: Clock, ratePerSec: number) {
    checkRate(ratePerSec);
    this.clock = clock;
    this.currentRate = ratePerSec;
    this.current = new ScheduleSegment(clock.nowNs(), 0, ratePerSec, undefined, 0);
  }

  /** Messages per second commanded now (the profile's rate when following one; kept while paused). */
  get rate(): number {
    if (this.followingProfile) {
      return this.profile!.rateAt((this.clock.nowNs() - this.profileStartNs) / NS_PER_S);
    }
    return this.currentRate;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Messages handed out so far by `nextIntendedNs()`; also the index of the next message. */
  get position(): number {
    return this.taken;
  }

  /** True when a profile drives the rate now (set, and not overridden). */
  get followingProfile(): boolean {
    return this.profile !== undefined && !this.overriding;
  }

  /**
   * Changes the rate from now on; while following a profile, overrides it until `resumeProfile()`. The
   * schedule stays continuous: the fractional position reached so far carries over, messages already due
   * keep their original intended times (and stay due), and the next ones follow at the new rate.
   */
  setRate(ratePerSec: number): void {
    checkRate(ratePerSec);
    const following = this.followingProfile;
    if (ratePerSec === this.currentRate && !following) return;
    this.currentRate = ratePerSec;
    if (this.profile !== undefined) this.overriding = true;
    if (this.isPaused) return;
    this.switchSegment(
      (anchorNs, position) => new ScheduleSegment(anchorNs, position, ratePerSec, undefined, 0),
    );
  }

  /**
   * Follows `profile` from now on; the profile's t = 0 is `startNs` (a run passes the time its load
   * started, so t is the run's elapsed time). `startNs` may lie in the past; in the future, nothing is
   * scheduled until then. The schedule continues from the position reached, at the profile's rate at
   * t = now − startNs. Replaces an earlier profile and ends an override.
   */
  followProfile(profile: RateProfile, startNs: number): void {
    this.profile = profile;
    this.profileStartNs = startNs;
    this.overriding = false;
    if (this.isPaused) return;
    this.switchSegment((anchorNs, position) => new ScheduleSegment(anchorNs, position, 0, profile, startNs));
  }

  /**
   * Ends a `setRate()` override: the profile drives the rate again, at its rate now (its clock ran on),
   * continuing from the position reached (no catch-up burst for what the override did not send). A no-op
   * when not overridden; CONFLICT when there is no profile.
   */
  resumeProfile(): void {
    const profile = this.profile;
    if (profile === undefined) throw new SoakbenchError('CONFLICT', 'there is no rate profile to resume');
    if (!this.overriding) return;
    this.followProfile(profile, this.profileStartNs);
  }

  /** Progress through the profile, or undefined without one. */
  profileProgress(): ProfileProgress | undefined {
    const profile = this.profile;
    if (profile === undefined) return undefined;
    const t = (this.clock.nowNs() - this.profileStartNs) / NS_PER_S;
    return {
      overridden: this.overriding,
      seconds: t,
      stepIndex: profile.stepIndexAt(t),
      stepName: profile.stepNameAt(t),
      pass: profile.passAt(t),
      profileRate: profile.rateAt(t),
      ended: profile.ended(t),
    };
  }

  /** Stops the schedule: nothing is due until `resume()`. Messages due but not taken are forgotten. */
  pause(): void {
    this.isPaused = true;
    this.past.length = 0;
  }

  /**
   * Restarts the schedule at now: the next message is due immediately (a pause is not a backlog). A
   * profile's clock ran on during the pause: it resumes at its rate now.
   */
  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    const nowNs = this.clock.nowNs();
    this.current = this.followingProfile
      ? new ScheduleSegment(nowNs, this.taken, 0, this.profile, this.profileStartNs)
      : new ScheduleSegment(nowNs, this.taken, this.currentRate, undefined, 0);
  }

  /** How many messages are due by `nowNs` (intended time <= nowNs) and not yet taken, at most `max`. */
  due(nowNs: number, max: number): number {
    if (this.isPaused) return 0;
    const first = this.firstCurrentIndex();
    let count = first - this.taken;
    if (!this.current.schedulesNothing) {
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
      if (index < seg.endIndex) return seg.timeOf(index);
    }
    return this.current.timeOf(index);
  }

  /**
   * Ends the current segment at now and starts the one `next` makes at the position reached. Messages
   * due by now stay on the old segment; if the caller took messages ahead of time, the new segment
   * continues after the last one taken, so times never go back.
   */
  private switchSegment(next: (anchorNs: number, position: number) => ScheduleSegment): void {
    const nowNs = this.clock.nowNs();
    const cur = this.current;
    const first = this.firstCurrentIndex();
    let position: number;
    let anchorNs = nowNs;
    if (cur.schedulesNothing) {
      // Nothing became due at rate 0: the position froze where the rate went to 0.
      position = cur.anchorPosition;
    } else {
      position = cur.positionAt(nowNs);
      const endDue = this.lastDueIndex(nowNs) + 1;
      if (endDue > first) {
        cur.endIndex = endDue;
        this.past.push(cur);
      } else if (first > endDue) {
        position = first - 1;
        anchorNs = cur.timeOf(position);
      }
    }
    this.current = next(anchorNs, position);
  }

  /** First index belonging to the current segment. */
  private firstCurrentIndex(): number {
    const n = this.past.length;
    return n === 0 ? this.taken : this.past[n - 1]!.endIndex;
  }

  /** Highest index whose intended time on the current segment is <= nowNs (it schedules something). */
  private lastDueIndex(nowNs: number): number {
    const cur = this.current;
    let last = Math.floor(cur.positionAt(nowNs));
    // The inverse above can round across an integer; settle it with the same function the times use.
    if (cur.timeOf(last + 1) <= nowNs) last++;
    else if (cur.timeOf(last) > nowNs) last--;
    return last;
  }
}

function checkRate(ratePerSec: number): void {
  if (!Number.isFinite(ratePerSec) || ratePerSec < 0) {
    throw invalid('INVALID_ARGUMENT', { field: 'rate' }, 'a finite number of messages/s >= 0', ratePerSec);
  }
}
