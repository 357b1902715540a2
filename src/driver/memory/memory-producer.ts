import {
  type ClientProperties,
  type DeliveryHandler,
  type Producer,
  type ProducerOptions,
  SEND_FAILED,
  SEND_OK,
  SEND_QUEUE_FULL,
  type SendStatus,
} from '../driver.js';
import type { MemoryBroker, MemoryClient } from './memory-broker.js';

const EMPTY = Buffer.alloc(0);

function numberProperty(properties: ClientProperties, names: string[], fallback: number): number {
  for (const name of names) {
    const v = Number(properties[name]);
    if (properties[name] !== undefined && Number.isFinite(v) && v > 0) return v;
  }
  return fallback;
}

/**
 * A producer of the memory broker. `send` copies the value (the caller may reuse its buffer, as with
 * librdkafka) and queues the message in parallel arrays: no promise or closure per message. The
 * broker's tick acknowledges due messages in order through the same DeliveryHandler the Kafka driver
 * calls, and fails those older than `message.timeout.ms` with ERR__MSG_TIMED_OUT.
 */
export class MemoryProducer implements Producer, MemoryClient {
  private readonly onDelivery: DeliveryHandler;
  private readonly queueLimit: number;
  private readonly maxMessageBytes: number;
  private readonly timeoutNs: number;
  private tokens: number[] = [];
  private topics: string[] = [];
  private partitions: number[] = [];
  private values: Buffer[] = [];
  private dueNs: number[] = [];
  private expiresNs: number[] = [];
  private head = 0;
  private nextPartition = 0;
  private connected = false;
  private closing: Promise<void> | undefined;
  lastSendError = '';

  constructor(
    private readonly broker: MemoryBroker,
    properties: ClientProperties,
    options: ProducerOptions,
  ) {
    const props = { ...properties, ...options.overrides };
    this.onDelivery = options.onDelivery;
    this.queueLimit = numberProperty(props, ['queue.buffering.max.messages'], 100_000);
    this.maxMessageBytes = numberProperty(props, ['message.max.bytes'], 1_000_000);
    this.timeoutNs = numberProperty(props, ['message.timeout.ms', 'delivery.timeout.ms'], 300_000) * 1e6;
  }

  async connect(): Promise<void> {
    this.broker.checkUp('connecting the producer');
    this.connected = true;
    this.broker.addClient(this);
  }

  send(
    topic: string,
    partition: number,
    value: Buffer,
    _key: string | Buffer | null,
    token: number,
  ): SendStatus {
    if (!this.connected) {
      this.lastSendError = 'ERR__STATE';
      return SEND_FAILED;
    }
    if (this.tokens.length - this.head >= this.queueLimit) return SEND_QUEUE_FULL;
    const t = this.broker.topic(topic);
    if (t === undefined) {
      this.lastSendError = 'ERR__UNKNOWN_TOPIC';
      return SEND_FAILED;
    }
    if (partition >= t.partitions.length) {
      this.lastSendError = 'ERR__UNKNOWN_PARTITION';
      return SEND_FAILED;
    }
    if (value.length > this.maxMessageBytes) {
      this.lastSendError = 'ERR_MSG_SIZE_TOO_LARGE';
      return SEND_FAILED;
    }
    const p = partition >= 0 ? partition : this.nextPartition++ % t.partitions.length;
    const copy = Buffer.allocUnsafe(value.length);
    value.copy(copy);
    const now = this.broker.clock.nowNs();
    this.tokens.push(token);
    this.topics.push(topic);
    this.partitions.push(p);
    this.values.push(copy);
    this.dueNs.push(now + this.broker.ackDelayNs);
    this.expiresNs.push(now + this.timeoutNs);
    return SEND_OK;
  }

  /** Acknowledges (or fails) every message due by `nowNs`, oldest first; a message not yet due holds back those after it. */
  tick(nowNs: number): void {
    const acking = !this.broker.stalled && !this.broker.isDown;
    while (this.head < this.tokens.length) {
      const i = this.head;
      if (this.expiresNs[i]! <= nowNs) {
        this.report(i, 'ERR__MSG_TIMED_OUT', -1);
      } else if (acking && this.dueNs[i]! <= nowNs) {
        const topic = this.topics[i]!;
        const partition = this.partitions[i]!;
        const fault = this.broker.sendFault(topic, partition);
        if (fault !== null) {
          this.report(i, fault, -1);
        } else {
          const offset = this.broker.append(topic, partition, this.values[i]!, this.broker.clock.wallMs());
          this.report(i, offset < 0 ? 'ERR_UNKNOWN_TOPIC_OR_PART' : null, offset);
        }
      } else {
        break;
      }
    }
    this.compact();
  }

  private report(i: number, errorCode: string | null, offset: number): void {
    this.head++;
    this.values[i] = EMPTY;
    this.onDelivery(errorCode, this.tokens[i]!, this.partitions[i]!, offset);
  }

  /** Drops the delivered prefix of the queue now and then (not on every tick: splicing is O(n)). */
  private compact(): void {
    if (this.head === this.tokens.length) {
      this.head = 0;
      this.tokens.length = 0;
      this.topics.length = 0;
      this.partitions.length = 0;
      this.values.length = 0;
      this.dueNs.length = 0;
      this.expiresNs.length = 0;
    } else if (this.head > 4096 && this.head * 2 > this.tokens.length) {
      const n = this.head;
      this.head = 0;
      this.tokens.splice(0, n);
      this.topics.splice(0, n);
      this.partitions.splice(0, n);
      this.values.splice(0, n);
      this.dueNs.splice(0, n);
      this.expiresNs.splice(0, n);
    }
  }

  outstanding(): number {
    return this.tokens.length - this.head;
  }

  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.outstanding() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1));
    }
    return this.outstanding() === 0;
  }

  close(timeoutMs = 10_000): Promise<void> {
    this.closing ??= this.doClose(timeoutMs);
    return this.closing;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    if (!this.connected) return;
    await this.flush(timeoutMs);
    this.connected = false;
    this.broker.removeClient(this);
    // What is still queued is purged, and reported as failed like librdkafka does on destroy.
    while (this.head < this.tokens.length) this.report(this.head, 'ERR__PURGE_QUEUE', -1);
    this.compact();
  }
}
