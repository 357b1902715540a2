import type { Clock } from '../clock.js';
import type { Driver, DriverFactory, DriverOptions, DriverSettings } from '../driver/driver.js';
import type { Stats } from '../stats/stats.js';
import type { Workload } from '../workload/workload.js';
import type { ConsumerPoolOptions } from './consumer-pool.js';
import type { AckListener, FailureListener } from './send-loop.js';

/** What a LoadEngine (load-engine.ts) runs and where its findings go. */
export interface LoadEngineOptions {
  /** The driver of the admin and producer clients (default: `driverFactory` builds one from `settings`). */
  driver?: Driver;
  /**
   * Builds the consumers' driver, in child processes by its name or in this process when its clients
   * cannot cross processes (default: the factory named like `driver`, see src/driver/driver-factories.ts).
   */
  driverFactory?: DriverFactory;
  /** Bounds for a driver `driverFactory` builds (the consumers' connect bound is `connectTimeoutMs`). */
  driverOptions?: DriverOptions;
  /** The driver's settings, plain data for the consumer processes. */
  settings: DriverSettings;
  workload: Workload;
  clock: Clock;
  stats: Stats;
  /** Messages/s to start with (for producerRate 0 the controller supplies it). */
  initialRate: number;
  /** Topics this engine creates are deleted when it stops (topics.cleanup, docs/architecture.md "Files"). */
  cleanupTopics: boolean;
  /**
   * The tag in topic and group names (default: random, so runs never collide). A fleet gives every member the
   * same one (src/fleet/): the topics are then shared (reused when another member created them first, never
   * deleted by this engine) and each consumer group spans the fleet (no wait for one member to own every partition).
   */
  sharedRunTag?: string;
  maxInFlight?: number;
  /** librdkafka producer clients shared by the workload's producers (default min(producers, 4)). */
  producerClients?: number;
  /**
   * Processes the producers' send path runs in (engine.producerProcesses; at most one per producer).
   * Unset and 1: this process (the daemon and `run` pass their default, 0). 0: one per core. 2 or more: child
   * processes (src/worker/producer-pool.ts), or inline hosts of their own for a driver that cannot cross processes.
   */
  producerProcesses?: number;
  /** Child processes the consumers run in (default 2; none for a driver that cannot cross processes). */
  consumerProcesses?: number;
  connectTimeoutMs?: number;
  /** How long to wait for every consumer group to be assigned all partitions before producing. */
  assignmentTimeoutMs?: number;
  onAck?: AckListener;
  /** Integrity checking: the consumers' late SLA and loss horizon, and where findings go. */
  integrity?: {
    lateAfterMs: number;
    onFailure: FailureListener;
    /** A producer process ended: its sequences from `fromSeq` on were never acknowledged. */
    onAbandoned?: (runId: number, stream: number, partition: number, fromSeq: number) => void;
    onIntegrity: ConsumerPoolOptions['onIntegrity'];
  };
  /** librdkafka statistics of producer client `index` (needs statisticsIntervalMs > 0). */
  onClientStats?: (index: number, stats: unknown) => void;
  /** librdkafka statistics.interval.ms for the producers; 0 or absent: off. */
  statisticsIntervalMs?: number;
  /** A producer client failed fatally and is being replaced. */
  onProducerRestart?: (reason: string) => void;
  /** A producer process died and is being restarted (after a backoff). */
  onProducerProcessRestart?: (reason: string, attempt: number) => void;
  /** A consumer process died and is being restarted. */
  onConsumerRestart?: (reason: string, attempt: number) => void;
  /** A client-level error (rare: connection loss, all brokers down …). */
  onClientError?: (err: Error) => void;
  /** Lifecycle events worth a log line. */
  log?: (event: string, fields?: Record<string, unknown>) => void;
}
