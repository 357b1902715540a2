import type { RateProfileSpec, RateStepSpec } from './rate-profile-spec.js';

const NS_PER_S = 1e9;
const DAY_SECONDS = 86_400;
/** Sine inversion stops when the root is known within this many seconds (0.1 ns). */
const SINE_TOLERANCE_S = 1e-10;
const SINE_MAX_ITERATIONS = 200;

const HOLD = 0;
const RAMP = 1;
const SINE = 2;

/**
 * A target rate over time (docs/workloads.md, "Rate profiles"). `t` is seconds since the profile started.
 * The schedule the rate limiter derives from it is exact: message i is intended at the smallest t where
 * `integral(t) >= i` (`timeOfCountNs`). Holds and ramps invert in closed form (a ramp is a quadratic);
 * a sine by safeguarded Newton iteration to within 0.1 ns. A time-of-day profile is 24 ramps, one per hour,
 * looped, starting at the hour of day the profile was started at.
 *
 * After the last step of a profile that does not repeat, the rate it ended at holds.
 *
 * `integral`, `timeOfCountNs` and `rateAt` allocate nothing: the steps live in typed arrays.
 */
export class RateProfile {
  /** True when the steps loop (repeatProfile, and every time-of-day profile). */
  readonly repeat: boolean;
  /** Seconds of one pass (86,400 for a time-of-day profile). */
  readonly passSeconds: number;
  /** Messages one pass schedules. */
  readonly passCount: number;
  /** Seconds until the profile has run its course: Infinity when it repeats. */
  readonly durationSeconds: number;
  /** The rate the profile ends at and then keeps (when it does not repeat). */
  readonly finalRate: number;
  /** Steps of one pass, as stored (a time-of-day profile: 25, an empty one before the 24 hours). */
  readonly stepCount: number;
  private readonly names: readonly string[];
  /** Steps before the first the user wrote (a time-of-day profile starts with an empty one). */
  private readonly hiddenSteps: number;
  private readonly kind: Uint8Array;
  private readonly start: Float64Array;
  private readonly startNs: Float64Array;
  private readonly length: Float64Array;
  /** hold: rate; ramp: rate at the step's start; sine: mean. */
  private readonly a: Float64Array;
  /** ramp: slope (msg/s²); sine: amplitude. */
  private readonly b: Float64Array;
  /** sine: angular frequency 2π/period. */
  private readonly w: Float64Array;
  /** Messages scheduled before each step; one more entry than steps (the last is passCount). */
  private readonly before: Float64Array;
  /** Where in its pass the profile starts (seconds), and the messages a pass schedules before that. */
  private readonly phase: number;
  private readonly phaseCount: number;
  // The sender asks for the same message twice (peek, then take) and then for the next one: remember the
  // last answer, and start a sine's iteration from the last root (1-2 Newton steps instead of 5-10).
  private memoCount = Number.NaN;
  private memoNs = 0;
  private warmStep = -1;
  private warmY = 0;
  private warmTau = 0;

  private constructor(
    steps: readonly RateStepSpec[],
    repeat: boolean,
    phaseSeconds: number,
    names: string[],
    hiddenSteps = 0,
  ) {
    const n = steps.length;
    this.stepCount = n;
    this.repeat = repeat;
    this.names = names;
    this.hiddenSteps = hiddenSteps;
    this.kind = new Uint8Array(n);
    this.start = new Float64Array(n);
    this.startNs = new Float64Array(n);
    this.length = new Float64Array(n);
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.w = new Float64Array(n);
    this.before = new Float64Array(n + 1);
    let t = 0;
    let rate = 0;
    steps.forEach((step, i) => {
      this.start[i] = t;
      this.startNs[i] = t * NS_PER_S;
      this.length[i] = step.seconds;
      if (step.kind === 'hold' || (step.kind === 'ramp' && step.rate === rate)) {
        this.kind[i] = HOLD;
        this.a[i] = step.rate;
        rate = step.rate;
      } else if (step.kind === 'ramp') {
        this.kind[i] = RAMP;
        this.a[i] = rate;
        this.b[i] = (step.rate - rate) / step.seconds;
        rate = step.rate;
      } else {
        this.kind[i] = SINE;
        this.a[i] = (step.min + step.max) / 2;
        this.b[i] = (step.max - step.min) / 2;
        this.w[i] = (2 * Math.PI) / step.periodSeconds;
        rate = this.stepRate(i, step.seconds);
      }
      this.before[i + 1] = this.before[i]! + this.stepIntegral(i, step.seconds);
      t += step.seconds;
    });
    this.passSeconds = t;
    this.passCount = this.before[n]!;
    this.finalRate = rate;
    this.durationSeconds = repeat ? Number.POSITIVE_INFINITY : t;
    this.phase = phaseSeconds;
    this.phaseCount = phaseSeconds === 0 ? 0 : this.passIntegral(phaseSeconds);
  }

