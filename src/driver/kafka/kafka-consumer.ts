import { SoakbenchError } from '../../errors.js';
import type {
  ClientProperties,
  ConsumedMessage,
  Consumer,
  ConsumerOptions,
  TopicPartitionRef,
} from '../driver.js';
import { Kafka, type LibrdKafkaError, type RdKafkaConsumer } from './client.js';
import { CODES, translateError } from './kafka-errors.js';

/** Methods the client has but its type declarations leave out. */
interface ConsumerExtras {
  setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void;
  rebalanceProtocol(): 'NONE' | 'EAGER' | 'COOPERATIVE';
  incrementalAssign(partitions: TopicPartitionRef[]): void;
  incrementalUnassign(partitions: TopicPartitionRef[]): void;
  assignmentLost(): boolean;
}

const ASSIGN = CODES.ERR__ASSIGN_PARTITIONS;
const REVOKE = CODES.ERR__REVOKE_PARTITIONS;
/** How many messages one consume call returns at most. */
const BATCH_SIZE = 1000;
/**
 * How long one consume call waits for the first message. After the first, the call takes only what is
 * already fetched (isTimeoutOnlyForFirstMessage), so batching never holds a message back and
 * end-to-end latency is not inflated by waiting for a batch to fill.
 */
const FIRST_MESSAGE_WAIT_MS = 100;

/**
 * A group consumer over librdkafka's KafkaConsumer. Offsets are stored by librdkafka as messages are
 * handed over (enable.auto.offset.store) and committed by us in batches: after `commitEveryMessages`
 * messages or `commitIntervalMs`, whichever comes first, and once more on close.
 */
export class KafkaConsumer implements Consumer {
  private readonly client: RdKafkaConsumer & ConsumerExtras;
  private readonly options: ConsumerOptions;
  private readonly commitEvery: number;
  private readonly commitIntervalMs: number;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private lastCommitMs = 0;
  private assigned: TopicPartitionRef[] = [];
  private paused = false;
  uncommitted = 0;

