/**
 * The project's one error type. Callers branch on `code`, never on `message`.
 * One place (src/api/error-mapper.ts) maps codes to HTTP statuses; src/main.ts maps them to exit codes.
 */
export type ErrorCode =
  // user input: files, flags, HTTP bodies (exit code 2 / HTTP 400)
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'INVALID_WORKLOAD'
  | 'INVALID_DRIVER'
  | 'FILE_NOT_FOUND'
  // state conflicts (HTTP 409)
  | 'CONFLICT'
  | 'UNAUTHORIZED'
  // Kafka and runtime (exit code 1 / HTTP 5xx)
  | 'KAFKA_UNREACHABLE'
  | 'KAFKA_TIMEOUT'
  | 'KAFKA_TOPIC_EXISTS'
  | 'KAFKA_UNKNOWN_TOPIC'
  | 'KAFKA_QUEUE_FULL'
  | 'KAFKA_AUTH'
  | 'KAFKA_MESSAGE_TOO_LARGE'
  | 'KAFKA_ERROR'
  | 'CLOSED'
  | 'INTERNAL';

/** Codes that mean "the user gave us something wrong": exit code 2, HTTP 400. */
export const USER_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  'INVALID_ARGUMENT',
  'INVALID_CONFIG',
  'INVALID_WORKLOAD',
  'INVALID_DRIVER',
  'FILE_NOT_FOUND',
]);

export interface SoakbenchErrorDetails {
  /** The underlying error (client error, parse error). */
  cause?: unknown;
  /** True when the same operation may succeed if tried again later. */
  retriable?: boolean;
  /** The file the bad input came from, when there is one. */
  file?: string;
  /** The field (dotted path) that is wrong, when there is one. */
  field?: string;
  /** What was expected, in words ("a positive integer"). */
  expected?: string;
  /** What was found, already rendered for display. */
  found?: string;
}

export class SoakbenchError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly expected: string | undefined;
  readonly found: string | undefined;

  constructor(code: ErrorCode, message: string, details: SoakbenchErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SoakbenchError';
    this.code = code;
    this.retriable = details.retriable ?? false;
    this.file = details.file;
    this.field = details.field;
    this.expected = details.expected;
    this.found = details.found;
  }

  /** True for mistakes in user input (files, flags, request bodies). */
  get isUserError(): boolean {
    return USER_ERROR_CODES.has(this.code);
  }
}

/**
 * Builds the standard "bad input" error: `<file>: <field>: expected <expected>, found <found>`.
 */
export function invalid(
  code: 'INVALID_ARGUMENT' | 'INVALID_CONFIG' | 'INVALID_WORKLOAD' | 'INVALID_DRIVER',
  where: { file?: string; field: string },
  expected: string,
  found: unknown,
): SoakbenchError {
  const shown = describeValue(found);
  const prefix = where.file === undefined ? '' : `${where.file}: `;
  return new SoakbenchError(code, `${prefix}${where.field}: expected ${expected}, found ${shown}`, {
    file: where.file,
    field: where.field,
    expected,
    found: shown,
  });
}

/** Renders a user-supplied value for an error message, short and unambiguous. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

export function isSoakbenchError(err: unknown): err is SoakbenchError {
  return err instanceof SoakbenchError;
}
