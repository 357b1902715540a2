import { type ErrorCode, isSoakbenchError } from '../errors.js';

/** The one place error codes become HTTP statuses (docs/contributing.md, "Code style"). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_CONFIG: 400,
  INVALID_WORKLOAD: 400,
  INVALID_DRIVER: 400,
  FILE_NOT_FOUND: 400,
  UNAUTHORIZED: 401,
  CONFLICT: 409,
  KAFKA_UNREACHABLE: 503,
  KAFKA_TIMEOUT: 503,
};

/** The JSON body of every error answer: `{error, message, field?}` (docs/architecture.md "HTTP API"). */
export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

/** Maps anything thrown by a handler (or by express' body parsers) to a status and a JSON body. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  if (isSoakbenchError(err)) {
    const body: ErrorBody = { error: err.code.toLowerCase(), message: err.message };
    if (err.field !== undefined) body.field = err.field;
    return { status: STATUS[err.code] ?? 500, body };
  }
  // body-parser errors carry a `type` (https://github.com/expressjs/body-parser#errors).
  const e = err as { type?: string; status?: number; message?: string };
  switch (e.type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        body: { error: 'invalid_json', message: `the body is not valid JSON: ${e.message}` },
      };
    case 'entity.too.large': {
      // 413, not 400: the body was not read, so nothing in it is wrong yet; a client (or proxy) that
      // knows 413 can tell "send less" from "send something else". Same JSON shape as every error.
      const { limit, length } = err as { limit?: number; length?: number };
      const size = typeof length === 'number' ? `${length} bytes` : 'larger than that';
      const bound = typeof limit === 'number' ? `at most ${limit} bytes` : 'a smaller body';
      return {
        status: 413,
        body: {
          error: 'body_too_large',
          message: `the request body must be ${bound} (http.bodyLimitBytes), found ${size}`,
        },
      };
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: 400,
        body: { error: 'unsupported_encoding', message: e.message ?? 'unsupported encoding' },
      };
  }
  // Other body-parser failures (a body that does not decode as its content-encoding says, an aborted
  // upload) carry a 4xx status but no type: still the client's input.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return {
      status: 400,
      body: { error: 'invalid_body', message: e.message ?? 'the request body could not be read' },
    };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error' } };
}
