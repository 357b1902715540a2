/**
 * soakbench as a user gets it: the packed tarball, installed as node_modules/soakbench, answers
 * --version with soakbench's version and validates its shipped files; and `npx soakbench --version`
 * in the repository runs this package's bin (not npm's --version).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { describeOutput, REPO_ROOT } from '../../helpers/cli.js';

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

/** Runs a command to its end (bounded); its exit code and output, never a rejection. */
async function outcome(
  file: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('soakbench installed from its npm tarball', () => {
  // Inside the repository (.run/ is git-ignored), so the installed copy finds the dependencies in the
  // repository's node_modules as an installed package finds them in its project's.
  mkdirSync(join(REPO_ROOT, '.run'), { recursive: true });
  const project = mkdtempSync(join(REPO_ROOT, '.run', 'installed-'));
  const installed = join(project, 'node_modules', 'soakbench');
  after(() => rmSync(project, { recursive: true, force: true }));

  before(async () => {
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', project],
      {
        cwd: REPO_ROOT,
        timeout: 60_000,
      },
    );
    const filename = (JSON.parse(stdout) as { filename: string }[])[0]!.filename;
    mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', join(project, filename), '-C', installed, '--strip-components=1'], {
      timeout: 60_000,
    });
  });

  test("its bin prints soakbench's version", async () => {
    const r = await outcome(process.execPath, [join(installed, 'bin', 'soakbench.js'), '--version'], project);
    assert.equal(r.code, 0, describeOutput(r.stdout, r.stderr));
    assert.equal(r.stdout.trim(), version);
  });

  test('it validates its own shipped driver and workloads', async () => {
    const workloads = ['default.yaml', 'smoke.yaml', 'max-rate.yaml'].map((w) =>
      join(installed, 'config', 'workloads', w),
    );
    const args = [
      'validate',
      '--driver',
      join(installed, 'config', 'drivers', 'kafka-local.yaml'),
      ...workloads,
    ];
    const r = await outcome(process.execPath, [join(installed, 'bin', 'soakbench.js'), ...args], project);
    assert.equal(r.code, 0, describeOutput(r.stdout, r.stderr));
    assert.match(r.stdout, /^4 file\(s\) valid$/m);
  });
});

describe('npx soakbench in the repository', () => {
  test("npx soakbench --version: soakbench's version, not npm's", async () => {
    const npm = (await outcome('npm', ['--version'], REPO_ROOT)).stdout.trim();
    const r = await outcome('npx', ['--no-install', 'soakbench', '--version'], REPO_ROOT);
    assert.equal(r.code, 0, describeOutput(r.stdout, r.stderr));
    assert.equal(r.stdout.trim(), version, `npm is ${npm}`);
  });

  test("npm exec -- soakbench --version (the -- keeps npm from taking --version): soakbench's version", async () => {
    const r = await outcome('npm', ['exec', '--no-install', '--', 'soakbench', '--version'], REPO_ROOT);
    assert.equal(r.code, 0, describeOutput(r.stdout, r.stderr));
    assert.equal(r.stdout.trim(), version);
  });
});