  /**
   * The profile of a workload's `rateProfile`. `startWallMs` (epoch ms at the profile's t = 0) places a
   * time-of-day profile on the clock; a list of steps ignores it.
   */
  static fromSpec(spec: RateProfileSpec, startWallMs: number): RateProfile {
    if (spec.kind === 'steps') {
      const names = spec.steps.map((s, i) => s.name ?? `${i + 1}: ${describeStep(s)}`);
      return new RateProfile(spec.steps, spec.repeat, 0, names);
    }
    const rates = spec.hourlyRates;
    const steps: RateStepSpec[] = rates.map((_, h) => ({
      kind: 'ramp',
      rate: rates[(h + 1) % 24]!,
      seconds: 3600,
      name: undefined,
    }));
    // The first ramp starts from the previous step's rate, which for hour 0 is 0: start hour 0 with a
    // zero-length hold at its own rate instead (length 0 schedules nothing and is never found).
    steps.unshift({ kind: 'hold', rate: rates[0]!, seconds: 0, name: undefined });
    const names = ['', ...rates.map((_, h) => `${pad2(h)}:00-${pad2((h + 1) % 24)}:00`)];
    const localMs = startWallMs + spec.utcOffsetMinutes * 60_000;
    const phase = (((localMs / 1000) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
    return new RateProfile(steps, true, phase, names, 1);
  }

  /** The commanded rate (msg/s) at `t` seconds. */
  rateAt(t: number): number {
    const u = this.passPosition(t);
    if (u >= this.passSeconds) return this.finalRate;
    const i = this.stepAtPass(u);
    return this.stepRate(i, u - this.start[i]!);
  }

  /** Messages scheduled from 0 to `t` seconds (fractional; 0 for t <= 0). */
  integral(t: number): number {
    if (!(t > 0)) return 0;
    const u = t + this.phase;
    let count: number;
    if (this.repeat) {
      const passes = Math.floor(u / this.passSeconds);
      count = passes * this.passCount + this.passIntegral(u - passes * this.passSeconds);
    } else if (u >= this.passSeconds) {
      count = this.passCount + this.finalRate * (u - this.passSeconds);
    } else {
      count = this.passIntegral(u);
    }
    return count - this.phaseCount;
  }

  /** Mean rate from `t0` to `t1` seconds (the target of an achieved/target ratio). */
  meanRate(t0: number, t1: number): number {
    return t1 > t0 ? (this.integral(t1) - this.integral(t0)) / (t1 - t0) : this.rateAt(t0);
  }

  /**
   * The smallest t (in ns since the profile started) with `integral(t) >= count`: when message `count` is
   * intended. Infinity when the profile never schedules that many (it ended at rate 0).
   */
  timeOfCountNs(count: number): number {
    if (!(count > 0)) return 0;
    if (count === this.memoCount) return this.memoNs;
    const ns = this.solveNs(count);
    this.memoCount = count;
    this.memoNs = ns;
    return ns;
  }

  private solveNs(count: number): number {
    let target = count + this.phaseCount;
    let offsetNs = -this.phase * NS_PER_S;
    if (this.repeat) {
      let passes = Math.floor(target / this.passCount);
      if (passes > 0 && target - passes * this.passCount <= 0) passes--;
      target -= passes * this.passCount;
      offsetNs += passes * this.passSeconds * NS_PER_S;
    } else if (target > this.passCount) {
      if (this.finalRate === 0) return Number.POSITIVE_INFINITY;
      const extraNs = ((target - this.passCount) * NS_PER_S) / this.finalRate;
      return this.passSeconds * NS_PER_S + extraNs + offsetNs;
    }
    return Math.max(0, offsetNs + this.passTimeNs(target));
  }

  /** `timeOfCountNs` in seconds. */
  timeOfCount(count: number): number {
    return this.timeOfCountNs(count) / NS_PER_S;
  }

  /** Index of the step running at `t` (0-based; for a time-of-day profile, the hour of day). */
  stepIndexAt(t: number): number {
    const u = this.passPosition(t);
    const i = u >= this.passSeconds ? this.stepCount - 1 : this.stepAtPass(u);
    return i - this.hiddenSteps;
  }

  /** Name of the step running at `t`: its `name`, else its number and shape ("2: ramp to 5000/s in 120 s"). */
  stepNameAt(t: number): string {
    const u = this.passPosition(t);
    return this.names[u >= this.passSeconds ? this.stepCount - 1 : this.stepAtPass(u)]!;
  }

  /** Pass number at `t` (0 for the first), for status displays of a looping profile. */
  passAt(t: number): number {
    return Math.floor(Math.max(0, t + this.phase) / this.passSeconds);
  }

  /** True once a profile that does not repeat has run all its steps. */
  ended(t: number): boolean {
    return t >= this.durationSeconds;
  }

  /** Where `t` falls in its pass (>= passSeconds only after the end of a profile that does not repeat). */
  private passPosition(t: number): number {
    const u = Math.max(0, t) + this.phase;
    return this.repeat ? u - Math.floor(u / this.passSeconds) * this.passSeconds : u;
  }

  /** The step holding pass position `u` (0 <= u < passSeconds): the last with start <= u and a length. */
  private stepAtPass(u: number): number {
    let lo = 0;
    let hi = this.stepCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.start[mid]! <= u) lo = mid;
      else hi = mid - 1;
    }
    while (lo < this.stepCount - 1 && this.length[lo] === 0) lo++;
    return lo;
  }

