import { SoakbenchError } from '../errors.js';
import type { Workload } from './workload.js';

/**
 * Workload features the daemon does not take in a workload file. `run` supports them all (OMB's
 * backlog mode runs after warm-up there, src/commands/run-backlog.ts); a soak has no warm-up-then-test
 * shape, so the daemon builds and drains a backlog on request instead (`POST /backlog`).
 */
export function refuseUnsupported(w: Workload, file: string): void {
  if (w.consumerBacklogSizeGB > 0) {
    throw new SoakbenchError(
      'INVALID_WORKLOAD',
      `${file}: consumerBacklogSizeGB (OMB's backlog mode) is for \`soakbench run\`; the daemon builds a backlog on request with POST /backlog {"sizeGB": ${w.consumerBacklogSizeGB}}: set it to 0 here`,
      { file, field: 'consumerBacklogSizeGB' },
    );
  }
}
