import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/unit/workload/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** OMB's own files: shared/omb beside the work tree (CI lays shared/ beside its clone the same way). */
export const OMB_DIR = process.env.SOAKBENCH_OMB_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'omb');

/** A temporary directory with the given files; returns its path and a cleanup function. */
export function tempFiles(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-workload-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
