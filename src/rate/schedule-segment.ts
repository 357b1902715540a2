import type { RateProfile } from './rate-profile.js';

const NS_PER_S = 1e9;

/**
 * Intended send time of message `index` on a schedule that passed `anchorPosition` (a possibly fractional
 * message index) at `anchorNs`, at `ratePerSec`. Computed from the index, never by adding intervals, so the
 * error stays below a nanosecond after billions of messages (docs/controller.md "Holding the rate", rule 1;
 * OMB's UniformRateLimiter and k6 compute intended times the same way).
 */
export function scheduleTimeNs(
  anchorNs: number,
  anchorPosition: number,
  index: number,
  ratePerSec: number,
): number {
  return anchorNs + ((index - anchorPosition) * NS_PER_S) / ratePerSec;
}

/**
 * One piece of the schedule: a constant rate from an anchor, or a profile. Messages already due when the
 * schedule changed stay on the piece they were due on (ending before `endIndex`), so they keep their times.
 */
export class ScheduleSegment {
  /** First index not in this segment (set when a newer segment takes over). */
  endIndex = Number.POSITIVE_INFINITY;
  /** Profile mode: position = profileBase + profile.integral(seconds since profileStartNs). */
  readonly profileBase: number;

  constructor(
    /** The segment starts here: position `anchorPosition` is reached at `anchorNs`, nothing is intended earlier. */
    readonly anchorNs: number,
    readonly anchorPosition: number,
    /** Constant mode: messages/s (0 schedules nothing). Unused with a profile. */
    readonly rate: number,
    readonly profile: RateProfile | undefined,
    readonly profileStartNs: number,
  ) {
    this.profileBase =
      profile === undefined ? 0 : anchorPosition - profile.integral((anchorNs - profileStartNs) / NS_PER_S);
  }

  /** True when no message will ever be intended on this segment (constant rate 0). */
  get schedulesNothing(): boolean {
    return this.profile === undefined && this.rate === 0;
  }

  /** Fractional schedule position reached at `nowNs` (>= anchorNs). */
  positionAt(nowNs: number): number {
    if (this.profile !== undefined) {
      return this.profileBase + this.profile.integral((nowNs - this.profileStartNs) / NS_PER_S);
    }
    if (this.rate === 0) return this.anchorPosition;
    return this.anchorPosition + ((nowNs - this.anchorNs) * this.rate) / NS_PER_S;
  }

  /** Intended time of message `index`; Infinity if this segment never schedules it. */
  timeOf(index: number): number {
    if (this.profile !== undefined) {
      const t = this.profileStartNs + this.profile.timeOfCountNs(index - this.profileBase);
      return Math.max(t, this.anchorNs);
    }
    if (this.rate === 0) return Number.POSITIVE_INFINITY;
    return scheduleTimeNs(this.anchorNs, this.anchorPosition, index, this.rate);
  }
}
