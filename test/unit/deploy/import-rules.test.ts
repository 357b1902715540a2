/**
 * The import rules of `make lint` (.dependency-cruiser.cjs, docs/architecture.md "Seams") can fail: run
 * dependency-cruiser with the repository's configuration on a small fixture tree laid out like src/, with
 * one file breaking each kind of rule and one file that is allowed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoPath } from './repo-root.js';

const DEPCRUISE = repoPath('node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = repoPath('.dependency-cruiser.cjs');

const FIXTURE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
    include: ['src/**/*.ts'],
  }),
  // Allowed: the driver is the one importer of the client.
  'src/driver/kafka/client.ts': "export { KafkaJS } from '@confluentinc/kafka-javascript';\n",
  // Not allowed: the client imported outside src/driver/kafka/.
  'src/worker/leaky-producer.ts':
    "import { KafkaJS } from '@confluentinc/kafka-javascript';\nexport const k = KafkaJS;\n",
  // Not allowed: the Kafka driver imported outside src/driver/.
  'src/api/leaky-route.ts': "export { KafkaJS } from '../driver/kafka/client.js';\n",
  // Not allowed: a cycle between two folders made of type-only imports.
  'src/alpha/a.ts': "import type { B } from '../beta/b.js';\nexport interface A { b?: B }\n",
  'src/beta/b.ts': "import type { A } from '../alpha/a.js';\nexport interface B { a?: A }\n",
};

interface Outcome {
  code: number;
  output: string;
}

function depcruise(cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'],
      { cwd, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

describe('import rules (.dependency-cruiser.cjs)', () => {
  let dir = '';
  let outcome: Outcome = { code: 0, output: '' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soakbench-depcruise-'));
    for (const [path, text] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    // The fixture resolves packages from the repository's node_modules, as src/ does.
    symlinkSync(repoPath('node_modules'), join(dir, 'node_modules'));
    outcome = await depcruise(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('exits non-zero on the fixture', () => {
    assert.notEqual(outcome.code, 0, outcome.output);
  });

  test('a file outside src/driver/kafka/ importing the Kafka client is rejected', () => {
    assert.match(outcome.output, /kafka-client-seam: src\/worker\/leaky-producer\.ts/, outcome.output);
  });

  test('src/driver/kafka/ itself may import the Kafka client', () => {
    assert.doesNotMatch(outcome.output, /kafka-client-seam: src\/driver\/kafka\/client\.ts/, outcome.output);
  });

  test('a file outside src/driver/ importing src/driver/kafka/ is rejected', () => {
    assert.match(outcome.output, /kafka-driver-seam: src\/api\/leaky-route\.ts/, outcome.output);
  });

  test('a folder cycle of type-only imports is rejected', () => {
    assert.match(outcome.output, /no-circular-folders: src\/(alpha|beta)/, outcome.output);
  });
});
