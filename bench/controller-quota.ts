/**
 * docs/controller.md Harness B: the adaptive controller against a real broker whose capacity is a client quota.
 *
 * A private single-node broker (never the shared one on 9092: the quotas would slow everyone's tests), one topic
 * of one partition, produce-only, fixed-size messages, no compression, acks=all, client.id soakbench-quota with a
 * `producer_byte_rate` quota Q.
 *
 * 1. Oracle: for each quota level (Q, Q/2, 2Q) an open-loop fixed-rate sweep with `soakbench run` at percentages
 *    of level/messageSize; p99 response time (ack − intended send, CO-corrected) of each step;
 *    r* = highest fixed rate with p99 ≤ SLO and errors ≤ 0.1 %. The latency floor is the p99 at 10 % of Q.
 * 2. Controller: `soakbench daemon` at a fixed 10 % of r*(Q), switched to adaptive by PUT /controller (T = 0);
 *    Q/2 at one phase length, Q at two, 2Q at three, end at four. Every control interval is recorded from
 *    /metrics and GET /controller (quota-sampler.ts); per phase the Harness A metrics (quota-phases.ts).
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/controller-quota.js [--quota 2000000] [--slo-ms 250]
 *      [--sweep 50,70,80,90,95,100,105,110] [--side-sweep 85,90,95,100,105] [--warmup-seconds 12]
 *      [--step-seconds 20] [--phase-seconds 120] [--repetitions 1] [--true-rates r,rHalf,rDouble] [--json FILE]
 * `--side-sweep ''` skips the Q/2 and 2Q sweeps and scales r*(Q) instead; `--true-rates` skips calibration.
 * Prints a markdown section for bench/RESULTS.md.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResult } from '../src/results/test-result.js';
import { benchArgs, waitForIdleTests } from './lib/bench-args.js';
import type { ProducerSettings } from './lib/kafka-tools.js';
import { type QuotaBroker, startQuotaBroker } from './lib/quota-broker.js';
import { startQuotaDaemon } from './lib/quota-daemon.js';
import { type Phase, type PhaseMetrics, phaseMetrics } from './lib/quota-phases.js';
import { type IntervalRecord, IntervalSampler } from './lib/quota-sampler.js';
import { periodRate, runSoakbench, writeDriverFile, writeWorkloadFile } from './lib/soakbench-cli.js';
import { grouped, markdownTable, median } from './lib/summary.js';

const args = benchArgs('controller-quota', {
  quota: { type: 'string', default: '2000000' },
  'message-size': { type: 'string', default: '1024' },
  'slo-ms': { type: 'string', default: '250' },
  'max-error-rate': { type: 'string', default: '0.001' },
  sweep: { type: 'string', default: '50,70,80,90,95,100,105,110' },
  'side-sweep': { type: 'string', default: '85,90,95,100,105' },
  'floor-percent': { type: 'string', default: '10' },
  'warmup-seconds': { type: 'string', default: '12' },
  'step-seconds': { type: 'string', default: '20' },
  'phase-seconds': { type: 'string', default: '120' },
  repetitions: { type: 'string', default: '1' },
  'max-rate': { type: 'string', default: '20000' },
  'true-rates': { type: 'string' },
  bin: { type: 'string' },
  json: { type: 'string' },
});

const CLIENT_ID = 'soakbench-quota';
const quota = Number(args.quota);
const messageSize = Number(args['message-size']);
const sloMs = Number(args['slo-ms']);
const maxErrorRate = Number(args['max-error-rate']);
const percents = (text: string): number[] => (text === '' ? [] : text.split(',').map(Number));
const warmupSeconds = Number(args['warmup-seconds']);
const stepSeconds = Number(args['step-seconds']);
const phaseSeconds = Number(args['phase-seconds']);
const repetitions = Number(args.repetitions);
const settings: ProducerSettings = {
  acks: 'all',
  lingerMs: 1,
  batchSize: 131_072,
  compression: 'none',
  extra: [`client.id=${CLIENT_ID}`],
};

const log = (line: string): void => {
  process.stderr.write(`[controller-quota ${new Date().toISOString()}] ${line}\n`);
};

interface Step {
  level: string;
  quota: number;
  percent: number;
  target: number;
  achieved: number;
  p99Ms: number;
  p999Ms: number;
  /** Share of the 1-s periods whose p99 response time was above the SLO. */
  periodsOver: number;
  publishDelayP99Ms: number;
  errors: number;
  sent: number;
  pass: boolean;
}

