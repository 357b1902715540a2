import type { RateProfileSpec, RateStepSpec } from '../rate/rate-profile-spec.js';
import { atMost, MAX_DURATION_MINUTES, MAX_RATE } from './limits.js';
import { isMapping, type ProblemSink } from './problem-sink.js';

/** Most steps a profile may have (a day of one-minute steps is 1,440). */
export const MAX_PROFILE_STEPS = 10_000;
const STEP_KEYS: readonly string[] = ['rate', 'seconds', 'ramp', 'sine', 'name'];
const SINE_KEYS: readonly string[] = ['min', 'max', 'periodSeconds'];
const TIME_OF_DAY_KEYS: readonly string[] = ['timeOfDay', 'utcOffset'];
const UTC_OFFSET = /^([+-])(\d{2}):(\d{2})$/;
/** The bounds of limits.ts: rates as producerRate, a step or a sine's period as a run's duration. */
const MAX_SECONDS = MAX_DURATION_MINUTES * 60;
const RATE = `a number of messages/s, 0 or more and ${atMost(MAX_RATE)}`;
const SECONDS = `a number of seconds above 0 and ${atMost(MAX_SECONDS)}`;
const SHAPES =
  'a list of steps ({rate, seconds}, {rate, seconds, ramp: true}, {sine: {min, max, periodSeconds}, seconds}) ' +
  'or {timeOfDay: [24 rates], utcOffset}';

/**
 * Reads the workload's `rateProfile` and `repeatProfile` (docs/workloads.md, "Rate profiles"); undefined
 * when there is no profile or it has problems (each reported to `sink`).
 */
export function readRateProfile(
  doc: Record<string, unknown>,
  sink: ProblemSink,
): RateProfileSpec | undefined {
  const hasRepeat = Object.hasOwn(doc, 'repeatProfile');
  const repeat = doc.repeatProfile;
  if (hasRepeat && typeof repeat !== 'boolean') sink.bad('repeatProfile', 'true or false', repeat);
  if (!Object.hasOwn(doc, 'rateProfile')) {
    if (hasRepeat) sink.bad('repeatProfile', 'to be given only with a rateProfile', repeat);
    return undefined;
  }
  const value = doc.rateProfile;
  if (Array.isArray(value)) {
    const steps = readSteps(value, sink);
    if (steps === undefined || (hasRepeat && typeof repeat !== 'boolean')) return undefined;
    return Object.freeze({ kind: 'steps', steps, repeat: repeat === true });
  }
  if (isMapping(value) && Object.hasOwn(value, 'timeOfDay')) {
    if (hasRepeat) {
      sink.bad(
        'repeatProfile',
        'to be left out with rateProfile.timeOfDay (a day profile always repeats)',
        repeat,
      );
    }
    return readTimeOfDay(value, sink);
  }
  sink.bad('rateProfile', SHAPES, value);
  return undefined;
}

function readSteps(list: readonly unknown[], sink: ProblemSink): readonly RateStepSpec[] | undefined {
  if (list.length === 0 || list.length > MAX_PROFILE_STEPS) {
    sink.bad('rateProfile', `1 to ${MAX_PROFILE_STEPS} steps`, list);
    return undefined;
  }
  const steps: RateStepSpec[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const step = readStep(item, `rateProfile[${i}]`, sink);
    if (step === undefined) ok = false;
    else steps.push(step);
  });
  if (!ok) return undefined;
  const schedules = steps.some((s) => (s.kind === 'sine' ? s.max > 0 : s.rate > 0));
  if (!schedules) {
    sink.badWorded('rateProfile', 'at least one step with a rate above 0', 'every rate 0');
    return undefined;
  }
  return Object.freeze(steps);
}

