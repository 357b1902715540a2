import type { SoakbenchError } from '../errors.js';
import {
  SLO_THRESHOLD_KINDS,
  SLO_THRESHOLD_NAMES,
  type SloThresholdName,
  type SloThresholds,
} from '../slo/slo-thresholds.js';
import { FileValidationError } from './file-validation-error.js';
import { isMapping, type ProblemSink, problemSink } from './problem-sink.js';
import { parseStructuredText, readStructuredFile } from './read-structured-file.js';

const EXPECTED = {
  ms: 'a number of milliseconds above 0 (fractions allowed)',
  ratio: 'a number above 0 and at most 1 (0.99, not 99)',
  count: 'a whole number, 0 or more',
} as const;

/**
 * Reads an `slo` block at field path `at` ("slo" in a workload, "" for a file of its own); undefined when
 * it has problems (each reported to `sink`). An empty block is an error: a gate that checks nothing would
 * pass every run, and an empty block is usually a mis-indented one.
 */
export function readSloBlock(value: unknown, at: string, sink: ProblemSink): SloThresholds | undefined {
  const where = at === '' ? '(document)' : at;
  const names: readonly string[] = SLO_THRESHOLD_NAMES;
  const expected = `a mapping of at least one threshold (${names.join(', ')})`;
  if (!isMapping(value)) {
    sink.bad(where, expected, value);
    return undefined;
  }
  if (Object.keys(value).length === 0) {
    sink.badWorded(where, expected, 'an empty mapping');
    return undefined;
  }
  const out: Partial<Record<SloThresholdName, number>> = {};
  let ok = true;
  for (const [key, v] of Object.entries(value)) {
    const field = at === '' ? key : `${at}.${key}`;
    if (!names.includes(key)) {
      sink.unknownKey(field, key, 'an SLO threshold', names);
      ok = false;
      continue;
    }
    const name = key as SloThresholdName;
    const accepts = SLO_THRESHOLD_KINDS[name].accepts;
    const valid =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (accepts === 'count' ? Number.isInteger(v) && v >= 0 : v > 0) &&
      (accepts !== 'ratio' || v <= 1);
    if (valid) out[name] = v;
    else {
      sink.bad(field, EXPECTED[accepts], v);
      ok = false;
    }
  }
  return ok ? Object.freeze(out) : undefined;
}

/** Reads a file of thresholds (`--slo FILE`: the `slo:` block's content at the top level, YAML or JSON). */
export function loadSloFile(path: string): SloThresholds {
  return parseSlo(readStructuredFile(path, 'INVALID_WORKLOAD'), path);
}

/** Parses thresholds from text (an HTTP body, say); `file` names it in messages. */
export function parseSloText(text: string, file: string): SloThresholds {
  return parseSlo(parseStructuredText(text, file, 'INVALID_WORKLOAD'), file);
}

function parseSlo(raw: unknown, file: string): SloThresholds {
  const errors: SoakbenchError[] = [];
  const thresholds = readSloBlock(raw, '', problemSink('INVALID_WORKLOAD', file, errors));
  if (thresholds === undefined) throw new FileValidationError('INVALID_WORKLOAD', file, errors);
  return thresholds;
}
