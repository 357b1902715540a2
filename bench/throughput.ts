/**
 * Highest rate soakbench sustains against the local broker, side by side with Kafka's own
 * kafka-producer-perf-test from the same jars: 1 KiB messages, one topic of 8 partitions, the same
 * producer settings (acks, linger.ms, batch.size, compression none), for acks=1 and acks=all.
 *
 * soakbench runs produce-only at a target far above capacity, so its achieved ack rate
 * (messagesSent / testSeconds) is its maximum, like perf-test's `--throughput -1`. Both include their
 * own start-up (JIT warm-up) in a run of about the same length. The machine is shared, so the tools
 * alternate order each round and every value is printed next to the median.
 *
 * A tool `soakbench:N` runs soakbench with N producers in N producer processes
 * (SOAKBENCH_PRODUCER_PROCESSES=N); plain `soakbench` is one producer in the main process. CPU figures
 * cover the whole process tree (GNU time counts the waited-for producer processes). A tool `binding` runs
 * the client binding alone (bench/binding-producer.ts): the ceiling of soakbench's producer path, so the
 * gap between it and soakbench is what soakbench adds per message; `binding:N` runs N of it side by side
 * (the ceiling of `soakbench:N`). Every run also reports how the broker
 * stored the messages (records per batch of partition 0, kafka-dump-log).
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/throughput.js [--rounds 3] [--seconds 30]
 *      [--acks 1,all] [--tools soakbench,soakbench:2,binding,binding:2,perf-test] [--bin OTHER_TREE/bin/soakbench.js]
 *      [--json FILE]
 * Prints a markdown section for bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, COMMON_OPTIONS, splitArgs, waitForIdleTests } from './lib/bench-args.js';
import {
  type BatchSizes,
  batchSizes,
  brokerPid,
  createTopic,
  deleteTopic,
  listTopics,
  type ProducerSettings,
  perfTestProps,
  runPerfTest,
} from './lib/kafka-tools.js';
import { REPO_ROOT } from './lib/repo-root.js';
import { periodRate, runSoakbench, writeDriverFile, writeWorkloadFile } from './lib/soakbench-cli.js';
import { grouped, markdownTable, median, medianOf } from './lib/summary.js';
import { processCpuSeconds, runTimed } from './lib/timed-process.js';

const args = benchArgs('throughput', {
  ...COMMON_OPTIONS,
  rounds: { type: 'string', default: '3' },
  seconds: { type: 'string', default: '30' },
  acks: { type: 'string', default: '1,all' },
  tools: { type: 'string', default: 'soakbench,perf-test' },
  'linger-ms': { type: 'string', default: '1' },
  'batch-size': { type: 'string', default: '131072' },
  partitions: { type: 'string', default: '8' },
  'message-size': { type: 'string', default: '1024' },
  /** More producer properties for both tools, space-separated key=value (Java names). */
  'extra-props': { type: 'string', default: '' },
  /** soakbench's target: far above what the machine can do. */
  rate: { type: 'string', default: '1000000' },
  /** perf-test's first guess of its rate, msg/s; later rounds use its last measured rate. */
  'perf-rate-guess': { type: 'string', default: '120000' },
});

/**
 * `perf-test`, `soakbench` (one producer, in process), `soakbench:N` (N producer processes) or `binding`
 * (the client binding alone, bench/binding-producer.ts: the best soakbench's producer path could do).
 */
type Tool = string;
/** Processes of `soakbench:N` or `binding:N` (1 without a count). */
const producerProcessesOf = (tool: Tool): number => Number(tool.split(':')[1] ?? '1');
const isBinding = (tool: Tool): boolean => tool.split(':')[0] === 'binding';
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const acksList = args.acks.split(',') as ProducerSettings['acks'][];
const tools = args.tools.split(',');
for (const t of tools) {
  if (t !== 'perf-test' && !/^(soakbench|binding)(:[1-9]\d*)?$/.test(t)) {
    process.stderr.write(
      `throughput: --tools: expected perf-test, soakbench, soakbench:N, binding or binding:N, got '${t}'\n`,
    );
    process.exit(2);
  }
}
const partitions = Number(args.partitions);
const messageSize = Number(args['message-size']);
const bootstrap = args.bootstrap;

