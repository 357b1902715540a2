import type { DriverSettings } from '../driver/driver.js';
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
  settings: DriverSettings;
  consumers: ConsumerSpec[];
  subscriptions: number;
  reportIntervalMs: number;
  connectTimeoutMs: number;
  /** Largest end-to-end latency kept by the thread's histogram, µs. */
  maxEndToEndUs: number;
}

/** Main thread → consumer thread. */
export type ToConsumerThread = { type: 'flush'; id: number } | { type: 'stop'; timeoutMs: number };

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
