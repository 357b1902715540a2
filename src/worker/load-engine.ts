import { randomBytes, randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Admin, Driver, DriverFactory } from '../driver/driver.js';
import { driverFactoryByName } from '../driver/driver-factories.js';
import { isSoakbenchError, SoakbenchError } from '../errors.js';
import { RateLimiter } from '../rate/rate-limiter.js';
import { DEFAULT_MAX_END_TO_END_US } from '../stats/stats.js';
import { createKeyDistributor } from '../workload/key-distributor.js';
import { createPayloadSource } from '../workload/payloads.js';
import { ConsumerPool } from './consumer-pool.js';
import type { ConsumerSpec } from './consumer-protocol.js';
import { LeaderRefresh } from './leader-refresh.js';
import type { LoadEngineOptions } from './load-engine-options.js';
import { stickyMessages } from './partitioner.js';
import { ProducerClients } from './producer-clients.js';
import { ProducerPool } from './producer-pool.js';
import { type ProducerStream, SendLoop } from './send-loop.js';

export type { LoadEngineOptions };

/** librdkafka's default queue.buffering.max.messages: more in flight would only fill its queue. */
const DEFAULT_MAX_IN_FLIGHT = 100_000;

/** A subscription of the workload: one consumer group on one topic. */
export interface Subscription {
  topic: string;
  groupId: string;
}

/**
 * One running workload: its topics, producers (the send loop on this thread) and consumers (worker
 * threads). The daemon swaps workloads by starting a new engine before stopping the old one, both
 * writing into the same Stats, so metrics continue.
 */
export class LoadEngine {
  readonly limiter: RateLimiter;
  /** A short random tag in topic and group names: runs never collide with each other. */
  readonly runTag: string;
  topics: string[] = [];
  subscriptions: Subscription[] = [];
  private readonly o: LoadEngineOptions;
  private readonly driver: Driver;
  private readonly driverFactory: DriverFactory | undefined;
  private admin: Admin | undefined;
  private clients: ProducerClients | undefined;
  private loop: SendLoop | undefined;
  /** The producers in child processes (engine.producerProcesses ≥ 2), instead of `loop` here. */
  private producers: ProducerPool | undefined;
  private leaders: LeaderRefresh | undefined;
  private pool: ConsumerPool | undefined;
  private streams: ProducerStream[] = [];
  private createdTopics: string[] = [];
  private stopping: Promise<void> | undefined;

  constructor(options: LoadEngineOptions) {
    this.o = options;
    this.driverFactory = options.driverFactory;
    if (options.driver) this.driver = options.driver;
    else if (options.driverFactory)
      this.driver = options.driverFactory.create(options.settings, options.driverOptions);
    else throw new SoakbenchError('INTERNAL', 'LoadEngine needs a driver or a driverFactory');
    this.limiter = new RateLimiter(options.clock, options.initialRate);
    this.limiter.pause();
    this.runTag = options.sharedRunTag ?? randomBytes(4).toString('hex');
  }

  private log(event: string, fields?: Record<string, unknown>): void {
    this.o.log?.(event, fields);
  }

  /**
   * Creates (or finds) the topics, starts consumers, connects producers, starts sending (or, with
   * `paused`, waits for `resume()`). A Kafka that does not answer fails with KAFKA_UNREACHABLE naming
   * the bootstrap servers.
   */
  async start(options: { paused?: boolean } = {}): Promise<void> {
    try {
      await this.doStart(options.paused === true);
    } catch (err) {
      if (isSoakbenchError(err) && (err.code === 'KAFKA_TIMEOUT' || err.code === 'KAFKA_UNREACHABLE')) {
        const servers = String(this.o.settings.admin['bootstrap.servers'] ?? '(bootstrap.servers not set)');
        throw new SoakbenchError('KAFKA_UNREACHABLE', `Kafka at ${servers} did not answer: ${err.message}`, {
          cause: err,
          retriable: true,
        });
      }
      throw err;
    }
  }

