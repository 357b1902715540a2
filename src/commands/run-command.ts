import { basename, extname } from 'node:path';
import { type Clock, type Scheduler, systemClock, systemScheduler } from '../clock.js';
import type { DriverFactory } from '../driver/driver.js';
import type { Logger } from '../log/logger.js';
import type { ProgressSink } from '../progress/progress-line.js';
import type { SweepPlan, SweepResult } from '../rate/sweep-plan.js';
import { formatAggregatedLine, formatPeriodLine } from '../results/console-lines.js';
import { writeResultFile } from '../results/result-file.js';
import type { TestResult } from '../results/test-result.js';
import { buildSessionGraph } from '../session/session-graph.js';
import { WorkloadSession } from '../session/workload-session.js';
import type { SloThresholds } from '../slo/slo-thresholds.js';
import type { SloVerdict } from '../slo/slo-verdict.js';
import { enableHdrWebAssembly } from '../stats/histogram-factory.js';
import type { CumulativeStats, PeriodStats } from '../stats/stats.js';
import type { DriverFile } from '../workload/driver-file.js';
import { driverSettings } from '../workload/driver-settings.js';
import { loadSloFile } from '../workload/slo-block.js';
import { findsSustainableRate, type Workload } from '../workload/workload.js';
import { AdaptiveRun } from './adaptive-run.js';
import { formatSweepTable, runSweep } from './capacity-sweep.js';
import { loadRunFiles } from './load-files.js';
import { startRunBacklog } from './run-backlog.js';
import { RunHttp } from './run-http.js';
import { RunProfile } from './run-profile.js';
import { runSloVerdict } from './run-slo.js';

/** How long `run` waits for the bootstrap servers' first answer before it gives up (exit 1). */
const REACHABLE_WITHIN_MS = 5_000;

export interface RunOptions {
  /** Makes the engines' drivers (src/driver/driver-factories.ts). */
  driverFactory: DriverFactory;
  driverPath: string;
  workloadPaths: string[];
  outputDir: string;
  bootstrapServers?: string;
  /** Delete the topics the run created (default true, as OMB's driver does at close). */
  cleanupTopics: boolean;
  /** Seconds between console lines (OMB: 10). */
  periodSeconds: number;
  /** Ctrl-C / SIGTERM: stop the current workload early and still write its partial result. */
  signal: AbortSignal;
  /** producerRate 0: the p99 response-time target (ms) the controller holds (default 50). */
  p99TargetMs?: number;
  /** producerRate 0: the highest rate the controller may try (default 1,000,000 msg/s). */
  maxRate?: number;
  /** A message consumed later than this after its intended send time is late (default 30 s). */
  lateAfterMs?: number;
  /** `--slo FILE`: thresholds that replace each workload's `slo:` block (src/commands/run-slo.ts). */
  sloPath?: string;
  /** Console lines (stdout). */
  print: (line: string) => void;
  /** The live progress line on a terminal (src/progress/progress-line.ts); none otherwise. */
  progress?: ProgressSink;
  log: Logger;
  clock?: Clock;
  /** Turns the controller's loop (default: Node's timers). */
  scheduler?: Scheduler;
  /** Serve /metrics, /status and the live page on 127.0.0.1:port during the run (src/commands/run-http.ts). */
  httpPort?: number;
  /** Processes the send path runs in (--producer-processes, SOAKBENCH_PRODUCER_PROCESSES; the CLI's default 0: one per core; unset: this one). */
  producerProcesses?: number;
  /** --sweep: the test phase holds these rates in turn instead of the workload's (src/commands/capacity-sweep.ts). */
  sweep?: SweepPlan;
}

export interface RunOutcome {
  results: {
    workload: string;
    path: string;
    result: TestResult;
    partial: boolean;
    /** The SLO verdict, when thresholds were given (a failed one: exit code 3). */
    slo?: SloVerdict;
  }[];
}

/** Sleeps `ms`, or less if the signal aborts; resolves true when it slept the whole time. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `soakbench run`: each workload in turn, OMB-style — topics created, consumers subscribed, warm-up
 * (stats reset after it), then the test phase with a console line every period and the aggregated line
 * at the end, one result JSON per workload. Files are all validated before anything touches Kafka.
 */
