// Writes the generated dashboards and docs/dashboards.md into the repository this file was built from.
// Run after changing tools/dashboards/: npx tsc -p tsconfig.json && node dist/tools/dashboards/gen-dashboards.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generated-files.js';

// dist/tools/dashboards/ -> repository root
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
for (const file of generatedFiles()) {
  const target = join(root, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  process.stdout.write(`wrote ${file.path}\n`);
}
