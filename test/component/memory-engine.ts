import { type Clock, systemClock } from '../../src/clock.js';
import { type MemoryBroker, memoryBroker } from '../../src/driver/memory/memory-broker.js';
import { memoryDriverFactory } from '../../src/driver/memory/memory-driver.js';
import { IntegrityTracker } from '../../src/integrity/integrity-tracker.js';
import { Stats } from '../../src/stats/stats.js';
import { LoadEngine } from '../../src/worker/load-engine.js';
import { parseWorkload } from '../../src/workload/workload-parser.js';
import { memorySettings } from '../helpers/memory-settings.js';

/** A LoadEngine on a memory broker of its own (named after the test), by default on the real clock. */
export function memoryEngine(
  name: string,
  rate: number,
  options: { clock?: Clock; ackDelayMs?: number; partitions?: number; producerProcesses?: number } = {},
) {
  const clock = options.clock ?? systemClock;
  const partitions = options.partitions ?? 4;
  const broker: MemoryBroker = memoryBroker(`component-${name}`, { clock, ackDelayMs: options.ackDelayMs });
  const settings = memorySettings(broker.name);
  const workload = parseWorkload(
    {
      name,
      topics: 1,
      partitionsPerTopic: partitions,
      messageSize: 100,
      producersPerTopic: 2,
      subscriptionsPerTopic: 1,
      consumerPerSubscription: 2,
      producerRate: rate,
      topicPrefix: name,
    },
    `${name}.yaml`,
  );
  const stats = new Stats({ clock, subscriptionsPerTopic: 1 });
  const integrity = new IntegrityTracker();
  const restarts = { count: 0 };
  const engine = new LoadEngine({
    driverFactory: memoryDriverFactory,
    settings,
    workload,
    clock,
    stats,
    initialRate: rate,
    cleanupTopics: true,
    assignmentTimeoutMs: 2_000,
    producerProcesses: options.producerProcesses,
    // Short horizons: a gap open 200 ms is judged, so a lost message shows within the test.
    integrity: {
      lateAfterMs: 200,
      onFailure: integrity.onFailure,
      onIntegrity: integrity.onIntegrity,
      onAbandoned: integrity.onAbandoned,
    },
    onProducerProcessRestart: () => restarts.count++,
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Runs for `ms`, then stops with a drain (at most `drainMs`) and settles the integrity ledger. */
  const runFor = async (ms: number, during?: () => Promise<void> | void, drainMs = 2_000) => {
    await engine.start({ paused: true });
    stats.reset();
    engine.resume();
    const startNs = clock.nowNs();
    await Promise.all([sleep(ms), during?.()]);
    // Producer processes report every 100 ms: count everything sent up to now.
    if (options.producerProcesses !== undefined) await engine.refreshConsumers(1_000);
    const measured = stats.cumulativeSnapshot();
    await engine.stop({ flushMs: 2_000, drainMs });
    integrity.settle([engine]);
    broker.close();
    return { measured, seconds: (clock.nowNs() - startNs) / 1e9 };
  };
  return { broker, engine, stats, integrity, runFor, sleep, restarts };
}