  private async doStart(paused: boolean): Promise<void> {
    const { workload, settings } = this.o;
    this.admin = this.driver.admin();
    const partitionsOf = await this.prepareTopics(this.admin);

    if (workload.subscriptionsPerTopic > 0) {
      const consumers: ConsumerSpec[] = [];
      this.topics.forEach((topic) => {
        for (let j = 0; j < workload.subscriptionsPerTopic; j++) {
          const subscription = this.subscriptions.length;
          const groupId = `${workload.topicPrefix}-sub-${j}-${this.runTag}`;
          this.subscriptions.push({ topic, groupId });
          for (let c = 0; c < workload.consumerPerSubscription; c++) {
            consumers.push({
              subscription,
              groupId,
              topic,
              startAt: workload.existingTopics ? 'latest' : 'earliest',
            });
          }
        }
      });
      this.pool = new ConsumerPool({
        driverFactory: this.driverFactory ?? driverFactoryByName(this.driver.name),
        settings,
        clock: this.o.clock,
        consumers,
        subscriptions: this.subscriptions.length,
        stats: this.o.stats,
        processes: this.o.consumerProcesses,
        connectTimeoutMs: this.o.connectTimeoutMs,
        maxEndToEndUs: DEFAULT_MAX_END_TO_END_US,
        lateAfterMs: this.o.integrity?.lateAfterMs ?? 30_000,
        onIntegrity: this.o.integrity?.onIntegrity,
        onErrors: (errors) => this.log('consumer errors', { errors }),
        onRestart: (reason, attempt) => {
          this.log('consumer process restarting', { reason, attempt });
          this.o.onConsumerRestart?.(reason, attempt);
        },
      });
      await this.pool.start();
      if (this.o.sharedRunTag === undefined) await this.waitForAssignments(partitionsOf);
    }

    const producerCount = this.topics.length * workload.producersPerTopic;
    const clientCount = Math.max(1, Math.min(producerCount, this.o.producerClients ?? 4));
    let id = 0;
    for (const topic of this.topics) {
      for (let p = 0; p < workload.producersPerTopic; p++) {
        this.streams.push({ id, topic, partitions: partitionsOf.get(topic)!, client: id % clientCount });
        id++;
      }
    }
    if (this.producerProcessCount(producerCount) >= 2) {
      await this.startProducerPool(producerCount, clientCount, paused);
      return;
    }
    const clients = new ProducerClients({
      driver: this.driver,
      settings,
      runTag: this.runTag,
      count: clientCount,
      statisticsIntervalMs: this.o.statisticsIntervalMs,
      onStats: this.o.onClientStats,
      onError: this.o.onClientError,
      onRestart: this.o.onProducerRestart,
      log: (event, fields) => this.log(event, fields),
    });
    this.clients = clients;
    let loop: SendLoop | undefined;
    await clients.connect((errorCode, token) => loop!.onDelivery(errorCode, token));
    loop = new SendLoop({
      clock: this.o.clock,
      stats: this.o.stats,
      limiter: this.limiter,
      clients: clients.list,
      streams: this.streams,
      payloads: createPayloadSource(workload),
      keys: createKeyDistributor(workload.keyDistributor),
      runId: randomInt(1, 2 ** 32 - 1),
      maxInFlight: this.o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      stickyMessages: stickyMessages(settings.producer['batch.size'], workload.messageSize),
      onAck: this.o.onAck,
      onFailure: this.o.integrity?.onFailure,
    });
    this.loop = loop;
    this.leaders = await LeaderRefresh.startFor(this.o.stats.brokers, loop, this.streams, () => clients.list);
    if (!paused) this.limiter.resume();
    loop.start();
    this.log('producing', {
      topics: this.topics,
      rate: this.limiter.rate,
      producers: producerCount,
      clients: clientCount,
    });
  }

  /**
   * Producer processes to run: engine.producerProcesses (0: one per core), at most one per producer; 1 (or a driver
   * given as an instance, whose clients no other process can rebuild) keeps the send path here.
   */
  private producerProcessCount(producerCount: number): number {
    const configured = this.o.producerProcesses ?? 1;
    const wanted = configured === 0 ? availableParallelism() : configured;
    if (this.o.driver !== undefined && this.driverFactory === undefined) return 1;
    return Math.max(1, Math.min(wanted, producerCount));
  }

  /** The send path in producer processes (src/worker/producer-pool.ts). */
  private async startProducerPool(
    producerCount: number,
    clientCount: number,
    paused: boolean,
  ): Promise<void> {
    const { workload, settings } = this.o;
    const integrity = this.o.integrity;
    const pool = new ProducerPool({
      driverFactory: this.driverFactory ?? driverFactoryByName(this.driver.name),
      settings,
      clock: this.o.clock,
      stats: this.o.stats,
      streams: this.streams,
      processes: this.producerProcessCount(producerCount),
      runTag: this.runTag,
      rate: () => this.limiter.rate,
      paused,
      workload,
      maxInFlight: this.o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      producerClients: clientCount,
      stickyMessages: stickyMessages(settings.producer['batch.size'], workload.messageSize),
      connectTimeoutMs: this.o.connectTimeoutMs,
      statisticsIntervalMs: this.o.statisticsIntervalMs,
      onClientStats: this.o.onClientStats,
      onClientError: this.o.onClientError,
      onRestart: (reason, attempt) => {
        if (attempt > 0) this.o.onProducerProcessRestart?.(reason, attempt);
        else this.o.onProducerRestart?.(reason);
      },
      onFailure: integrity?.onFailure,
      onAbandoned: integrity?.onAbandoned,
      log: (event, fields) => this.log(event, fields),
    });
    this.producers = pool;
    await pool.start();
    if (!paused) this.limiter.resume();
    this.log('producing', {
      topics: this.topics,
      rate: this.limiter.rate,
      producers: producerCount,
      processes: pool.processes,
    });
  }

