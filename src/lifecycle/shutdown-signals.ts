/**
 * The stop requests of a process (SIGINT/SIGTERM): the first aborts `signal` (the command drains and
 * stops within its deadline), a second one forces an exit at once. src/main.ts feeds it the signals.
 */
export class ShutdownSignals {
  private readonly controller = new AbortController();

  constructor(
    private readonly o: {
      /** The first request: a graceful stop begins. */
      onStop: (name: string) => void;
      /** A request while stopping: exit now. */
      onForce: (name: string) => void;
    },
  ) {}

  /** Aborted at the first request. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  receive(name: string): void {
    if (this.controller.signal.aborted) {
      this.o.onForce(name);
      return;
    }
    this.o.onStop(name);
    this.controller.abort();
  }
}
