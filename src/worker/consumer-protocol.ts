import type { DriverSettings } from '../driver/driver.js';
import type { ReportedGap } from '../integrity/loss-ledger.js';
import type { EncodedLatencies } from '../stats/latency-recorder.js';

/** One consumer to run in a consumer thread. */
export interface ConsumerSpec {
  /** Index of its subscription in the workload (topic × subscriptionsPerTopic). */
  subscription: number;
  groupId: string;
  topic: string;
  startAt: 'earliest' | 'latest';
}

/** What a consumer thread is started with (`workerData`). */
export interface ConsumerThreadData {
  /** Name of the driver factory to build the consumers with (src/driver/driver-factories.ts). */
  driver: string;
  settings: DriverSettings;
  consumers: ConsumerSpec[];
  subscriptions: number;
  reportIntervalMs: number;
  connectTimeoutMs: number;
  /** Largest end-to-end latency kept by the thread's histogram, µs. */
  maxEndToEndUs: number;
  /** A message consumed more than this after its intended send time is late; a gap open this long is stale. */
  lateAfterMs: number;
  /** Start paused (a replacement for a process that died while the pool was paused). */
  paused?: boolean;
}

/** Main thread → consumer thread. */
export type ToConsumerThread =
  /** Report now; with `allGaps`, hand over every open gap as final (the run is over and drained). */
  | { type: 'flush'; id: number; allGaps?: boolean }
  | { type: 'stop'; timeoutMs: number }
  /** Stop or restart fetching, staying in the groups (OMB's backlog mode, src/worker/backlog-phase.ts). */
  | { type: 'pause' }
  | { type: 'resume' };

/** Counts and latencies since the thread's previous report. */
export interface ConsumerReport {
  type: 'report';
  /** Messages received per subscription index (length = subscriptions). */
  received: number[];
  bytes: number[];
  /** Received messages without a soakbench prefix (not timed end to end). */
  untimed: number;
  endToEnd: EncodedLatencies;
  /** Partitions assigned now, per subscription index. */
  assigned: number[];
  /** Consumers holding at least one partition now, per subscription index (group members that joined). */
  members: number[];
  /** Integrity counts since the previous report, all subscriptions of the process. */
  duplicated: number;
  outOfOrder: number;
  late: number;
  /** Gaps that stayed open past the loss horizon, for the main process to judge. */
  staleGaps: ReportedGap[];
  /** Client errors since the previous report, by name (rare). */
  errors: Record<string, number>;
  /** The flush request this report answers, if any. */
  flushId?: number;
}

/** Consumer thread → main thread. */
export type FromConsumerThread =
  | ConsumerReport
  | { type: 'started' }
  | { type: 'failed'; code: string; message: string; retriable: boolean }
  | { type: 'stopped' };
