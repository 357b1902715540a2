import type { IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { IntegrityTracker } from '../integrity/integrity-tracker.js';
import { type FleetGauges, LATENCY_BUCKETS_US, type MetricsSource } from '../metrics/daemon-metrics.js';
import type { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { WorkloadSession } from '../session/workload-session.js';
import type { SloVerdict } from '../slo/slo-verdict.js';
import { BucketCounter } from '../stats/bucket-counter.js';
import type { ClientStats } from '../stats/client-stats.js';
import type { Stats } from '../stats/stats.js';
import { VERSION } from '../version.js';
import type { DaemonSlo } from './daemon-slo.js';
import { round } from './interval-reports.js';
import type { DaemonState } from './readiness.js';

/** What the status and metrics views read; they keep no state of their own besides histogram buckets. */
export interface ViewSources {
  clock: Clock;
  stats: Stats;
  integrity: IntegrityTracker;
  clientStats: ClientStats;
  session: WorkloadSession;
  controller: AdaptiveController;
  driverName: string;
  startedAtMs: number;
  loopDelay: IntervalHistogram;
  state(): DaemonState;
  readiness(): { ready: boolean; reason: string };
  achievedRate(): number;
  /** The daemon's SLO judge; absent for `run --http-port` (a run gives its verdict at its end). */
  slo?: DaemonSlo;
  /** The fleet this daemon is a member of (src/fleet/), for the soakbench_fleet_* gauges. */
  fleet?: () => FleetGauges | undefined;
}

/** A verdict as /status shows it: the headline and each check. */
function verdictView(v: SloVerdict): Record<string, unknown> {
  return { pass: v.pass, failed: v.failed, checks: v.checks };
}

/** /status `profile` and `slo`: progress through the rate profile, the SLO verdicts (null without). */
function profileSloView(v: ViewSources): Record<string, unknown> {
  const p = v.session.profileProgress();
  const s = v.slo?.verdicts();
  return {
    profile: p
      ? {
          stepIndex: p.stepIndex,
          stepName: p.stepName,
          pass: p.pass,
          seconds: round(p.seconds),
          profileRate: round(p.profileRate),
          overridden: p.overridden,
          ended: p.ended,
        }
      : null,
    slo: s
      ? { windowSeconds: s.windowSeconds, recent: verdictView(s.window), run: verdictView(s.whole) }
      : null,
  };
}

/** GET /controller. */
export function controllerView(controller: AdaptiveController, rate: number): Record<string, unknown> {
  const st = controller.status();
  const set = st.settings;
  return {
    mode: st.mode,
    state: st.state.toLowerCase(),
    rate,
    p99TargetMs: set.p99TargetMs,
    maxErrorRate: set.maxErrorRate,
    minRate: set.minRate,
    maxRate: set.maxRate,
    bestRate: st.bestRate,
    lastCut: st.lastCut
      ? { fromRate: st.lastCut.fromRate, toRate: st.lastCut.toRate, reason: st.lastCut.reason }
      : null,
    generatorLimited: st.generatorLimited,
    latencyFloorMs: st.latencyFloorMs ?? null,
    quotaRate: st.quotaRate ?? null,
    lastDecisions: controller
      .decisions()
      .slice(-10)
      .map((d) => ({
        kind: d.kind,
        cause: d.cause,
        state: d.state.toLowerCase(),
        rate: Math.round(d.rate),
        reason: d.reason,
      })),
  };
}

/** The producer processes in /status: how many run now, their process ids, deaths restarted. */
function producerProcessesView(
  p: { processes: number; pids: number[]; restarts: number } | undefined,
): Record<string, unknown> {
  return { processes: p?.processes ?? 0, pids: p?.pids ?? [], restarts: p?.restarts ?? 0 };
}

/** GET /status. */
export function statusView(v: ViewSources): Record<string, unknown> {
  const { stats: s, session, integrity } = v;
  return {
    state: v.state(),
    ready: v.readiness(),
    version: VERSION,
    uptimeSeconds: round((v.clock.wallMs() - v.startedAtMs) / 1000),
    workload: { name: session.workload.name, topics: session.topics, subscriptions: session.subscriptions },
    driver: v.driverName,
    paused: session.paused,
    targetRate: round(session.targetRate),
    achievedRate: round(v.achievedRate()),
    ...profileSloView(v),
    generatorSaturated: s.events.saturated,
    controller: controllerView(v.controller, session.rate),
    totals: {
      messagesSent: s.messagesSent,
      bytesSent: s.bytesSent,
      sendErrors: s.sendErrors,
      sendErrorsByReason: Object.fromEntries(s.sendErrorsByReason),
      messagesReceived: s.messagesReceived,
      bytesReceived: s.bytesReceived,
      inFlight: session.inFlight,
      backlog: session.totalBacklog(),
    },
    integrity: {
      lost: integrity.lost,
      duplicated: integrity.duplicated,
      outOfOrder: integrity.outOfOrder,
      late: integrity.late,
      undecidedGaps: integrity.undecided,
    },
    restarts: { ...s.events.restarts },
    producerProcesses: producerProcessesView(session.engine?.producerProcesses()),
    eventLoopDelayP99Ms: round(v.loopDelay.percentile(99) / 1e6),
    lastErrors: s.events.lastErrors(),
  };
}

/** /metrics: the registry's source, read at each scrape. Histogram buckets fill at each stats interval. */
export function metricsSource(v: ViewSources): MetricsSource {
  const { stats: s, session, integrity, controller } = v;
  const buckets = {
    publishLatency: new BucketCounter(LATENCY_BUCKETS_US),
    publishDelay: new BucketCounter(LATENCY_BUCKETS_US),
    responseTime: new BucketCounter(LATENCY_BUCKETS_US),
    endToEnd: new BucketCounter(LATENCY_BUCKETS_US),
  };
  for (const name of ['publishLatency', 'publishDelay', 'responseTime', 'endToEnd'] as const) {
    s[name].onInterval((h) => buckets[name].add(h));
  }
  return {
    counters: () => ({
      messagesSent: s.messagesSent,
      bytesSent: s.bytesSent,
      messagesReceived: s.messagesReceived,
      bytesReceived: s.bytesReceived,
      sendErrorsByReason: s.sendErrorsByReason,
      lost: integrity.lost,
      duplicated: integrity.duplicated,
      outOfOrder: integrity.outOfOrder,
      late: integrity.late,
    }),
    histograms: () => buckets,
    latencyOverflows: () => ({
      publish_latency: s.publishLatency.overflowCount,
      publish_delay: s.publishDelay.overflowCount,
      publish_response_time: s.responseTime.overflowCount,
      end_to_end_latency: s.endToEnd.overflowCount,
    }),
    targetRate: () => (session.paused ? 0 : session.targetRate),
    profile: () => {
      const p = session.profileProgress();
      return { step: p?.stepIndex ?? -1, overridden: p?.overridden ?? false };
    },
    slo: () => v.slo?.gaugeSamples() ?? [],
    backlog: () => {
      const values = session.backlogBySubscription();
      return session.subscriptions.map((sub, i) => ({ subscription: sub.groupId, messages: values[i] ?? 0 }));
    },
    controller: () => ({
      state: controller.state.toLowerCase(),
      decisions: s.events.decisions,
      lastCutRate: controller.lastCut?.fromRate ?? 0,
      bestRate: controller.bestRate,
      p99TargetSeconds: controller.settings.p99TargetMs / 1000,
    }),
    generatorSaturated: () => s.events.saturated,
    paused: () => session.paused,
    ready: () => v.readiness().ready,
    inFlight: () => session.inFlight,
    producerProcesses: () => session.engine?.producerProcesses().processes ?? 0,
    workerRestarts: () => s.events.restarts,
    info: () => ({ version: VERSION, driver: v.driverName, workload: session.workload.name }),
    client: () => v.clientStats.view(),
    brokers: () => s.brokers?.view() ?? [],
    fleet: () => v.fleet?.(),
  };
}
