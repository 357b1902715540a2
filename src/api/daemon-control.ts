import type { TestResult } from '../results/test-result.js';
import type { Workload } from '../workload/workload.js';
import type { BacklogRequest } from './schemas.js';

export interface ControllerSettingsPatch {
  mode?: 'fixed' | 'adaptive';
  p99TargetMs?: number;
  maxErrorRate?: number;
  minRate?: number;
  maxRate?: number;
}

/** What the HTTP API asks of the daemon. Methods throw SoakbenchError for refused requests. */
export interface DaemonControl {
  status(): Record<string, unknown>;
  /** A fixed rate; with a rate profile, overrides it until `resumeProfile()`. */
  setRate(rate: number): Record<string, unknown>;
  /** Hands the rate back to the workload's rateProfile (PUT /profile, DELETE /rate); CONFLICT without one. */
  resumeProfile(): Record<string, unknown>;
  controller(): Record<string, unknown>;
  updateController(patch: ControllerSettingsPatch): Record<string, unknown>;
  /** Parses and validates a workload body (JSON or YAML); throws INVALID_WORKLOAD. */
  parseWorkload(text: string): Workload;
  replaceWorkload(workload: Workload): Promise<Record<string, unknown>>;
  /**
   * Starts OMB's backlog mode on the running workload (POST /backlog): consumers paused until the
   * backlog reaches the size, then drained; answers at once (202), /status follows it. Throws CONFLICT
   * when one is under way, the daemon is paused or not running, or the workload has no consumers.
   */
  startBacklog(request: BacklogRequest): Record<string, unknown>;
  pause(): Record<string, unknown>;
  resume(): Record<string, unknown>;
  results(): TestResult;
  /** Alive and the loops turn. */
  health(): { ok: boolean; reason: string };
  readiness(): { ready: boolean; reason: string };
  metrics(): Promise<{ contentType: string; body: string }>;
}
