/**
 * Entry point of a consumer child process. Consumers run here, not in the daemon's process, so that
 * handling received messages can never delay the producers' sends (their schedule lives on the main
 * event loop). What the consumers do is ConsumerRunner's (consumer-runner.ts): this file only builds the
 * driver from the factory name in the start message and carries reports and requests over IPC.
 *
 * A process and not a worker thread: the Kafka client's native addon is not context-aware, so a second
 * copy cannot load in a worker thread of a process that already has it ("Module did not self-register").
 */
import { systemClock } from '../clock.js';
import { driverFactoryByName } from '../driver/driver-factories.js';
import { isSoakbenchError } from '../errors.js';
import { enableHdrWebAssembly } from '../stats/histogram-factory.js';
import { childChannel } from './child-channel.js';
import type { ConsumerThreadData, FromConsumerThread, ToConsumerThread } from './consumer-protocol.js';
import { ConsumerRunner } from './consumer-runner.js';

const channel = childChannel<FromConsumerThread>();
const post = channel.post;

let runner: ConsumerRunner | undefined;

async function main(data: ConsumerThreadData): Promise<void> {
  await enableHdrWebAssembly();
  const driver = driverFactoryByName(data.driver).create(data.settings, {
    connectTimeoutMs: data.connectTimeoutMs,
  });
  runner = new ConsumerRunner(driver, data, systemClock, post);
  await runner.start();
  const started = runner;
  process.removeAllListeners('message');
  process.on('message', (message: ToConsumerThread) => {
    if (message.type === 'flush') {
      started.report(message.id, message.allGaps === true);
    } else if (message.type === 'pause' || message.type === 'resume') {
      started.setPaused(message.type === 'pause');
    } else if (message.type === 'stop') {
      // The last report carries the final counts: written before the channel closes.
      void started.stop(message.timeoutMs).then(channel.disconnect);
    }
  });
  post({ type: 'started' });
}

// The parent died or closed the channel: nobody reads our reports, so stop (no orphans).
process.on('disconnect', () => {
  void (runner?.closeConsumers(2_000) ?? Promise.resolve()).then(() => process.exit(0));
});
// Signals go to the whole process group on Ctrl-C; the parent decides when consumers stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

process.once('message', (data: ConsumerThreadData) => {
  main(data).catch((err: unknown) => {
    const e = err as { code?: string; message?: string; retriable?: boolean };
    post({
      type: 'failed',
      code: isSoakbenchError(err) ? err.code : 'INTERNAL',
      message: e.message ?? String(err),
      retriable: e.retriable === true,
    });
    void (runner?.closeConsumers(2_000) ?? Promise.resolve()).then(channel.disconnect);
  });
});
