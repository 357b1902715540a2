import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatOneDecimal, formatPadded, javaDoubleToString } from '../../../src/results/java-format.js';

// Expected strings were produced by OpenJDK 17's DecimalFormat("0.0") and Double.toString for the same doubles.

describe('formatPadded (OMB PaddingDecimalFormat "0.0")', () => {
  test('pads on the left to the minimum length and never truncates', () => {
    assert.equal(formatPadded(5000.3, 7), ' 5000.3');
    assert.equal(formatPadded(0, 7), '    0.0');
    assert.equal(formatPadded(4.9, 4), ' 4.9');
    assert.equal(formatPadded(123456.78, 4), '123456.8');
  });

  test('rounds exact ties half-even, like java.text.DecimalFormat (toFixed rounds them up)', () => {
    const cases: [number, string][] = [
      [0.25, '0.2'],
      [0.75, '0.8'],
      [1.25, '1.2'],
      [2.5, '2.5'],
      [-0.25, '-0.2'],
      [123456789.25, '123456789.2'],
    ];
    for (const [x, s] of cases) assert.equal(formatOneDecimal(x), s, String(x));
  });

  test('rounds non-ties by their exact binary value', () => {
    const cases: [number, string][] = [
      [0.05, '0.1'],
      [0.15, '0.1'],
      [0.35, '0.3'],
      [1.45, '1.4'],
      [1.2345, '1.2'],
    ];
    for (const [x, s] of cases) assert.equal(formatOneDecimal(x), s, String(x));
  });

  test('signs, huge numbers and non-finite values as Java prints them', () => {
    assert.equal(formatOneDecimal(-0), '-0.0');
    assert.equal(formatOneDecimal(-0.04), '-0.0');
    assert.equal(formatOneDecimal(1e21), '1000000000000000000000.0');
    assert.equal(formatOneDecimal(Number.NaN), 'NaN');
    assert.equal(formatOneDecimal(Number.POSITIVE_INFINITY), '∞');
    assert.equal(formatPadded(Number.NEGATIVE_INFINITY, 4), '  -∞');
  });
});

describe('javaDoubleToString (Jackson map keys)', () => {
  test('plain notation between 1e-3 and 1e7, always with a fraction', () => {
    const cases: [number, string][] = [
      [50, '50.0'],
      [99.9, '99.9'],
      [99.99, '99.99'],
      [100, '100.0'],
      [0.001, '0.001'],
      [0.1, '0.1'],
      [33.333333333333336, '33.333333333333336'],
      [0, '0.0'],
    ];
    for (const [x, s] of cases) assert.equal(javaDoubleToString(x), s);
  });

  test('computerized scientific notation outside that range', () => {
    const cases: [number, string][] = [
      [1e-4, '1.0E-4'],
      [2.5e-5, '2.5E-5'],
      [9.999e-4, '9.999E-4'],
      [1e7, '1.0E7'],
      [12345678.9, '1.23456789E7'],
      [-2e-5, '-2.0E-5'],
    ];
    for (const [x, s] of cases) assert.equal(javaDoubleToString(x), s);
  });
});
