import { isSoakbenchError, type SoakbenchError } from '../errors.js';
import { type DriverFile, loadDriverFile, withBootstrapServers } from '../workload/driver-file.js';
import { FileValidationError, problemsOf } from '../workload/file-validation-error.js';
import { checkAgainstDriver } from '../workload/validate-files.js';
import type { Workload } from '../workload/workload.js';
import { loadWorkloadFile } from '../workload/workload-parser.js';

/** Loads the driver file, applying a bootstrap override when given. Throws user errors (exit 2). */
export function loadDriver(path: string, bootstrapServers?: string): DriverFile {
  const driver = loadDriverFile(path);
  return bootstrapServers ? withBootstrapServers(driver, bootstrapServers) : driver;
}

/** The files of `soakbench run`, all valid. */
export interface RunFiles {
  driver: DriverFile;
  workloads: Workload[];
}

/**
 * Loads the driver file and every workload before anything runs, and checks each workload against the
 * driver and against what `run` supports. Every problem of every file is collected, as
 * `soakbench validate` does (src/workload/validate-files.ts), so one attempt shows all that needs fixing:
 * one problem is thrown as itself, several as one FileValidationError listing them all (exit code 2).
 */
export function loadRunFiles(
  driverPath: string,
  workloadPaths: readonly string[],
  bootstrapServers?: string,
): RunFiles {
  const problems: SoakbenchError[] = [];
  const thrown: SoakbenchError[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!isSoakbenchError(err) || !err.isUserError) throw err;
      thrown.push(err);
      problems.push(...problemsOf(err));
      return undefined;
    }
  };
  const driver = attempt(() => loadDriver(driverPath, bootstrapServers));
  const workloads = workloadPaths.map((path) => {
    const workload = attempt(() => loadWorkloadFile(path));
    if (workload === undefined) return undefined;
    if (driver !== undefined) problems.push(...checkAgainstDriver(workload, path, driver));
    return workload;
  });
  if (problems.length === 1 && thrown.length === 1) throw thrown[0];
  if (problems.length > 0) {
    const files = [...new Set(problems.map((p) => p.file).filter((f) => f !== undefined))];
    throw new FileValidationError(problems[0]!.code, files.join(', '), problems);
  }
  return { driver: driver!, workloads: workloads as Workload[] };
}