  private async prepareTopics(admin: Admin): Promise<Map<string, number>> {
    const { workload } = this.o;
    if (workload.existingTopics) {
      this.topics = [...workload.existingTopics];
      return admin.describePartitions(this.topics);
    }
    // `-sb-<runTag>-` marks topics soakbench created: a sweep deletes only names of this shape.
    const names = Array.from(
      { length: workload.topics },
      (_, i) => `${workload.topicPrefix}-sb-${this.runTag}-${i}`,
    );
    const specs = names.map((name) => ({
      name,
      partitions: workload.partitionsPerTopic,
      replicationFactor: this.o.settings.replicationFactor,
      config: this.o.settings.topicConfig,
    }));
    const shared = this.o.sharedRunTag !== undefined;
    const result = await admin.createTopics(specs, shared ? { ifExists: 'reuse' } : undefined);
    this.createdTopics = result.created;
    this.topics = names;
    this.log('topics created', { topics: names, partitions: workload.partitionsPerTopic });
    return new Map(names.map((n) => [n, workload.partitionsPerTopic]));
  }

  /**
   * Waits until every group owns all partitions of its topic, so no early message is missed, and every
   * consumer of the group holds some (as many as there are partitions): a member that joins late
   * makes the group rebalance under traffic, which replays the messages consumed but not yet
   * committed and pauses consumption in the warm-up.
   */
  private async waitForAssignments(partitionsOf: Map<string, number>): Promise<void> {
    const pool = this.pool!;
    const perGroup = this.o.workload.consumerPerSubscription;
    const deadline = Date.now() + (this.o.assignmentTimeoutMs ?? 30_000);
    const complete = (): boolean => {
      const members = pool.membersBySubscription();
      return pool.assignedBySubscription().every((n, i) => {
        const partitions = partitionsOf.get(this.subscriptions[i]!.topic)!;
        return n >= partitions && members[i]! >= Math.min(perGroup, partitions);
      });
    };
    while (!complete()) {
      if (Date.now() > deadline) {
        this.log('consumer assignment incomplete', {
          assigned: pool.assignedBySubscription(),
          members: pool.membersBySubscription(),
        });
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
      await pool.flush(1_000);
    }
  }

  setRate(rate: number): void {
    this.limiter.setRate(rate);
    this.loop?.wake();
    this.producers?.setRate();
  }

  pause(): void {
    this.limiter.pause();
    this.producers?.pause();
  }

  resume(): void {
    this.limiter.resume();
    this.loop?.wake();
    this.producers?.resume();
  }

  /** The run ids this engine's producers write into their messages now (one per producer process). */
  runIds(): number[] {
    if (this.producers) return this.producers.runIds;
    return this.loop ? [this.loop.runId] : [];
  }

  /** Producer processes running now and their process ids (none: the send path runs in this process). */
  producerProcesses(): { processes: number; pids: number[]; restarts: number } {
    const p = this.producers;
    return { processes: p?.processes ?? 0, pids: p?.pids ?? [], restarts: p?.restarts ?? 0 };
  }

  /** Ends producer process `index` as a crash would (it is restarted); false without one: for fault tests. */
  killProducerProcess(index: number): boolean {
    return this.producers?.kill(index) ?? false;
  }

  /** Times sending stopped early: a client's queue was full, or the in-flight cap was reached. */
  get backpressure(): { queueFullTicks: number; inFlightFullTicks: number } {
    if (this.producers) return this.producers.backpressure;
    return {
      queueFullTicks: this.loop?.queueFullTicks ?? 0,
      inFlightFullTicks: this.loop?.inFlightFullTicks ?? 0,
    };
  }

  get maxInFlight(): number {
    if (this.producers) return this.o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    return this.loop?.inFlight.capacity ?? 0;
  }

  /** True when sequences [start, end) of producer `producerId`'s partition are still in flight in this engine's run. */
  inFlightIn(runId: number, producerId: number, partition: number, start: number, end: number): boolean {
    if (this.producers) return this.producers.inFlightIn(runId, producerId, partition, start, end);
    const loop = this.loop;
    return loop !== undefined && loop.runId === runId && loop.inFlightIn(producerId, partition, start, end);
  }

  get inFlight(): number {
    if (this.producers) return this.producers.inFlight;
    return this.loop?.inFlight.size ?? 0;
  }

  /** Age of the oldest message in flight, ns (0 when none): a leading indicator of latency. */
  oldestInFlightAgeNs(): number {
    if (this.producers) return this.producers.oldestInFlightAgeNs();
    const oldest = this.loop?.inFlight.oldestIntendedNs() ?? Number.POSITIVE_INFINITY;
    return Number.isFinite(oldest) ? Math.max(0, this.o.clock.nowNs() - oldest) : 0;
  }

  /** Acknowledged minus consumed, per subscription (each group must read every message of its topic). */
  backlogBySubscription(): number[] {
    const acked = this.loop?.ackedByStream ?? this.producers?.ackedByStream;
    if (!this.pool || !acked) return this.subscriptions.map(() => 0);
    const ackedByTopic = new Map<string, number>();
    this.streams.forEach((s, i) => {
      ackedByTopic.set(s.topic, (ackedByTopic.get(s.topic) ?? 0) + acked[i]!);
    });
    return this.subscriptions.map((s, i) =>
      Math.max(0, (ackedByTopic.get(s.topic) ?? 0) - this.pool!.receivedBySubscription[i]!),
    );
  }

  /** Consumers stay in their groups and fetch nothing until resumed (src/worker/backlog-phase.ts). */
  pauseConsumers = async (): Promise<void> => this.pool?.pause();
  resumeConsumers = async (): Promise<void> => this.pool?.resume();

  /** Messages and payload bytes consumed by this engine's consumers since they started (all subscriptions). */
  consumedTotals(): { messages: number; bytes: number } {
    const received = this.pool?.receivedBySubscription ?? [];
    return { messages: received.reduce((a, b) => a + b, 0), bytes: this.pool?.receivedBytes ?? 0 };
  }

  /**
   * Asks the consumer processes (and the producer processes, when the send path runs in them) for their
   * latest counts now: a period closed right after counts everything up to now.
   */
  async refreshConsumers(timeoutMs = 2_000): Promise<void> {
    await Promise.all([this.producers?.flush(timeoutMs), this.pool?.flush(timeoutMs)]);
  }

  /**
   * Stops sending; waits (bounded) for delivery reports of what is in flight and, when `drainMs` > 0,
   * for consumers to catch up; then closes everything and deletes created topics if so configured.
   * Every step runs even if an earlier one fails.
   */
  stop(options: { flushMs?: number; drainMs?: number } = {}): Promise<void> {
    this.stopping ??= this.doStop(options.flushMs ?? 10_000, options.drainMs ?? 0);
    return this.stopping;
  }

  private async doStop(flushMs: number, drainMs: number): Promise<void> {
    const errors: unknown[] = [];
    const step = async (name: string, run: () => Promise<unknown> | unknown): Promise<void> => {
      try {
        await run();
      } catch (err) {
        errors.push(err);
        this.log(`stop step failed: ${name}`, { error: (err as Error).message });
      }
    };
    this.loop?.stop();
    this.leaders?.stop();
    this.limiter.pause();
    this.clients?.stopReplacing();
    await step('flush producers', () => this.clients?.flush(flushMs));
    // Producer processes flush, close their clients and report a last time before they end.
    await step('stop producer processes', () => this.producers?.stop(flushMs));
    // Paused for a backlog that never drained (an interrupted run): the drain below needs them reading.
    if (drainMs > 0 && this.pool?.isPaused) await step('resume consumers', () => this.pool!.resume(2_000));
    if (drainMs > 0 && this.pool) {
      const deadline = Date.now() + drainMs;
      await step('drain consumers', async () => {
        for (;;) {
          await this.pool!.flush(1_000);
          if (this.backlogBySubscription().every((b) => b === 0) || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      });
    }
    if (drainMs > 0 && this.pool) {
      // Drained: whatever is still missing will not arrive any more; let the consumers hand over every gap.
      await step('final integrity report', () => this.pool!.flush(2_000, true));
    }
    await step('stop consumers', () => this.pool?.stop(10_000));
    await step('close producers', () => this.clients?.close(5_000));
    if (this.o.cleanupTopics && this.o.sharedRunTag === undefined && this.createdTopics.length > 0) {
      await step('delete topics', async () => {
        await this.admin?.deleteTopics(this.createdTopics);
        this.log('topics deleted', { topics: this.createdTopics });
      });
    }
    await step('close admin', () => this.admin?.close());
    if (errors.length > 0) throw errors[0];
  }
}