  constructor(
    properties: ClientProperties,
    options: ConsumerOptions,
    private readonly connectTimeoutMs: number,
  ) {
    this.options = options;
    this.commitEvery = options.commitEveryMessages ?? 10_000;
    this.commitIntervalMs = options.commitIntervalMs ?? 1_000;
    const conf: Record<string, unknown> = {
      ...properties,
      ...options.overrides,
      'group.id': options.groupId,
      'enable.auto.commit': false,
      'enable.auto.offset.store': true,
      rebalance_cb: (err: LibrdKafkaError, partitions: TopicPartitionRef[]) =>
        this.onRebalance(err, partitions),
    };
    if (options.startAt) conf['auto.offset.reset'] = options.startAt;
    if (options.onStats === undefined) delete conf['statistics.interval.ms'];
    try {
      // No second (topic) argument: an explicit topic conf, even {}, replaces the topic-level properties
      // given in the global one (auto.offset.reset was silently ignored that way; measured).
      this.client = new Kafka.KafkaConsumer(conf as never, undefined) as RdKafkaConsumer & ConsumerExtras;
    } catch (err) {
      throw new SoakbenchError(
        'INVALID_DRIVER',
        `consumer properties rejected by librdkafka: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.client.setDefaultConsumeTimeout(FIRST_MESSAGE_WAIT_MS);
    this.client.setDefaultIsTimeoutOnlyForFirstMessage(true);
    if (options.onError) {
      const onError = options.onError;
      this.client.on('event.error', (err) => onError(translateError(err, 'consumer')));
    }
    if (options.onStats) {
      const onStats = options.onStats;
      this.client.on('event.stats', (event: { message: string }) => {
        try {
          onStats(JSON.parse(event.message));
        } catch {
          // A malformed statistics document is not a reason to stop consuming.
        }
      });
    }
  }

  private onRebalance(err: LibrdKafkaError, partitions: TopicPartitionRef[]): void {
    const cooperative = this.client.rebalanceProtocol() === 'COOPERATIVE';
    const refs = partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
    try {
      if (err.code === ASSIGN) {
        if (cooperative) this.client.incrementalAssign(partitions);
        else this.client.assign(partitions);
        this.assigned = cooperative ? [...this.assigned, ...refs] : refs;
        // A consumer paused for a backlog (src/worker/backlog-phase.ts) keeps new partitions paused too.
        if (this.paused && refs.length > 0) this.client.pause(refs);
        this.options.onAssignment?.('assign', refs);
      } else if (err.code === REVOKE) {
        // Commit what was consumed before the partitions go to another member, and wait for it: an
        // asynchronous commit can land after the new owner read the committed offsets, and it then
        // consumes those messages again (a replay, counted as received twice). Not when the assignment
        // was lost (session timed out): the partitions may be another member's already, and the commit
        // would wait for a coordinator that may be gone.
        if (!this.client.assignmentLost()) this.commitNow(true);
        else this.uncommitted = 0;
        if (cooperative) this.client.incrementalUnassign(partitions);
        else this.client.unassign();
        const gone = new Set(refs.map((r) => `${r.topic}\0${r.partition}`));
        this.assigned = cooperative
          ? this.assigned.filter((a) => !gone.has(`${a.topic}\0${a.partition}`))
          : [];
        this.options.onAssignment?.('revoke', refs);
      } else {
        this.options.onError?.(translateError(err, 'consumer rebalance'));
      }
    } catch (e) {
      if (this.client.isConnected()) this.options.onError?.(translateError(e, 'consumer rebalance'));
    }
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.client.connect({ timeout: this.connectTimeoutMs }, (err) =>
        err ? reject(translateError(err, 'connecting the consumer')) : resolve(),
      );
    });
    try {
      this.client.subscribe([...this.options.topics]);
    } catch (err) {
      throw translateError(err, `subscribing to ${this.options.topics.join(', ')}`);
    }
    this.running = true;
    this.lastCommitMs = Date.now();
    this.loopDone = new Promise((resolve) => this.consumeNext(resolve));
  }

  private consumeNext(done: () => void): void {
    if (!this.running) {
      done();
      return;
    }
    this.client.consume(BATCH_SIZE, (err, messages) => {
      if (err) {
        // Timeouts are normal (no traffic); anything else is reported and consuming goes on:
        // librdkafka reconnects by itself.
        if (err.code !== CODES.ERR__TIMED_OUT && err.code !== CODES.ERR__TIMED_OUT_QUEUE) {
          this.options.onError?.(translateError(err, 'consuming'));
        }
      } else if (messages.length > 0) {
        this.options.onMessages(messages as ConsumedMessage[]);
        this.uncommitted += messages.length;
      }
      if (this.uncommitted >= this.commitEvery || Date.now() - this.lastCommitMs >= this.commitIntervalMs) {
        this.commitNow();
      }
      // setImmediate lets timers and other I/O run between batches.
      setImmediate(() => this.consumeNext(done));
    });
  }

  /** Commits the stored offsets: in the background, or with `sync` before returning (a rebalance). */
  private commitNow(sync = false): void {
    this.lastCommitMs = Date.now();
    if (this.uncommitted === 0) return;
    if (this.options.commitOffsets === false) {
      this.uncommitted = 0;
      return;
    }
    try {
      if (sync) this.client.commitSync(null as never);
      else this.client.commit();
      this.uncommitted = 0;
    } catch (err) {
      // ERR__NO_OFFSET: nothing stored yet; other errors: try again at the next batch.
      if ((err as LibrdKafkaError).code !== CODES.ERR__NO_OFFSET) {
        this.options.onError?.(translateError(err, 'committing offsets'));
      }
    }
  }

  assignment(): TopicPartitionRef[] {
    return [...this.assigned];
  }

  /**
   * librdkafka's pause on the current assignment: fetching stops (messages already fetched are dropped
   * and fetched again after resume). The consume loop keeps polling, so the consumer stays in its
   * group (max.poll.interval.ms) and keeps committing what it consumed before.
   */
  pause(): void {
    this.paused = true;
    this.pauseResume('pause');
  }

  resume(): void {
    this.paused = false;
    this.pauseResume('resume');
  }

  private pauseResume(kind: 'pause' | 'resume'): void {
    if (!this.running || this.assigned.length === 0) return;
    try {
      if (kind === 'pause') this.client.pause(this.assigned);
      else this.client.resume(this.assigned);
    } catch (err) {
      this.options.onError?.(translateError(err, `${kind} consumer`));
    }
  }

  close(timeoutMs = 10_000): Promise<void> {
    this.closing ??= this.doClose(timeoutMs);
    return this.closing;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    await this.loopDone;
    if (!this.client.isConnected()) return;
    if (wasRunning && this.uncommitted > 0 && this.options.commitOffsets !== false) {
      try {
        this.client.commitSync(null as never);
        this.uncommitted = 0;
      } catch (err) {
        if ((err as LibrdKafkaError).code !== CODES.ERR__NO_OFFSET) {
          this.options.onError?.(translateError(err, 'committing offsets on close'));
        }
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.client.disconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
