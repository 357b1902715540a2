import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { type DaemonConfig, loadDaemonConfig, redactedConfig } from '../config/daemon-config.js';
import { Daemon } from '../daemon/daemon.js';
import type { DriverFactory } from '../driver/driver.js';
import { SoakbenchError } from '../errors.js';
import { FleetDaemon } from '../fleet/fleet-daemon.js';
import { createLogger, type Logger, type LogLevel } from '../log/logger.js';
import { enableHdrWebAssembly } from '../stats/histogram-factory.js';
import { refuseUnsupported } from '../workload/supported.js';
import { loadWorkloadFile } from '../workload/workload-parser.js';
import { loadDriver } from './load-files.js';

export interface DaemonFlags {
  config?: string;
  driver?: string;
  workload?: string;
  httpHost?: string;
  httpPort?: number;
  bootstrapServers?: string;
  logLevel?: string;
  producerProcesses?: number;
  fleet?: string;
}

/** What `soakbench daemon` starts and stops: a daemon, or a fleet member in front of one. */
export interface DaemonProcess {
  start(): Promise<void>;
  stop(deadlineMs: number): Promise<Record<string, unknown>>;
  readonly port: number;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Loads and checks everything a daemon needs; throws user errors (exit 2) before anything starts. */
export function prepareDaemon(
  flags: DaemonFlags,
  env: Record<string, string | undefined>,
  driverFactory: DriverFactory,
): { config: DaemonConfig; log: Logger; daemon: DaemonProcess } {
  const config = loadDaemonConfig({
    file: flags.config,
    env,
    overrides: {
      driver: flags.driver,
      workload: flags.workload,
      'http.host': flags.httpHost,
      'http.port': flags.httpPort,
      'kafka.bootstrapServers': flags.bootstrapServers,
      'log.level': flags.logLevel,
      'engine.producerProcesses': flags.producerProcesses,
      'fleet.name': flags.fleet,
    },
  });
  if (!isLoopback(config.http.host) && !config.api.token && !config.http.allowUnauthenticated) {
    throw new SoakbenchError(
      'INVALID_CONFIG',
      `http.host ${config.http.host} is reachable from other machines: set api.token (SOAKBENCH_API_TOKEN), or http.allowUnauthenticated=true if an open control API is intended`,
      { field: 'http.host' },
    );
  }
  const driverFile = loadDriver(config.driver, config.kafka.bootstrapServers || undefined);
  const workload = loadWorkloadFile(config.workload);
  refuseUnsupported(workload, config.workload);
  const log = createLogger({ level: config.log.level as LogLevel });
  for (const warning of driverFile.warnings) log.warn({ file: config.driver }, warning);
  log.info({ config: redactedConfig(config) }, 'configuration');
  if (config.fleet.name !== '') {
    const fleet = new FleetDaemon({
      config,
      driverFile,
      driverFactory,
      workload,
      workloadText: readFileSync(config.workload, 'utf8'),
      workloadDir: dirname(resolve(config.workload)),
      log,
    });
    return { config, log, daemon: fleet };
  }
  const daemon = new Daemon({
    config,
    driverFile,
    driverFactory,
    workload,
    workloadDir: dirname(resolve(config.workload)),
    log,
  });
  return { config, log, daemon };
}

/** Loads the HdrHistogram WebAssembly build before the first histogram is made. */
export async function prepareRuntime(): Promise<void> {
  await enableHdrWebAssembly();
}