function readStep(item: unknown, at: string, sink: ProblemSink): RateStepSpec | undefined {
  if (!isMapping(item)) {
    sink.bad(at, 'a step: {rate, seconds}, {rate, seconds, ramp: true} or {sine: {...}, seconds}', item);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(item)) {
    if (!STEP_KEYS.includes(key)) {
      sink.unknownKey(`${at}.${key}`, key, 'a step field', STEP_KEYS);
      ok = false;
    }
  }
  const seconds = positive(item, 'seconds', at, sink);
  const name = item.name;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
    sink.bad(`${at}.name`, 'a non-empty string', name);
    ok = false;
  }
  const hasRate = Object.hasOwn(item, 'rate');
  const hasSine = Object.hasOwn(item, 'sine');
  if (hasRate && hasSine) {
    sink.bad(`${at}.sine`, 'to be left out with a rate (a step has a rate or a sine)', item.sine);
    return undefined;
  }
  if (!hasRate && !hasSine) {
    sink.bad(`${at}.rate`, 'a rate (messages/s) or a sine', undefined);
    return undefined;
  }
  const named = name as string | undefined;
  if (hasSine) {
    if (Object.hasOwn(item, 'ramp')) {
      sink.bad(`${at}.ramp`, 'to be left out with a sine (a sine starts at its min)', item.ramp);
      ok = false;
    }
    const sine = readSine(item.sine, `${at}.sine`, sink);
    if (!ok || sine === undefined || seconds === undefined) return undefined;
    return Object.freeze({ kind: 'sine', ...sine, seconds, name: named });
  }
  const rate = rateOf(item, 'rate', at, sink);
  const ramp = item.ramp;
  if (ramp !== undefined && typeof ramp !== 'boolean') {
    sink.bad(`${at}.ramp`, 'true or false', ramp);
    ok = false;
  }
  if (!ok || rate === undefined || seconds === undefined) return undefined;
  return Object.freeze({ kind: ramp === true ? 'ramp' : 'hold', rate, seconds, name: named });
}

function readSine(
  value: unknown,
  at: string,
  sink: ProblemSink,
): { min: number; max: number; periodSeconds: number } | undefined {
  if (!isMapping(value)) {
    sink.bad(at, 'a mapping {min, max, periodSeconds}', value);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!SINE_KEYS.includes(key)) {
      sink.unknownKey(`${at}.${key}`, key, 'a sine field', SINE_KEYS);
      ok = false;
    }
  }
  const min = rateOf(value, 'min', at, sink);
  const max = rateOf(value, 'max', at, sink);
  const periodSeconds = positive(value, 'periodSeconds', at, sink);
  if (min !== undefined && max !== undefined && max < min) {
    sink.bad(`${at}.max`, `a rate of at least min (${min})`, max);
    ok = false;
  }
  if (!ok || min === undefined || max === undefined || periodSeconds === undefined) return undefined;
  return { min, max, periodSeconds };
}

function readTimeOfDay(value: Record<string, unknown>, sink: ProblemSink): RateProfileSpec | undefined {
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!TIME_OF_DAY_KEYS.includes(key)) {
      sink.unknownKey(`rateProfile.${key}`, key, 'a time-of-day profile field', TIME_OF_DAY_KEYS);
      ok = false;
    }
  }
  const rates = value.timeOfDay;
  if (!Array.isArray(rates) || rates.length !== 24) {
    sink.bad('rateProfile.timeOfDay', '24 rates (messages/s at 00:00, 01:00 … 23:00)', rates);
    ok = false;
  } else {
    rates.forEach((r: unknown, h) => {
      if (typeof r !== 'number' || !Number.isFinite(r) || r < 0 || r > MAX_RATE) {
        sink.bad(`rateProfile.timeOfDay[${h}]`, RATE, r);
        ok = false;
      }
    });
    if (ok && !rates.some((r: number) => r > 0)) {
      sink.badWorded('rateProfile.timeOfDay', 'at least one rate above 0', 'every rate 0');
      ok = false;
    }
  }
  const offset = value.utcOffset ?? 'Z';
  const minutes = utcOffsetMinutes(offset);
  if (minutes === undefined) {
    sink.bad(
      'rateProfile.utcOffset',
      'a UTC offset from "-14:00" to "+14:00" ("+02:00", "-05:30") or "Z"',
      offset,
    );
    ok = false;
  }
  if (!ok) return undefined;
  return Object.freeze({
    kind: 'timeOfDay',
    hourlyRates: Object.freeze([...(rates as number[])]),
    utcOffsetMinutes: minutes as number,
  });
}

/** Minutes east of UTC of "+HH:MM", "-HH:MM" or "Z"; undefined when malformed or beyond ±14:00. */
export function utcOffsetMinutes(value: unknown): number | undefined {
  if (value === 'Z') return 0;
  const m = typeof value === 'string' ? UTC_OFFSET.exec(value) : null;
  if (m === null) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (Number(m[3]) >= 60 || minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

function rateOf(
  map: Record<string, unknown>,
  key: string,
  at: string,
  sink: ProblemSink,
): number | undefined {
  const v = map[key];
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_RATE) return v;
  sink.bad(`${at}.${key}`, RATE, v);
  return undefined;
}

function positive(
  map: Record<string, unknown>,
  key: string,
  at: string,
  sink: ProblemSink,
): number | undefined {
  const v = map[key];
  if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_SECONDS) return v;
  sink.bad(`${at}.${key}`, SECONDS, v);
  return undefined;
}
