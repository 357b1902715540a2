import type { Clock, Scheduler, Timer } from '../clock.js';
import type { Admin } from '../driver/driver.js';
import { isSoakbenchError } from '../errors.js';
import type { Service } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/logger.js';
import type { WorkloadSession } from '../session/workload-session.js';
import type { RunEvents } from '../stats/run-events.js';
import { sweepAbandonedTopics } from '../worker/topic-sweep.js';

/** Backoff between attempts: 1, 2, 4 … 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.min(attempt - 1, 5));
}

export interface ConnectRetryOptions {
  session: WorkloadSession;
  events: RunEvents;
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
  /** topics.sweepOnStart: an admin client to delete topics of killed earlier runs before the first start. */
  sweepAdmin?: () => Admin;
  /** The run tag whose topics the sweep keeps although idle (a fleet's shared tag of the current workload). */
  sweepKeeps?: () => string | undefined;
  /** The first attempt begins. */
  onConnecting: () => void;
  /** The session's engine started and is current. */
  onRunning: () => void;
}

/**
 * The daemon's workload service: starts the session's engine in the background and, while Kafka does not
 * answer, tries again after 1, 2, 4 … 30 s (the HTTP API answers meanwhile; `notReadyReason` says why).
 * Its stop ends the retrying, waits a little for a start under way, then stops the session.
 */
export class ConnectRetry implements Service {
  readonly name = 'workload';
  /** Why the workload is not running yet, for /readyz. */
  notReadyReason = 'starting';
  private readonly o: ConnectRetryOptions;
  private attempt = 0;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private delay: { timer: Timer; wake: () => void } | undefined;

  constructor(options: ConnectRetryOptions) {
    this.o = options;
  }

  start(): void {
    this.o.onConnecting();
    this.connecting = this.run();
  }

  private async run(): Promise<void> {
    const { session, events, log } = this.o;
    let swept = this.o.sweepAdmin === undefined;
    while (!this.stopped) {
      if (!swept) swept = await this.sweep();
      if (this.attempt === 0) this.notReadyReason = 'connecting to Kafka';
      try {
        if (!(await session.start())) return; // stopped while starting: the engine was not kept
        if (this.stopped) return;
        this.o.onRunning();
        return;
      } catch (err) {
        if (this.stopped) return;
        if (isSoakbenchError(err) && err.isUserError) {
          // A workload the cluster cannot take (e.g. too few brokers for the replication factor): say so and keep trying.
          events.noteError(err.message);
        }
        this.attempt++;
        const delayMs = retryDelayMs(this.attempt);
        const message = (err as Error).message;
        this.notReadyReason = `cannot start the workload (attempt ${this.attempt}, next in ${delayMs / 1000} s): ${message}`;
        events.noteError(message);
        log.warn(
          { attempt: this.attempt, retryInMs: delayMs, error: message },
          'kafka not reachable, retrying',
        );
        await new Promise<void>((wake) => {
          this.delay = { timer: this.o.scheduler.after(delayMs, wake), wake };
        });
        this.delay = undefined;
      }
    }
  }

  /** topics.sweepOnStart: deletes topics an earlier, killed soakbench run left; true once done. */
  private async sweep(): Promise<boolean> {
    const { session, log } = this.o;
    const admin = this.o.sweepAdmin!();
    try {
      const r = await sweepAbandonedTopics(
        admin,
        session.workload.topicPrefix,
        session.workload.subscriptionsPerTopic,
        3_000,
        this.o.sweepKeeps?.(),
      );
      log.info({ deleted: r.deleted, kept: r.kept }, 'swept topics of earlier runs');
      return true;
    } catch (err) {
      log.warn({ error: (err as Error).message }, 'topic sweep failed; will try again');
      return false;
    } finally {
      await admin.close();
    }
  }

  /**
   * Ends the retrying; a start under way finishes within the client timeouts, waited for at most a third
   * of the budget; then the session stops (flushing for at most half of what is left, 10 s at most).
   */
  async stop(budgetMs: number): Promise<void> {
    const { clock, scheduler } = this.o;
    const startNs = clock.nowNs();
    this.stopped = true;
    if (this.delay) {
      this.delay.timer.cancel();
      this.delay.wake();
    }
    let wait: Timer | undefined;
    await Promise.race([
      this.connecting?.catch(() => {}),
      new Promise<void>((r) => {
        wait = scheduler.after(budgetMs / 3, r);
      }),
    ]);
    // A pending timer would keep the process alive after the stop (regression: exits lingered graceMs/3).
    wait?.cancel();
    const leftMs = Math.max(500, budgetMs - (clock.nowNs() - startNs) / 1e6);
    await this.o.session.stop({ flushMs: Math.min(10_000, leftMs / 2) });
  }
}