export async function runCommand(options: RunOptions): Promise<RunOutcome> {
  const { driver, workloads } = loadRunFiles(
    options.driverPath,
    options.workloadPaths,
    options.bootstrapServers,
  );
  const sloOverride = options.sloPath === undefined ? undefined : loadSloFile(options.sloPath);
  for (const warning of driver.warnings) options.log.warn({ file: options.driverPath }, warning);
  // Bound before Kafka is asked anything: a busy port fails the run at once.
  const http = options.httpPort === undefined ? undefined : await RunHttp.start(options.httpPort);
  // Printed with the bound port: --http-port 0 picks a free one.
  if (http) options.print(`Serving /metrics, /status and the live page on http://127.0.0.1:${http.port}/`);
  try {
    // Fail within seconds when nobody answers, naming the address (an admin call waits 30 s).
    await options.driverFactory.create(driverSettings(driver)).checkReachable(REACHABLE_WITHIN_MS);
    await enableHdrWebAssembly();
    const outcome: RunOutcome = { results: [] };
    for (let i = 0; i < workloads.length; i++) {
      if (options.signal.aborted) break;
      const workload = workloads[i]!;
      const fileName = basename(options.workloadPaths[i]!, extname(options.workloadPaths[i]!));
      outcome.results.push(await runOne(workload, fileName, driver, options, http, sloOverride));
    }
    return outcome;
  } finally {
    await http?.close();
  }
}

