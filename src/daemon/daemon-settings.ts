import type { Clock } from '../clock.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import type { DriverFactory, DriverOptions } from '../driver/driver.js';
import type { Logger } from '../log/logger.js';
import { LATENCY_BUCKETS_US } from '../metrics/daemon-metrics.js';
import type { ControllerSettings } from '../rate/controller/controller-settings.js';
import { RateProfile } from '../rate/rate-profile.js';
import type { SessionGraphOptions } from '../session/session-graph.js';
import type { DriverFile } from '../workload/driver-file.js';
import { findsSustainableRate, type Workload } from '../workload/workload.js';

/** Bounds of every Kafka client a daemon makes: the engines', and a fleet member's own (src/fleet/). */
export function daemonDriverOptions(config: DaemonConfig): DriverOptions {
  return {
    connectTimeoutMs: config.kafka.connectTimeoutMs,
    operationTimeoutMs: Math.max(config.kafka.connectTimeoutMs, 15_000),
  };
}

/** The daemon's configuration as the composition root's options (src/session/session-graph.ts). */
export function daemonGraphOptions(o: {
  config: DaemonConfig;
  driverFactory: DriverFactory;
  driverFile: DriverFile;
  workload: Workload;
  clock: Clock;
  log: Logger;
}): SessionGraphOptions {
  const { config, log } = o;
  return {
    driverFactory: o.driverFactory,
    driverFile: o.driverFile,
    subscriptionsPerTopic: o.workload.subscriptionsPerTopic,
    clock: o.clock,
    // /metrics splits publish latency, response time and send errors by partition leader.
    brokerBucketsUs: LATENCY_BUCKETS_US,
    driverOptions: daemonDriverOptions(config),
    engine: {
      cleanupTopics: config.topics.cleanup,
      maxInFlight: config.generator.maxInFlight,
      producerClients: config.generator.producerClients,
      consumerProcesses: config.generator.consumerProcesses,
      producerProcesses: config.engine.producerProcesses,
      connectTimeoutMs: config.kafka.connectTimeoutMs,
      statisticsIntervalMs: config.kafka.statisticsIntervalMs,
      lateAfterMs: config.integrity.lateAfterMs,
    },
    log: (event, fields) => log.info({ ...fields }, event),
  };
}

/** The fixed rate a workload starts at: producerRate, or its rate profile's rate at t = 0. */
export function startRate(workload: Workload, nowWallMs: number): number {
  const spec = workload.rateProfile;
  return spec === undefined ? workload.producerRate : RateProfile.fromSpec(spec, nowWallMs).rateAt(0);
}

/**
 * The controller of a daemon: fixed at the workload's rate (a profile's start rate: the session then follows
 * the profile), or adaptive for producerRate 0 without a profile.
 */
export function daemonControllerSettings(
  config: DaemonConfig,
  workload: Workload,
): Partial<ControllerSettings> {
  const c = config.controller;
  const adaptive = findsSustainableRate(workload);
  return {
    mode: adaptive ? 'adaptive' : 'fixed',
    fixedRate: adaptive ? 1_000 : startRate(workload, Date.now()),
    p99TargetMs: c.p99TargetMs,
    maxErrorRate: c.maxErrorRate,
    minRate: c.minRate,
    maxRate: c.maxRate,
    intervalMs: c.intervalMs,
    warmupMs: c.warmupMs,
  };
}
