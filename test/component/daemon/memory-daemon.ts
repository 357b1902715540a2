/**
 * A Daemon in this process on the in-memory driver (src/driver/memory/): its own named memory broker,
 * its HTTP API on a free port, a recording logger. For component tests of the daemon's logic only.
 */
import { type Clock, type Scheduler, systemClock } from '../../../src/clock.js';
import { loadDaemonConfig } from '../../../src/config/daemon-config.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { memoryDriverFactory } from '../../../src/driver/driver-factories.js';
import { type MemoryBroker, memoryBroker } from '../../../src/driver/memory/memory-broker.js';
import { FleetDaemon } from '../../../src/fleet/fleet-daemon.js';
import type { ControllerSettings } from '../../../src/rate/controller/controller-settings.js';
import { loadDriverFile, withBootstrapServers } from '../../../src/workload/driver-file.js';
import type { Workload } from '../../../src/workload/workload.js';
import { parseWorkloadText } from '../../../src/workload/workload-parser.js';
import { daemonWorkload, LOCAL_DRIVER, REPO_ROOT } from '../../helpers/daemon.js';
import { type HttpAnswer, httpRequest, type RequestOptions } from '../../helpers/http.js';
import { uniqueName } from '../../helpers/kafka.js';
import { type LogRecord, recordingLogger } from '../../helpers/recording-logger.js';

export interface MemoryDaemon {
  daemon: Daemon;
  broker: MemoryBroker;
  /** The workload's topic prefix (unique per daemon). */
  prefix: string;
  lines: LogRecord[];
  request(method: string, path: string, o?: RequestOptions): Promise<HttpAnswer>;
  /** Workload fields for PUT /workload (a new unique prefix unless given). */
  workload(overrides?: Record<string, unknown>): Workload;
  /** Stops the daemon as a signal would (once). */
  stop(deadlineMs: number): Promise<Record<string, unknown>>;
  /** Stops the daemon (if still running) and closes the broker. */
  close(): Promise<void>;
}

export interface MemoryDaemonOptions {
  label: string;
  /** Workload fields over daemonWorkload's (one topic, one subscription). */
  workload?: Record<string, unknown>;
  /** Daemon settings by dotted key. */
  config?: Record<string, unknown>;
  /** Time from send to ack on the memory broker. */
  ackDelayMs?: number;
  /** Whether the broker is down when the daemon starts. */
  brokerDown?: boolean;
  clock?: Clock;
  scheduler?: Scheduler;
}

export function workloadOf(prefix: string, overrides: Record<string, unknown> = {}): Workload {
  const fields = daemonWorkload(prefix, { producerRate: 200, ...overrides });
  return parseWorkloadText(JSON.stringify(fields), 'test workload', { baseDir: REPO_ROOT });
}

export async function startMemoryDaemon(o: MemoryDaemonOptions): Promise<MemoryDaemon> {
  const prefix = uniqueName(o.label);
  const brokerName = `memory-${prefix}`;
  const broker = memoryBroker(brokerName, { ackDelayMs: o.ackDelayMs ?? 0, clock: o.clock });
  if (o.brokerDown) broker.down();
  const config = loadDaemonConfig({
    env: {},
    overrides: { 'http.port': 0, 'log.statsIntervalMs': 1_000, ...o.config },
  });
  const log = recordingLogger();
  const daemon = new Daemon({
    config,
    driverFile: withBootstrapServers(loadDriverFile(LOCAL_DRIVER), brokerName),
    driverFactory: memoryDriverFactory,
    workload: workloadOf(prefix, o.workload),
    workloadDir: REPO_ROOT,
    log,
    clock: o.clock ?? systemClock,
    scheduler: o.scheduler,
  });
  await daemon.start();
  let stopped = false;
  const baseUrl = `http://127.0.0.1:${daemon.port}`;
  return {
    daemon,
    broker,
    prefix,
    lines: log.lines,
    request: (method, path, options) =>
      httpRequest(baseUrl, method, path, { contentType: 'application/json', ...options }, 5_000),
    workload: (overrides = {}) => workloadOf(uniqueName(`${o.label}-next`), overrides),
    stop(deadlineMs) {
      stopped = true;
      return daemon.stop(deadlineMs);
    },
    async close() {
      if (!stopped) {
        stopped = true;
        await daemon.stop(5_000).catch(() => {});
      }
      broker.close();
    },
  };
}

/** A member of `fleet` on the memory broker named after the fleet, not started; `config`: settings by dotted key. */
export function fleetMember(
  fleet: string,
  id: string,
  workloadText: string,
  config: Record<string, unknown> = {},
  controllerSettings?: Partial<ControllerSettings>,
): FleetDaemon {
  return new FleetDaemon({
    config: loadDaemonConfig({
      env: {},
      overrides: { 'http.port': 0, 'fleet.name': fleet, 'fleet.memberId': id, ...config },
    }),
    driverFile: withBootstrapServers(loadDriverFile(LOCAL_DRIVER), `memory-${fleet}`),
    driverFactory: memoryDriverFactory,
    workload: parseWorkloadText(workloadText, 'test workload', { baseDir: REPO_ROOT }),
    workloadText,
    workloadDir: REPO_ROOT,
    log: recordingLogger(),
    controllerSettings,
  });
}

/** A JSON request to a fleet member's HTTP API (5-s bound). */
export function memberRequest(
  member: FleetDaemon,
  method: string,
  path: string,
  body?: string,
): Promise<HttpAnswer> {
  return httpRequest(
    `http://127.0.0.1:${member.port}`,
    method,
    path,
    { contentType: 'application/json', body },
    5_000,
  );
}
