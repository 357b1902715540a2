import { SLO_THRESHOLD_KINDS, type SloThresholdName } from './slo-thresholds.js';
import type { SloCheck, SloVerdict } from './slo-verdict.js';

/**
 * The console verdict table of `soakbench run` (docs/workloads.md, "SLO verdicts"): a headline, then one
 * row per threshold with its limit, the measured value and the result.
 *
 * ```
 * SLO verdict: FAIL (1 of 2 thresholds failed: publishResponseTimeP99Ms)
 *   threshold                  limit         measured   result
 *   publishResponseTimeP99Ms   <= 0.001 ms   4.213 ms   FAIL
 *   maxLost                    <= 0          0          pass
 * ```
 */
export function formatSloTable(verdict: SloVerdict): string[] {
  const n = verdict.checks.length;
  const headline = verdict.pass
    ? `SLO verdict: PASS (${n} of ${n} thresholds met)`
    : `SLO verdict: FAIL (${verdict.failed.length} of ${n} thresholds failed: ${verdict.failed.join(', ')})`;
  const rows = [
    ['threshold', 'limit', 'measured', 'result'],
    ...verdict.checks.map((c) => [c.name, limitOf(c), measuredOf(c), resultOf(c)]),
  ];
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((r) => r[col]!.length)));
  const lines = rows.map((r) =>
    `  ${r.map((cell, col) => (col < 3 ? cell.padEnd(widths[col]! + 3) : cell)).join('')}`.trimEnd(),
  );
  return [headline, ...lines];
}

function limitOf(c: SloCheck): string {
  const op = SLO_THRESHOLD_KINDS[c.name].compare === 'atMost' ? '<=' : '>=';
  return `${op} ${formatValue(c.name, c.threshold)}`;
}

function measuredOf(c: SloCheck): string {
  return c.measured === null ? 'not measured' : formatValue(c.name, c.measured);
}

function resultOf(c: SloCheck): string {
  if (c.status === 'not measured') return 'FAIL (not measured)';
  return c.pass ? 'pass' : 'FAIL';
}

/** A value in its threshold's unit: ms with up to 3 decimals, ratios with 4 significant digits, counts whole. */
export function formatValue(name: SloThresholdName, value: number): string {
  const accepts = SLO_THRESHOLD_KINDS[name].accepts;
  if (accepts === 'count') return String(Math.round(value));
  if (accepts === 'ratio') return String(Number(value.toPrecision(4)));
  return `${Number(value.toFixed(3))} ms`;
}
