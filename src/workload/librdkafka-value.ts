import type { LibrdkafkaProperty } from './librdkafka-properties.js';

/** The outcome of checking a value against librdkafka's type and range for its property. */
export type ValueCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** What librdkafka accepts, in words. */
      readonly expected: string;
      /** For a number outside the range: the nearest value inside it. */
      readonly nearest?: string;
    };

const OK: ValueCheck = { ok: true };

// `partitioner` is a string in CONFIGURATION.md but librdkafka accepts only these names.
const PARTITIONERS = [
  'random',
  'consistent',
  'consistent_random',
  'murmur2',
  'murmur2_random',
  'fnv1a',
  'fnv1a_random',
];

/**
 * Checks a value the way librdkafka will when the client is created, but stricter about number syntax
 * (librdkafka's strtol reads "1e6" as 1; Java's parseInt refuses it, and so do we).
 */
export function checkLibrdkafkaValue(property: LibrdkafkaProperty, value: string): ValueCheck {
  const v = value.trim();
  switch (property.type) {
    case 'integer':
      // acks/request.required.acks also take "all" (= -1).
      if (property.aliasOf === 'request.required.acks' || property.name === 'request.required.acks') {
        if (v.toLowerCase() === 'all') return OK;
      }
      return checkNumber(property, v, /^[-+]?\d+$/, 'an integer');
    case 'float':
      return checkNumber(property, v, /^[-+]?(\d+\.?\d*|\.\d+)$/, 'a number');
    case 'boolean':
      // librdkafka's rd_kafka_anyconf_set_prop0 accepts true/false/t/f/1/0, any case.
      return /^(true|false|t|f|1|0)$/i.test(v) ? OK : { ok: false, expected: 'true or false' };
    case 'enum':
      return oneOf(property.values ?? [], v)
        ? OK
        : { ok: false, expected: `one of ${(property.values ?? []).join(', ')}` };
    case 'flags': {
      const values = property.values;
      if (values === undefined) return OK;
      const bad = v.split(',').some((item) => !oneOf(values, item.trim()));
      return bad ? { ok: false, expected: `a comma-separated list of ${values.join(', ')}` } : OK;
    }
    default:
      if (property.name === 'partitioner' && !oneOf(PARTITIONERS, v)) {
        return { ok: false, expected: `one of ${PARTITIONERS.join(', ')}` };
      }
      return OK;
  }
}

function oneOf(values: readonly string[], v: string): boolean {
  const lower = v.toLowerCase();
  return values.some((x) => x.toLowerCase() === lower);
}

function checkNumber(property: LibrdkafkaProperty, v: string, syntax: RegExp, kind: string): ValueCheck {
  const { min, max } = property;
  const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : '';
  if (!syntax.test(v)) return { ok: false, expected: `${kind}${range}` };
  const n = Number(v);
  if (min !== undefined && n < min) return { ok: false, expected: `${kind}${range}`, nearest: String(min) };
  if (max !== undefined && n > max) return { ok: false, expected: `${kind}${range}`, nearest: String(max) };
  return OK;
}
