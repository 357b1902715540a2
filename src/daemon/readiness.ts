import type { Clock } from '../clock.js';
import type { WorkloadSession } from '../session/workload-session.js';
import type { Stats } from '../stats/stats.js';

/** Without an ack for this long while sends are due, the daemon is not ready (broker away). */
const ACK_SILENCE_UNREADY_MS = 5_000;

export type DaemonState = 'starting' | 'connecting' | 'running' | 'stopping' | 'stopped';

/**
 * /healthz and /readyz: alive while the control loop turns; ready while the workload runs and Kafka
 * acknowledges (or the daemon is paused on purpose).
 */
export class Readiness {
  private lastAckNs: number;
  private lastAckCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly stats: Stats,
    /** controller.intervalMs: the loop turns this often. */
    private readonly intervalMs: number,
  ) {
    this.lastAckNs = clock.nowNs();
  }

  /** Each control interval: notes whether acknowledgements arrived. */
  observe(nowNs: number): void {
    if (this.stats.messagesSent !== this.lastAckCount) {
      this.lastAckCount = this.stats.messagesSent;
      this.lastAckNs = nowNs;
    }
  }

  /** Sends were (re)started on purpose: the silence counts from now. */
  restartAckWatch(): void {
    this.lastAckNs = this.clock.nowNs();
  }

  health(state: DaemonState, lastTickNs: number): { ok: boolean; reason: string } {
    const sinceSampleMs = (this.clock.nowNs() - lastTickNs) / 1e6;
    const bound = 5 * this.intervalMs + 1_000;
    if (state !== 'stopped' && sinceSampleMs > bound) {
      return { ok: false, reason: `the sampling loop has not turned for ${Math.round(sinceSampleMs)} ms` };
    }
    return { ok: true, reason: state };
  }

  readiness(
    state: DaemonState,
    session: WorkloadSession,
    notReadyReason: string,
  ): { ready: boolean; reason: string } {
    if (state === 'stopping' || state === 'stopped') return { ready: false, reason: 'shutting down' };
    if (state !== 'running' || !session.engine) return { ready: false, reason: notReadyReason };
    if (session.paused) return { ready: true, reason: 'paused on purpose' };
    const silentMs = (this.clock.nowNs() - this.lastAckNs) / 1e6;
    // At very low rates a silence of a few seconds is normal: wait at least three send intervals.
    const bound = Math.max(ACK_SILENCE_UNREADY_MS, 3_000 / Math.max(session.rate, 1e-3));
    if (silentMs > bound) {
      return {
        ready: false,
        reason: `no acknowledgement from Kafka for ${Math.round(silentMs / 1000)} s (${session.engine.inFlight} in flight)`,
      };
    }
    return { ready: true, reason: 'producing' };
  }
}