async function runOne(
  workload: Workload,
  fileName: string,
  driverFile: DriverFile,
  options: RunOptions,
  http: RunHttp | undefined,
  sloOverride: SloThresholds | undefined,
): Promise<RunOutcome['results'][number]> {
  const clock = options.clock ?? systemClock;
  const { print, signal, log } = options;
  const { sweep } = options;
  const adaptiveRate = findsSustainableRate(workload) && !sweep;
  // A sweep replaces the workload's rate and duration, its profile included.
  const profile = sweep ? undefined : RunProfile.of(workload);
  // The object graph of this workload (docs/architecture.md): the same as the daemon's, from the driver factory.
  const graph = buildSessionGraph({
    driverFactory: options.driverFactory,
    driverFile,
    subscriptionsPerTopic: workload.subscriptionsPerTopic,
    clock,
    engine: {
      cleanupTopics: options.cleanupTopics,
      statisticsIntervalMs: adaptiveRate ? 1_000 : 0,
      lateAfterMs: options.lateAfterMs ?? 30_000,
      producerProcesses: options.producerProcesses,
    },
    log: (event, fields) => log.info({ workload: workload.name, ...fields }, event),
  });
  const { stats, integrity } = graph;
  const adaptive = adaptiveRate
    ? new AdaptiveRun(workload, graph, options.scheduler ?? systemScheduler, options)
    : undefined;
  const session = new WorkloadSession({
    clock,
    integrity,
    newEngine: (w, rate) => graph.newEngine(w, rate),
    workload,
    rate: adaptive
      ? adaptive.controller.rate
      : (sweep?.rates[0] ?? profile?.warmupRate(clock.wallMs()) ?? workload.producerRate),
  });
  const collector = graph.newCollector(workload);
  http?.attach({
    graph,
    session,
    driverName: driverFile.name,
    ...(adaptive && { controller: adaptive.controller }),
  });
  let partial = false;
  let testEndNs: number | undefined;
  let measured: CumulativeStats | undefined;
  let curve: SweepResult | undefined;
  try {
    print(`Running workload ${workload.name} with driver ${driverFile.name}`);
    // Started holding its sends: a Ctrl-C during topic creation or consumer assignment then sends nothing.
    await session.start({ holdSends: true });
    // Periods count from the first send, not from topic creation.
    stats.reset();
    if (!signal.aborted) session.resume();
    adaptive?.start(session, (d) =>
      log.info({ state: d.state, rate: Math.round(d.rate), reason: d.reason }, 'controller state'),
    );
    // With the controller, Stats' intervals are its 1-s control intervals; console periods are built from them.
    const closePeriod = adaptive
      ? (now: number) => adaptive.periods.close(now)
      : (now: number) => stats.snapshotInterval(now);
    const periodMs = options.periodSeconds * 1000;
    const warmupMs = workload.warmupDurationMinutes * 60_000;
    if (warmupMs > 0) {
      print('----- Starting warm-up traffic -----');
      options.progress?.phase('warm-up', warmupMs);
      await periods(warmupMs, periodMs, signal, session, closePeriod, clock, (p) => {
        options.progress?.period(p);
        print(formatPeriodLine(p));
      });
      stats.reset();
      adaptive?.periods.close(clock.nowNs());
    }
    if (!signal.aborted) {
      print('----- Starting benchmark traffic -----');
      if (sweep) {
        curve = await runSweep(sweep, {
          session,
          stats,
          clock,
          signal,
          print,
          ...(options.progress && { progress: options.progress }),
          onPeriod: (p) => collector.addPeriod(p),
        });
      } else {
        profile?.start(session, clock, clock.wallMs());
        const testMs =
          profile?.testMs() ??
          (workload.testDurationMinutes > 0
            ? workload.testDurationMinutes * 60_000
            : Number.POSITIVE_INFINITY);
        options.progress?.phase('test', testMs);
        // >>> Backlog mode (OMB): build and drain beside the test phase, which ends testMs after the drain.
        const backlog =
          session.engine &&
          startRunBacklog(session.engine, workload, {
            clock,
            signal,
            print,
            log,
            progress: options.progress,
          });
        await periods(
          testMs,
          periodMs,
          signal,
          session,
          closePeriod,
          clock,
          (p) => {
            options.progress?.period(p);
            print(formatPeriodLine(p));
            collector.addPeriod(p);
          },
          backlog?.endMs,
        );
        if (backlog) collector.setBacklog(await backlog.result);
        // <<< Backlog mode
      }
    }
    // The measured run ends here: flushing, draining and deleting topics below are not part of it,
    // neither in its length nor in its counts (acks arriving during the flush are not counted as rate).
    testEndNs = clock.nowNs();
    measured = stats.cumulativeSnapshot(testEndNs);
    partial = signal.aborted;
  } finally {
    options.progress?.stop();
    adaptive?.stop();
    // Acknowledged messages still on their way to the consumers are counted before the totals are taken.
    await session.stop({ flushMs: 10_000, drainMs: workload.subscriptionsPerTopic > 0 ? 15_000 : 0 });
    http?.detach();
  }
  session.settleIntegrity();
  const cumulative = measured ?? stats.cumulativeSnapshot(testEndNs ?? clock.nowNs());
  print(formatAggregatedLine(cumulative));
  collector.setAggregated(cumulative);
  collector.setTotals(stats.messagesSent, stats.messagesReceived);
  if (adaptive) {
    const found = adaptive.controller.bestRate;
    collector.setRateFound(found, adaptive.controller.settings.p99TargetMs);
    print(
      `Highest sustainable rate found: ${Math.round(found)} msg/s (p99 response time target ${adaptive.controller.settings.p99TargetMs} ms; final state ${adaptive.controller.state.toLowerCase()})`,
    );
  }
  if (curve) {
    collector.setSweep(curve);
    for (const line of formatSweepTable(curve)) print(line);
  }
  collector.setIntegrity({
    lost: integrity.lost,
    duplicated: integrity.duplicated,
    outOfOrder: integrity.outOfOrder,
    late: integrity.late,
  });
  if (integrity.lost + integrity.duplicated + integrity.outOfOrder > 0) {
    print(
      `Integrity: ${integrity.lost} lost, ${integrity.duplicated} duplicated, ${integrity.outOfOrder} out of order, ${integrity.late} late`,
    );
  }
  const targetRate = adaptive
    ? undefined
    : (profile?.meanRate(cumulative.elapsedSeconds) ?? workload.producerRate);
  const slo = runSloVerdict(workload, sloOverride, collector.result(), targetRate, print);
  if (slo) collector.setSloVerdict(slo);
  const result = collector.result();
  const path = await writeResultFile(options.outputDir, result, { workloadName: fileName, clock });
  print(`Wrote result to ${path}${partial ? ' (partial: the run was interrupted)' : ''}`);
  stats.destroy();
  return { workload: workload.name, path, result, partial, ...(slo ? { slo } : {}) };
}

/** Runs `totalMs` of traffic, handing each closed period of `periodMs` (and the last, shorter one) to `onPeriod`. */
async function periods(
  totalMs: number,
  periodMs: number,
  signal: AbortSignal,
  session: WorkloadSession,
  closePeriod: (nowNs: number) => PeriodStats,
  clock: Clock,
  onPeriod: (p: PeriodStats) => void,
  /** Backlog mode: the phase may not end before this (Date.now() ms), given totalMs. */
  notBefore?: (totalMs: number) => number,
): Promise<void> {
  const startMs = Date.now();
  for (;;) {
    const left = Math.max(startMs + totalMs, notBefore?.(totalMs) ?? 0) - Date.now();
    if (left <= 0 || signal.aborted) return;
    const slept = await sleep(Math.min(periodMs, left), signal);
    // The phase's last period waits longer for the processes' counts: what arrives after the phase ends
    // (warm-up, then the measured run) would be counted in the next one (a starved child process answered
    // late on a 2-core machine under load: +0.8 % in the test phase's rate).
    await session.engine?.refreshConsumers(left <= periodMs ? 5_000 : 1_000);
    onPeriod(closePeriod(clock.nowNs()));
    if (!slept) return;
  }
}
