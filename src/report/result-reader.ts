/**
 * Reads one result JSON for `soakbench report`: OMB's own (benchmark-framework TestResult.java) or soakbench's,
 * which has OMB's fields and adds its own after them (src/results/test-result.ts). Checks the fields the report
 * draws and names the file and field of the first one that is wrong.
 */
import { readFileSync } from 'node:fs';
import { invalid, SoakbenchError } from '../errors.js';

/** A checked result: the OMB fields the report uses, plus soakbench's when the file has them. */
export interface ReadResult {
  file: string;
  /** 'soakbench' when the file carries soakbenchVersion, else 'omb'. */
  source: 'soakbench' | 'omb';
  fields: Record<string, unknown>;
  /** Periods in the per-period lists. */
  periods: number;
}

/** Per-period lists every OMB result has (same length each). */
export const PERIOD_LISTS = [
  'publishRate',
  'publishErrorRate',
  'consumeRate',
  'backlog',
  'publishLatencyAvg',
  'publishLatency50pct',
  'publishLatency99pct',
  'publishLatency999pct',
  'publishLatencyMax',
  'endToEndLatencyAvg',
  'endToEndLatency50pct',
  'endToEndLatency99pct',
  'endToEndLatency999pct',
  'endToEndLatencyMax',
] as const;

/** soakbench's per-period lists (src/results/test-result.ts). */
export const SOAKBENCH_PERIOD_LISTS = [
  'periodSeconds',
  'publishResponseTime50pct',
  'publishResponseTime99pct',
  'publishResponseTime999pct',
] as const;

const AGGREGATES = ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'] as const;

const QUANTILE_MAPS = ['aggregatedPublishLatencyQuantiles', 'aggregatedEndToEndLatencyQuantiles'] as const;

/** Reads and checks `file`; throws FILE_NOT_FOUND or INVALID_ARGUMENT naming the file and field. */
export function readResult(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SoakbenchError('FILE_NOT_FOUND', `${file}: cannot read the result file (${code})`, {
      file,
      cause: err,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SoakbenchError(
      'INVALID_ARGUMENT',
      `${file}: expected a result JSON (OMB's or soakbench's), found text that is not JSON (${(err as Error).message})`,
      { file, expected: 'JSON', cause: err },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('INVALID_ARGUMENT', { file, field: '(top level)' }, 'an object (a result JSON)', value);
  }
  const fields = value as Record<string, unknown>;
  for (const name of ['workload', 'driver']) requireString(file, fields, name);
  const periods = requireList(file, fields, 'publishRate', undefined);
  for (const name of PERIOD_LISTS) requireList(file, fields, name, periods);
  for (const prefix of ['aggregatedPublishLatency', 'aggregatedEndToEndLatency']) {
    for (const suffix of AGGREGATES) requireNumber(file, fields, `${prefix}${suffix}`);
  }
  for (const name of QUANTILE_MAPS) requireQuantiles(file, fields, name);
  const source = fields.soakbenchVersion === undefined ? 'omb' : 'soakbench';
  if (source === 'soakbench') {
    for (const name of SOAKBENCH_PERIOD_LISTS) requireList(file, fields, name, periods);
    requireQuantiles(file, fields, 'aggregatedPublishResponseTimeQuantiles');
  }
  return { file, source, fields, periods };
}

function requireString(file: string, fields: Record<string, unknown>, name: string): void {
  if (typeof fields[name] !== 'string') invalidField(file, name, 'a string', fields[name]);
}

function requireNumber(file: string, fields: Record<string, unknown>, name: string): void {
  if (typeof fields[name] !== 'number') invalidField(file, name, 'a number', fields[name]);
}

/** A list of numbers (null allowed: a period without a value); with `length`, exactly that long. */
function requireList(
  file: string,
  fields: Record<string, unknown>,
  name: string,
  length: number | undefined,
): number {
  const list = fields[name];
  if (!Array.isArray(list)) invalidField(file, name, 'a list of numbers, one per period', list);
  const bad = list.findIndex((v) => v !== null && typeof v !== 'number');
  if (bad >= 0) invalidField(file, `${name}[${bad}]`, 'a number', list[bad]);
  if (length !== undefined && list.length !== length) {
    invalidField(file, name, `${length} entries, as many as publishRate`, list);
  }
  return list.length;
}

/** A map from percentile ("99.9") to a latency in ms, as OMB writes its aggregated quantiles. */
function requireQuantiles(file: string, fields: Record<string, unknown>, name: string): void {
  const map = fields[name];
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    invalidField(file, name, 'an object mapping percentiles to latencies', map);
  }
  for (const [key, latency] of Object.entries(map as Record<string, unknown>)) {
    const p = Number(key);
    if (!Number.isFinite(p) || p < 0 || p > 100) {
      invalidField(file, `${name} key ${JSON.stringify(key)}`, 'a percentile from 0 to 100', key);
    }
    if (typeof latency !== 'number') invalidField(file, `${name}["${key}"]`, 'a latency in ms', latency);
  }
}

function invalidField(file: string, field: string, expected: string, found: unknown): never {
  throw invalid('INVALID_ARGUMENT', { file, field }, expected, found);
}
