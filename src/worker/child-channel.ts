/**
 * The child side of a producer or consumer process's IPC channel (producer-process.ts,
 * consumer-process.ts): posts messages to the parent and says when every posted one has been written.
 *
 * A child ends by disconnecting the channel after its last report. `process.send` returns before the
 * message is written when the channel's socket is full (the parent busy), and a disconnect closes the
 * channel at once, dropping what is still queued: the last report, with the counts of the final flush,
 * would be lost. So `disconnect()` waits until every posted message is written.
 */
export interface ChildChannel<M> {
  post(message: M): void;
  /** Closes the channel once every message posted so far has been written to it (or failed to be). */
  disconnect(): Promise<void>;
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
  const allSent = (): Promise<void> =>
    unsent === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  return {
    post(message) {
      if (!process.connected) return;
      unsent++;
      process.send!(message, undefined, undefined, written);
    },
    async disconnect() {
      await allSent();
      if (process.connected) process.disconnect();
    },
  };
}
