/**
 * The child side of a producer or consumer process's IPC channel (producer-process.ts,
 * consumer-process.ts): posts messages to the parent and says when every posted one has been written.
 *
 * A child ends by disconnecting the channel after its last report. `process.send` returns before the
 * message is written when the channel's socket is full (the parent busy), and a disconnect closes the
 * channel at once, dropping what is still queued: the last report, with the counts of the final flush,
 * would be lost. So the child waits for `allSent()` before it disconnects.
 */
export interface ChildChannel<M> {
  post(message: M): void;
  /** Resolves once every message posted so far has been written to the channel (or failed to be). */
  allSent(): Promise<void>;
}

export function childChannel<M>(): ChildChannel<M> {
  let unsent = 0;
  let waiters: (() => void)[] = [];
  const written = (): void => {
    unsent--;
    if (unsent > 0) return;
    const done = waiters;
    waiters = [];
    for (const w of done) w();
  };
  return {
    post(message) {
      if (!process.connected) return;
      unsent++;
      process.send!(message, undefined, undefined, written);
    },
    allSent() {
      if (unsent === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
