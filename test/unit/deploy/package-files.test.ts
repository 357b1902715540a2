/**
 * The npm package holds what the CLI needs to run and nothing else: `files` in package.json, checked
 * against `npm pack --dry-run` (the list npm itself would pack). Without `files`, npm falls back to
 * .gitignore, which leaves dist/ out: the installed bin would import a dist/src/main.js that is not there.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, repoPath } from './repo-root.js';

const run = promisify(execFile);

/** Every file under `dir` (relative to the repository root). */
function filesUnder(dir: string): string[] {
  return readdirSync(repoPath(dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
}

/** Relative module specifiers a compiled file loads: static and dynamic imports, new URL(…, import.meta.url). */
function relativeLoads(text: string): string[] {
  const out: string[] = [];
  for (const re of [
    /\bfrom\s+'(\.{1,2}\/[^']+)'/g,
    /\bimport\s*\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
    /\bimport\s+'(\.{1,2}\/[^']+)'/g,
    /new URL\(\s*'(\.{1,2}\/[^']+\.js)'\s*,\s*import\.meta\.url\s*\)/g,
  ]) {
    for (const m of text.matchAll(re)) out.push(m[1]!);
  }
  return out;
}

describe('npm package contents (package.json files)', () => {
  let packed: Set<string>;
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
    name: string;
    bin: Record<string, string>;
    files?: string[];
    private?: boolean;
  };

  before(async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    const [report] = JSON.parse(stdout) as { files: { path: string }[] }[];
    packed = new Set(report!.files.map((f) => f.path));
  });

  test('publishable: not private, with a files list', () => {
    assert.notEqual(pkg.private, true);
    assert.ok(Array.isArray(pkg.files) && pkg.files.length > 0, 'a files list');
  });

  test('the bin, every compiled module of dist/src, the shipped config files and the README are packed', () => {
    for (const target of Object.values(pkg.bin)) assert.ok(packed.has(normalize(target)), `bin ${target}`);
    const compiled = filesUnder('dist/src').filter((f) => f.endsWith('.js'));
    assert.ok(compiled.includes('dist/src/main.js'), 'the build ran (dist/src/main.js)');
    for (const f of compiled) assert.ok(packed.has(f), `${f} is packed`);
    // The daemon's defaults (src/config/daemon-config.ts) are read from config/ beside dist/.
    for (const f of filesUnder('config')) assert.ok(packed.has(f), `${f} is packed`);
    assert.ok(packed.has('README.md'));
    assert.ok(packed.has('package.json'), 'src/version.ts reads the version from it');
    if (existsSync(repoPath('LICENSE'))) assert.ok(packed.has('LICENSE'));
  });

  test('only what runs: no sources, tests, benches, scripts, source maps or repo tooling', () => {
    const allowed = /^(bin\/|dist\/src\/.*\.js$|config\/|README\.md$|LICENSE$|package\.json$)/;
    const extra = [...packed].filter((f) => !allowed.test(f));
    assert.deepEqual(extra, [], 'files outside the list');
  });

  test('every module a packed file loads by a relative path is packed too', () => {
    const missing: string[] = [];
    for (const file of packed) {
      if (!file.endsWith('.js')) continue;
      for (const spec of relativeLoads(readFileSync(repoPath(file), 'utf8'))) {
        const target = normalize(join(dirname(file), spec));
        if (!packed.has(target)) missing.push(`${file} → ${spec}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
