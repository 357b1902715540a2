import type {
  ClientProperties,
  ConsumedMessage,
  Consumer,
  ConsumerOptions,
  TopicPartitionRef,
} from '../driver.js';
import type { MemoryBroker, MemoryGroupMember, MemoryPartition } from './memory-broker.js';

/** How many messages one batch holds at most (as the Kafka consumer's consume call). */
const BATCH_SIZE = 1000;

interface Owned {
  topic: string;
  partition: number;
  log: MemoryPartition['log'];
  /** Next offset to hand over. */
  position: number;
}

function startAtOf(options: ConsumerOptions, properties: ClientProperties): 'earliest' | 'latest' {
  if (options.startAt) return options.startAt;
  const reset = String(options.overrides?.['auto.offset.reset'] ?? properties['auto.offset.reset'] ?? '');
  return ['earliest', 'smallest', 'beginning'].includes(reset) ? 'earliest' : 'latest';
}

/**
 * A group consumer of the memory broker. The broker's coordinator assigns it partitions; each tick it
 * hands over up to 1,000 stored messages past its positions (skipping dropped ones) and commits after
 * `commitEveryMessages` messages or `commitIntervalMs` of the broker's clock, on revoke and on close.
 */
export class MemoryConsumer implements Consumer, MemoryGroupMember {
  readonly topics: readonly string[];
  private readonly startAt: 'earliest' | 'latest';
  private readonly commitEvery: number;
  private readonly commitIntervalNs: number;
  private owned: Owned[] = [];
  private running = false;
  private paused = false;
  private closing: Promise<void> | undefined;
  private lastCommitNs = 0;
  uncommitted = 0;

  constructor(
    private readonly broker: MemoryBroker,
    properties: ClientProperties,
    private readonly options: ConsumerOptions,
  ) {
    this.topics = [...options.topics];
    this.startAt = startAtOf(options, properties);
    this.commitEvery = options.commitEveryMessages ?? 10_000;
    this.commitIntervalNs = (options.commitIntervalMs ?? 1_000) * 1e6;
  }

  async start(): Promise<void> {
    this.broker.checkUp('connecting the consumer');
    this.running = true;
    this.lastCommitNs = this.broker.clock.nowNs();
    this.broker.addClient(this);
    this.broker.join(this.options.groupId, this);
  }

  assign(partitions: { topic: string; partition: number }[]): void {
    const refs: TopicPartitionRef[] = [];
    for (const { topic, partition } of partitions) {
      const log = this.broker.topic(topic)?.partitions[partition]?.log;
      if (log === undefined) continue;
      const committed = this.broker.committed(this.options.groupId, topic, partition);
      const position = committed ?? (this.startAt === 'earliest' ? 0 : log.length);
      this.owned.push({ topic, partition, log, position });
      refs.push({ topic, partition });
    }
    this.options.onAssignment?.('assign', refs);
  }

  revokeAll(): void {
    if (this.owned.length === 0) return;
    // Commit first, so the next owner does not consume these messages again (they would be duplicates).
    this.commit();
    const refs = this.owned.map((o) => ({ topic: o.topic, partition: o.partition }));
    this.owned = [];
    this.options.onAssignment?.('revoke', refs);
  }

  tick(nowNs: number): void {
    if (!this.running || this.broker.isDown) return;
    if (this.paused) {
      // Paused consumers hand nothing over but still commit on time, as a paused Kafka consumer does.
      if (this.uncommitted > 0 && nowNs - this.lastCommitNs >= this.commitIntervalNs) this.commit();
      return;
    }
    let batch: ConsumedMessage[] | undefined;
    let room = BATCH_SIZE;
    for (let i = 0; i < this.owned.length && room > 0; i++) {
      const o = this.owned[i]!;
      const end = Math.min(o.log.length, o.position + room);
      for (let offset = o.position; offset < end; offset++) {
        const m = o.log[offset];
        if (m === undefined) continue;
        batch ??= [];
        batch.push(m);
      }
      room -= end - o.position;
      o.position = end;
    }
    if (batch !== undefined) {
      this.uncommitted += batch.length;
      this.options.onMessages(batch);
    }
    if (this.uncommitted >= this.commitEvery || nowNs - this.lastCommitNs >= this.commitIntervalNs) {
      this.commit();
    }
  }

  private commit(): void {
    this.lastCommitNs = this.broker.clock.nowNs();
    if (this.options.commitOffsets !== false)
      for (const o of this.owned) this.broker.commit(this.options.groupId, o.topic, o.partition, o.position);
    this.uncommitted = 0;
  }

  assignment(): TopicPartitionRef[] {
    return this.owned.map((o) => ({ topic: o.topic, partition: o.partition }));
  }

  /** Positions stay where they are: `resume()` hands over the next stored message. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(_timeoutMs?: number): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.broker.leave(this.options.groupId, this);
    this.broker.removeClient(this);
  }
}
