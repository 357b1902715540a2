import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { javaPropertiesToMap, parseJavaProperties } from '../../../src/workload/java-properties.js';

const map = (text: string) => Object.fromEntries(javaPropertiesToMap(parseJavaProperties(text)));

describe('parseJavaProperties', () => {
  test('key=value, key: value and key value separators, with spaces around them', () => {
    assert.deepEqual(map('a=1\nb: 2\nc 3\nd = 4\n  e   :   5\nf\t6'), {
      a: '1',
      b: '2',
      c: '3',
      d: '4',
      e: '5',
      f: '6',
    });
  });

  test('# and ! comments and blank lines are skipped; a # after a value is part of it', () => {
    assert.deepEqual(map('# comment\n! also\n\n   \n  # indented\nacks=all # not a comment'), {
      acks: 'all # not a comment',
    });
  });

  test('values are trimmed at both ends (Java keeps trailing spaces; librdkafka would reject them)', () => {
    assert.deepEqual(map('acks=  all   \nlinger.ms=1\t'), { acks: 'all', 'linger.ms': '1' });
  });

  test('only the first separator splits; later = and : belong to the value', () => {
    assert.deepEqual(map('bootstrap.servers=host1:9092,host2:9092\nx=a=b'), {
      'bootstrap.servers': 'host1:9092,host2:9092',
      x: 'a=b',
    });
  });

  test('a key alone has an empty value', () => {
    assert.deepEqual(map('lonely\nother='), { lonely: '', other: '' });
  });

  test("backslash continues a line, dropping the next line's indentation; an escaped backslash does not", () => {
    assert.deepEqual(map('list=a,\\\n    b,\\\n    c\npath=C:\\\\\nnext=1'), {
      list: 'a,b,c',
      path: 'C:\\',
      next: '1',
    });
  });

  test('escapes: \\t \\n \\uXXXX, escaped separators inside keys', () => {
    assert.deepEqual(map('tab=a\\tb\nnl=a\\nb\nuni=\\u0041\\u00e9\nkey\\=with\\:sep\\ space=v'), {
      tab: 'a\tb',
      nl: 'a\nb',
      uni: 'Aé',
      'key=with:sep space': 'v',
    });
  });

  test('a malformed \\u escape is a problem with its line number', () => {
    const parsed = parseJavaProperties('ok=1\nbad=\\u12G4\n');
    assert.deepEqual(
      parsed.entries.map((e) => e.key),
      ['ok'],
    );
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0]?.line, 2);
    assert.match(parsed.problems[0]?.message ?? '', /\\u12G4/);
  });

  test('CRLF and CR line ends; entries keep their starting line; the last duplicate wins', () => {
    const parsed = parseJavaProperties('a=1\r\nb=2\rc=\\\r\n  3\na=4');
    assert.deepEqual(
      parsed.entries.map((e) => [e.key, e.value, e.line]),
      [
        ['a', '1', 1],
        ['b', '2', 2],
        ['c', '3', 3],
        ['a', '4', 5],
      ],
    );
    assert.equal(javaPropertiesToMap(parsed).get('a'), '4');
  });

  test('empty text has no entries', () => {
    assert.deepEqual(parseJavaProperties(''), { entries: [], problems: [] });
  });
});
