import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { generatedFiles } from '../../../tools/dashboards/generated-files.js';
import { repoPath } from './repo-root.js';

describe('generated dashboards', () => {
  test('the committed dashboard JSON and docs/dashboards.md are exactly what tools/dashboards/ generates', () => {
    for (const file of generatedFiles()) {
      const path = repoPath(file.path);
      assert.ok(
        existsSync(path),
        `${file.path} is missing: run node dist/tools/dashboards/gen-dashboards.js`,
      );
      assert.equal(
        readFileSync(path, 'utf8'),
        file.content,
        `${file.path} differs from the generator's output: run node dist/tools/dashboards/gen-dashboards.js`,
      );
    }
  });

  test('every dashboard under grafana/dashboards/ comes from the generator', () => {
    const generated = new Set(generatedFiles().map((file) => file.path));
    const committed = readdirSync(repoPath('grafana', 'dashboards')).map(
      (name) => `grafana/dashboards/${name}`,
    );
    assert.deepEqual(
      committed.filter((path) => !generated.has(path)),
      [],
      'hand-written dashboards would escape the checks',
    );
  });
});
