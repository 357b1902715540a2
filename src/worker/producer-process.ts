/**
 * Entry point of a producer child process (docs/architecture.md, "Processes"): runs a share of the
 * workload's producers with ProducerRunner (producer-runner.ts) and carries its reports and the main
 * process's requests over IPC (producer-protocol.ts). Like a consumer process (consumer-process.ts), a
 * process and not a worker thread: the Kafka client's native addon loads once per process.
 */
import { systemClock } from '../clock.js';
import { driverFactoryByName } from '../driver/driver-factories.js';
import { isSoakbenchError } from '../errors.js';
import { enableHdrWebAssembly } from '../stats/histogram-factory.js';
import { childChannel } from './child-channel.js';
import type { FromProducerProcess, ProducerProcessData, ToProducerProcess } from './producer-protocol.js';
import { ProducerRunner } from './producer-runner.js';

const channel = childChannel<FromProducerProcess>();
const post = channel.post;

let runner: ProducerRunner | undefined;

async function main(data: ProducerProcessData): Promise<void> {
  await enableHdrWebAssembly();
  const driver = driverFactoryByName(data.driver).create(data.settings, {
    connectTimeoutMs: data.connectTimeoutMs,
  });
  runner = new ProducerRunner(driver, data, systemClock, post);
  const started = runner;
  // Requests that arrive while the clients connect apply to the limiter at once (a pause, a rate).
  handle = (message) => {
    if (message.type === 'flush') started.report(message.id);
    else if (message.type === 'rate') started.setRate(message.rate);
    else if (message.type === 'pause' || message.type === 'resume')
      started.setPaused(message.type === 'pause');
    else if (message.type === 'stop') {
      // The last report carries the final flush's acknowledgements: written before the channel closes.
      void started.stop(message.flushMs).then(channel.disconnect);
    }
  };
  for (const message of early.splice(0)) handle(message);
  await runner.start();
  post({ type: 'started' });
}

/** Requests that came before the runner existed, handled once it does. */
const early: ToProducerProcess[] = [];
let handle = (message: ToProducerProcess): void => {
  early.push(message);
};

// The parent died or closed the channel: nobody reads our reports, so stop (no orphans).
process.on('disconnect', () => {
  void (runner?.abandon() ?? Promise.resolve()).then(() => process.exit(0));
});
// Signals go to the whole process group on Ctrl-C; the parent decides when producers stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

process.once('message', (data: ProducerProcessData) => {
  process.on('message', (message: ToProducerProcess) => handle(message));
  main(data).catch((err: unknown) => {
    const e = err as { message?: string; retriable?: boolean };
    post({
      type: 'failed',
      code: isSoakbenchError(err) ? err.code : 'INTERNAL',
      message: e.message ?? String(err),
      retriable: e.retriable === true,
    });
    void (runner?.abandon() ?? Promise.resolve()).then(channel.disconnect);
  });
});