interface Measurement {
  tool: Tool;
  acks: string;
  round: number;
  /** Achieved ack rate, msg/s (soakbench: messagesSent / testSeconds; perf-test: its records/sec). */
  rate: number;
  /** soakbench only: the rate over whole periods, without the stop that testSeconds includes. */
  periodRate?: number;
  messages: number;
  wallSeconds: number;
  cpuSeconds: number;
  cpuPerMillion: number;
  brokerCpuPerMillion: number;
  p99LatencyMs: number;
  /** The busiest threads of the tool's process, CPU seconds. */
  threads: string;
  /** How the tool's messages were batched in partition 0's log (undefined: the log is not local). */
  batches: BatchSizes | undefined;
}

const log = (line: string): void => {
  process.stderr.write(`[throughput ${new Date().toISOString()}] ${line}\n`);
};

const work = await mkdtemp(join(tmpdir(), 'bench-throughput-'));
const broker = brokerPid();
const measurements: Measurement[] = [];
const lastPerfRate = new Map<string, number>();
const startedAt = new Date();
const loadBefore = loadavg();

async function measureSoakbench(
  tool: Tool,
  acks: ProducerSettings['acks'],
  round: number,
): Promise<Measurement> {
  const settings = settingsFor(acks);
  const processes = producerProcessesOf(tool);
  const dir = join(work, `soakbench-${processes}-${acks}-${round}`);
  await mkdir(dir);
  const driverPath = await writeDriverFile(work, `bench-acks-${acks}`, bootstrap, settings);
  const workloadPath = await writeWorkloadFile(work, 'throughput', {
    name: `throughput ${messageSize} B x ${partitions} partitions`,
    partitions,
    messageSize,
    rate: Number(args.rate),
    testSeconds: seconds,
    warmupSeconds: 0,
    producers: processes,
  });
  const topicsBefore = new Set(await listTopics(bootstrap));
  const brokerBefore = broker === undefined ? Number.NaN : processCpuSeconds(broker);
  const { result, run } = await runSoakbench({
    driverPath,
    workloadPath,
    outputDir: dir,
    periodSeconds: 10,
    timeoutMs: (seconds + 90) * 1000,
    bin: args.bin,
    nodeArgs: splitArgs(args['node-args']),
    ...(tool === 'soakbench' ? {} : { env: { SOAKBENCH_PRODUCER_PROCESSES: String(processes) } }),
    // Kept until its log is read for batch sizes, then deleted here.
    runArgs: ['--no-cleanup-topics'],
  });
  const brokerCpu = broker === undefined ? Number.NaN : processCpuSeconds(broker) - brokerBefore;
  let batches: BatchSizes | undefined;
  for (const topic of (await listTopics(bootstrap)).filter((t) => !topicsBefore.has(t))) {
    batches ??= await readBatches(topic);
    await deleteTopic(bootstrap, topic).catch((err) => log(`could not delete ${topic}: ${err}`));
  }
  const cpu = run.userSeconds + run.systemSeconds;
  // Whole-run totals: the CPU figure covers the whole process, start-up and stop included.
  const messages = result.totalMessagesSent;
  return {
    tool,
    acks,
    round,
    rate: result.messagesSent / result.testSeconds,
    periodRate: periodRate(result),
    messages,
    wallSeconds: run.wallSeconds,
    cpuSeconds: cpu,
    cpuPerMillion: (cpu / messages) * 1e6,
    brokerCpuPerMillion: (brokerCpu / messages) * 1e6,
    p99LatencyMs: result.aggregatedPublishLatency99pct,
    threads: busiest(run.threads),
    batches,
  };
}

/** How `topic`'s messages were batched; a failed read leaves the column empty rather than ending the bench. */
function readBatches(topic: string): Promise<BatchSizes | undefined> {
  return batchSizes(topic).catch((err) => {
    log(`could not read ${topic}'s batches: ${err}`);
    return undefined;
  });
}

/**
 * Runs `measure` on a topic of its own (`<name>-<acks>-<random>`, the run's partitions), adds how the broker
 * batched its messages, and deletes the topic whatever happened.
 */
