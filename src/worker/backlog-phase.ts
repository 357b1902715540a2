import type { Clock } from '../clock.js';
import { SoakbenchError } from '../errors.js';
import type { BacklogResult } from '../results/test-result.js';

export type { BacklogResult };

/** OMB's GiB: consumerBacklogSizeGB × 1024³ bytes. */
export const BYTES_PER_GB = 1024 ** 3;
/** OMB never waits for fewer than this many messages of backlog: the drain ends at or below it. */
export const MIN_DRAINED_BACKLOG = 1_000;

/** What the backlog phase needs from a running workload (LoadEngine has these; tests pass fakes). */
export interface BacklogTarget {
  pauseConsumers(): Promise<void>;
  resumeConsumers(): Promise<void>;
  /** Brings the consumer counts up to date (bounded by `timeoutMs`). */
  refreshConsumers(timeoutMs?: number): Promise<void>;
  /** Acknowledged minus consumed messages, per subscription. */
  backlogBySubscription(): number[];
  /** Messages and payload bytes consumed so far, all subscriptions. */
  consumedTotals(): { messages: number; bytes: number };
}

export interface BacklogOptions {
  /** Backlog to build, bytes of payload over all subscriptions (OMB: consumerBacklogSizeGB × 1024³). */
  sizeBytes: number;
  /** Share of the backlog to drain before the phase ends (OMB's backlogDrainRatio, default 1.0). */
  drainRatio: number;
  /** Payload bytes per message: converts the message backlog to bytes, as OMB does. */
  messageSize: number;
  clock: Clock;
  /** Ends the phase early (the result then says `completed: false`); consumers are resumed. */
  signal?: AbortSignal;
  /** How often the backlog is checked while building (OMB: 1 s) and while draining (OMB: 100 ms). */
  buildPollMs?: number;
  drainPollMs?: number;
  /** Waits between checks (default a timer); a test with a ManualClock advances its clock here. */
  sleep?: (ms: number) => Promise<void>;
  /** Building and draining start (for /status and the console). */
  onStage?: (stage: 'building' | 'draining', backlogMessages: number) => void;
}

const timerSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function total(values: number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

/**
 * OMB's backlog mode (docs/workloads.md "Backlog mode"), as its WorkloadGenerator.buildAndDrainBacklog:
 * consumers paused while producers go on, until the backlog — acknowledged minus consumed messages
 * summed over subscriptions, times messageSize — reaches `sizeBytes`; then consumers resumed and the
 * drain timed until the backlog is at or below max(1,000, (1 − drainRatio) × sizeBytes / messageSize)
 * messages. Adds what OMB only logs: the catch-up read rate while draining.
 */
export async function buildAndDrainBacklog(
  target: BacklogTarget,
  options: BacklogOptions,
): Promise<BacklogResult> {
  const { sizeBytes, drainRatio, messageSize, clock, signal } = options;
  if (!(sizeBytes > 0) || !(messageSize > 0) || !(drainRatio >= 0 && drainRatio <= 1)) {
    throw new SoakbenchError(
      'INTERNAL',
      `backlog phase: sizeBytes and messageSize must be > 0 and drainRatio in [0, 1] (got ${sizeBytes}, ${messageSize}, ${drainRatio})`,
    );
  }
  const sleep = options.sleep ?? timerSleep;
  const buildPollMs = options.buildPollMs ?? 1_000;
  const drainPollMs = options.drainPollMs ?? 100;
  const capacity = Math.floor(sizeBytes / messageSize);
  const drainedBelow = Math.max(MIN_DRAINED_BACKLOG, Math.floor((1 - drainRatio) * capacity));
  const backlogNow = async (): Promise<number> => {
    await target.refreshConsumers(1_000);
    return total(target.backlogBySubscription());
  };
  const aborted = (): boolean => signal?.aborted === true;

  const buildStartNs = clock.nowNs();
  await target.pauseConsumers();
  let peak = 0;
  try {
    options.onStage?.('building', await backlogNow());
    for (;;) {
      peak = await backlogNow();
      if (peak * messageSize >= sizeBytes || aborted()) break;
      await sleep(buildPollMs);
    }
  } finally {
    // Consumers are never left paused, whatever happens.
    await target.resumeConsumers();
  }
  const drainStartNs = clock.nowNs();
  const consumedAtResume = target.consumedTotals();
  if (!aborted()) options.onStage?.('draining', peak);
  let drained = false;
  while (!aborted()) {
    if ((await backlogNow()) <= drainedBelow) {
      drained = true;
      break;
    }
    await sleep(drainPollMs);
  }
  const endNs = clock.nowNs();
  const consumed = target.consumedTotals();
  const drainSeconds = (endNs - drainStartNs) / 1e9;
  const drainedMessages = consumed.messages - consumedAtResume.messages;
  const drainedBytes = consumed.bytes - consumedAtResume.bytes;
  const perSecond = (n: number): number => (drainSeconds > 0 ? n / drainSeconds : 0);
  return {
    sizeBytes,
    drainRatio,
    drainedBelowMessages: drainedBelow,
    buildSeconds: (drainStartNs - buildStartNs) / 1e9,
    drainSeconds,
    peakBacklogMessages: peak,
    peakBacklogBytes: peak * messageSize,
    drainedMessages,
    drainedBytes,
    catchUpMsgPerSec: perSecond(drainedMessages),
    catchUpBytesPerSec: perSecond(drainedBytes),
    catchUpMBPerSec: perSecond(drainedBytes) / 1024 / 1024,
    completed: drained,
  };
}

/** The console line of a finished backlog phase. */
export function formatBacklogLine(r: BacklogResult): string {
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  return (
    `Backlog: built ${mb(r.peakBacklogBytes)} MB (${r.peakBacklogMessages} msgs) in ${r.buildSeconds.toFixed(1)} s` +
    ` | drained to <= ${r.drainedBelowMessages} msgs in ${r.drainSeconds.toFixed(1)} s` +
    ` | catch-up read rate ${r.catchUpMsgPerSec.toFixed(1)} msg/s / ${r.catchUpMBPerSec.toFixed(1)} MB/s` +
    (r.completed ? '' : ' (interrupted before drained)')
  );
}