  private passIntegral(u: number): number {
    const i = this.stepAtPass(u);
    return this.before[i]! + this.stepIntegral(i, Math.min(u - this.start[i]!, this.length[i]!));
  }

  /** Pass time (ns) where the pass integral first reaches `count` (0 < count <= passCount). */
  private passTimeNs(count: number): number {
    // The step where the count is reached: before[i] < count <= before[i + 1]; empty steps never match.
    let lo = 0;
    let hi = this.stepCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before[mid + 1]! < count) lo = mid + 1;
      else hi = mid;
    }
    const y = count - this.before[lo]!;
    const kind = this.kind[lo];
    if (kind === HOLD) return this.startNs[lo]! + (y * NS_PER_S) / this.a[lo]!;
    const tau = kind === RAMP ? this.rampTime(lo, y) : this.sineTime(lo, y);
    return this.startNs[lo]! + tau * NS_PER_S;
  }

  /** Ramp: r0·τ + s·τ²/2 = y, in the form that loses no digits when s is small or negative. */
  private rampTime(i: number, y: number): number {
    const r0 = this.a[i]!;
    const s = this.b[i]!;
    const root = Math.sqrt(Math.max(0, r0 * r0 + 2 * s * y));
    return Math.min(this.length[i]!, (2 * y) / (r0 + root));
  }

  /** Sine: mean·τ − (amp/ω)·sin(ωτ) = y, Newton inside a bracket that shrinks every step. */
  private sineTime(i: number, y: number): number {
    const mean = this.a[i]!;
    const reach = this.b[i]! / this.w[i]!;
    let lo = Math.max(0, (y - reach) / mean);
    let hi = Math.min(this.length[i]!, (y + reach) / mean);
    let guess = y / mean;
    if (i === this.warmStep) {
      // F is increasing: the last root bounds this one, and a step at the local rate lands next to it.
      if (y >= this.warmY) lo = Math.max(lo, this.warmTau);
      else hi = Math.min(hi, this.warmTau);
      const rate = this.stepRate(i, this.warmTau);
      if (rate > 0) guess = this.warmTau + (y - this.warmY) / rate;
    }
    const root = this.newton(i, y, lo, hi, Math.min(hi, Math.max(lo, guess)));
    this.warmStep = i;
    this.warmY = y;
    this.warmTau = root;
    return root;
  }

  /** Newton on F(τ) = y from `start`, falling back to bisection whenever a step leaves [low, high]. */
  private newton(i: number, y: number, low: number, high: number, start: number): number {
    let lo = low;
    let hi = high;
    let tau = start;
    for (let k = 0; k < SINE_MAX_ITERATIONS && hi - lo > SINE_TOLERANCE_S; k++) {
      const f = this.stepIntegral(i, tau) - y;
      if (f === 0) return tau;
      if (f > 0) hi = tau;
      else lo = tau;
      const rate = this.stepRate(i, tau);
      let next = rate > 0 ? tau - f / rate : Number.NaN;
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (Math.abs(next - tau) <= SINE_TOLERANCE_S) return next;
      tau = next;
    }
    return hi;
  }

  private stepRate(i: number, tau: number): number {
    const kind = this.kind[i];
    if (kind === HOLD) return this.a[i]!;
    if (kind === RAMP) return this.a[i]! + this.b[i]! * tau;
    return this.a[i]! - this.b[i]! * Math.cos(this.w[i]! * tau);
  }

  private stepIntegral(i: number, tau: number): number {
    const kind = this.kind[i];
    if (kind === HOLD) return this.a[i]! * tau;
    if (kind === RAMP) return this.a[i]! * tau + (this.b[i]! * tau * tau) / 2;
    const w = this.w[i]!;
    return this.a[i]! * tau - (this.b[i]! / w) * Math.sin(w * tau);
  }
}

function describeStep(s: RateStepSpec): string {
  if (s.kind === 'hold') return `hold ${s.rate}/s for ${s.seconds} s`;
  if (s.kind === 'ramp') return `ramp to ${s.rate}/s in ${s.seconds} s`;
  return `sine ${s.min}-${s.max}/s, period ${s.periodSeconds} s, for ${s.seconds} s`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
