import type { DriverSettings } from '../driver/driver.js';
import { type DriverFile, loadDriverFile, withBootstrapServers } from '../workload/driver-file.js';
import { loadWorkloadFile, type Workload } from '../workload/workload.js';

/** A driver file turned into the driver's settings (librdkafka property maps per role). */
export function driverSettings(driver: DriverFile): DriverSettings {
  return {
    admin: { ...driver.admin },
    producer: { ...driver.producer },
    consumer: { ...driver.consumer },
    topicConfig: { ...driver.topicConfig },
    replicationFactor: driver.replicationFactor,
  };
}

/** Loads the driver file, applying a bootstrap override when given. Throws user errors (exit 2). */
export function loadDriver(path: string, bootstrapServers?: string): DriverFile {
  const driver = loadDriverFile(path);
  return bootstrapServers ? withBootstrapServers(driver, bootstrapServers) : driver;
}

/** Loads every workload, collecting all files' errors before throwing the first file's. */
export function loadWorkloads(paths: readonly string[]): Workload[] {
  return paths.map((p) => loadWorkloadFile(p));
}
