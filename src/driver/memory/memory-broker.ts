import { type Clock, systemClock } from '../../clock.js';
import { SoakbenchError } from '../../errors.js';
import type { ConsumedMessage } from '../driver.js';

/** One partition's log. Offsets start at 0; a dropped message leaves a hole (`undefined`) at its offset. */
export interface MemoryPartition {
  readonly log: (ConsumedMessage | undefined)[];
  /** Acknowledged messages still to be dropped instead of stored (fault injection). */
  dropNext: number;
}

export interface MemoryTopic {
  readonly name: string;
  readonly partitions: MemoryPartition[];
  readonly config: Record<string, string>;
}

/** What the broker drives on each tick: producers deliver due acks, consumers fetch. */
export interface MemoryClient {
  tick(nowNs: number): void;
}

/** A member of a consumer group, as the broker's group coordinator sees it. */
export interface MemoryGroupMember extends MemoryClient {
  readonly topics: readonly string[];
  /** Takes away every partition (committing first). */
  revokeAll(): void;
  assign(partitions: { topic: string; partition: number }[]): void;
}

interface Group {
  members: MemoryGroupMember[];
  /** Committed offset by `topic\0partition`. */
  committed: Map<string, number>;
}

export interface MemoryBrokerOptions {
  /** Drives ack delays, message timeouts and commit intervals (default: the system clock). */
  clock?: Clock;
  /** Time from send to acknowledgement (default 0: the next tick). */
  ackDelayMs?: number;
  /** Real-time period of the broker's tick timer; 0: no timer, the test calls `tick()` (default 1). */
  tickIntervalMs?: number;
}

/**
 * A Kafka stand-in in this process, for unit and component tests of logic (never for measurements):
 * topics with partition logs, consumer groups with eager rebalancing, acknowledgements after a delay
 * measured on a Clock, and faults to inject. Nothing happens between ticks: a timer ticks every
 * `tickIntervalMs` of real time, and a test with a ManualClock may also call `tick()` after stepping it.
 * It keeps every message until its topic is deleted (no retention): for runs of seconds, not soaks.
 */
export class MemoryBroker {
  readonly clock: Clock;
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly groups = new Map<string, Group>();
  private readonly clients = new Set<MemoryClient>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickIntervalMs: number;
  private readonly sendFaults = new Map<string, string>();
  /** Acknowledgement delay of messages sent from now on, ns. */
  ackDelayNs: number;
  /** No acknowledgements while stalled (messages wait, and time out after message.timeout.ms). */
  stalled = false;
  /** While down, connecting and admin calls fail with KAFKA_UNREACHABLE and nothing is acknowledged or fetched. */
  isDown = false;

  constructor(
    readonly name: string,
    options: MemoryBrokerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.ackDelayNs = (options.ackDelayMs ?? 0) * 1e6;
    this.tickIntervalMs = options.tickIntervalMs ?? 1;
  }

  // ---- faults ----

  setAckDelayMs(ms: number): void {
    this.ackDelayNs = ms * 1e6;
  }

