/**
 * The driver seam: everything outside src/driver/kafka/ talks to Kafka through these interfaces only
 * (docs/architecture.md "Seams"; OMB's driver-api vs driver-kafka split), and gets a driver from a DriverFactory
 * (src/driver/driver-factories.ts): the Kafka one, or the in-memory one of src/driver/memory/ for tests.
 */

/** A flat map of client properties (librdkafka names), as built from a driver file's property blocks. */
export type ClientProperties = Record<string, string | number | boolean>;

/** What a driver is built from: the per-role property maps of an OMB-style driver file. */
export interface DriverSettings {
  /** Properties for admin clients (commonConfig). */
  admin: ClientProperties;
  /** Properties for producers (commonConfig + producerConfig). */
  producer: ClientProperties;
  /** Properties for consumers (commonConfig + consumerConfig). */
  consumer: ClientProperties;
  /** Topic-level configs used when creating topics (topicConfig). */
  topicConfig: Record<string, string>;
  /** Replication factor for created topics. */
  replicationFactor: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

export interface CreateTopicsOptions {
  /**
   * What to do when a topic already exists: `'error'` (default) fails with code KAFKA_TOPIC_EXISTS;
   * `'reuse'` leaves it alone and reports it under `existing` (it is then not deleted by
   * `deleteCreatedTopics`).
   */
  ifExists?: 'error' | 'reuse';
}

export interface CreateTopicsResult {
  created: string[];
  existing: string[];
}

/** Admin operations. Every call is bounded by the driver's operation timeout. */
export interface Admin {
  createTopics(specs: readonly TopicSpec[], options?: CreateTopicsOptions): Promise<CreateTopicsResult>;
  /** Deletes the named topics; topics that do not exist are ignored. */
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Deletes every topic this admin created and has not deleted yet. */
  deleteCreatedTopics(): Promise<string[]>;
  listTopics(): Promise<string[]>;
  /** Partition count of each named topic (throws KAFKA_UNKNOWN_TOPIC for a missing one). */
  describePartitions(names: readonly string[]): Promise<Map<string, number>>;
  /** Sum over partitions of (end offset − start offset): how many messages the topic holds now. */
  countMessages(topic: string): Promise<number>;
  /** Consumer groups with at least one member now, among `groupIds` (a live consumer). */
  activeGroups(groupIds: readonly string[]): Promise<string[]>;
  /** End offset of each partition of a topic, indexed by partition. */
  endOffsets(topic: string): Promise<number[]>;
  close(): Promise<void>;
}

/** Result of `Producer.send`, a number so the hot path allocates nothing. */
export const SEND_OK = 0;
/** The client's local queue is full: back off and try later (backpressure, not an error). */
export const SEND_QUEUE_FULL = 1;
/** The client refused the message for another reason; `Producer.lastSendError` says which. */
export const SEND_FAILED = 2;
export type SendStatus = typeof SEND_OK | typeof SEND_QUEUE_FULL | typeof SEND_FAILED;

/**
 * Called once per message when the broker acknowledged it or the client gave up on it.
 * `errorCode` is null on success, else a stable error name (e.g. `ERR__MSG_TIMED_OUT`).
 * `token` is the number given to `send`.
 */
export type DeliveryHandler = (
  errorCode: string | null,
  token: number,
  partition: number,
  offset: number,
) => void;

export interface ProducerOptions {
  onDelivery: DeliveryHandler;
  /** Called (rarely) with client-level errors and statistics. */
  onError?: (err: Error) => void;
  /**
   * The client hit a fatal error (librdkafka: e.g. an idempotent producer's sequence state is lost) and
   * cannot send any more: the owner must replace it.
   */
  onFatal?: (err: Error) => void;
  /** librdkafka statistics JSON, parsed, every `statistics.interval.ms` if that property is set. */
  onStats?: (stats: unknown) => void;
  /** Overrides of producer properties (e.g. a client.id). */
  overrides?: ClientProperties;
}

export interface Producer {
  connect(): Promise<void>;
  /**
   * Enqueues one message. Never throws and never allocates on our side: returns SEND_OK,
   * SEND_QUEUE_FULL (backpressure) or SEND_FAILED (see `lastSendError`). `value` is copied before send
   * returns: the caller overwrites it for its next message.
   * `partition` −1 lets the client's partitioner choose.
   */
  send(
    topic: string,
    partition: number,
    value: Buffer,
    key: string | Buffer | null,
    token: number,
  ): SendStatus;
  /** The error name of the last SEND_FAILED. */
  readonly lastSendError: string;
  /** Messages enqueued but not yet delivered or failed, as the client counts them. */
  outstanding(): number;
  /** Waits until everything enqueued is delivered or failed, at most `timeoutMs`; true if all done. */
  flush(timeoutMs: number): Promise<boolean>;
  /**
   * The leader's broker id of each partition of `topic` (index = partition; −1: no leader now), from a
   * metadata request. Optional: a driver without it gets no per-broker metrics.
   */
  partitionLeaders?(topic: string, timeoutMs: number): Promise<number[]>;
  /** Safe to call more than once. */
  close(timeoutMs?: number): Promise<void>;
}

/** A consumed message, as the client hands it over (no copy). */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  value: Buffer | null;
  size: number;
  timestamp?: number;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** Called with each batch of messages; runs on the consumer's own loop. */
  onMessages: (messages: ConsumedMessage[]) => void;
  /** Called when partitions are assigned or revoked (rebalance). */
  onAssignment?: (kind: 'assign' | 'revoke', partitions: TopicPartitionRef[]) => void;
  onError?: (err: Error) => void;
  onStats?: (stats: unknown) => void;
  /** Commit after this many consumed messages (default 10,000)… */
  commitEveryMessages?: number;
  /** …or after this long (default 1,000 ms), whichever comes first. */
  commitIntervalMs?: number;
  /**
   * false: never commit offsets (a reader that starts from `startAt` every time, in a group of its own, as the
   * fleet's control-topic reader does). Default true.
   */
  commitOffsets?: boolean;
  /** Where a group with no committed offset starts: 'earliest' or 'latest' (default: the properties'). */
  startAt?: 'earliest' | 'latest';
  overrides?: ClientProperties;
}

