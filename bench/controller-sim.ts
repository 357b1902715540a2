/**
 * Harness A (docs/controller.md "How it is judged"): the adaptive controller, AIMD and OMB's RateController rule against
 * the virtual-time broker, every scenario, several seeds. Prints markdown: per controller and scenario one row per
 * phase, each cell "median / worst" over seeds, then the target table for each controller, then the quota scenario
 * (tools/sim/quota-harness.ts: Kafka's quota enforcement instead of a queue) for the same controllers.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/controller-sim.js [--seeds 5] [--scenarios dm1-steps,dd1-steps]
 *     [--controllers adaptive,aimd,omb]
 */
import { aimdFactory } from '../tools/sim/aimd-controller.js';
import { CONTROLLER_TARGETS, checkTarget, median } from '../tools/sim/controller-targets.js';
import type { PhaseMetrics } from '../tools/sim/harness-metrics.js';
import { HARNESS_C0, HARNESS_SLO_MS, runScenario, SCENARIOS } from '../tools/sim/harness-scenarios.js';
import { ombFactory } from '../tools/sim/omb-rate-controller.js';
import {
  QUOTA_Q0,
  QUOTA_SLO_MS,
  type QuotaPhase,
  quotaPhases,
  runQuota,
} from '../tools/sim/quota-harness.js';
import { adaptiveFactory, type ControllerFactory } from '../tools/sim/sim-controller.js';

