import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { repoPath } from './repo-root.js';

// Static checks only: no Docker engine runs where the tests run, so the image is never built here.

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(readFileSync(repoPath('Dockerfile'), 'utf8'));
const stageStarts = all.flatMap((ins, index) => (ins.keyword === 'FROM' ? [index] : []));
const stages = stageStarts.map((start, i) => all.slice(start, stageStarts[i + 1]));
const build = stages[0]!;
const final = stages.at(-1)!;
const runs = (stage: Instruction[]) => stage.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const only = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword);

const BUILD_PACKAGES = [
  'libssl-dev',
  'libsasl2-dev',
  'zlib1g-dev',
  'libzstd-dev',
  'liblz4-dev',
  'libcurl4-openssl-dev',
  'pkg-config',
  'python3',
  'make',
  'g++',
];
const RUNTIME_PACKAGES = ['libssl3', 'libsasl2-2', 'zlib1g', 'libzstd1', 'liblz4-1', 'libcurl4'];

describe('Dockerfile', () => {
  test('is multi-stage on a pinned Node.js LTS bookworm-slim image', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const stage of stages) {
      const image = stage[0]!.args.split(/\s+/)[0]!;
      assert.match(image, /^node:(22|24)-bookworm-slim$/, `base image ${image}`);
    }
    assert.match(build[0]!.args, /\sAS\s+build$/i, 'the build stage is named');
  });

  test('the build stage installs the -dev packages, then npm ci (dynamic linking), build, prune, prune-runtime', () => {
    const commands = runs(build).join(' && ');
    for (const pkg of BUILD_PACKAGES) {
      assert.ok(commands.split(/\s+/).includes(pkg), `build stage does not install ${pkg}`);
    }
    const order = [
      'CKJS_LINKING=dynamic npm ci',
      'npm run build',
      'npm prune --omit=dev',
      'sh scripts/prune-runtime.sh node_modules',
    ].map((step) => commands.indexOf(step));
    assert.ok(
      order.every((at) => at >= 0),
      `missing step: ${order}`,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'steps out of order',
    );
  });

  test('the final stage installs only runtime libraries and copies the build output', () => {
    const words = runs(final).join(' ').split(/\s+/);
    for (const pkg of RUNTIME_PACKAGES) assert.ok(words.includes(pkg), `final stage lacks ${pkg}`);
    for (const word of words) {
      assert.ok(
        !/-dev$/.test(word) && !['g++', 'make', 'python3', 'gcc'].includes(word),
        `final stage installs ${word}`,
      );
    }
    assert.ok(
      only(final, 'COPY').some((c) => c.args.includes('--from=build') && c.args.includes('node_modules')),
    );
    assert.ok(only(final, 'COPY').some((c) => c.args.includes('--from=build') && c.args.includes('dist')));
  });

  test('the build stage has scripts/prune-runtime.sh before it runs it (the script the tests run)', () => {
    const copyAt = build.findIndex(
      (i) => i.keyword === 'COPY' && i.args.split(/\s+/).includes('scripts/prune-runtime.sh'),
    );
    const runAt = build.findIndex((i) => i.keyword === 'RUN' && i.args.includes('scripts/prune-runtime.sh'));
    assert.ok(copyAt >= 0 && runAt > copyAt, `COPY at ${copyAt}, RUN at ${runAt}`);
  });

  test('the image holds no tools (simulator, dashboard generator), tests or benchmarks', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
    for (const dir of ['tools', 'test', 'bench'])
      assert.ok(ignored.includes(dir), `.dockerignore lacks ${dir}`);
    for (const copy of only(final, 'COPY')) {
      const sources = copy.args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) {
        assert.ok(!/^(\/app\/)?(tools|test|bench)\b|dist\/?$|dist\/(tools|test|bench)/.test(source), source);
      }
    }
  });

  test('runs as a non-root user', () => {
    const users = only(final, 'USER');
    assert.ok(users.length > 0, 'no USER in the final stage');
    const user = users.at(-1)!.args.split(':')[0]!;
    assert.ok(!['root', '0'].includes(user), `USER ${user}`);
  });

  test('exec-form ENTRYPOINT node dist/src/main.js with CMD daemon, so signals reach node', () => {
    assert.deepEqual(JSON.parse(only(final, 'ENTRYPOINT').at(-1)!.args), ['node', 'dist/src/main.js']);
    assert.deepEqual(JSON.parse(only(final, 'CMD').at(-1)!.args), ['daemon']);
  });

  test('HEALTHCHECK asks /readyz with node (no curl in slim images)', () => {
    const check = only(final, 'HEALTHCHECK').at(-1);
    assert.ok(check !== undefined, 'no HEALTHCHECK');
    const exec = JSON.parse(check.args.slice(check.args.indexOf('CMD ') + 4)) as string[];
    assert.deepEqual(exec.slice(0, 2), ['node', '-e']);
    assert.ok(exec[2]!.includes('/readyz'));
  });

  test('every COPY source from the context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const required of ['node_modules', 'dist', '.git']) assert.ok(ignored.includes(required), required);
    for (const copy of only(all, 'COPY').filter((c) => !c.args.includes('--from='))) {
      const sources = copy.args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(repoPath(source)), `COPY ${source}: not in the repository`);
        assert.ok(!ignored.includes(source), `COPY ${source}: excluded by .dockerignore`);
      }
    }
  });
});
