import assert from 'node:assert/strict';
import type { SoakbenchError } from '../../../src/errors.js';
import { FileValidationError } from '../../../src/workload/file-validation-error.js';

/** What one reported problem must say. */
export interface ExpectedProblem {
  readonly field: string;
  /** Substring of `expected`. */
  readonly expected: string;
  /** Substring of `found`. */
  readonly found: string;
}

/**
 * Runs `fn`, which must throw a FileValidationError for `file` with `code` containing each expected
 * problem; each problem's message must name the file, the field, what was expected and what was found.
 * Returns all problems reported.
 */
export function expectProblems(
  fn: () => unknown,
  file: string,
  code: string,
  expected: readonly ExpectedProblem[],
): readonly SoakbenchError[] {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof FileValidationError, `expected a FileValidationError, got ${String(thrown)}`);
  assert.equal(thrown.code, code);
  assert.equal(thrown.file, file);
  for (const want of expected) {
    const match: SoakbenchError | undefined = thrown.errors.find(
      (e) => e.field === want.field && e.expected?.includes(want.expected) && e.found?.includes(want.found),
    );
    assert.ok(
      match !== undefined,
      `no problem like ${JSON.stringify(want)} among:\n${thrown.errors.map((e) => e.message).join('\n')}`,
    );
    assert.equal(match.file, file);
    for (const part of [file, want.field, want.expected, want.found]) {
      assert.ok(match.message.includes(part), `"${match.message}" does not mention ${part}`);
    }
    // The combined message lists every problem, one per line.
    assert.ok(thrown.message.split('\n').includes(match.message));
  }
  return thrown.errors;
}
