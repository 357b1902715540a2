import type { Admin, ConsumedMessage, Consumer, Driver, Producer } from '../driver/driver.js';
import { SoakbenchError } from '../errors.js';
import {
  type ControlRecord,
  decodeRecord,
  encodeRecord,
  type FleetNames,
  fleetNames,
  recordKey,
  SHARE_PARTITIONS,
} from './fleet-records.js';

export interface FleetMemberOptions {
  fleet: string;
  memberId: string;
  /** Builds the member's clients (the daemon's driver settings: same cluster, same security). */
  driver: Driver;
  /** Replication factor of the two fleet topics (the driver file's). */
  replicationFactor: number;
  /** The membership group's session.timeout.ms: how long a dead member keeps its share. */
  sessionTimeoutMs: number;
  /** Every control record read, in log order (the member's own too). */
  onRecord: (record: ControlRecord) => void;
  /**
   * The membership group gave this member `partitions` of the shares topic (after each rebalance); `leads`:
   * partition 0 is one of them (the fleet's controller runs there).
   */
  onShare: (partitions: number, leads: boolean) => void;
  /** A record that could not be read, or a client error: a log line, not a failure. */
  onProblem: (message: string) => void;
}

/**
 * A daemon's connection to its fleet, through Kafka only (docs/fleet.md): it creates the two fleet topics
 * when missing, reads the control topic from its start (a reader group of its own that never commits), and
 * joins the membership group on the shares topic, whose assignment is its share. Writes are acknowledged
 * by every in-sync replica before `publish` resolves.
 */
export class FleetMember {
  readonly names: FleetNames;
  private readonly o: FleetMemberOptions;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private reader: Consumer | undefined;
  private membership: Consumer | undefined;
  private nextToken = 1;
  private readonly pending = new Map<
    number,
    { resolve: (offset: number) => void; reject: (e: Error) => void }
  >();
  /** Offset of the newest control record read (−1: none). */
  private readOffset = -1;
  private readWaiters: { offset: number; resolve: () => void }[] = [];
  private closed = false;

  constructor(options: FleetMemberOptions) {
    this.o = options;
    this.names = fleetNames(options.fleet);
  }

  /**
   * Creates the fleet's topics when missing, connects the producer and reads the control topic up to its
   * end as of now (bounded by `timeoutMs`): every record read is handed to `onRecord` before this resolves.
   */
  async join(timeoutMs: number): Promise<void> {
    const { driver } = this.o;
    this.admin = driver.admin();
    const rf = this.o.replicationFactor;
    await this.admin.createTopics(
      [
        {
          name: this.names.control,
          partitions: 1,
          replicationFactor: rf,
          // Segments roll every 10 minutes so compaction (newest record per key) keeps what a joining member
          // reads small: heartbeats and samples are written every few seconds for as long as the fleet runs.
          config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000', 'segment.ms': '600000' },
        },
        { name: this.names.shares, partitions: SHARE_PARTITIONS, replicationFactor: rf },
      ],
      { ifExists: 'reuse' },
    );
    this.producer = driver.producer({
      onDelivery: (errorCode, token, _partition, offset) => this.delivered(errorCode, token, offset),
      onError: (err) => this.o.onProblem(`fleet producer: ${err.message}`),
      overrides: { acks: 'all', 'enable.idempotence': true, 'linger.ms': 0 },
    });
    await this.producer.connect();
    const [end] = await this.admin.endOffsets(this.names.control);
    this.reader = driver.consumer({
      groupId: `${this.names.control}.reader.${this.o.memberId}.${process.pid}.${Date.now()}`,
      topics: [this.names.control],
      startAt: 'earliest',
      commitOffsets: false,
      onMessages: (messages) => this.read(messages),
      onError: (err) => this.o.onProblem(`fleet control reader: ${err.message}`),
    });
    await this.reader.start();
    await this.readUpTo((end ?? 0) - 1, timeoutMs, 'reading the fleet control topic');
  }

