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

/** A change's answer: at once, or (a fleet member: src/fleet/) once the fleet's control topic acknowledged it. */
type Answer = Record<string, unknown> | Promise<Record<string, unknown>>;

/** What the HTTP API asks of the daemon. Methods throw SoakbenchError for refused requests. */
export interface DaemonControl {
  status(): Record<string, unknown>;
  /** A fixed rate; with a rate profile, overrides it until `resumeProfile()`. */
  setRate(rate: number): Answer;
  /** Hands the rate back to the workload's rateProfile (PUT /profile, DELETE /rate); CONFLICT without one. */
  resumeProfile(): Answer;
  controller(): Record<string, unknown>;
  updateController(patch: ControllerSettingsPatch): Answer;
  /** Parses and validates a workload body (JSON or YAML); throws INVALID_WORKLOAD. */
  parseWorkload(text: string): Workload;
  replaceWorkload(workload: Workload): Promise<Record<string, unknown>>;
  /**
   * Starts OMB's backlog mode on the running workload (POST /backlog): consumers paused until the
   * backlog reaches the size, then drained; answers at once (202), /status follows it. Throws CONFLICT
   * when one is under way, the daemon is paused or not running, or the workload has no consumers.
   */
  startBacklog(request: BacklogRequest): Record<string, unknown>;
  pause(): Answer;
  resume(): Answer;
  results(): TestResult;
  /** Alive and the loops turn. */
  health(): { ok: boolean; reason: string };
  readiness(): { ready: boolean; reason: string };
  metrics(): Promise<{ contentType: string; body: string }>;
}
