import type { TestResult } from '../results/test-result.js';
import {
  SLO_THRESHOLD_KINDS,
  SLO_THRESHOLD_NAMES,
  type SloThresholdName,
  type SloThresholds,
} from './slo-thresholds.js';

/**
 * What a run or a window measured, in the thresholds' units; undefined = not measured (no acknowledged
 * message, no consumer, no integrity check, no target rate).
 */
export interface SloMeasurements {
  /** Publish response time (broker ack − intended send), 99th percentile, ms. */
  readonly publishResponseTimeP99Ms?: number | undefined;
  readonly publishResponseTimeP999Ms?: number | undefined;
  /** End to end (receive − intended send), 99th percentile, ms. */
  readonly endToEndP99Ms?: number | undefined;
  /** Failed sends / (acknowledged + failed), 0 … 1. */
  readonly errorRate?: number | undefined;
  /** Integrity checker counts (docs/metrics.md): acknowledged never consumed, consumed twice, out of order. */
  readonly lost?: number | undefined;
  readonly duplicated?: number | undefined;
  readonly outOfOrder?: number | undefined;
  /** Achieved publish rate (acknowledged/s) / target rate. */
  readonly achievedRatio?: number | undefined;
}

/** Which measurement each threshold reads. */
const MEASURED_BY: Readonly<Record<SloThresholdName, keyof SloMeasurements>> = {
  publishResponseTimeP99Ms: 'publishResponseTimeP99Ms',
  publishResponseTimeP999Ms: 'publishResponseTimeP999Ms',
  endToEndP99Ms: 'endToEndP99Ms',
  maxErrorRate: 'errorRate',
  maxLost: 'lost',
  maxDuplicated: 'duplicated',
  maxOutOfOrder: 'outOfOrder',
  minAchievedRatio: 'achievedRatio',
};

/** One threshold's outcome. */
export interface SloCheck {
  readonly name: SloThresholdName;
  readonly threshold: number;
  /** null when not measured (JSON has no undefined). */
  readonly measured: number | null;
  /** A threshold that was not measured fails: a gate does not pass on a check it could not make. */
  readonly pass: boolean;
  readonly status: 'pass' | 'fail' | 'not measured';
}

/** The verdict object of the result JSON (`slo`) and of /status. */
export interface SloVerdict {
  /** Every check passed. */
  readonly pass: boolean;
  /** The thresholds given, in SLO_THRESHOLD_NAMES order. */
  readonly checks: readonly SloCheck[];
  /** Names of the checks that failed (including those not measured). */
  readonly failed: readonly SloThresholdName[];
}

/** Evaluates `thresholds` against `measured`. Pure. */
export function evaluateSlo(thresholds: SloThresholds, measured: SloMeasurements): SloVerdict {
  const checks: SloCheck[] = [];
  for (const name of SLO_THRESHOLD_NAMES) {
    const threshold = thresholds[name];
    if (threshold === undefined) continue;
    const value = measured[MEASURED_BY[name]];
    if (value === undefined || !Number.isFinite(value)) {
      checks.push({ name, threshold, measured: null, pass: false, status: 'not measured' });
      continue;
    }
    const pass = SLO_THRESHOLD_KINDS[name].compare === 'atMost' ? value <= threshold : value >= threshold;
    checks.push({ name, threshold, measured: value, pass, status: pass ? 'pass' : 'fail' });
  }
  const failed = checks.filter((c) => !c.pass).map((c) => c.name);
  return { pass: failed.length === 0, checks, failed };
}

/** What a run's measurements need besides its result. */
export interface ResultMeasurementContext {
  /**
   * The target rate (msg/s) over the measured time: producerRate, or a profile's mean rate over it
   * (RateProfile.meanRate). Undefined when there is none (producerRate 0: the controller finds it).
   */
  readonly targetRate: number | undefined;
  /** True when the integrity checker ran (the workload has consumers). */
  readonly integrityChecked: boolean;
}

/** The measurements of a finished run, from its result (latencies there are already ms). */
export function measurementsFromResult(r: TestResult, context: ResultMeasurementContext): SloMeasurements {
  const attempts = r.messagesSent + r.sendErrors;
  const sent = r.messagesSent > 0;
  const integrity = context.integrityChecked;
  const target = context.targetRate;
  return {
    publishResponseTimeP99Ms: sent ? r.aggregatedPublishResponseTime99pct : undefined,
    publishResponseTimeP999Ms: sent ? r.aggregatedPublishResponseTime999pct : undefined,
    endToEndP99Ms: r.messagesReceived > 0 ? r.aggregatedEndToEndLatency99pct : undefined,
    errorRate: attempts > 0 ? r.sendErrors / attempts : undefined,
    lost: integrity ? r.messagesLost : undefined,
    duplicated: integrity ? r.messagesDuplicated : undefined,
    outOfOrder: integrity ? r.messagesOutOfOrder : undefined,
    achievedRatio:
      target !== undefined && target > 0 && r.testSeconds > 0
        ? r.messagesSent / r.testSeconds / target
        : undefined,
  };
}
