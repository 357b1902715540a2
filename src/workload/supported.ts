import { SoakbenchError } from '../errors.js';
import type { Workload } from './workload.js';

/** Workload features that validate (OMB files use them) but this version cannot run yet. */
export function refuseUnsupported(w: Workload, file: string): void {
  if (w.consumerBacklogSizeGB > 0) {
    throw new SoakbenchError(
      'INVALID_WORKLOAD',
      `${file}: consumerBacklogSizeGB (OMB's backlog mode) is not supported yet; set it to 0`,
      { file, field: 'consumerBacklogSizeGB' },
    );
  }
}
