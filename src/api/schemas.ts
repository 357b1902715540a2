// The one import of ajv (JSON Schema validation of request bodies).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describeValue, SoakbenchError } from '../errors.js';
import { atMost, MAX_BACKLOG_GB, MAX_P99_TARGET_MS, MAX_RATE } from '../workload/limits.js';

const ajv = new Ajv({ allErrors: false, strict: true });

/** The object form of a PUT /rate body (a plain number is the other form). */
export const rateObjectSchema = {
  type: 'object',
  properties: { rate: { type: 'number' } },
  required: ['rate'],
  additionalProperties: false,
} as const;

export const controllerSchema = {
  type: 'object',
  properties: {
    mode: { enum: ['fixed', 'adaptive'] },
    p99TargetMs: { type: 'number', exclusiveMinimum: 0, maximum: MAX_P99_TARGET_MS },
    maxErrorRate: { type: 'number', minimum: 0, maximum: 1 },
    minRate: { type: 'number', exclusiveMinimum: 0, maximum: MAX_RATE },
    maxRate: { type: 'number', exclusiveMinimum: 0, maximum: MAX_RATE },
  },
  additionalProperties: false,
} as const;

/** POST /backlog: the size as bytes or as OMB's GiB (one of them), and optionally OMB's drain ratio. */
export const backlogSchema = {
  type: 'object',
  properties: {
    sizeBytes: { type: 'integer', minimum: 1, maximum: MAX_BACKLOG_GB * 1024 ** 3 },
    sizeGB: { type: 'number', exclusiveMinimum: 0, maximum: MAX_BACKLOG_GB },
    drainRatio: { type: 'number', minimum: 0, maximum: 1 },
  },
  additionalProperties: false,
} as const;

/** A checked POST /backlog body: the size in bytes (sizeGB × 1024³) and the drain ratio if given. */
export interface BacklogRequest {
  sizeBytes: number;
  drainRatio?: number;
}

const compiled = new Map<object, ValidateFunction>();

function describeError(e: ErrorObject, value: unknown): SoakbenchError {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const field = path ? `${path}.${extra}` : extra;
    return new SoakbenchError('INVALID_ARGUMENT', `unknown field "${field}"`, {
      field,
      expected: 'no such field',
    });
  }
  const field = path || '(body)';
  let found: unknown = value;
  for (const part of path ? path.split('.') : [])
    found = (found as Record<string, unknown> | undefined)?.[part];
  // Bounds are worded as everywhere else ("expected at most 10,000,000"), not as ajv's "must be <=".
  const limit = (e.params as { limit?: unknown }).limit;
  const bound =
    typeof limit === 'number'
      ? {
          maximum: atMost(limit),
          exclusiveMaximum: `below ${limit.toLocaleString('en-US')}`,
          minimum: `at least ${limit.toLocaleString('en-US')}`,
          exclusiveMinimum: `above ${limit.toLocaleString('en-US')}`,
        }[e.keyword]
      : undefined;
  const said = bound === undefined ? (e.message ?? 'is invalid') : `expected ${bound}`;
  return new SoakbenchError('INVALID_ARGUMENT', `${field}: ${said}, found ${describeValue(found)}`, {
    field,
    found: describeValue(found),
  });
}

/** Validates `value` against `schema`; throws INVALID_ARGUMENT naming the field. */
export function check<T>(schema: object, value: unknown): T {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    // For oneOf, the most useful error is the one about the object form when an object was sent.
    const chosen =
      errors.find((e) => e.keyword === 'additionalProperties' || e.keyword === 'required') ??
      errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'type') ??
      errors[0];
    throw chosen ? describeError(chosen, value) : new SoakbenchError('INVALID_ARGUMENT', 'invalid body');
  }
  return value as T;
}

/** A rate from PUT /rate: finite, > 0, at most MAX_RATE. */
export function checkRate(body: unknown): number {
  // The two forms are checked separately so that an error inside {"rate": ...} names the field.
  let rate: number;
  if (typeof body === 'number') rate = body;
  else if (body !== null && typeof body === 'object' && !Array.isArray(body))
    rate = check<{ rate: number }>(rateObjectSchema, body).rate;
  else {
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `expected a number or {"rate": N}, found ${describeValue(body)}`,
      {
        field: 'rate',
        found: describeValue(body),
      },
    );
  }
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) {
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `rate: expected a number of messages/s above 0 and ${atMost(MAX_RATE)} (use POST /pause to stop), found ${describeValue(rate)}`,
      { field: 'rate', found: describeValue(rate) },
    );
  }
  return rate;
}

/** A POST /backlog body: exactly one of sizeBytes and sizeGB, checked; throws INVALID_ARGUMENT naming the field. */
export function checkBacklog(body: unknown): BacklogRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `expected {"sizeBytes": N} or {"sizeGB": x}, optionally with "drainRatio", found ${describeValue(body)}`,
      { field: '(body)', found: describeValue(body) },
    );
  }
  const b = check<{ sizeBytes?: number; sizeGB?: number; drainRatio?: number }>(backlogSchema, body);
  if ((b.sizeBytes === undefined) === (b.sizeGB === undefined)) {
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `sizeBytes: expected exactly one of sizeBytes and sizeGB, found ${b.sizeBytes === undefined ? 'neither' : 'both'}`,
      { field: 'sizeBytes' },
    );
  }
  const sizeBytes = b.sizeBytes ?? Math.round(b.sizeGB! * 1024 ** 3);
  return b.drainRatio === undefined ? { sizeBytes } : { sizeBytes, drainRatio: b.drainRatio };
}
