import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choiceFlag, portFlag, positiveNumberFlag } from '../../../src/commands/cli-flags.js';
import { SoakbenchError } from '../../../src/errors.js';

/** The parser must refuse `value` with exactly `message`, as INVALID_ARGUMENT naming the flag. */
function refuses(parse: (v: string) => unknown, value: string, message: string): void {
  assert.throws(
    () => parse(value),
    (err: unknown) => {
      assert.ok(err instanceof SoakbenchError, String(err));
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.ok(err.isUserError);
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe('flag parsers name their flag, what they expected and what they found', () => {
  test('positiveNumberFlag: above 0, at most the bound, plain numbers only', () => {
    const parse = positiveNumberFlag('--period-seconds', 3600, 's');
    assert.equal(parse('2.5'), 2.5);
    assert.equal(parse('3600'), 3600);
    const expected = '--period-seconds: expected a number above 0 and at most 3,600 s';
    refuses(parse, '-3', `${expected}, found "-3"`);
    refuses(parse, '0', `${expected}, found "0"`);
    refuses(parse, '3601', `${expected}, found "3601"`);
    refuses(parse, 'ten', `${expected}, found "ten"`);
    refuses(parse, '', `${expected}, found ""`);
    refuses(parse, 'Infinity', `${expected}, found "Infinity"`);
  });

  test('portFlag: 0 to 65535', () => {
    const parse = portFlag('--http-port');
    assert.equal(parse('0'), 0);
    assert.equal(parse('65535'), 65535);
    refuses(parse, '65536', '--http-port: expected a port number from 0 to 65535, found "65536"');
    refuses(parse, '-1', '--http-port: expected a port number from 0 to 65535, found "-1"');
    refuses(parse, '80x', '--http-port: expected a port number from 0 to 65535, found "80x"');
  });

  test('choiceFlag: one of the choices, spelled exactly', () => {
    const parse = choiceFlag('--log-level', ['info', 'warn'] as const);
    assert.equal(parse('warn'), 'warn');
    refuses(parse, 'loud', '--log-level: expected one of info, warn, found "loud"');
    refuses(parse, 'WARN', '--log-level: expected one of info, warn, found "WARN"');
  });
});
