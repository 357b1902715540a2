#!/usr/bin/env node
// Runs the compiled tests with node's test runner in one process tree, so the closing summary
// ("ℹ pass N / ℹ fail N") covers every suite.
// Usage: run-tests.mjs SUITE[,SUITE...] [filter...], SUITE one of unit|component|integration|e2e|all
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const suites = {
  unit: ['unit'],
  // Component tests: the engine end to end on the in-memory driver (no broker needed).
  component: ['component'],
  integration: ['integration'],
  e2e: ['e2e'],
  all: ['unit', 'component', 'integration', 'e2e'],
};
const [which = 'all', ...filters] = process.argv.slice(2);
const chosen = which.split(',');
for (const name of chosen) {
  if (!(name in suites)) {
    console.error(`run-tests: unknown suite "${name}"; expected one of ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

function collect(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const files = [...new Set(chosen.flatMap((name) => suites[name]))]
  .flatMap((s) => collect(join('dist', 'test', s)))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found (did `npm run build` run?)');
  process.exit(1);
}
// Integration tests share one broker and spawn daemons: run files one at a time so timings stay honest.
// Unit and component tests need no broker: two files at a time.
const offline = chosen.every((name) => name === 'unit' || name === 'component');
const concurrency = offline ? '2' : '1';
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
