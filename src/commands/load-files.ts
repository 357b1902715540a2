import { type DriverFile, loadDriverFile, withBootstrapServers } from '../workload/driver-file.js';
import type { Workload } from '../workload/workload.js';
import { loadWorkloadFile } from '../workload/workload-parser.js';

/** Loads the driver file, applying a bootstrap override when given. Throws user errors (exit 2). */
export function loadDriver(path: string, bootstrapServers?: string): DriverFile {
  const driver = loadDriverFile(path);
  return bootstrapServers ? withBootstrapServers(driver, bootstrapServers) : driver;
}

/** Loads every workload before anything runs; the first bad file's problems (all of them) are thrown. */
export function loadWorkloads(paths: readonly string[]): Workload[] {
  return paths.map((p) => loadWorkloadFile(p));
}
