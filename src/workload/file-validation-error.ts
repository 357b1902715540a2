import { type ErrorCode, SoakbenchError } from '../errors.js';

/**
 * Every problem found in one file, thrown at once so the user fixes them in one pass. Its message lists
 * them one per line (each already "<file>: <field>: expected X, found Y"); `errors` keeps them apart for
 * callers that render them (HTTP 400 bodies, `soakbench validate`). With a single problem, `field`,
 * `expected` and `found` are that problem's.
 */
export class FileValidationError extends SoakbenchError {
  readonly errors: readonly SoakbenchError[];

  constructor(code: ErrorCode, file: string, errors: readonly SoakbenchError[]) {
    const only = errors.length === 1 ? errors[0] : undefined;
    super(code, errors.map((e) => e.message).join('\n'), {
      file,
      field: only?.field,
      expected: only?.expected,
      found: only?.found,
    });
    this.name = 'FileValidationError';
    this.errors = Object.freeze([...errors]);
  }
}

/** The problems inside an error: its list if it is a FileValidationError, else the error itself. */
export function problemsOf(err: SoakbenchError): readonly SoakbenchError[] {
  return err instanceof FileValidationError ? err.errors : [err];
}

/**
 * Like invalid(), but `found` is already worded ("an unknown field", "a hidden value", "x.data: 100
 * bytes") instead of a value to quote.
 */
export function invalidWorded(
  code: 'INVALID_WORKLOAD' | 'INVALID_DRIVER',
  where: { file: string; field: string },
  expected: string,
  found: string,
): SoakbenchError {
  return new SoakbenchError(code, `${where.file}: ${where.field}: expected ${expected}, found ${found}`, {
    file: where.file,
    field: where.field,
    expected,
    found,
  });
}