interface Level {
  name: string;
  quota: number;
  steps: Step[];
  /** Highest passing rate; undefined when no step passed. */
  trueRate: number | undefined;
}

interface Repetition {
  phases: Phase[];
  metrics: PhaseMetrics[];
  records: IntervalRecord[];
  commands: { what: string; startedS: number; doneS: number }[];
}

const secs = (x: number | undefined): string => (x === undefined ? 'never' : `${x.toFixed(0)} s`);
const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const share = (x: number): string => `${(x * 100).toFixed(0)} %`;

function describe(m: PhaseMetrics): string {
  return `${m.name}: r* ${grouped(m.trueRate)}, settle ${secs(m.settleS)}, t90 ${secs(m.t90S)}, steady ack/r* ${ratio(m.steadyAckOverTrue)}, over SLO ${share(m.violatedShare)} (steady ${share(m.steadyViolatedShare)}), gen-limited ${share(m.generatorLimitedShare)}`;
}

const startedAt = new Date();
const loadBefore = loadavg();
const work = await mkdtemp(join(tmpdir(), 'bench-quota-'));
let broker: QuotaBroker | undefined;
/** The daemon of the controller run in progress, stopped on an interrupt along with the broker. */
let running: { stop(): Promise<unknown> } | undefined;
const onSignal = (): void => {
  log('interrupted: stopping the daemon, cleaning the private broker');
  void (running?.stop() ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => broker?.clean())
    .finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

const levels: Level[] = [];
let floor: Step | undefined;
const reps: Repetition[] = [];
try {
  await waitForIdleTests(log);
  broker = await startQuotaBroker();
  log(`private broker on ${broker.bootstrap} (${broker.dir})`);
  const driverPath = await writeDriverFile(work, 'quota', broker.bootstrap, settings);

  /** One fixed-rate step of `soakbench run`; periods of 1 s so each second's p99 can be judged. */
  const step = async (level: string, q: number, percent: number): Promise<Step> => {
    const target = Math.round((percent / 100) * (q / messageSize));
    const slug = `${level.replace('/', 'half').replace('2Q', 'double')}-${percent}`;
    const dir = join(work, slug);
    await mkdir(dir);
    const workloadPath = await writeWorkloadFile(work, slug, {
      name: `quota ${level} ${percent} %`,
      partitions: 1,
      messageSize,
      rate: target,
      testSeconds: stepSeconds,
      warmupSeconds,
    });
    const { result: r } = await runSoakbench({
      driverPath,
      workloadPath,
      outputDir: dir,
      periodSeconds: 1,
      timeoutMs: (stepSeconds + warmupSeconds + 120) * 1000,
      bin: args.bin,
    });
    const s = summarize(level, q, percent, target, r);
    log(
      `  ${level} ${percent} % = ${target}/s: achieved ${s.achieved.toFixed(0)}/s, p99 ${s.p99Ms.toFixed(1)} ms, ${(s.periodsOver * 100).toFixed(0)} % of seconds over, errors ${s.errors} → ${s.pass ? 'pass' : 'fail'}`,
    );
    return s;
  };

  const given = args['true-rates']?.split(',').map(Number);
  const plan: [string, number, number[]][] = [
    ['Q', quota, percents(args.sweep)],
    ['Q/2', quota / 2, percents(args['side-sweep'])],
    ['2Q', quota * 2, percents(args['side-sweep'])],
  ];
  for (const [i, [name, q, sweep]] of plan.entries()) {
    if (given) {
      levels.push({ name, quota: q, steps: [], trueRate: given[i] });
      continue;
    }
    await broker.setProducerQuota(CLIENT_ID, q);
    await coolDown();
    log(`calibrating ${name} = ${grouped(q)} B/s`);
    if (name === 'Q') floor = await step('floor', q, Number(args['floor-percent']));
    const steps: Step[] = [];
    for (const percent of sweep) steps.push(await step(name, q, percent));
    const passing = steps.filter((s) => s.pass);
    const scaled = levels[0]?.trueRate === undefined ? undefined : (levels[0].trueRate * q) / quota;
    levels.push({
      name,
      quota: q,
      steps,
      trueRate:
        steps.length === 0 ? scaled : passing.length ? Math.max(...passing.map((s) => s.target)) : undefined,
    });
  }
  const [rQ, rHalf, rDouble] = levels.map((l) => l.trueRate);
  if (rQ === undefined || rHalf === undefined || rDouble === undefined) {
    throw new Error(
      `no true rate for some level: ${levels.map((l) => `${l.name} ${l.trueRate}`).join(', ')}`,
    );
  }

  for (let rep = 1; rep <= repetitions; rep++) {
    await waitForIdleTests(log);
    log(
      `controller run ${rep}/${repetitions}: start at ${Math.round(0.1 * rQ)}/s, phases of ${phaseSeconds} s`,
    );
    reps.push(await controllerRun(broker, driverPath, { rQ, rHalf, rDouble }));
  }
} finally {
  await broker?.clean();
  await rm(work, { recursive: true, force: true });
  // Also on failure: whatever was measured so far.
  if (args.json)
    await writeFile(args.json, JSON.stringify({ startedAt, args, floor, levels, reps }, null, 2));
}

async function controllerRun(
  b: QuotaBroker,
  driverPath: string,
  r: { rQ: number; rHalf: number; rDouble: number },
): Promise<Repetition> {
  await b.setProducerQuota(CLIENT_ID, quota);
  await coolDown();
  const workloadPath = await writeWorkloadFile(work, `daemon-${Date.now()}`, {
    name: 'quota controller run',
    partitions: 1,
    messageSize,
    rate: Math.round(0.1 * r.rQ),
    testSeconds: 0,
    warmupSeconds: 0,
  });
  const daemon = await startQuotaDaemon({
    driverPath,
    workloadPath,
    bootstrap: b.bootstrap,
    bin: args.bin,
    env: { SOAKBENCH_P99_TARGET_MS: String(sloMs) },
  });
  running = daemon;
  const commands: Repetition['commands'] = [];
  try {
    const sampler = new IntervalSampler(daemon, sloMs);
    await daemon.putJson('/controller', {
      mode: 'adaptive',
      p99TargetMs: sloMs,
      maxRate: Number(args['max-rate']),
    });
    const t0 = sampler.nowS();
    commands.push({ what: 'PUT /controller adaptive', startedS: t0, doneS: t0 });
    const schedule: [string, () => Promise<{ startedMs: number; doneMs: number }>][] = [
      ['Q/2', () => b.setProducerQuota(CLIENT_ID, quota / 2)],
      ['Q', () => b.setProducerQuota(CLIENT_ID, quota)],
      ['2Q', () => b.setProducerQuota(CLIENT_ID, quota * 2)],
    ];
    for (const [k, [what, change]] of schedule.entries()) {
      await sleepUntil(sampler, t0 + (k + 1) * phaseSeconds);
      const c = await change();
      const toS = (ms: number): number => (ms - sampler.startMs) / 1000;
      commands.push({ what: `quota → ${what}`, startedS: toS(c.startedMs), doneS: toS(c.doneMs) });
      log(`  quota → ${what} (kafka-configs took ${((c.doneMs - c.startedMs) / 1000).toFixed(1)} s)`);
    }
    const endS = t0 + 4 * phaseSeconds;
    await sleepUntil(sampler, endS);
    const records = await sampler.stop();
    const rates = [r.rQ, r.rHalf, r.rQ, r.rDouble];
    const directions: Phase['direction'][] = ['start', 'down', 'up', 'up'];
    const phases: Phase[] = commands.map((c, i) => ({
      name: ['Q (start)', 'Q/2', 'Q', '2Q'][i]!,
      changeStartS: c.startedS,
      changeDoneS: c.doneS,
      endS: commands[i + 1]?.startedS ?? endS,
      trueRate: rates[i]!,
      direction: directions[i]!,
    }));
    const metrics = phases.map((p) => phaseMetrics(records, p));
    for (const m of metrics) log(`  ${describe(m)}`);
    return { phases, metrics, records, commands };
  } finally {
    await daemon.stop();
    running = undefined;
  }
}

/**
 * No traffic for longer than the broker's quota window (11 × 1 s): the client id's rate sensor outlives the
 * producer, so without a pause a run after a faster one (the last sweep steps are above the quota) starts
 * with its average still high, and a lowered quota throttles its first request for up to a whole window.
 */
async function coolDown(): Promise<void> {
  await new Promise((res) => setTimeout(res, 15_000));
}

async function sleepUntil(sampler: IntervalSampler, atS: number): Promise<void> {
  for (;;) {
    if (sampler.failed !== undefined) throw sampler.failed;
    const left = atS - sampler.nowS();
    if (left <= 0) return;
    await new Promise((res) => setTimeout(res, Math.min(1000, left * 1000)));
  }
}

function summarize(level: string, q: number, percent: number, target: number, r: TestResult): Step {
  const over = r.publishResponseTime99pct.filter((p99) => p99 > sloMs).length;
  const sent = r.messagesSent + r.sendErrors;
  return {
    level,
    quota: q,
    percent,
    target,
    achieved: periodRate(r),
    p99Ms: r.aggregatedPublishResponseTime99pct,
    p999Ms: r.aggregatedPublishResponseTime999pct,
    periodsOver: over / Math.max(1, r.publishResponseTime99pct.length),
    publishDelayP99Ms: r.aggregatedPublishDelayLatency99pct / 1000,
    errors: r.sendErrors,
    sent,
    pass: r.aggregatedPublishResponseTime99pct <= sloMs && r.sendErrors <= maxErrorRate * Math.max(1, sent),
  };
}

// ---- report ----

const stepRows = (steps: Step[]): string[][] =>
  steps.map((s) => [
    s.level,
    `${s.percent} %`,
    grouped(s.target),
    grouped(s.achieved),
    s.p99Ms.toFixed(1),
    s.p999Ms.toFixed(1),
    share(s.periodsOver),
    s.publishDelayP99Ms.toFixed(1),
    String(s.errors),
    s.pass ? 'yes' : 'no',
  ]);
const stepHeader = [
  'level',
  '% of level/size',
  'target msg/s',
  'achieved msg/s',
  'p99 response ms',
  'p99.9 ms',
  '1-s periods p99 > SLO',
  'p99 publish delay ms',
  'errors',
  'p99 ≤ SLO',
];

const throttleCell = (m: PhaseMetrics): string =>
  m.firstThrottleS !== undefined
    ? `first ${secs(m.firstThrottleS)}`
    : m.throttleEndS !== undefined
      ? `ends ${secs(m.throttleEndS)}`
      : 'none';
const sinceThrottle = (m: PhaseMetrics): string =>
  m.settleS !== undefined && m.firstThrottleS !== undefined ? secs(m.settleS - m.firstThrottleS) : '–';
const phaseRows = (rep: number, ms: PhaseMetrics[]): string[][] =>
  ms.map((m) => [
    String(rep),
    m.name,
    grouped(m.trueRate),
    throttleCell(m),
    secs(m.settleS),
    sinceThrottle(m),
    secs(m.t90S),
    m.direction === 'up' ? secs(m.t2xOldS) : '–',
    secs(m.sloRecoveryS),
    ratio(m.meanAckOverTrue),
    ratio(m.steadyAckOverTrue),
    ratio(m.steadyTargetOverTrue),
    ratio(m.steadyTargetCov),
    `${share(m.violatedShare)} / ${share(m.steadyViolatedShare)}`,
    ratio(m.peakTargetOverTrue),
    share(m.generatorLimitedShare),
    String(m.sendErrors),
  ]);
const phaseHeader = [
  'rep',
  'phase',
  'r* msg/s',
  'throttle after cmd',
  'settle after cmd',
  'settle after 1st throttle',
  't90',
  '2× old rate (up)',
  'SLO recovery (10 clean)',
  'mean ack/r*',
  'steady ack/r*',
  'steady target/r*',
  'steady CoV',
  'intervals p99 > SLO (all / steady)',
  'peak target/r*',
  'gen-limited',
  'errors',
];

const loadAfter = loadavg();
const cmd = ['node dist/bench/controller-quota.js', ...process.argv.slice(2)].join(' ');
const out: string[] = [
  `## Issue 5: Harness B — adaptive controller against a broker quota (bench/controller-quota.ts, ${startedAt.toISOString()})`,
  '',
  `Command: \`${cmd}\``,
  `Machine: 2 cores shared with other engineers' work; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}.`,
  `Setup: private single-node broker (KRaft), 1 topic × 1 partition, produce-only, ${messageSize} B messages (half random), no compression, acks=all, linger.ms=1, client.id=${CLIENT_ID} with producer_byte_rate Q = ${grouped(quota)} B/s (quota window: broker default 11 × 1 s). SLO: p99 response time (ack − intended send) ≤ ${sloMs} ms, errors ≤ ${maxErrorRate * 100} %.`,
  '',
];
if (floor) {
  out.push(
    `Latency floor (${args['floor-percent']} % of Q/size = ${grouped(floor.target)} msg/s): p99 ${floor.p99Ms.toFixed(1)} ms, p99.9 ${floor.p999Ms.toFixed(1)} ms, ${share(floor.periodsOver)} of 1-s periods over the SLO, p99 publish delay ${floor.publishDelayP99Ms.toFixed(1)} ms.`,
    '',
  );
}
if (levels.some((l) => l.steps.length > 0)) {
  out.push(
    `### Oracle: open-loop fixed-rate sweep (soakbench run, ${warmupSeconds} s warm-up + ${stepSeconds} s measured per step; docs/controller.md asks 30 s + 60 s)`,
    '',
    markdownTable(
      stepHeader,
      levels.flatMap((l) => stepRows(l.steps)),
    ),
    '',
  );
}
out.push(
  markdownTable(
    ['level', 'quota B/s', 'r* msg/s (highest passing step)'],
    levels.map((l) => [
      l.name,
      grouped(l.quota),
      l.trueRate === undefined
        ? 'none'
        : `${grouped(l.trueRate)}${l.steps.length === 0 ? ' (given or scaled)' : ''}`,
    ]),
  ),
  '',
  `### Controller: daemon from 10 % of r*(Q); Q/2 at ${phaseSeconds} s, Q at ${2 * phaseSeconds} s, 2Q at ${3 * phaseSeconds} s, end at ${4 * phaseSeconds} s (docs/controller.md: 300 s phases, 1,200 s); ${reps.length} repetition(s)`,
  '',
  'Times are seconds after the kafka-configs command returned (the first phase: after PUT /controller; it includes the controller\'s 30 s WARMUP). Settle: first 30 s with the target in [0.8, 1.05]·r* and no interval over the SLO. Steady: second half of the phase. Intervals are the daemon\'s 1-s control intervals, judged from its response-time histogram (the SLO is a bucket bound, so "p99 > SLO" is exact).',
  '',
  markdownTable(
    phaseHeader,
    reps.flatMap((r, i) => phaseRows(i + 1, r.metrics)),
  ),
  '',
);
if (reps.length > 1) {
  const names = reps[0]!.metrics.map((m) => m.name);
  out.push(
    markdownTable(
      ['phase', 'median settle', 'median steady ack/r*', 'median intervals > SLO'],
      names.map((n, i) => {
        const ms = reps.map((r) => r.metrics[i]!);
        const settled = ms.map((m) => m.settleS).filter((s): s is number => s !== undefined);
        return [
          n,
          settled.length === ms.length ? secs(median(settled)) : `${settled.length}/${ms.length} settled`,
          ratio(median(ms.map((m) => m.steadyAckOverTrue))),
          share(median(ms.map((m) => m.violatedShare))),
        ];
      }),
    ),
    '',
  );
}
const genLimited = reps.some((r) => r.records.some((x) => x.generatorLimited));
out.push(
  `Generator-limited flag (GET /controller) ever true: ${genLimited ? 'YES — those intervals measure the client, not the broker' : 'no'}.`,
  '',
);
process.stdout.write(out.join('\n'));
