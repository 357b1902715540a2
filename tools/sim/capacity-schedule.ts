/** What a phase of a schedule tests, which decides the metrics that apply to it. */
export type PhaseKind = 'startup' | 'decrease' | 'increase' | 'ramp' | 'stall';

export interface Phase {
  name: string;
  kind: PhaseKind;
  startS: number;
  endS: number;
}

/**
 * Broker capacity over virtual time (docs/controller.md, Harness A): a piecewise-linear C(t) in msg/s (a step is two
 * points at the same time), pauses during which nothing is served or acked, and the phases metrics are cut into.
 */
export interface CapacitySchedule {
  name: string;
  durationS: number;
  /** [timeS, capacity] points, time-ordered; C is constant before the first and after the last point. */
  points: readonly (readonly [number, number])[];
  pauses: readonly (readonly [number, number])[];
  phases: readonly Phase[];
}

/** C(t) by linear interpolation (right-continuous at steps). */
export function capacityAt(s: CapacitySchedule, t: number): number {
  const p = s.points;
  if (t < p[0]![0]) return p[0]![1];
  for (let i = p.length - 1; i >= 0; i--) {
    const [t0, c0] = p[i]!;
    if (t < t0) continue;
    const nextPoint = p[i + 1];
    if (nextPoint === undefined || nextPoint[0] === t0) return c0;
    const [t1, c1] = nextPoint;
    return c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
  }
  return p[p.length - 1]![1];
}

/** Step changes as points: C₀ from 0, then each [time, capacity] as a vertical step. */
function steps(c0: number, changes: [number, number][]): [number, number][] {
  const out: [number, number][] = [[0, c0]];
  let c = c0;
  for (const [t, next] of changes) {
    out.push([t, c], [t, next]);
    c = next;
  }
  return out;
}

/** RFC 8867-style steps: C₀ (0–180 s) → C₀/2 → C₀ → 2C₀, 720 s. */
export function stepSchedule(c0: number): CapacitySchedule {
  return {
    name: 'steps',
    durationS: 720,
    points: steps(c0, [
      [180, c0 / 2],
      [360, c0],
      [540, 2 * c0],
    ]),
    pauses: [],
    phases: [
      { name: 'startup', kind: 'startup', startS: 0, endS: 180 },
      { name: 'halve', kind: 'decrease', startS: 180, endS: 360 },
      { name: 'restore', kind: 'increase', startS: 360, endS: 540 },
      { name: 'double', kind: 'increase', startS: 540, endS: 720 },
    ],
  };
}

/** A broker stall: capacity drops 10× for 30 s, then returns. */
export function dropSchedule(c0: number): CapacitySchedule {
  return {
    name: 'drop10x',
    durationS: 300,
    points: steps(c0, [
      [120, c0 / 10],
      [150, c0],
    ]),
    pauses: [],
    phases: [
      { name: 'startup', kind: 'startup', startS: 0, endS: 120 },
      { name: 'drop', kind: 'decrease', startS: 120, endS: 150 },
      { name: 'recover', kind: 'increase', startS: 150, endS: 300 },
    ],
  };
}

/** A slow decline: C falls by 1 % of C₀ per second from 120 s to 180 s (to 0.4·C₀), then holds. */
export function rampSchedule(c0: number): CapacitySchedule {
  return {
    name: 'ramp',
    durationS: 300,
    points: [
      [0, c0],
      [120, c0],
      [180, 0.4 * c0],
    ],
    pauses: [],
    phases: [
      { name: 'startup', kind: 'startup', startS: 0, endS: 120 },
      { name: 'ramp-down', kind: 'ramp', startS: 120, endS: 180 },
      { name: 'after-ramp', kind: 'decrease', startS: 180, endS: 300 },
    ],
  };
}

/** Zero acks for 5 s (catches zero-rate traps): the broker serves and acks nothing from 120 s to 125 s. */
export function stallSchedule(c0: number): CapacitySchedule {
  return {
    name: 'stall',
    durationS: 240,
    points: [[0, c0]],
    pauses: [[120, 125]],
    phases: [
      { name: 'startup', kind: 'startup', startS: 0, endS: 120 },
      { name: 'stall', kind: 'stall', startS: 120, endS: 240 },
    ],
  };
}

/** C(t) for non-decreasing t in O(1) amortized: the simulator's service start times only move forward. */
export class CapacityCursor {
  private i = 0;
  private readonly times: Float64Array;
  private readonly caps: Float64Array;

  constructor(s: CapacitySchedule) {
    this.times = Float64Array.from(s.points.map(([t]) => t));
    this.caps = Float64Array.from(s.points.map(([, c]) => c));
  }

  at(t: number): number {
    const times = this.times;
    const n = times.length;
    while (this.i + 1 < n && t >= times[this.i + 1]!) this.i++;
    const i = this.i;
    if (t < times[0]! || i + 1 >= n) return this.caps[i]!;
    const t0 = times[i]!;
    const t1 = times[i + 1]!;
    const c0 = this.caps[i]!;
    return c0 + ((this.caps[i + 1]! - c0) * (t - t0)) / (t1 - t0);
  }
}