async function onOwnTopic(
  name: string,
  acks: ProducerSettings['acks'],
  measure: (topic: string) => Promise<Omit<Measurement, 'batches'>>,
): Promise<Measurement> {
  const topic = `${name}-${acks}-${randomBytes(3).toString('hex')}`;
  await createTopic(bootstrap, topic, partitions);
  try {
    const m = await measure(topic);
    return { ...m, batches: await readBatches(topic) };
  } finally {
    await deleteTopic(bootstrap, topic).catch((err) => log(`could not delete ${topic}: ${err}`));
  }
}

async function measurePerfTest(acks: ProducerSettings['acks'], round: number): Promise<Measurement> {
  const guess = lastPerfRate.get(acks) ?? Number(args['perf-rate-guess']);
  const records = Math.round(guess * seconds);
  return onOwnTopic('bench-perf', acks, async (topic) => {
    const brokerBefore = broker === undefined ? Number.NaN : processCpuSeconds(broker);
    const perf = await runPerfTest({
      bootstrap,
      topic,
      records,
      recordSize: messageSize,
      settings: settingsFor(acks),
      timeoutMs: (seconds * 4 + 60) * 1000,
    });
    const brokerCpu = broker === undefined ? Number.NaN : processCpuSeconds(broker) - brokerBefore;
    lastPerfRate.set(acks, perf.recordsPerSecond);
    const cpu = perf.run.userSeconds + perf.run.systemSeconds;
    return {
      tool: 'perf-test',
      acks,
      round,
      rate: perf.recordsPerSecond,
      messages: perf.records,
      wallSeconds: perf.run.wallSeconds,
      cpuSeconds: cpu,
      cpuPerMillion: (cpu / perf.records) * 1e6,
      brokerCpuPerMillion: (brokerCpu / perf.records) * 1e6,
      p99LatencyMs: perf.p99LatencyMs,
      threads: busiest(perf.run.threads),
    };
  });
}

/**
 * The binding alone (bench/binding-producer.ts) on a topic of its own; `binding:N` runs N of them at once,
 * each starting on its own share of the partitions (as soakbench's producers do), and adds their rates.
 */