export interface Consumer {
  /** Connects, subscribes and starts delivering batches to `onMessages`. */
  start(): Promise<void>;
  /** Partitions currently assigned. */
  assignment(): TopicPartitionRef[];
  /**
   * Stops fetching from every assigned partition (and from partitions assigned later, after a
   * rebalance) until `resume()`; the consumer stays in its group. OMB's backlog mode pauses consumers
   * this way (src/worker/backlog-phase.ts). Idempotent.
   */
  pause(): void;
  /** Fetches again from where the consumer stopped. Idempotent. */
  resume(): void;
  /** Stops consuming, commits what was consumed, disconnects. Safe to call more than once. */
  close(timeoutMs?: number): Promise<void>;
  /** Messages consumed and not yet committed. */
  readonly uncommitted: number;
}

/** A driver builds the three kinds of clients from one set of settings. */
export interface Driver {
  readonly name: string;
  /**
   * One short metadata request to the bootstrap servers, answered within `timeoutMs`: resolves when
   * the cluster answers, else throws KAFKA_UNREACHABLE naming the servers (or the client's error, such
   * as KAFKA_AUTH, with them named). For a command to fail fast instead of after the admin timeout.
   */
  checkReachable(timeoutMs: number): Promise<void>;
  admin(): Admin;
  producer(options: ProducerOptions): Producer;
  consumer(options: ConsumerOptions): Consumer;
}

/** Bounds a driver's clients keep to (the Kafka driver's defaults: connect 15 s, admin operations 30 s). */
export interface DriverOptions {
  /** Bound on connecting a client (metadata from the bootstrap servers). */
  connectTimeoutMs?: number;
  /** Bound on each admin operation. */
  operationTimeoutMs?: number;
}

/**
 * Builds drivers of one kind. Code that must build a driver elsewhere (the consumer child process)
 * passes the factory's `name` and looks it up in src/driver/driver-factories.ts.
 */
export interface DriverFactory {
  /** 'kafka' | 'memory' */
  readonly name: string;
  /** false: clients must live in the creating process (the in-memory driver). */
  readonly crossProcess: boolean;
  create(settings: DriverSettings, options?: DriverOptions): Driver;
}