  /** Joins the membership group; resolves at the first assignment (or after `timeoutMs` without one). */
  async startMembership(timeoutMs: number): Promise<void> {
    let first: (() => void) | undefined;
    const assigned = new Promise<void>((resolve) => {
      first = resolve;
    });
    const session = this.o.sessionTimeoutMs;
    this.membership = this.o.driver.consumer({
      groupId: this.names.membersGroup,
      topics: [this.names.shares],
      commitOffsets: false,
      onMessages: () => {},
      onAssignment: (kind) => {
        if (kind !== 'assign') return;
        const assigned = this.membership?.assignment() ?? [];
        this.o.onShare(
          assigned.length,
          assigned.some((p) => p.partition === 0),
        );
        first?.();
      },
      onError: (err) => this.o.onProblem(`fleet membership: ${err.message}`),
      overrides: {
        'session.timeout.ms': session,
        'heartbeat.interval.ms': Math.max(100, Math.floor(session / 5)),
        'partition.assignment.strategy': 'range',
      },
    });
    await this.membership.start();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([assigned, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Writes a control record; resolves when acknowledged, and (with `readBack`) once this member has read it. */
  async publish(
    record: ControlRecord,
    options: { readBack?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    const producer = this.producer;
    if (producer === undefined || this.closed)
      throw new SoakbenchError('CONFLICT', 'not connected to the fleet (yet, or any more)');
    const timeoutMs = options.timeoutMs ?? 15_000;
    const token = this.nextToken++;
    const acked = new Promise<number>((resolve, reject) => this.pending.set(token, { resolve, reject }));
    const status = producer.send(this.names.control, 0, encodeRecord(record), recordKey(record), token);
    if (status !== 0) {
      this.pending.delete(token);
      throw new SoakbenchError(
        'KAFKA_UNREACHABLE',
        `writing to ${this.names.control} failed: ${producer.lastSendError || 'queue full'}`,
        { retriable: true },
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SoakbenchError(
              'KAFKA_TIMEOUT',
              `${this.names.control} did not acknowledge the write within ${timeoutMs} ms`,
              { retriable: true },
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const offset = await Promise.race([acked, timeout]);
      if (options.readBack) await this.readUpTo(offset, timeoutMs, `reading back ${recordKey(record)}`);
    } finally {
      clearTimeout(timer);
      this.pending.delete(token);
    }
  }

  private delivered(errorCode: string | null, token: number, offset: number): void {
    const p = this.pending.get(token);
    if (p === undefined) return;
    if (errorCode === null) p.resolve(offset);
    else
      p.reject(
        new SoakbenchError('KAFKA_UNREACHABLE', `writing to ${this.names.control} failed: ${errorCode}`),
      );
  }

  private read(messages: ConsumedMessage[]): void {
    for (const m of messages) {
      this.readOffset = Math.max(this.readOffset, m.offset);
      const r = decodeRecord(m.value);
      if ('invalid' in r) this.o.onProblem(`${this.names.control} offset ${m.offset}: ${r.invalid}; ignored`);
      else this.o.onRecord(r);
    }
    if (this.readWaiters.length > 0) {
      const still: typeof this.readWaiters = [];
      for (const w of this.readWaiters) this.readOffset >= w.offset ? w.resolve() : still.push(w);
      this.readWaiters = still;
    }
  }

  private readUpTo(offset: number, timeoutMs: number, doing: string): Promise<void> {
    if (this.readOffset >= offset) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readWaiters = this.readWaiters.filter((w) => w !== waiter);
        reject(
          new SoakbenchError('KAFKA_TIMEOUT', `${doing}: offset ${offset} not read within ${timeoutMs} ms`, {
            retriable: true,
          }),
        );
      }, timeoutMs);
      const waiter = {
        offset,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.readWaiters.push(waiter);
    });
  }

  /** Leaves the membership group (the others take the share at once), then closes every client. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.membership?.close(timeoutMs).catch(() => {});
    await this.producer?.flush(timeoutMs).catch(() => false);
    await this.producer?.close(timeoutMs).catch(() => {});
    await this.reader?.close(timeoutMs).catch(() => {});
    await this.admin?.close().catch(() => {});
    for (const p of this.pending.values()) p.reject(new SoakbenchError('CONFLICT', 'left the fleet'));
    this.pending.clear();
  }
}
