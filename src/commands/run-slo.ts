import type { TestResult } from '../results/test-result.js';
import { formatSloTable } from '../slo/slo-table.js';
import type { SloThresholds } from '../slo/slo-thresholds.js';
import { evaluateSlo, measurementsFromResult, type SloVerdict } from '../slo/slo-verdict.js';
import type { Workload } from '../workload/workload.js';

/**
 * The SLO verdict of one workload of `soakbench run` (docs/workloads.md "SLO verdicts"): `--slo FILE`
 * replaces the workload's `slo:` block; without either there is no verdict. Prints the table and returns
 * the verdict, which goes into the result JSON (`slo`) and decides exit code 3 (src/main.ts).
 */
export function runSloVerdict(
  workload: Workload,
  override: SloThresholds | undefined,
  result: TestResult,
  targetRate: number | undefined,
  print: (line: string) => void,
): SloVerdict | undefined {
  const thresholds = override ?? workload.slo;
  if (thresholds === undefined) return undefined;
  const verdict = evaluateSlo(
    thresholds,
    measurementsFromResult(result, { targetRate, integrityChecked: workload.subscriptionsPerTopic > 0 }),
  );
  for (const line of formatSloTable(verdict)) print(line);
  return verdict;
}
