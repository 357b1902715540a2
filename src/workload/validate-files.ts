import { invalid, isSoakbenchError, type SoakbenchError } from '../errors.js';
import { type DriverFile, loadDriverFile } from './driver-file.js';
import { problemsOf } from './file-validation-error.js';
import type { Workload } from './workload.js';
import { loadWorkloadFile } from './workload-parser.js';

/** What `soakbench validate` prints: one line per problem, warnings first. */
export interface ValidateFilesResult {
  readonly ok: boolean;
  readonly warnings: string[];
  readonly errors: string[];
}

/** Options of validateFiles. */
export interface ValidateFilesOptions {
  readonly driverPath?: string;
  readonly workloadPaths: readonly string[];
}

// librdkafka's default message.max.bytes (CONFIGURATION.md).
const LIBRDKAFKA_MESSAGE_MAX_BYTES = 1_000_000;

/**
 * Checks a driver file and workload files without touching Kafka: each file on its own (every problem,
 * not just the first), then each workload against the driver (messages that could never be sent).
 */
export function validateFiles({ driverPath, workloadPaths }: ValidateFilesOptions): ValidateFilesResult {
  const warnings: string[] = [];
  const errors: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!isSoakbenchError(err)) throw err;
      for (const problem of problemsOf(err)) errors.push(problem.message);
      return undefined;
    }
  };
  const driver = driverPath === undefined ? undefined : attempt(() => loadDriverFile(driverPath));
  if (driver !== undefined) for (const w of driver.warnings) warnings.push(`${driver.file}: ${w}`);
  for (const path of workloadPaths) {
    const workload = attempt(() => loadWorkloadFile(path));
    if (workload === undefined) continue;
    if (workload.useRandomizedPayloads && workload.payloadFile !== undefined) {
      warnings.push(`${path}: payloadFile is ignored because useRandomizedPayloads is true (as in OMB)`);
    }
    if (driver !== undefined)
      for (const e of checkAgainstDriver(workload, path, driver)) errors.push(e.message);
  }
  return { ok: errors.length === 0, warnings, errors };
}

/** Problems that only show when a workload meets a driver. */
export function checkAgainstDriver(workload: Workload, file: string, driver: DriverFile): SoakbenchError[] {
  const problems: SoakbenchError[] = [];
  const producerMax = Number(driver.producer['message.max.bytes'] ?? LIBRDKAFKA_MESSAGE_MAX_BYTES);
  if (workload.messageSize > producerMax) {
    problems.push(
      invalid(
        'INVALID_WORKLOAD',
        { file, field: 'messageSize' },
        `at most ${producerMax} bytes (the producer's message.max.bytes in ${driver.file})`,
        workload.messageSize,
      ),
    );
  }
  const topicMax = driver.topicConfig['max.message.bytes'];
  if (
    topicMax !== undefined &&
    workload.existingTopics === undefined &&
    workload.messageSize > Number(topicMax)
  ) {
    problems.push(
      invalid(
        'INVALID_WORKLOAD',
        { file, field: 'messageSize' },
        `at most ${topicMax} bytes (topicConfig max.message.bytes in ${driver.file})`,
        workload.messageSize,
      ),
    );
  }
  return problems;
}
