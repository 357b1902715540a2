/** Reading a result JSON in the tests of `soakbench run`. */
import type { TestResult } from '../../../src/results/test-result.js';

/** Mean of per-period values weighted by each period's length (periods may differ, the last is shorter). */
export function weightedMean(values: readonly number[], weights: readonly number[]): number {
  if (values.length !== weights.length || values.length === 0) {
    throw new Error(`cannot weigh ${values.length} values by ${weights.length} weights`);
  }
  let sum = 0;
  let total = 0;
  values.forEach((v, i) => {
    sum += v * weights[i]!;
    total += weights[i]!;
  });
  return sum / total;
}

/** The three latency families of OMB's TestResult. */
export type LatencyFamily = 'publishLatency' | 'publishDelayLatency' | 'endToEndLatency';

/** The aggregated values of a latency family, and its per-period p50 and max. */
export interface LatencyFields {
  avg: number;
  p50: number;
  p99: number;
  max: number;
  periodP50: number[];
  periodMax: number[];
}

export function latencyFields(r: TestResult, family: LatencyFamily): LatencyFields {
  const fields = r as unknown as Record<string, number & number[]>;
  const aggregated = `aggregated${family[0]!.toUpperCase()}${family.slice(1)}`;
  return {
    avg: fields[`${aggregated}Avg`]!,
    p50: fields[`${aggregated}50pct`]!,
    p99: fields[`${aggregated}99pct`]!,
    max: fields[`${aggregated}Max`]!,
    periodP50: fields[`${family}50pct`]!,
    periodMax: fields[`${family}Max`]!,
  };
}
