import type { Clock } from '../clock.js';
import type { ConsumedMessage, Consumer, Driver } from '../driver/driver.js';
import { isSoakbenchError } from '../errors.js';
import { SequenceChecker } from '../integrity/sequence-checker.js';
import { LatencyRecorder } from '../stats/latency-recorder.js';
import type { ConsumerReport, ConsumerThreadData, FromConsumerThread } from './consumer-protocol.js';
import { hasPrefix, readIntendedWallUs, readProducerId, readRunId, readSequence } from './message-codec.js';

/** One checker per consumer: each consumer owns its partitions of its group. */
interface Checked {
  subscription: number;
  checker: SequenceChecker;
  reported: { duplicated: number; outOfOrder: number };
}

/**
 * What a set of consumers does with what they receive, wherever they run: end-to-end latency into an
 * HdrHistogram, sequence checking, counts per subscription, and a report (the consumer protocol's
 * message) every `reportIntervalMs` and on request. The consumer child process (consumer-process.ts)
 * runs one and posts its reports over IPC; ConsumerPool runs one in its own process for a driver whose
 * clients cannot cross processes (the in-memory driver), so both paths share this code.
 *
 * Wall times come from `clock` (the system clock in a child process; the engine's clock inline).
 */
export class ConsumerRunner {
  private readonly received: number[];
  private readonly bytes: number[];
  /** Partitions each consumer holds now (data.consumers order); the reports sum them per subscription. */
  private readonly assignedByConsumer: number[];
  private untimed = 0;
  private late = 0;
  private readonly checkers: Checked[] = [];
  private errors: Record<string, number> = {};
  private readonly endToEnd: LatencyRecorder;
  private readonly consumers: Consumer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly data: ConsumerThreadData,
    private readonly clock: Clock,
    private readonly post: (message: FromConsumerThread) => void,
  ) {
    this.received = new Array<number>(data.subscriptions).fill(0);
    this.bytes = new Array<number>(data.subscriptions).fill(0);
    this.assignedByConsumer = new Array<number>(data.consumers.length).fill(0);
    this.endToEnd = new LatencyRecorder({ maxUs: data.maxEndToEndUs });
  }

  /** Builds and starts every consumer, then reports every `reportIntervalMs`; rejects if one fails to start. */
  async start(): Promise<void> {
    const { data } = this;
    for (const [index, spec] of data.consumers.entries()) {
      const checker = new SequenceChecker(data.lateAfterMs);
      this.checkers.push({
        subscription: spec.subscription,
        checker,
        reported: { duplicated: 0, outOfOrder: 0 },
      });
      const consumer = this.driver.consumer({
        groupId: spec.groupId,
        topics: [spec.topic],
        startAt: spec.startAt,
        onMessages: this.handler(spec.subscription, checker, data.lateAfterMs * 1000),
        onAssignment: (kind, partitions) => {
          this.assignedByConsumer[index]! += kind === 'assign' ? partitions.length : -partitions.length;
          // A partition that moved starts a new baseline: replays after a rebalance are not duplicates.
          for (const p of partitions) checker.resetPartition(p.partition);
        },
        onError: (err) => {
          const code = isSoakbenchError(err) ? err.code : 'ERROR';
          this.errors[code] = (this.errors[code] ?? 0) + 1;
        },
      });
      if (data.paused === true) consumer.pause();
      this.consumers.push(consumer);
    }
    await Promise.all(this.consumers.map((c) => c.start()));
    this.timer = setInterval(() => this.report(), data.reportIntervalMs);
  }

  private handler(
    subscription: number,
    checker: SequenceChecker,
    lateAfterUs: number,
  ): (messages: ConsumedMessage[]) => void {
    return (messages) => {
      // One receive time per batch: the batch reached JavaScript at once.
      const nowWallUs = this.clock.wallMs() * 1000;
      const nowMs = nowWallUs / 1000;
      let n = 0;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const value = m.value;
        n += value === null ? 0 : value.length;
        if (hasPrefix(value)) {
          const e2e = nowWallUs - readIntendedWallUs(value);
          this.endToEnd.record(e2e);
          if (e2e > lateAfterUs) this.late++;
          checker.check(m.partition, readRunId(value), readProducerId(value), readSequence(value), nowMs);
        } else {
          this.untimed++;
        }
      }
      this.received[subscription]! += messages.length;
      this.bytes[subscription]! += n;
    };
  }

  /** Pauses (true) or resumes (false) every consumer: they stay in their groups and fetch nothing. */
  setPaused(paused: boolean): void {
    for (const c of this.consumers) {
      if (paused) c.pause();
      else c.resume();
    }
  }

  /** Per subscription: partitions assigned, and consumers holding at least one of them. */
  private assignment(): { assigned: number[]; members: number[] } {
    const assigned = new Array<number>(this.data.subscriptions).fill(0);
    const members = new Array<number>(this.data.subscriptions).fill(0);
    this.data.consumers.forEach((spec, i) => {
      const n = this.assignedByConsumer[i]!;
      assigned[spec.subscription]! += n;
      if (n > 0) members[spec.subscription]!++;
    });
    return { assigned, members };
  }

  /** Posts the counts and latencies since the previous report; with `allGaps`, every open gap as final. */
  report(flushId?: number, allGaps = false): void {
    const nowMs = this.clock.wallMs();
    let duplicated = 0;
    let outOfOrder = 0;
    const staleGaps: ConsumerReport['staleGaps'] = [];
    for (const c of this.checkers) {
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
      late: this.late,
      staleGaps,
      type: 'report',
      received: this.received.slice(),
      bytes: this.bytes.slice(),
      untimed: this.untimed,
      endToEnd: this.endToEnd.drainEncoded(),
      ...this.assignment(),
      errors: this.errors,
    };
    if (flushId !== undefined) message.flushId = flushId;
    this.received.fill(0);
    this.bytes.fill(0);
    this.untimed = 0;
    this.late = 0;
    this.errors = {};
    this.post(message);
  }

  /** Closes the consumers (they commit what they consumed), posts a last report and `stopped`. */
  stop(timeoutMs: number): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.timer);
      await this.closeConsumers(timeoutMs);
      this.report();
      this.post({ type: 'stopped' });
      this.endToEnd.destroy();
    })();
    return this.stopping;
  }

  /** Closes the consumers without reporting (start-up failed, or nobody reads the reports any more). */
  async closeConsumers(timeoutMs: number): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled(this.consumers.map((c) => c.close(timeoutMs)));
  }
}
