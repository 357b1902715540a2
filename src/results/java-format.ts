/**
 * Number formatting as OMB's Java prints it, so soakbench's console lines and result keys read the same.
 */

/**
 * OMB's `new PaddingDecimalFormat("0.0", minLength).format(x)` (benchmark-framework utils/PaddingDecimalFormat):
 * java.text.DecimalFormat with pattern "0.0" (one decimal, no grouping, HALF_EVEN rounding of the exact binary
 * value), left-padded with spaces to `minLength`.
 */
export function formatPadded(x: number, minLength: number): string {
  const s = formatOneDecimal(x);
  return s.length >= minLength ? s : ' '.repeat(minLength - s.length) + s;
}

/** java.text.DecimalFormat("0.0") in the default (English) symbols. */
export function formatOneDecimal(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const negative = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let body: string;
  if (a >= 1e21) {
    // toFixed switches to exponent notation here; DecimalFormat never does. Such doubles are integers.
    body = `${BigInt(a)}.0`;
  } else if (Number.isInteger(a * 4) && (a * 4) % 2 === 1) {
    // An exact tie (x.25 or x.75): toFixed rounds away from zero, DecimalFormat's HALF_EVEN to the even digit.
    // Other doubles are never exact ties, and toFixed rounds their exact value just as DecimalFormat does.
    const lower = Math.floor(a * 10);
    const tenths = lower % 2 === 0 ? lower : lower + 1;
    body = `${Math.floor(tenths / 10)}.${tenths % 10}`;
  } else {
    body = a.toFixed(1);
  }
  return negative ? `-${body}` : body;
}

/**
 * Java's `Double.toString(x)`, which Jackson uses for `Map<Double, …>` keys in OMB's result JSON
 * ("50.0", "99.9", "1.0E-4"): plain notation for 1e-3 <= |x| < 1e7, otherwise computerized scientific notation,
 * always with a fractional digit. Digits are the shortest that round-trip (Java 19+ and JavaScript agree).
 */
export function javaDoubleToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  if (a >= 1e-3 && a < 1e7) {
    // In this range JavaScript prints plain notation too.
    const s = String(a);
    return sign + (s.includes('.') ? s : `${s}.0`);
  }
  const [mantissa = '', exponent = ''] = a.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${sign}${m}E${Number(exponent)}`;
}
