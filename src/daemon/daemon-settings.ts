import type { Clock } from '../clock.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import type { DriverFactory } from '../driver/driver.js';
import type { Logger } from '../log/logger.js';
import { LATENCY_BUCKETS_US } from '../metrics/daemon-metrics.js';
import type { ControllerSettings } from '../rate/controller/controller-settings.js';
import type { SessionGraphOptions } from '../session/session-graph.js';
import type { DriverFile } from '../workload/driver-file.js';
import type { Workload } from '../workload/workload.js';

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
    driverOptions: {
      connectTimeoutMs: config.kafka.connectTimeoutMs,
      operationTimeoutMs: Math.max(config.kafka.connectTimeoutMs, 15_000),
    },
    engine: {
      cleanupTopics: config.topics.cleanup,
      maxInFlight: config.generator.maxInFlight,
      producerClients: config.generator.producerClients,
      consumerProcesses: config.generator.consumerProcesses,
      connectTimeoutMs: config.kafka.connectTimeoutMs,
      statisticsIntervalMs: config.kafka.statisticsIntervalMs,
      lateAfterMs: config.integrity.lateAfterMs,
    },
    log: (event, fields) => log.info({ ...fields }, event),
  };
}

/** The controller of a daemon: fixed at the workload's rate, or adaptive for producerRate 0. */
export function daemonControllerSettings(
  config: DaemonConfig,
  workload: Workload,
): Partial<ControllerSettings> {
  const c = config.controller;
  const adaptive = workload.producerRate === 0;
  return {
    mode: adaptive ? 'adaptive' : 'fixed',
    fixedRate: adaptive ? 1_000 : workload.producerRate,
    p99TargetMs: c.p99TargetMs,
    maxErrorRate: c.maxErrorRate,
    minRate: c.minRate,
    maxRate: c.maxRate,
    intervalMs: c.intervalMs,
  };
}
