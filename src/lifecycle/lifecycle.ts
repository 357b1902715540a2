import type { Clock, Scheduler } from '../clock.js';
import type { Logger } from '../log/logger.js';

/** Each stop step gets at least this long, even past the deadline, so later steps still release what they hold. */
const MIN_STEP_MS = 500;

/** A part of the process with a start and a stop (HTTP server, workload, control loop …). */
export interface Service {
  readonly name: string;
  start(): Promise<void> | void;
  /** Stops within `budgetMs` if it can; past it the lifecycle moves on without it. */
  stop(budgetMs: number): Promise<unknown> | unknown;
}

export interface LifecycleOptions {
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
}

/**
 * Services started in order and stopped in reverse under one deadline (docs/architecture.md): each step
 * gets what is left of it (at least MIN_STEP_MS); a step that fails or hangs past its budget is logged
 * ('stop step failed') and the next one runs. The process owner forces an exit when the whole stop
 * overruns (src/main.ts).
 */
export class Lifecycle {
  private readonly services: Service[] = [];
  private started: Service[] = [];
  private readonly o: LifecycleOptions;

  constructor(options: LifecycleOptions) {
    this.o = options;
  }

  add(service: Service): this {
    this.services.push(service);
    return this;
  }

  /** Starts each service in order; if one fails, those already started are stopped (reverse) and it throws. */
  async start(): Promise<void> {
    for (const service of this.services) {
      try {
        await service.start();
      } catch (err) {
        await this.stop(5_000);
        throw err;
      }
      this.started.push(service);
    }
  }

  /** Stops the started services in reverse order within `deadlineMs`; resolves when all were dealt with. */
  async stop(deadlineMs: number): Promise<void> {
    const { clock } = this.o;
    const startNs = clock.nowNs();
    const left = (): number => Math.max(MIN_STEP_MS, deadlineMs - (clock.nowNs() - startNs) / 1e6);
    const order = [...this.started].reverse();
    this.started = [];
    for (const service of order) {
      const budgetMs = left();
      try {
        await this.within(budgetMs, async () => service.stop(budgetMs));
      } catch (err) {
        this.o.log.error({ step: service.name, error: (err as Error).message }, 'stop step failed');
      }
    }
  }

  /** Runs `fn`, failing with a timeout error when it has not settled after `ms`. */
  private within(ms: number, fn: () => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.o.scheduler.after(ms, () =>
        reject(new Error(`did not stop within ${Math.round(ms)} ms`)),
      );
      fn().then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (err: unknown) => {
          timer.cancel();
          reject(err);
        },
      );
    });
  }
}
