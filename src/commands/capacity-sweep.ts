import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import type { ProgressSink } from '../progress/progress-line.js';
import { findKnee, type SweepPlan, type SweepResult, type SweepStep } from '../rate/sweep-plan.js';
import { formatPeriodLine } from '../results/console-lines.js';
import type { WorkloadSession } from '../session/workload-session.js';
import type { PeriodStats, Stats } from '../stats/stats.js';

/** Sleeps `ms`; false when the signal ended the sleep early. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return delay(ms, undefined, { signal }).then(
    () => true,
    () => false,
  );
}

const ms = (us: number): number => Math.round(us) / 1000;

function toStep(target: number, p: PeriodStats): SweepStep {
  return {
    targetRate: target,
    achievedRate: Math.round(p.publishRate * 10) / 10,
    publishResponseTimeP50Ms: ms(p.responseTime.p50),
    publishResponseTimeP99Ms: ms(p.responseTime.p99),
    publishResponseTimeP999Ms: ms(p.responseTime.p999),
    publishLatencyP99Ms: ms(p.publishLatency.p99),
    endToEndP99Ms: ms(p.endToEnd.p99),
    messagesSent: p.messagesSent,
    sendErrors: p.sendErrors,
    measuredSeconds: Math.round(p.elapsedSeconds * 1000) / 1000,
  };
}

/**
 * `run --sweep` (docs/sweep.md): holds each rate of the plan in turn; the settle time of each step is closed
 * as a period of its own and dropped, the rest is the step's one period (a console line and a result period).
 * An interrupted step is not measured.
 */
export async function runSweep(
  plan: SweepPlan,
  o: {
    session: WorkloadSession;
    stats: Stats;
    clock: Clock;
    signal: AbortSignal;
    print: (line: string) => void;
    onPeriod: (p: PeriodStats) => void;
    progress?: ProgressSink;
  },
): Promise<SweepResult> {
  const steps: SweepStep[] = [];
  o.progress?.phase('test', plan.rates.length * plan.stepSeconds * 1000);
  for (let i = 0; i < plan.rates.length; i++) {
    const rate = plan.rates[i]!;
    o.session.setRate(rate);
    o.print(`Sweep step ${i + 1}/${plan.rates.length}: ${rate} msg/s for ${plan.stepSeconds} s`);
    if (!(await sleep(plan.settleSeconds * 1000, o.signal))) break;
    o.stats.snapshotInterval(o.clock.nowNs());
    if (!(await sleep((plan.stepSeconds - plan.settleSeconds) * 1000, o.signal))) break;
    await o.session.engine?.refreshConsumers(1_000);
    const p = o.stats.snapshotInterval(o.clock.nowNs());
    o.progress?.period(p);
    o.print(formatPeriodLine(p));
    o.onPeriod(p);
    steps.push(toStep(rate, p));
  }
  return findKnee(plan, steps);
}

/** The curve as console lines: a table, the knee marked with `<- knee`, and the rule's bound. */
export function formatSweepTable(sweep: SweepResult): string[] {
  const head = [
    'target/s',
    'achieved/s',
    'resp p50',
    'resp p99',
    'resp p99.9',
    'pub p99',
    'e2e p99',
    'errors',
  ];
  const rows = sweep.steps.map((s) => [
    String(s.targetRate),
    s.achievedRate.toFixed(0),
    s.publishResponseTimeP50Ms.toFixed(1),
    s.publishResponseTimeP99Ms.toFixed(1),
    s.publishResponseTimeP999Ms.toFixed(1),
    s.publishLatencyP99Ms.toFixed(1),
    s.endToEndP99Ms.toFixed(1),
    String(s.sendErrors),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  const knee =
    sweep.kneeRate === null
      ? 'Knee: none (even the lowest step did not hold its rate)'
      : `Knee: ${sweep.kneeRate} msg/s`;
  return [
    'Capacity curve (latencies in ms; each step measured after its settle time):',
    line(head),
    ...rows.map((r, i) => `${line(r)}${i === sweep.kneeIndex ? '  <- knee' : ''}`),
    `${knee} (last step before the first with achieved < 97 % of target, p99 response time > ${sweep.kneeP99LimitMs} ms or errors > 0.1 %)`,
  ];
}
