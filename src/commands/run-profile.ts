import type { Clock } from '../clock.js';
import { RateProfile } from '../rate/rate-profile.js';
import type { WorkloadSession } from '../session/workload-session.js';
import type { Workload } from '../workload/workload.js';

/**
 * A workload's `rateProfile` in `soakbench run` (docs/workloads.md "Rate profiles"). Warm-up holds the
 * profile's rate at t = 0; the profile's t = 0 is the start of the test phase, so the result's periods
 * trace it. A profile that does not repeat ends the test after one pass (testDurationMinutes is then
 * ignored); a looping or time-of-day profile runs for testDurationMinutes (0 = until stopped).
 */
export class RunProfile {
  private profile: RateProfile | undefined;

  private constructor(
    private readonly workload: Workload & { rateProfile: NonNullable<Workload['rateProfile']> },
  ) {}

  /** The profile of `workload`, or undefined when it has none. */
  static of(workload: Workload): RunProfile | undefined {
    const spec = workload.rateProfile;
    return spec === undefined ? undefined : new RunProfile({ ...workload, rateProfile: spec });
  }

  /** The rate of warm-up (and of the engine before the test starts): the profile's rate at t = 0. */
  warmupRate(nowWallMs: number): number {
    return RateProfile.fromSpec(this.workload.rateProfile, nowWallMs).rateAt(0);
  }

  /** The test phase starts now: the session follows the profile from its t = 0. */
  start(session: WorkloadSession, clock: Clock, nowWallMs: number): void {
    this.profile = RateProfile.fromSpec(this.workload.rateProfile, nowWallMs);
    session.followProfile(this.profile, clock.nowNs());
  }

  /** Length of the test phase (ms): one pass of a finite profile, else testDurationMinutes (Infinity for 0). */
  testMs(): number {
    const profile = this.profile ?? RateProfile.fromSpec(this.workload.rateProfile, Date.now());
    if (!profile.repeat) return profile.durationSeconds * 1000;
    const minutes = this.workload.testDurationMinutes;
    return minutes > 0 ? minutes * 60_000 : Number.POSITIVE_INFINITY;
  }

  /** The profile's mean rate over the first `seconds` of the test (the SLO's target rate). */
  meanRate(seconds: number): number | undefined {
    return this.profile !== undefined && seconds > 0 ? this.profile.meanRate(0, seconds) : undefined;
  }
}
