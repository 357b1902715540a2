import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from the compiled test's location (dist/test/unit/deploy/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** An absolute path for a path relative to the repository root. */
export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}
