import type { PhaseMetrics } from './harness-metrics.js';

type NumericMetric = {
  [K in keyof PhaseMetrics]: PhaseMetrics[K] extends number | null | undefined ? K : never;
}[keyof PhaseMetrics];

/**
 * One row of the target table of Harness A (docs/controller.md): a metric of one phase of one scenario, compared with the
 * target (and the stretch goal) on the median over seeds. `everySeed` rows must hold for each seed ("required").
 */
export interface Target {
  scenario: string;
  phase: string;
  metric: NumericMetric;
  label: string;
  op: '<=' | '>=' | '>';
  target: number;
  stretch?: number;
  everySeed?: boolean;
}

const steadyPhases = ['startup', 'halve', 'restore', 'double'];

/** docs/controller.md "Targets on Harness A". */
export const CONTROLLER_TARGETS: readonly Target[] = [
  {
    scenario: 'dm1-steps',
    phase: 'startup',
    metric: 't90S',
    label: 't90 from 10% r*',
    op: '<=',
    target: 15,
    stretch: 8,
  },
  {
    scenario: 'dm1-steps',
    phase: 'startup',
    metric: 'settleS',
    label: 'settle after startup',
    op: '<=',
    target: 45,
    stretch: 20,
  },
  {
    scenario: 'dm1-steps',
    phase: 'startup',
    metric: 'peakRateOverRStar',
    label: 'startup peak rate / r*',
    op: '<=',
    target: 1.5,
    stretch: 1.25,
  },
  {
    scenario: 'dm1-steps',
    phase: 'startup',
    metric: 'timeAboveSloS',
    label: 'startup time with p99 > SLO',
    op: '<=',
    target: 5,
    stretch: 2,
  },
  ...steadyPhases.flatMap((phase): Target[] => [
    {
      scenario: 'dm1-steps',
      phase,
      metric: 'meanOverRStar',
      label: `steady mean / r* (${phase})`,
      op: '>=',
      target: 0.9,
      stretch: 0.95,
    },
    {
      scenario: 'dm1-steps',
      phase,
      metric: 'cov',
      label: `steady CoV (${phase})`,
      op: '<=',
      target: 0.05,
      stretch: 0.02,
    },
    {
      scenario: 'dm1-steps',
      phase,
      metric: 'violating1s',
      label: `steady 1-s > SLO (${phase})`,
      op: '<=',
      target: 0.05,
      stretch: 0.01,
    },
    {
      scenario: 'dm1-steps',
      phase,
      metric: 'violating10s',
      label: `steady 10-s > SLO (${phase})`,
      op: '<=',
      target: 0.1,
      stretch: 0.02,
    },
  ]),
  {
    scenario: 'dm1-steps',
    phase: 'halve',
    metric: 'sloRecoverS',
    label: 'halve: SLO restored',
    op: '<=',
    target: 15,
    stretch: 5,
  },
  {
    scenario: 'dm1-steps',
    phase: 'halve',
    metric: 'timeAboveSloS',
    label: 'halve: time with p99 > SLO',
    op: '<=',
    target: 10,
    stretch: 5,
  },
  {
    scenario: 'dm1-steps',
    phase: 'halve',
    metric: 'errorFraction',
    label: 'halve: errors',
    op: '<=',
    target: 0.001,
    stretch: 0,
  },
  {
    scenario: 'dm1-steps',
    phase: 'halve',
    metric: 'longestDipS',
    label: 'halve: longest dip < 0.5·r*',
    op: '<=',
    target: 3,
    everySeed: true,
  },
  {
    scenario: 'dm1-steps',
    phase: 'restore',
    metric: 't90S',
    label: 'doubles (5k→10k): t90',
    op: '<=',
    target: 60,
    stretch: 30,
  },
  {
    scenario: 'dm1-steps',
    phase: 'double',
    metric: 't90S',
    label: 'doubles (10k→20k): t90',
    op: '<=',
    target: 60,
    stretch: 30,
  },
  {
    scenario: 'dm1-stall',
    phase: 'stall',
    metric: 'stallRecoveryS',
    label: 'stall 5 s: back to 0.9·r*',
    op: '<=',
    target: 30,
    everySeed: true,
  },
  {
    scenario: 'dm1-stall',
    phase: 'stall',
    metric: 'minRate',
    label: 'stall 5 s: rate never 0',
    op: '>',
    target: 0,
    everySeed: true,
  },
  ...steadyPhases.flatMap((phase): Target[] => [
    {
      scenario: 'dd1-steps',
      phase,
      metric: 'meanOverRStar',
      label: `cliff: mean / C (${phase})`,
      op: '>=',
      target: 0.9,
      stretch: 0.95,
    },
    {
      scenario: 'dd1-steps',
      phase,
      metric: 'violating1s',
      label: `cliff: 1-s > SLO (${phase})`,
      op: '<=',
      target: 0.1,
      stretch: 0.03,
    },
  ]),
  {
    scenario: 'dd1-steps',
    phase: 'halve',
    metric: 'sloRecoverS',
    label: 'cliff: SLO restored after halving',
    op: '<=',
    target: 15,
    stretch: 5,
  },
];

export interface TargetResult {
  target: Target;
  median: number;
  worst: number;
  pass: boolean;
  stretchPass: boolean | undefined;
}

/** "Never" (null) is the worst value there is; lower is worse for ≥ targets, higher for ≤ targets. */
function value(m: PhaseMetrics, t: Target): number {
  const v = m[t.metric];
  if (typeof v === 'number') return v;
  return t.op === '<=' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

function meets(v: number, op: Target['op'], bound: number): boolean {
  if (op === '<=') return v <= bound + 1e-12;
  if (op === '>=') return v >= bound - 1e-12;
  return v > bound;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Checks one target against per-seed phase metrics of its scenario (`bySeed[seed][phase]`). */
export function checkTarget(t: Target, bySeed: readonly (readonly PhaseMetrics[])[]): TargetResult {
  const values = bySeed.map((phases) => {
    const m = phases.find((p) => p.phase === t.phase);
    if (m === undefined) throw new RangeError(`scenario ${t.scenario} has no phase ${t.phase}`);
    return value(m, t);
  });
  const med = median(values);
  const worst = t.op === '<=' ? Math.max(...values) : Math.min(...values);
  const pass = t.everySeed ? meets(worst, t.op, t.target) : meets(med, t.op, t.target);
  const stretchPass = t.stretch === undefined ? undefined : meets(med, t.op, t.stretch);
  return { target: t, median: med, worst, pass, stretchPass };
}
