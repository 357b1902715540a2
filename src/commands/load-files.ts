import type { DriverSettings } from '../driver/driver.js';
import { type DriverFile, loadDriverFile, withBootstrapServers } from '../workload/driver-file.js';
import type { Workload } from '../workload/workload.js';
import { loadWorkloadFile } from '../workload/workload-parser.js';

/**
 * librdkafka defaults soakbench changes unless the driver file sets them: reconnect attempts back off
 * up to 10 s (+50 % jitter) by default, so after a broker restart producing could resume ~15 s late;
 * the Java client's reconnect.backoff.max.ms is 1 s.
 */
const CLIENT_DEFAULTS: Readonly<Record<string, string>> = { 'reconnect.backoff.max.ms': '1000' };

/** A driver file turned into the driver's settings (librdkafka property maps per role). */
export function driverSettings(driver: DriverFile): DriverSettings {
  return {
    admin: { ...CLIENT_DEFAULTS, ...driver.admin },
    producer: { ...CLIENT_DEFAULTS, ...driver.producer },
    consumer: { ...CLIENT_DEFAULTS, ...driver.consumer },
    topicConfig: { ...driver.topicConfig },
    replicationFactor: driver.replicationFactor,
  };
}

/** Loads the driver file, applying a bootstrap override when given. Throws user errors (exit 2). */
export function loadDriver(path: string, bootstrapServers?: string): DriverFile {
  const driver = loadDriverFile(path);
  return bootstrapServers ? withBootstrapServers(driver, bootstrapServers) : driver;
}

/** Loads every workload before anything runs; the first bad file's problems (all of them) are thrown. */
export function loadWorkloads(paths: readonly string[]): Workload[] {
  return paths.map((p) => loadWorkloadFile(p));
}