const controllers: Record<string, { factory: ControllerFactory; what: string }> = {
  adaptive: {
    factory: adaptiveFactory(),
    what: 'recommended controller (src/rate/controller), default settings',
  },
  aimd: {
    factory: aimdFactory(0.01 * HARNESS_C0),
    what: 'AIMD: +1 % of C₀ (100 msg/s) per s, ×0.9 on p99 > SLO or errors',
  },
  omb: {
    factory: ombFactory,
    what: 'OMB RateController rule: 3-s period, backlog limit 1,000, ramp factor ×2 / ÷2 in [0.01, 1], no floor',
  },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const seedCount = Number(arg('seeds', '5'));
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
const scenarioIds = arg('scenarios', SCENARIOS.map((s) => s.id).join(',')).split(',');
const controllerIds = arg('controllers', Object.keys(controllers).join(',')).split(',');

type Metric = keyof PhaseMetrics;
/** Columns: metric, header, higher-is-worse, formatter. */
const columns: [Metric, string, boolean, (x: number) => string][] = [
  ['t90S', 't90 s', true, (x) => x.toFixed(0)],
  ['settleS', 'settle s', true, (x) => x.toFixed(0)],
  ['sloRecoverS', 'SLO rec. s', true, (x) => x.toFixed(0)],
  ['meanOverRStar', 'mean/r*', false, (x) => x.toFixed(2)],
  ['cov', 'CoV', true, (x) => x.toFixed(3)],
  ['violating1s', '1-s>SLO', true, pct],
  ['violating10s', '10-s>SLO', true, pct],
  ['violating60s', '60-s>SLO', true, pct],
  ['maxP99OverSlo', 'max p99/SLO', true, (x) => x.toFixed(1)],
  ['timeAboveSloS', '>SLO s (first 60 s)', true, (x) => x.toFixed(0)],
  ['peakRateOverRStar', 'peak/r*', true, (x) => x.toFixed(2)],
  ['errorFraction', 'errors', true, (x) => (x === 0 ? '0' : `${(x * 100).toFixed(2)}%`)],
  ['longestDipS', 'dip<0.5r* s', true, (x) => x.toFixed(0)],
  ['minRate', 'min rate', false, (x) => x.toFixed(0)],
  ['stallRecoveryS', 'stall rec. s', true, (x) => x.toFixed(0)],
];

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function cell(values: (number | null | undefined)[], higherWorse: boolean, f: (x: number) => string): string {
  if (values.every((v) => v === undefined)) return '–';
  const nums = values.map((v) => (typeof v === 'number' ? v : higherWorse ? Infinity : -Infinity));
  const show = (x: number) => (Number.isFinite(x) ? f(x) : 'never');
  const worst = higherWorse ? Math.max(...nums) : Math.min(...nums);
  return `${show(median(nums))} / ${show(worst)}`;
}

const startedMs = Date.now();
const results = new Map<string, Map<string, PhaseMetrics[][]>>();
const out: string[] = [];
out.push(
  `Harness A: C₀ = ${HARNESS_C0} msg/s, SLO p99 ≤ ${HARNESS_SLO_MS} ms, d₀ = 2 ms, 1-s control interval, start at 10 % r*, ` +
    `seeds ${seeds.join(',')}. Cells: median / worst over seeds ("never": not within the phase; "–": not applicable).`,
  '',
);
for (const cid of controllerIds) {
  const c = controllers[cid];
  if (c === undefined) throw new RangeError(`unknown controller ${cid}`);
  const byScenario = new Map<string, PhaseMetrics[][]>();
  results.set(cid, byScenario);
  out.push(`### ${cid} — ${c.what}`, '');
  out.push(`| scenario | phase | ${columns.map((col) => col[1]).join(' | ')} |`);
  out.push(`|---|---|${columns.map(() => '---').join('|')}|`);
  for (const sid of scenarioIds) {
    const s = SCENARIOS.find((x) => x.id === sid);
    if (s === undefined) throw new RangeError(`unknown scenario ${sid}`);
    const bySeed = runScenario(s, c.factory, seeds);
    byScenario.set(sid, bySeed);
    for (const [pi, phase] of bySeed[0]!.entries()) {
      const cells = columns.map(([metric, , worse, f]) =>
        cell(
          bySeed.map((phases) => phases[pi]![metric] as number | null | undefined),
          worse,
          f,
        ),
      );
      out.push(`| ${sid} | ${phase.phase} | ${cells.join(' | ')} |`);
    }
  }
  out.push('');
}

out.push(
  '### docs/controller.md targets (pass = median meets the target; rows marked * must hold on every seed)',
  '',
);
out.push(`| target | bound | stretch | ${controllerIds.map((c) => `${c} median / worst`).join(' | ')} |`);
out.push(`|---|---|---|${controllerIds.map(() => '---').join('|')}|`);
for (const t of CONTROLLER_TARGETS) {
  const row = controllerIds.map((cid) => {
    const bySeed = results.get(cid)?.get(t.scenario);
    if (bySeed === undefined) return 'not run';
    const r = checkTarget(t, bySeed);
    const f = (x: number) => (Number.isFinite(x) ? String(Number(x.toFixed(3))) : 'never');
    const mark = r.pass ? (r.stretchPass ? 'PASS (stretch)' : 'PASS') : 'FAIL';
    return `${mark} ${f(r.median)} / ${f(r.worst)}`;
  });
  const bound = `${t.op} ${t.target}`;
  out.push(`| ${t.label}${t.everySeed ? ' *' : ''} | ${bound} | ${t.stretch ?? '–'} | ${row.join(' | ')} |`);
}

// The quota scenario: Kafka's client quota enforcement (QuotaBroker) instead of a queue.
const quotaFactory = (cid: string, seed: number): ControllerFactory | undefined => {
  if (cid === 'adaptive') return adaptiveFactory({ minRate: 100, probeJitter: 0.15, seed });
  if (cid === 'aimd') return aimdFactory(0.01 * QUOTA_Q0);
  return cid === 'omb' ? ombFactory : undefined;
};
const whole = (x: number) => x.toFixed(0);
const twoPlaces = (x: number) => x.toFixed(2);
/** Columns of the quota table: header, value of a phase, higher-is-worse, formatter. */
const quotaColumns: [string, (p: QuotaPhase) => number | undefined, boolean, (x: number) => string][] = [
  ['t90 s (rate in [0.9, 1.05]·Q)', (p) => p.t90S, true, whole],
  ['2× old rate s (rises)', (p) => p.t2xOldS, true, whole],
  ['rate ≥ 0.9·Q s', (p) => p.t90NewS, true, whole],
  ['SLO rec. s (10 clean)', (p) => p.sloRecoveryS, true, whole],
  ['steady mean/Q (last 60 s)', (p) => p.steadyMean, false, twoPlaces],
  ['1-s > SLO (phase)', (p) => p.badIntervals / p.intervals, true, pct],
  ['1-s > SLO (last 60 s)', (p) => p.badSteady / 60, true, pct],
  ['peak/Q', (p) => p.peakOverQ, true, twoPlaces],
  ['min rate', (p) => p.minRate, false, whole],
];
out.push(
  '',
  `### Quota scenario (QuotaBroker: 11 × 1-s rate window, throttle (O − Q)/Q · W, muted connection; Q₀ = ${QUOTA_Q0} msg/s, ` +
    `Q/2 at 150 s, Q at 300 s, 2Q at 450 s, 40Q at 650 s, end 800 s; SLO p99 ≤ ${QUOTA_SLO_MS} ms; from 10 % Q₀). Cells: median / worst over seeds.`,
  '',
  `| controller | phase | ${quotaColumns.map((c) => c[0]).join(' | ')} |`,
  `|---|---|${quotaColumns.map(() => '---').join('|')}|`,
);
for (const cid of controllerIds) {
  const runs = seeds.flatMap((seed) => {
    const factory = quotaFactory(cid, seed);
    return factory === undefined ? [] : [quotaPhases(runQuota(factory))];
  });
  for (const [pi, phase] of (runs[0] ?? []).entries()) {
    const cells = quotaColumns.map(([, get, worse, f]) =>
      cell(
        runs.map((r) => get(r[pi]!)),
        worse,
        f,
      ),
    );
    out.push(`| ${cid} | ${phase.fromS} s: Q = ${phase.quota} | ${cells.join(' | ')} |`);
  }
}
out.push('', `(${((Date.now() - startedMs) / 1000).toFixed(1)} s)`);
console.log(out.join('\n'));
