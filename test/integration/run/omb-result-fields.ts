/**
 * The fields of OMB's result (openmessaging/benchmark benchmark-framework TestResult.java at its main
 * branch) and their Java types, written out here rather than taken from src/ so the test holds soakbench
 * to OMB and not to itself. Java `long` fields are whole numbers in JSON; `double` ones any number;
 * `Map<Double, …>` keys are Java's Double.toString of the percentile.
 */
export type OmbFieldType = 'string' | 'int' | 'double' | 'double[]' | 'long[]' | 'map<double>' | 'map<long>';

const PERCENTILES = ['50pct', '75pct', '95pct', '99pct', '999pct', '9999pct'];

function family(prefix: string, avg: OmbFieldType, rest: OmbFieldType): [string, OmbFieldType][] {
  return [
    [`${prefix}Avg`, avg],
    ...PERCENTILES.map((p): [string, OmbFieldType] => [`${prefix}${p}`, rest]),
    [`${prefix}Max`, rest],
  ];
}

export const OMB_RESULT_FIELDS: readonly [string, OmbFieldType][] = [
  ['workload', 'string'],
  ['driver', 'string'],
  ['messageSize', 'int'],
  ['topics', 'int'],
  ['partitions', 'int'],
  ['producersPerTopic', 'int'],
  ['consumersPerTopic', 'int'],
  ['publishRate', 'double[]'],
  ['publishErrorRate', 'double[]'],
  ['consumeRate', 'double[]'],
  ['backlog', 'long[]'],
  ...family('publishLatency', 'double[]', 'double[]'),
  ...family('publishDelayLatency', 'double[]', 'long[]'),
  ...family('aggregatedPublishLatency', 'double', 'double'),
  ...family('aggregatedPublishDelayLatency', 'double', 'int'),
  ['aggregatedPublishLatencyQuantiles', 'map<double>'],
  ['aggregatedPublishDelayLatencyQuantiles', 'map<long>'],
  ...family('endToEndLatency', 'double[]', 'double[]'),
  ['aggregatedEndToEndLatencyQuantiles', 'map<double>'],
  ...family('aggregatedEndToEndLatency', 'double', 'double'),
];

/** Why `value` does not fit `type`, or undefined when it does. */
export function typeProblem(value: unknown, type: OmbFieldType): string | undefined {
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const whole = (v: unknown): boolean => isNumber(v) && Number.isInteger(v);
  switch (type) {
    case 'string':
      return typeof value === 'string' && value !== '' ? undefined : 'a non-empty string';
    case 'int':
      return whole(value) ? undefined : 'a whole number';
    case 'double':
      return isNumber(value) ? undefined : 'a finite number';
    case 'double[]':
    case 'long[]': {
      if (!Array.isArray(value)) return 'an array';
      const ok = type === 'long[]' ? whole : isNumber;
      const bad = value.findIndex((v) => !ok(v));
      return bad < 0
        ? undefined
        : `${type === 'long[]' ? 'whole' : 'finite'} numbers (entry ${bad}: ${value[bad]})`;
    }
    case 'map<double>':
    case 'map<long>': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'an object';
      const entries = Object.entries(value);
      if (entries.length === 0) return 'a non-empty map';
      for (const [k, v] of entries) {
        // Double.toString: "50.0", "99.90234375", "1.0E-4".
        if (!/^\d+\.\d+(E-?\d+)?$/.test(k))
          return `keys as Java's Double.toString prints them (found "${k}")`;
        if (!(type === 'map<long>' ? whole(v) : isNumber(v))) return `${type} values (at "${k}": ${v})`;
      }
      return undefined;
    }
  }
}
