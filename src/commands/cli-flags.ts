/**
 * Parsers of command-line flag values, for commander's argParser (src/main.ts). Each knows its flag's
 * name, so a bad value reads `--period-seconds: expected a number above 0, found "-3"`; they throw
 * INVALID_ARGUMENT, which src/main.ts turns into that one line and exit code 2. Bounds come from
 * src/workload/limits.ts, the same as in workload files and the HTTP API.
 */
import { describeValue, SoakbenchError } from '../errors.js';
import { atMost } from '../workload/limits.js';

/** A flag value parser: the raw text in, the value out (throws INVALID_ARGUMENT). */
export type FlagParser<T> = (value: string) => T;

function badFlag(flag: string, expected: string, found: string): SoakbenchError {
  return new SoakbenchError(
    'INVALID_ARGUMENT',
    `${flag}: expected ${expected}, found ${describeValue(found)}`,
    {
      field: flag,
      expected,
      found: describeValue(found),
    },
  );
}

/** A number above 0 and at most `max` (`unit` words the bound: "msg/s"). */
export function positiveNumberFlag(flag: string, max: number, unit = ''): FlagParser<number> {
  const expected = `a number above 0 and ${atMost(max, unit)}`;
  return (value) => {
    // Number('') is 0 and Number(' 5') is 5: only plain decimal text counts as a number here.
    const n = /^\s*$/.test(value) ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw badFlag(flag, expected, value);
    return n;
  };
}

/** A TCP port, 0 to 65535 (0: any free port). */
export function portFlag(flag: string): FlagParser<number> {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) throw badFlag(flag, 'a port number from 0 to 65535', value);
    return n;
  };
}

/** One of `choices`, spelled exactly. */
export function choiceFlag<T extends string>(flag: string, choices: readonly T[]): FlagParser<T> {
  return (value) => {
    const found = choices.find((c) => c === value);
    if (found === undefined) throw badFlag(flag, `one of ${choices.join(', ')}`, value);
    return found;
  };
}

/** A whole number from 0 to `max` (`zero` says what 0 means, for the message). */
export function countFlag(flag: string, max: number, zero?: string): FlagParser<number> {
  const expected = `a whole number from 0 to ${max}${zero ? ` (0: ${zero})` : ''}`;
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n > max) throw badFlag(flag, expected, value);
    return n;
  };
}
