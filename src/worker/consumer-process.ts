/**
 * Entry point of a consumer child process. Consumers run here, not in the daemon's process, so that
 * handling received messages can never delay the producers' sends (their schedule lives on the main
 * event loop). The process measures end-to-end latency into its own HdrHistogram and reports encoded
 * snapshots and counts over the IPC channel every `reportIntervalMs`.
 *
 * A process and not a worker thread: the Kafka client's native addon is not context-aware, so a second
 * copy cannot load in a worker thread of a process that already has it ("Module did not self-register").
 */
import type { ConsumedMessage, Consumer } from '../driver/driver.js';
import { driverFactoryByName } from '../driver/driver-factories.js';
import { isSoakbenchError } from '../errors.js';
import { SequenceChecker } from '../integrity/sequence-checker.js';
import { enableHdrWebAssembly } from '../stats/histogram-factory.js';
import { LatencyRecorder } from '../stats/latency-recorder.js';
import type {
  ConsumerReport,
  ConsumerThreadData,
  FromConsumerThread,
  ToConsumerThread,
} from './consumer-protocol.js';
import { hasPrefix, readIntendedWallUs, readProducerId, readRunId, readSequence } from './message-codec.js';

const post = (message: FromConsumerThread): void => {
  if (process.connected) process.send!(message);
};

let received: number[] = [];
let bytes: number[] = [];
let assigned: number[] = [];
let untimed = 0;
let late = 0;
/** One checker per consumer: each consumer owns its partitions of its group. */
const checkers: {
  subscription: number;
  checker: SequenceChecker;
  reported: { duplicated: number; outOfOrder: number };
}[] = [];
let errors: Record<string, number> = {};
let endToEnd: LatencyRecorder;
const consumers: Consumer[] = [];

function report(flushId?: number, allGaps = false): void {
  const nowMs = performance.timeOrigin + performance.now();
  let duplicated = 0;
  let outOfOrder = 0;
  const staleGaps: ConsumerReport['staleGaps'] = [];
  for (const c of checkers) {
    duplicated += c.checker.counts.duplicated - c.reported.duplicated;
    outOfOrder += c.checker.counts.outOfOrder - c.reported.outOfOrder;
    c.reported.duplicated = c.checker.counts.duplicated;
    c.reported.outOfOrder = c.checker.counts.outOfOrder;
    for (const g of c.checker.takeStale(nowMs, allGaps))
      staleGaps.push({ ...g, subscription: c.subscription });
  }
  const message: ConsumerReport = {
    duplicated,
    outOfOrder,
    late,
    staleGaps,
    type: 'report',
    received: received.slice(),
    bytes: bytes.slice(),
    untimed,
    endToEnd: endToEnd.drainEncoded(),
    assigned: assigned.slice(),
    errors,
  };
  if (flushId !== undefined) message.flushId = flushId;
  received.fill(0);
  bytes.fill(0);
  untimed = 0;
  late = 0;
  errors = {};
  post(message);
}

function handler(
  subscription: number,
  checker: SequenceChecker,
  lateAfterUs: number,
): (messages: ConsumedMessage[]) => void {
  return (messages) => {
    // One receive time per batch: the batch reached JavaScript at once.
    const nowWallUs = (performance.timeOrigin + performance.now()) * 1000;
    const nowMs = nowWallUs / 1000;
    let n = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const value = m.value;
      n += value === null ? 0 : value.length;
      if (hasPrefix(value)) {
        const e2e = nowWallUs - readIntendedWallUs(value);
        endToEnd.record(e2e);
        if (e2e > lateAfterUs) late++;
        checker.check(m.partition, readRunId(value), readProducerId(value), readSequence(value), nowMs);
      } else {
        untimed++;
      }
    }
    received[subscription]! += messages.length;
    bytes[subscription]! += n;
  };
}

async function main(data: ConsumerThreadData): Promise<void> {
  received = new Array<number>(data.subscriptions).fill(0);
  bytes = new Array<number>(data.subscriptions).fill(0);
  assigned = new Array<number>(data.subscriptions).fill(0);
  await enableHdrWebAssembly();
  endToEnd = new LatencyRecorder({ maxUs: data.maxEndToEndUs });
  const driver = driverFactoryByName(data.driver).create(data.settings, {
    connectTimeoutMs: data.connectTimeoutMs,
  });
  for (const spec of data.consumers) {
    const checker = new SequenceChecker(data.lateAfterMs);
    checkers.push({ subscription: spec.subscription, checker, reported: { duplicated: 0, outOfOrder: 0 } });
    const consumer = driver.consumer({
      groupId: spec.groupId,
      topics: [spec.topic],
      startAt: spec.startAt,
      onMessages: handler(spec.subscription, checker, data.lateAfterMs * 1000),
      onAssignment: (kind, partitions) => {
        assigned[spec.subscription]! += kind === 'assign' ? partitions.length : -partitions.length;
        // A partition that moved starts a new baseline: replays after a rebalance are not duplicates.
        for (const p of partitions) checker.resetPartition(p.partition);
      },
      onError: (err) => {
        const code = isSoakbenchError(err) ? err.code : 'ERROR';
        errors[code] = (errors[code] ?? 0) + 1;
      },
    });
    consumers.push(consumer);
  }
  await Promise.all(consumers.map((c) => c.start()));
  const timer = setInterval(() => report(), data.reportIntervalMs);
  process.removeAllListeners('message');
  process.on('message', (message: ToConsumerThread) => {
    if (message.type === 'flush') {
      report(message.id, message.allGaps === true);
    } else if (message.type === 'stop') {
      clearInterval(timer);
      void Promise.allSettled(consumers.map((c) => c.close(message.timeoutMs))).then(() => {
        report();
        post({ type: 'stopped' });
        endToEnd.destroy();
        process.disconnect();
      });
    }
  });
  post({ type: 'started' });
}

// The parent died or closed the channel: nobody reads our reports, so stop (no orphans).
process.on('disconnect', () => {
  void Promise.allSettled(consumers.map((c) => c.close(2_000))).then(() => process.exit(0));
});
// Signals go to the whole process group on Ctrl-C; the parent decides when consumers stop.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

process.once('message', (data: ConsumerThreadData) => {
  run(data);
});

function run(data: ConsumerThreadData): void {
  main(data).catch((err: unknown) => {
    const e = err as { code?: string; message?: string; retriable?: boolean };
    post({
      type: 'failed',
      code: isSoakbenchError(err) ? err.code : 'INTERNAL',
      message: e.message ?? String(err),
      retriable: e.retriable === true,
    });
    void Promise.allSettled(consumers.map((c) => c.close(2_000))).then(() => process.disconnect());
  });
}
