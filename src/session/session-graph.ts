import type { Clock } from '../clock.js';
import type { Admin, DriverFactory, DriverOptions, DriverSettings } from '../driver/driver.js';
import { IntegrityTracker } from '../integrity/integrity-tracker.js';
import { ResultCollector } from '../results/result-collector.js';
import { ClientStats } from '../stats/client-stats.js';
import { Stats } from '../stats/stats.js';
import { VERSION } from '../version.js';
import { LoadEngine } from '../worker/load-engine.js';
import type { LoadEngineOptions } from '../worker/load-engine-options.js';
import type { DriverFile } from '../workload/driver-file.js';
import { driverSettings } from '../workload/driver-settings.js';
import type { Workload } from '../workload/workload.js';

/** How each load engine is set up; the same for every workload of a run or daemon. */
export type EngineSettings = Pick<
  LoadEngineOptions,
  | 'cleanupTopics'
  | 'maxInFlight'
  | 'producerClients'
  | 'consumerProcesses'
  | 'producerProcesses'
  | 'connectTimeoutMs'
  | 'statisticsIntervalMs'
> & {
  /** A message consumed later than this after its intended send is late. */
  lateAfterMs: number;
};

export interface SessionGraphOptions {
  driverFactory: DriverFactory;
  driverFile: DriverFile;
  /** Each acknowledged message is due once per subscription (the backlog formula of Stats). */
  subscriptionsPerTopic: number;
  clock: Clock;
  /** Bounds of the engines' drivers (the factory's defaults when absent). */
  driverOptions?: DriverOptions;
  engine: EngineSettings;
  /** Engine lifecycle events worth a log line. */
  log: (event: string, fields?: Record<string, unknown>) => void;
  /** Bucket bounds (µs) of the per-broker histograms /metrics exports; absent: no per-broker tracking. */
  brokerBucketsUs?: readonly number[];
}

/** Everything a run or daemon measures into, and the factories of what it drives. */
export interface SessionGraph {
  readonly clock: Clock;
  readonly stats: Stats;
  readonly integrity: IntegrityTracker;
  readonly clientStats: ClientStats;
  readonly settings: DriverSettings;
  /** A load engine for `workload`, writing into this graph's stats, not started (`sharedRunTag`: a fleet's). */
  newEngine(workload: Workload, rate: number, sharedRunTag?: string): LoadEngine;
  /** An admin client of its own (close it when done). */
  newAdmin(options?: DriverOptions): Admin;
  /** The OMB result of `workload`, built from periods handed to it. */
  newCollector(workload: Workload): ResultCollector;
}

/**
 * The composition root of `run` and `daemon` (docs/architecture.md): one Stats, integrity tracker and
 * client statistics, and engines built from one driver factory with their events wired into the stats.
 */
export function buildSessionGraph(o: SessionGraphOptions): SessionGraph {
  const { clock, driverFactory, driverFile } = o;
  const settings = driverSettings(driverFile);
  const stats = new Stats({
    clock,
    subscriptionsPerTopic: o.subscriptionsPerTopic,
    brokerBucketsUs: o.brokerBucketsUs,
  });
  const integrity = new IntegrityTracker();
  const clientStats = new ClientStats();
  const events = stats.events;
  return {
    clock,
    stats,
    integrity,
    clientStats,
    settings,
    newEngine(workload, rate, sharedRunTag) {
      const { lateAfterMs, ...engine } = o.engine;
      return new LoadEngine({
        ...engine,
        sharedRunTag,
        driverFactory,
        driverOptions: o.driverOptions,
        settings,
        workload,
        clock,
        stats,
        initialRate: rate,
        onClientStats: (i, s) => clientStats.update(i, s),
        integrity: {
          lateAfterMs,
          onFailure: integrity.onFailure,
          onIntegrity: integrity.onIntegrity,
          onAbandoned: integrity.onAbandoned,
        },
        onProducerRestart: (reason) => {
          events.countRestart('producer');
          events.noteError(`producer client failed (${reason}); replacing it`);
        },
        onProducerProcessRestart: (reason) => {
          events.countRestart('producer');
          events.noteError(`${reason}; restarting`);
        },
        onConsumerRestart: (reason) => {
          events.countRestart('consumer');
          events.noteError(`consumer process ${reason}; restarting`);
        },
        onClientError: (err) => events.noteError(err.message),
        log: o.log,
      });
    },
    newAdmin(options) {
      return driverFactory.create(settings, options ?? o.driverOptions).admin();
    },
    newCollector(workload) {
      return new ResultCollector({
        workload: workload.name,
        driver: driverFile.name,
        messageSize: workload.messageSize,
        topics: workload.topics,
        partitions: workload.partitionsPerTopic,
        producersPerTopic: workload.producersPerTopic,
        consumersPerTopic: workload.consumerPerSubscription,
        soakbenchVersion: VERSION,
      });
    },
  };
}
