import type { Clock } from '../clock.js';

/** How many of the latest errors are kept for the status view. */
export const LAST_ERRORS = 20;

export interface NotedError {
  /** ISO-8601 wall time. */
  time: string;
  message: string;
}

/**
 * What happened to a run besides its traffic: client restarts, controller decisions, the latest errors
 * and whether the generator itself is the bottleneck. Lifetime values (never reset with the stats), read
 * by the status view and /metrics. Nothing here is on the per-message path.
 */
export class RunEvents {
  /** Producer clients replaced and consumer processes restarted. */
  readonly restarts = { producer: 0, consumer: 0 };
  /** Controller decisions counted by kind, then by cause (Decision.cause). */
  readonly decisions: Record<string, Record<string, number>> = {};
  /** Generator saturation, as judged at the end of the last control interval. */
  saturated = false;
  private readonly errors: NotedError[] = [];

  constructor(private readonly clock: Clock) {}

  noteError(message: string): void {
    this.errors.push({ time: new Date(this.clock.wallMs()).toISOString(), message });
    if (this.errors.length > LAST_ERRORS) this.errors.shift();
  }

  /** The latest errors, oldest first (a copy). */
  lastErrors(): NotedError[] {
    return [...this.errors];
  }

  countDecision(kind: string, cause: string): void {
    const byCause = this.decisions[kind] ?? {};
    byCause[cause] = (byCause[cause] ?? 0) + 1;
    this.decisions[kind] = byCause;
  }

  countRestart(role: 'producer' | 'consumer'): void {
    this.restarts[role]++;
  }
}
