import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, repoPath } from '../../unit/deploy/repo-root.js';
import { PROMTOOL_BIN } from './prometheus-server.js';

const run = promisify(execFile);

/** Runs promtool from the repository root; a non-zero exit rejects with its output. */
async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(PROMTOOL_BIN, args, { cwd: REPO_ROOT, timeout: 60_000 });
    return stdout + stderr;
  } catch (err) {
    const {
      stdout = '',
      stderr = '',
      message,
    } = err as { stdout?: string; stderr?: string; message: string };
    assert.fail(`promtool ${args.join(' ')} failed: ${message}\n${stdout}${stderr}`);
  }
}

const files = (dir: string) =>
  readdirSync(repoPath(dir))
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => `${dir}/${name}`);

describe('promtool', () => {
  test('check config: the shipped prometheus.yml and the rule files it loads are valid', async () => {
    const output = await promtool('check', 'config', 'prometheus/prometheus.yml');
    assert.match(output, /SUCCESS: 2 rule files found/);
  });

  test('check rules: every rule file is valid', async () => {
    const ruleFiles = files('prometheus/rules');
    assert.ok(ruleFiles.length >= 2);
    const output = await promtool('check', 'rules', ...ruleFiles);
    assert.equal(output.match(/SUCCESS/g)?.length, ruleFiles.length, output);
  });

  test('test rules: the alert and recording rule unit tests pass', async () => {
    const testFiles = files('prometheus/tests');
    assert.ok(testFiles.length >= 1);
    const output = await promtool('test', 'rules', ...testFiles);
    assert.equal(output.match(/SUCCESS/g)?.length, testFiles.length, output);
  });
});
