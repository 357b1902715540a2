import { invalid, SoakbenchError } from '../errors.js';

/** What a handler gets from the body parsers: parsed JSON, raw text, or nothing. */
export type RawBody = unknown;

/**
 * The body as a JSON value, whatever curl declared: `-d '{"rate":5000}'` arrives as
 * application/x-www-form-urlencoded text, `-d 5000` too (docs/architecture.md "HTTP API": both must work as typed).
 * A body declared as JSON was already parsed (and rejected when invalid) by express.json.
 */
export function bodyValue(body: RawBody, noBytes: boolean): unknown {
  // Emptiness is decided from the request, not the parsed value: express.json turns no bytes into {}.
  if (noBytes || body === undefined || (typeof body === 'string' && body.trim() === '')) {
    throw new SoakbenchError('INVALID_ARGUMENT', 'the request body is empty', { field: '(body)' });
  }
  if (typeof body !== 'string') return body;
  const text = body.trim();
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('INVALID_ARGUMENT', { field: '(body)' }, 'JSON or a plain number', text);
  }
}

/** Content types accepted by endpoints that take a small JSON (or plain number) body. */
export const SMALL_BODY_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
