import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Where a payloadFile was found, or every place that was tried. */
export interface PayloadPathResult {
  readonly path: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly tried: readonly string[];
}

/**
 * Finds a workload's payloadFile. OMB resolves it against the working directory of the benchmark,
 * which is the repository root: its workloads say `payload/payload-1Kb.data` from workloads/. So a
 * relative path is looked up in the workload file's directory first, then in each parent directory.
 */
export function resolvePayloadPath(payloadFile: string, baseDir: string): PayloadPathResult {
  const candidates: string[] = [];
  if (isAbsolute(payloadFile)) {
    candidates.push(payloadFile);
  } else {
    let dir = resolve(baseDir);
    for (;;) {
      candidates.push(join(dir, payloadFile));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (const candidate of candidates) {
    const stat = statSync(candidate, { throwIfNoEntry: false });
    if (stat?.isFile()) return { path: candidate, sizeBytes: stat.size, tried: candidates };
  }
  return { path: undefined, sizeBytes: undefined, tried: candidates };
}
