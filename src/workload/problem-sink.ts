import { invalid, type SoakbenchError } from '../errors.js';
import { didYouMean } from './closest-match.js';
import { invalidWorded } from './file-validation-error.js';

/** Collects the problems of one file (all reported at once, docs/workloads.md), for block parsers. */
export interface ProblemSink {
  /** `<file>: <field>: expected <expected>, found <found, quoted>`. */
  bad(field: string, expected: string, found: unknown): void;
  /** Like `bad`, with `found` already in words ("an empty mapping", "every rate 0"). */
  badWorded(field: string, expected: string, found: string): void;
  /** A key that is not one of `known`; the message suggests the nearest. */
  unknownKey(field: string, key: string, what: string, known: readonly string[]): void;
}

/** A sink that appends to `errors`, naming `file`. */
export function problemSink(
  code: 'INVALID_WORKLOAD' | 'INVALID_DRIVER',
  file: string,
  errors: SoakbenchError[],
): ProblemSink {
  return {
    bad: (field, expected, found) => {
      errors.push(invalid(code, { file, field }, expected, found));
    },
    badWorded: (field, expected, found) => {
      errors.push(invalidWorded(code, { file, field }, expected, found));
    },
    unknownKey: (field, key, what, known) => {
      const expected = `${what} (one of ${known.join(', ')})${didYouMean(key, known)}`;
      errors.push(invalidWorded(code, { file, field }, expected, 'an unknown field'));
    },
  };
}

/** Field path of a key inside `parent` ("slo" + "maxLost" → "slo.maxLost"; "" + "maxLost" → "maxLost"). */
export function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** True for a YAML/JSON mapping (not null, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
