/**
 * The messages between the main process and a producer child process (producer-process.ts), or an
 * inline producer host for a driver whose clients cannot cross processes (producer-hosts.ts).
 * docs/architecture.md, "Processes": reports carry counts, encoded HdrHistograms and sequence ranges,
 * never one message per message sent.
 */
import type { DriverSettings } from '../driver/driver.js';
import type { EncodedLatencies } from '../stats/latency-recorder.js';
import type { PayloadWorkload } from '../workload/payloads.js';
import type { Workload } from '../workload/workload.js';
import type { ProducerStream } from './send-loop.js';

/** What a producer process is started with (its first IPC message). */
export interface ProducerProcessData {
  /** Name of the driver factory to build the producers with (src/driver/driver-factories.ts). */
  driver: string;
  settings: DriverSettings;
  /** Its share of the workload's producers: global ids (carried in messages), `client` local to the process. */
  streams: ProducerStream[];
  /** librdkafka producer clients in this process. */
  clients: number;
  /** client.id suffixes and client statistics indexes start here (unique over the processes). */
  clientIndexBase: number;
  /** The engine's run tag (client ids say which run they belong to). */
  runTag: string;
  /** Random per process start: a restarted process's messages start a new integrity baseline. */
  runId: number;
  /** Messages/s this process aims at (its share of the target). */
  rate: number;
  paused: boolean;
  /** What payloads and keys are made from (plain data). */
  workload: PayloadWorkload & Pick<Workload, 'keyDistributor'>;
  maxInFlight: number;
  stickyMessages: number;
  reportIntervalMs: number;
  connectTimeoutMs: number;
  /** librdkafka statistics.interval.ms; 0: off. */
  statisticsIntervalMs: number;
  /** Per-broker latencies are tracked (and reported) when true. */
  brokers: boolean;
}

/** Main → producer process. */
export type ToProducerProcess =
  /** Report now. */
  | { type: 'flush'; id: number }
  /** The process's share of a new target rate. */
  | { type: 'rate'; rate: number }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Stop scheduling, flush what is in flight (at most `flushMs`), close, send the last report. */
  | { type: 'stop'; flushMs: number };

/** One broker's latencies and send errors since the previous report. */
export interface BrokerShare {
  /** Broker id, or "unknown". */
  broker: string;
  publish: string;
  response: string;
  errors: Record<string, number>;
}

/** What a producer process measured since its previous report. */
export interface ProducerReport {
  type: 'report';
  /** Messages acknowledged, their payload bytes, sends handed to the client, failed sends by reason. */
  sent: number;
  bytes: number;
  attempts: number;
  errorsByReason: Record<string, number>;
  publishLatency: EncodedLatencies;
  publishDelay: EncodedLatencies;
  responseTime: EncodedLatencies;
  /** Per broker (only with `brokers` in the start data). */
  brokers: BrokerShare[];
  /** Acknowledged per stream, in the order of the start data's `streams`. */
  acked: number[];
  /** Sends that failed after they were handed over: flat (stream id, partition, sequence) triples (rare). */
  failures: number[];
  /**
   * Per stream (start data order) and partition, flat: every sequence below this one is settled
   * (acknowledged, or failed and listed in `failures` of this or an earlier report).
   */
  settledBelow: number[];
  inFlight: number;
  /** Age of the oldest message in flight when the report was made, ns (0: none). */
  oldestInFlightAgeNs: number;
  /** Lifetime backpressure counts of the process (SendLoop). */
  queueFullTicks: number;
  inFlightFullTicks: number;
  /** librdkafka statistics that arrived since the previous report, by global client index (trimmed). */
  clientStats: [number, unknown][];
  /** Client errors and client replacements since the previous report (rare). */
  clientErrors: string[];
  clientRestarts: string[];
  /** The flush request this report answers, if any. */
  flushId?: number;
}

/** Producer process → main. */
export type FromProducerProcess =
  | ProducerReport
  | { type: 'started' }
  | { type: 'failed'; code: string; message: string; retriable: boolean }
  | { type: 'stopped' };