  /** Stops acknowledging until `resume()`. */
  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    this.stalled = false;
  }

  /** The broker stops answering: connects and admin calls fail, no acks, no fetches. */
  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  /**
   * Deliveries to `topic` (or only to its `partition`) fail with `errorCode`, a librdkafka error name
   * such as `ERR_NOT_ENOUGH_REPLICAS` (see src/rate/controller/classify-send-error.ts), until cleared.
   */
  failSends(topic: string, errorCode: string, partition?: number): void {
    this.sendFaults.set(partition === undefined ? topic : `${topic}\0${partition}`, errorCode);
  }

  clearSendFaults(): void {
    this.sendFaults.clear();
  }

  /** The next `count` messages acknowledged on the partition are acknowledged but never stored (lost). */
  dropNext(topic: string, partition: number, count = 1): void {
    this.partition(topic, partition).dropNext += count;
  }

  /** Removes a stored message (one not yet fetched is then lost to every group). */
  dropStored(topic: string, partition: number, offset: number): void {
    const p = this.partition(topic, partition);
    if (offset < 0 || offset >= p.log.length)
      throw new RangeError(`no offset ${offset} in ${topic}/${partition}`);
    p.log[offset] = undefined;
  }

  // ---- used by the clients ----

  /** Throws KAFKA_UNREACHABLE while the broker is down. */
  checkUp(doing: string): void {
    if (this.isDown) {
      throw new SoakbenchError(
        'KAFKA_UNREACHABLE',
        `${doing}: memory broker ${this.name} is down (ERR__TRANSPORT)`,
        { retriable: true },
      );
    }
  }

  /** The error a delivery to this partition fails with now, or null. */
  sendFault(topic: string, partition: number): string | null {
    if (this.sendFaults.size === 0) return null;
    return this.sendFaults.get(`${topic}\0${partition}`) ?? this.sendFaults.get(topic) ?? null;
  }

  topic(name: string): MemoryTopic | undefined {
    return this.topics.get(name);
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  /** False if the topic exists already. */
  createTopic(name: string, partitions: number, config: Record<string, string>): boolean {
    if (this.topics.has(name)) return false;
    const topic: MemoryTopic = {
      name,
      partitions: Array.from({ length: partitions }, () => ({ log: [], dropNext: 0 })),
      config: { ...config },
    };
    this.topics.set(name, topic);
    this.rebalanceSubscribersOf(name);
    return true;
  }

  deleteTopic(name: string): void {
    if (!this.topics.delete(name)) return;
    for (const g of this.groups.values()) {
      for (const key of [...g.committed.keys()]) if (key.startsWith(`${name}\0`)) g.committed.delete(key);
    }
    this.rebalanceSubscribersOf(name);
  }

  /**
   * Stores an acknowledged message; returns its offset, or −1 if the topic is gone. A message to be
   * dropped gets its offset and leaves a hole there.
   */
  append(topic: string, partition: number, value: Buffer, timestampMs: number): number {
    const t = this.topics.get(topic);
    const p = t?.partitions[partition];
    if (p === undefined) return -1;
    const offset = p.log.length;
    if (p.dropNext > 0) {
      p.dropNext--;
      p.log.push(undefined);
    } else {
      p.log.push({ topic, partition, offset, value, size: value.length, timestamp: timestampMs });
    }
    return offset;
  }

  private partition(topic: string, partition: number): MemoryPartition {
    const p = this.topics.get(topic)?.partitions[partition];
    if (p === undefined)
      throw new RangeError(`no partition ${topic}/${partition} in memory broker ${this.name}`);
    return p;
  }

  addClient(client: MemoryClient): void {
    this.clients.add(client);
    if (this.timer === undefined && this.tickIntervalMs > 0) {
      this.timer = setInterval(() => this.tick(), this.tickIntervalMs);
      // The broker never keeps a process alive by itself: whoever waits on it has its own timers.
      this.timer.unref();
    }
  }

  removeClient(client: MemoryClient): void {
    this.clients.delete(client);
    if (this.clients.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Delivers due acknowledgements and fetches for every client, as of the clock's now. */
  tick(): void {
    const now = this.clock.nowNs();
    for (const c of this.clients) c.tick(now);
  }

  // ---- consumer groups ----

  committed(groupId: string, topic: string, partition: number): number | undefined {
    return this.groups.get(groupId)?.committed.get(`${topic}\0${partition}`);
  }

  commit(groupId: string, topic: string, partition: number, offset: number): void {
    if (this.topics.has(topic)) this.groups.get(groupId)?.committed.set(`${topic}\0${partition}`, offset);
  }

  join(groupId: string, member: MemoryGroupMember): void {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = { members: [], committed: new Map() };
      this.groups.set(groupId, group);
    }
    group.members.push(member);
    this.rebalance(group);
  }

  leave(groupId: string, member: MemoryGroupMember): void {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    const i = group.members.indexOf(member);
    if (i < 0) return;
    member.revokeAll();
    group.members.splice(i, 1);
    this.rebalance(group);
  }

  /** Groups with at least one member now. */
  activeGroups(): string[] {
    return [...this.groups].filter(([, g]) => g.members.length > 0).map(([id]) => id);
  }

  private rebalanceSubscribersOf(topic: string): void {
    for (const g of this.groups.values()) {
      if (g.members.some((m) => m.topics.includes(topic))) this.rebalance(g);
    }
  }

  /** Eager rebalance: every member gives up its partitions, then each topic's partitions go round-robin. */
  private rebalance(group: Group): void {
    for (const m of group.members) m.revokeAll();
    const assignments = new Map<MemoryGroupMember, { topic: string; partition: number }[]>(
      group.members.map((m) => [m, []]),
    );
    const topics = new Set(group.members.flatMap((m) => m.topics));
    for (const name of topics) {
      const t = this.topics.get(name);
      if (t === undefined) continue;
      const members = group.members.filter((m) => m.topics.includes(name));
      t.partitions.forEach((_, partition) => {
        assignments.get(members[partition % members.length]!)!.push({ topic: name, partition });
      });
    }
    for (const [m, partitions] of assignments) if (partitions.length > 0) m.assign(partitions);
  }

  /** Stops the tick timer and forgets the broker's name (see `memoryBroker`). */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.clients.clear();
    if (brokers.get(this.name) === this) brokers.delete(this.name);
  }
}

const brokers = new Map<string, MemoryBroker>();

/**
 * The broker of this name in this process, created on first use (with `options`; later callers get
 * the same one). A memory driver finds its broker by its settings' `bootstrap.servers`, so a test
 * names one broker per test and configures it before building drivers.
 */
export function memoryBroker(name: string, options?: MemoryBrokerOptions): MemoryBroker {
  let broker = brokers.get(name);
  if (broker === undefined) {
    broker = new MemoryBroker(name, options);
    brokers.set(name, broker);
  }
  return broker;
}
