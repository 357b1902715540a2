/**
 * A rate profile as written in a workload file (`rateProfile`, `repeatProfile`; docs/workloads.md), validated
 * by src/workload/rate-profile-block.ts and run by RateProfile (src/rate/rate-profile.ts). Rates are messages
 * per second for the whole workload, like `producerRate`.
 */

/** Hold `rate` for `seconds`. */
export interface HoldStepSpec {
  readonly kind: 'hold';
  readonly rate: number;
  readonly seconds: number;
  readonly name: string | undefined;
}

/** Change linearly from the rate the previous step ended at (0 for the first step) to `rate` over `seconds`. */
export interface RampStepSpec {
  readonly kind: 'ramp';
  readonly rate: number;
  readonly seconds: number;
  readonly name: string | undefined;
}

/**
 * A sine between `min` and `max` with period `periodSeconds`, for `seconds`. It starts at `min` (rate =
 * mean − amplitude·cos(2πt/period)), so it joins a hold at `min` without a jump and peaks at half a period.
 */
export interface SineStepSpec {
  readonly kind: 'sine';
  readonly min: number;
  readonly max: number;
  readonly periodSeconds: number;
  readonly seconds: number;
  readonly name: string | undefined;
}

export type RateStepSpec = HoldStepSpec | RampStepSpec | SineStepSpec;

/** A list of steps, run once (then the last rate holds) or looped. */
export interface StepsProfileSpec {
  readonly kind: 'steps';
  readonly steps: readonly RateStepSpec[];
  /** `repeatProfile`: loop the steps (the daemon); a run ends after one pass. */
  readonly repeat: boolean;
}

/**
 * A rate for each hour of the day (24 values, hour 0 first), the rate at hh:00 of the wall clock, linear in
 * between (23:00 → 24:00 goes to hour 0's rate). The wall clock is UTC shifted by a fixed offset: no
 * daylight-saving jumps, so every day is 24 hours long and the curve never jumps.
 */
export interface TimeOfDayProfileSpec {
  readonly kind: 'timeOfDay';
  readonly hourlyRates: readonly number[];
  /** Minutes east of UTC (`utcOffset: "+02:00"` is 120). */
  readonly utcOffsetMinutes: number;
}

export type RateProfileSpec = StepsProfileSpec | TimeOfDayProfileSpec;