async function measureBinding(
  tool: Tool,
  acks: ProducerSettings['acks'],
  round: number,
): Promise<Measurement> {
  const processes = producerProcessesOf(tool);
  return onOwnTopic('bench-binding', acks, async (topic) => {
    const s = settingsFor(acks);
    const brokerBefore = broker === undefined ? Number.NaN : processCpuSeconds(broker);
    const runs = await Promise.all(
      Array.from({ length: processes }, (_, i) =>
        runTimed(
          process.execPath,
          [
            join(REPO_ROOT, 'dist/bench/binding-producer.js'),
            `--bootstrap=${bootstrap}`,
            `--topic=${topic}`,
            `--partitions=${partitions}`,
            `--first-partition=${Math.floor((i * partitions) / processes)}`,
            `--seconds=${seconds}`,
            `--message-size=${messageSize}`,
            `--acks=${acks}`,
            `--linger-ms=${s.lingerMs}`,
            `--batch-size=${s.batchSize}`,
            `--props=${(s.extra ?? []).join(' ')}`,
          ],
          { timeoutMs: (seconds + 90) * 1000 },
        ),
      ),
    );
    const brokerCpu = broker === undefined ? Number.NaN : processCpuSeconds(broker) - brokerBefore;
    const outs = runs.map((run) => {
      const line = run.stdout.trim().split('\n').pop() ?? '';
      if (run.exitCode !== 0 || !line.startsWith('{')) {
        throw new Error(`binding-producer failed (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
      }
      return JSON.parse(line) as { acked: number; sent: number; seconds: number };
    });
    const sent = outs.reduce((n, o) => n + o.sent, 0);
    const cpu = runs.reduce((n, r) => n + r.userSeconds + r.systemSeconds, 0);
    const threads = new Map<string, number>();
    for (const r of runs) for (const [name, s] of r.threads) threads.set(name, (threads.get(name) ?? 0) + s);
    return {
      tool,
      acks,
      round,
      // Each process measures from its own first send; they run side by side, so their rates add.
      rate: outs.reduce((n, o) => n + o.acked / o.seconds, 0),
      messages: sent,
      wallSeconds: Math.max(...runs.map((r) => r.wallSeconds)),
      cpuSeconds: cpu,
      cpuPerMillion: (cpu / sent) * 1e6,
      brokerCpuPerMillion: (brokerCpu / sent) * 1e6,
      p99LatencyMs: Number.NaN,
      threads: busiest(threads),
    };
  });
}

/** "main 20.1, rdk:broker# 6.3, …": the threads that used the most CPU, to see where the work went. */
function busiest(threads: Map<string, number>, top = 4): string {
  return [...threads]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, s]) => `${name} ${s.toFixed(1)}`)
    .join(', ');
}

function settingsFor(acks: ProducerSettings['acks']): ProducerSettings {
  return {
    acks,
    lingerMs: Number(args['linger-ms']),
    batchSize: Number(args['batch-size']),
    compression: 'none',
    extra: splitArgs(args['extra-props']),
  };
}

try {
  for (let round = 1; round <= rounds; round++) {
    for (const acks of acksList) {
      // Alternate which tool goes first: a slow spell on the shared machine then hits both alike.
      const order = round % 2 === 1 ? tools : [...tools].reverse();
      for (const tool of order) {
        await waitForIdleTests(log);
        log(`round ${round} acks=${acks} ${tool}: ${seconds} s`);
        const m =
          tool === 'perf-test'
            ? await measurePerfTest(acks, round)
            : isBinding(tool)
              ? await measureBinding(tool, acks, round)
              : await measureSoakbench(tool, acks, round);
        log(
          `  ${grouped(m.rate)} msg/s, ${m.cpuPerMillion.toFixed(2)} CPU s per million, broker ${m.brokerCpuPerMillion.toFixed(2)}`,
        );
        measurements.push(m);
      }
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const f0 = (n: number): string => grouped(n);
const f2 = (n: number): string => n.toFixed(2);
const f1 = (n: number): string => n.toFixed(1);
const hasBatches = (m: Measurement): boolean => m.batches !== undefined && m.batches.batches > 0;
const recordsPerBatch = (m: Measurement): number => m.batches!.records / m.batches!.batches;
/** "111.3 (954 of 1,318 at 126)": mean records per batch, and how many batches held the most. */
const batchCell = (m: Measurement): string =>
  hasBatches(m)
    ? `${f1(recordsPerBatch(m))} (${grouped(m.batches!.fullBatches)} of ${grouped(m.batches!.batches)} at ${m.batches!.full})`
    : '';
const of = (tool: Tool, acks: string): Measurement[] =>
  measurements.filter((m) => m.tool === tool && m.acks === acks);

const summaryRows: string[][] = [];
const variants = tools.filter((t) => t !== 'perf-test');
const medianCell = (
  ms: Measurement[],
  pick: (m: Measurement) => number,
  fmt: (n: number) => string,
): string => (ms.length ? medianOf(ms.map(pick), fmt) : '—');
for (const acks of acksList) {
  const pt = of('perf-test', acks);
  for (const variant of variants.length ? variants : ['soakbench']) {
    const sb = of(variant, acks);
    const processes = producerProcessesOf(variant);
    const row = [
      `acks=${acks}`,
      isBinding(variant)
        ? `the binding alone, ${processes === 1 ? '1 process' : `${processes} processes`}`
        : variant === 'soakbench'
          ? 'soakbench, 1 producer (in process)'
          : `soakbench, ${processes} producer processes`,
    ];
    row.push(
      medianCell(sb, (m) => m.rate, f0),
      medianCell(pt, (m) => m.rate, f0),
    );
    if (sb.length && pt.length) {
      const perRound = sb.map((x) => x.rate / (pt.find((p) => p.round === x.round) ?? pt[0]!).rate);
      row.push(
        `${f2(median(sb.map((m) => m.rate)) / median(pt.map((m) => m.rate)))} (per round ${perRound.map(f2).join(', ')})`,
      );
    } else {
      row.push('—');
    }
    row.push(
      medianCell(sb, (m) => m.cpuPerMillion, f2),
      medianCell(pt, (m) => m.cpuPerMillion, f2),
      medianCell(sb, (m) => m.brokerCpuPerMillion, f2),
      medianCell(pt, (m) => m.brokerCpuPerMillion, f2),
      medianCell(sb.filter(hasBatches), recordsPerBatch, f1),
      medianCell(pt.filter(hasBatches), recordsPerBatch, f1),
    );
    summaryRows.push(row);
  }
}

const runRows = measurements.map((m) => [
  String(m.round),
  `acks=${m.acks}`,
  m.tool,
  f0(m.rate),
  m.periodRate === undefined ? '' : f0(m.periodRate),
  f0(m.messages),
  m.wallSeconds.toFixed(1),
  m.cpuSeconds.toFixed(1),
  f2(m.cpuPerMillion),
  f2(m.brokerCpuPerMillion),
  Number.isNaN(m.p99LatencyMs) ? '—' : m.p99LatencyMs.toFixed(0),
  batchCell(m),
  m.threads,
]);

/**
 * "soakbench / the binding alone": how much of what the binding can do soakbench's send path keeps, each
 * soakbench variant against the binding in as many processes (else in one).
 */
function bindingRatios(): string[] {
  const lines: string[] = [];
  for (const acks of acksList) {
    for (const variant of variants.filter((v) => !isBinding(v))) {
      const processes = producerProcessesOf(variant);
      const same = processes === 1 ? 'binding' : `binding:${processes}`;
      const against = of(same, acks).length > 0 ? same : 'binding';
      const b = of(against, acks);
      const sb = of(variant, acks);
      if (sb.length === 0 || b.length === 0) continue;
      const rate = median(sb.map((m) => m.rate)) / median(b.map((m) => m.rate));
      const cpu = median(sb.map((m) => m.cpuPerMillion)) / median(b.map((m) => m.cpuPerMillion));
      lines.push(
        `- acks=${acks}, ${variant} / ${against} (the binding alone): ${f2(rate)} × the rate, ${f2(cpu)} × the CPU per message`,
      );
    }
  }
  return lines.length > 0 ? [...lines, ''] : [];
}

const cpuModel = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], {
  encoding: 'utf8',
}).trim();
const loadAfter = loadavg();
const sample = settingsFor(acksList[0]!);
const out = [
  `## Throughput: soakbench against kafka-producer-perf-test (${startedAt.toISOString()})`,
  '',
  `Command: \`${['node dist/bench/throughput.js', ...process.argv.slice(2)].join(' ')}\``,
  `Machine: ${cpuModel}, 2 cores shared with the broker and other engineers' work; load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}.`,
  `Each run: one topic, ${partitions} partitions, ${messageSize} B messages, ${seconds} s, producer settings \`${perfTestProps(bootstrap, sample).slice(2).join(' ')}\` and acks as shown (soakbench: the same keys in its driver file; produce-only at ${grouped(Number(args.rate))} msg/s target; perf-test: \`--throughput -1 --producer-props\`).`,
  `${rounds} rounds; tool order alternates each round. Rates in msg/s; CPU is user+system seconds per million messages (whole process: start-up included); broker CPU is the broker JVM's over the same run.`,
  '',
  markdownTable(
    [
      'acks',
      'tool',
      'its msg/s median (all)',
      'perf-test msg/s median (all)',
      'tool / perf-test',
      'its CPU s/M',
      'perf-test CPU s/M',
      'broker CPU s/M (its runs)',
      'broker CPU s/M (perf-test runs)',
      'records per batch (its runs)',
      'records per batch (perf-test)',
    ],
    summaryRows,
  ),
  '',
  ...bindingRatios(),
  '<details><summary>Every run</summary>',
  '',
  markdownTable(
    [
      'round',
      'acks',
      'tool',
      'msg/s',
      'soakbench period msg/s',
      'messages',
      'wall s',
      'CPU s',
      'CPU s/M',
      'broker CPU s/M',
      'p99 publish latency ms',
      'records per batch, partition 0 (batches that held the most)',
      'busiest threads (CPU s)',
    ],
    runRows,
  ),
  '',
  '</details>',
  '',
].join('\n');
process.stdout.write(out);
if (args.json) await writeFile(args.json, JSON.stringify({ startedAt, measurements }, null, 2));
