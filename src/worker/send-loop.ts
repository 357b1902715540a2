import type { Clock } from '../clock.js';
import { type Producer, SEND_FAILED, SEND_OK, SEND_QUEUE_FULL } from '../driver/driver.js';
import type { RateLimiter } from '../rate/rate-limiter.js';
import type { Stats } from '../stats/stats.js';
import type { KeyDistributor } from '../workload/key-distributor.js';
import type { PayloadSource } from '../workload/payloads.js';
import { InFlightTable } from './in-flight-table.js';
import { PREFIX_BYTES, writePrefix } from './message-codec.js';
import { partitionTable } from './partitioner.js';

/** One logical producer of the workload (OMB: producersPerTopic per topic), bound to one topic. */
export interface ProducerStream {
  /** Unique within the run; carried in every message. */
  id: number;
  topic: string;
  partitions: number;
  /** Index of the client (driver producer) that sends its messages. */
  client: number;
}

/** Told about every acknowledged message (the integrity checker's expected set). */
export type AckListener = (stream: number, partition: number, sequence: number) => void;
/** Told about every message that failed to send after it was handed to the client (rare). */
export type FailureListener = (runId: number, stream: number, partition: number, sequence: number) => void;

export interface SendLoopOptions {
  clock: Clock;
  stats: Stats;
  limiter: RateLimiter;
  clients: readonly Producer[];
  streams: readonly ProducerStream[];
  payloads: PayloadSource;
  keys: KeyDistributor;
  /** Random per process: messages from a restarted daemon start a new integrity baseline. */
  runId: number;
  /** Messages in flight at most; past it, due messages wait (and the wait shows as publish delay). */
  maxInFlight: number;
  /** Messages sent in one turn of the event loop at most, so a catch-up burst does not block it. */
  maxBatch?: number;
  /**
   * Unkeyed messages of a stream stay on one partition for this many messages, and move on at the
   * latest at the next tick: like the Java client's sticky partitioner, which fills a batch before
   * switching. Spreading every message over all partitions made batches tiny and cost client and
   * broker CPU per message (bench/RESULTS.md). Default 1: plain round robin.
   */
  stickyMessages?: number;
  onAck?: AckListener;
  onFailure?: FailureListener;
}

/**
 * The send path: every tick (about 1 ms, Node's timer granularity) it sends each message whose intended
 * time has come, stamped with that intended time, so a late tick shows up as publish delay instead of a
 * lower rate (no coordinated omission). Nothing here allocates or copies per message: payloads are
 * pooled, each message's prefix is written into its pooled payload right before the client copies it
 * (librdkafka copies on produce), and per-message state lives in typed arrays indexed by the slot number
 * that travels as the message's token.
 */
export class SendLoop {
  readonly inFlight: InFlightTable;
  /** Messages acknowledged per stream (index = stream position in `streams`). */
  readonly ackedByStream: Float64Array;
  /** Ticks that stopped early because a client's queue was full. */
  queueFullTicks = 0;
  /** Ticks that stopped early because `maxInFlight` messages were in flight. */
  inFlightFullTicks = 0;
  private readonly o: SendLoopOptions;
  private readonly maxBatch: number;
  private readonly sequences: Float64Array[];
  private readonly roundRobin: Int32Array;
  /** Unkeyed messages left on the current partition, per stream. */
  private readonly stickyLeft: Int32Array;
  private readonly sticky: number;
  private readonly partitionOfKey: Map<string, number>[];
  /** Broker slot of each stream's partitions' leader, at `leaderBase[stream] + partition` (setLeaderSlots). */
  private readonly leaderSlots: Uint8Array;
  private readonly leaderBase: Int32Array;
  /** Position in `streams` of each stream id (ids are global; a producer process runs a subset). */
  private readonly positionOfId: Int32Array;
  /** Epoch µs at nowNs() = 0: turns intended monotonic times into the wall times carried in messages. */
  private readonly wallOriginUs: number;
  private nextStream = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  private readonly tickBound = (): void => this.tick();

  constructor(options: SendLoopOptions) {
    this.o = options;
    this.maxBatch = options.maxBatch ?? 5_000;
    this.inFlight = new InFlightTable(options.maxInFlight);
    this.ackedByStream = new Float64Array(options.streams.length);
    this.sequences = options.streams.map((s) => new Float64Array(s.partitions));
    // Spread the streams' round-robin starting points so they do not all hit partition 0 together.
    this.roundRobin = Int32Array.from(options.streams, (s) => s.id % Math.max(1, s.partitions));
    this.sticky = Math.max(1, Math.floor(options.stickyMessages ?? 1));
    this.stickyLeft = new Int32Array(options.streams.length).fill(this.sticky);
    const tables = new Map<number, Map<string, number>>();
    this.partitionOfKey = options.streams.map((s) => {
      let t = tables.get(s.partitions);
      if (t === undefined) {
        t = partitionTable(options.keys.keys, s.partitions);
        tables.set(s.partitions, t);
      }
      return t;
    });
    this.wallOriginUs = (options.clock.wallMs() - options.clock.nowNs() / 1e6) * 1000;
    this.leaderBase = new Int32Array(options.streams.length);
    let base = 0;
    options.streams.forEach((s, i) => {
      this.leaderBase[i] = base;
      base += s.partitions;
    });
    this.leaderSlots = new Uint8Array(base);
    this.positionOfId = new Int32Array(options.streams.reduce((m, s) => Math.max(m, s.id + 1), 0));
    options.streams.forEach((s, i) => {
      this.positionOfId[s.id] = i;
    });
  }

  /**
   * Sets the broker slot (Stats.brokers) of each partition's leader of stream `stream` (index in
   * `streams`); the load engine calls it when it has read the topic's metadata, not per message.
   */
  setLeaderSlots(stream: number, slots: ArrayLike<number>): void {
    const base = this.leaderBase[stream]!;
    const n = Math.min(slots.length, this.o.streams[stream]!.partitions);
    for (let p = 0; p < n; p++) this.leaderSlots[base + p] = slots[p]!;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** Stops scheduling sends; messages in flight still get their delivery reports. */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** Wakes the loop now (after a rate change or resume), instead of at its next planned tick. */
  wake(): void {
    if (!this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate === undefined) this.immediate = setImmediate(this.tickBound);
  }

  /** The run id carried in this loop's messages. */
  get runId(): number {
    return this.o.runId;
  }

  /** True when a message of `stream`/`partition` with a sequence in [start, end) is still in flight. O(capacity). */
  inFlightIn(stream: number, partition: number, start: number, end: number): boolean {
    const t = this.inFlight;
    if (t.size === 0) return false;
    for (let i = 0; i < t.capacity; i++) {
      if (
        t.stream[i] === stream &&
        t.partition[i] === partition &&
        t.sequence[i]! >= start &&
        t.sequence[i]! < end &&
        t.isUsed(i)
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes into `out`, per stream (in `streams` order) and partition, flat, the sequence below which every
   * message of that stream and partition is settled (acknowledged or failed): the lowest in flight, else
   * the next to be sent. Returns the oldest intended send time in flight (Infinity: none), which the
   * same pass finds. O(capacity); for the producer processes' periodic reports, not the hot path.
   */
  settledBelow(out: Float64Array): number {
    const t = this.inFlight;
    this.o.streams.forEach((_, s) => {
      out.set(this.sequences[s]!, this.leaderBase[s]!);
    });
    let oldest = Number.POSITIVE_INFINITY;
    if (t.size === 0) return oldest;
    for (let i = 0; i < t.capacity; i++) {
      if (!t.isUsed(i)) continue;
      const s = this.positionOfId[t.stream[i]!]!;
      const at = this.leaderBase[s]! + t.partition[i]!;
      if (t.sequence[i]! < out[at]!) out[at] = t.sequence[i]!;
      if (t.intendedNs[i]! < oldest) oldest = t.intendedNs[i]!;
    }
    return oldest;
  }

  /** Stream × partition entries of `settledBelow`. */
  get partitionSlots(): number {
    return this.leaderSlots.length;
  }

  /** The delivery report of slot `slot` (the token given to the client). */
  readonly onDelivery = (errorCode: string | null, slot: number): void => {
    const t = this.inFlight;
    const ackNs = this.o.clock.nowNs();
    if (errorCode === null) {
      this.o.stats.recordAck(t.bytes[slot]!, t.intendedNs[slot]!, t.sentNs[slot]!, ackNs, t.broker[slot]!);
      this.ackedByStream[this.positionOfId[t.stream[slot]!]!]!++;
      this.o.onAck?.(t.stream[slot]!, t.partition[slot]!, t.sequence[slot]!);
    } else {
      this.o.stats.recordSendError(errorCode, t.broker[slot]!);
      this.o.onFailure?.(this.o.runId, t.stream[slot]!, t.partition[slot]!, t.sequence[slot]!);
    }
    t.release(slot);
  };

  private tick(): void {
    this.timer = undefined;
    this.immediate = undefined;
    if (!this.running) return;
    const { clock, limiter } = this.o;
    const due = limiter.due(clock.nowNs(), this.maxBatch);
    if (due > 0 && this.sticky > 1) this.nextStickyPartitions();
    const sent = due > 0 ? this.sendDue(due) : 0;
    if (!this.running) return;
    if (sent === this.maxBatch) {
      // Still behind: continue after other callbacks (delivery reports, HTTP) had their turn.
      this.immediate = setImmediate(this.tickBound);
      return;
    }
    const nextNs = limiter.peekIntendedNs();
    const waitMs = (nextNs - clock.nowNs()) / 1e6;
    // Timers fire about 1 ms late: wake a millisecond early when the next message is far off, and
    // otherwise poll every millisecond (also while paused, at most every 10 ms, to see a resume).
    const delay = !Number.isFinite(waitMs) ? 10 : waitMs > 2 ? Math.min(waitMs - 1, 10) : 1;
    this.timer = setTimeout(this.tickBound, delay);
  }

  /** A new tick: streams that sent on their partition since the last switch move to the next one (Java: a new batch after linger). */
  private nextStickyPartitions(): void {
    for (let s = 0; s < this.stickyLeft.length; s++) {
      if (this.stickyLeft[s]! < this.sticky) {
        this.roundRobin[s] = this.roundRobin[s]! + 1;
        this.stickyLeft[s] = this.sticky;
      }
    }
  }

  private sendDue(due: number): number {
    const { clock, limiter, stats, streams, clients, payloads, keys, runId } = this.o;
    const table = this.inFlight;
    const prefixed = payloads.size >= PREFIX_BYTES;
    const streamCount = streams.length;
    let sent = 0;
    for (; sent < due; sent++) {
      const slot = table.acquire();
      if (slot < 0) {
        this.inFlightFullTicks++;
        break;
      }
      const s = this.nextStream;
      const stream = streams[s]!;
      const key = keys.next();
      const partition =
        key === null ? this.roundRobin[s]! % stream.partitions : this.partitionOfKey[s]!.get(key)!;
      const sequences = this.sequences[s]!;
      const sequence = sequences[partition]!;
      const intendedNs = limiter.peekIntendedNs();
      // The prefix goes into the pooled payload itself: its first bytes are this message's from here
      // until the client has copied it (synchronously, in send), so a pooled buffer can be reused at once.
      // Copying each payload into a scratch buffer first cost 3 % of the main thread at full rate.
      const payload = payloads.next();
      if (prefixed) writePrefix(payload, runId, stream.id, sequence, this.wallOriginUs + intendedNs / 1000);
      const sentNs = clock.nowNs();
      const status = clients[stream.client]!.send(stream.topic, partition, payload, key, slot);
      if (status === SEND_QUEUE_FULL) {
        // Backpressure: the message stays due and goes out on a later tick, later than intended.
        table.release(slot);
        this.queueFullTicks++;
        break;
      }
      limiter.nextIntendedNs();
      this.nextStream = s + 1 === streamCount ? 0 : s + 1;
      if (key === null && --this.stickyLeft[s]! <= 0) {
        this.roundRobin[s] = partition + 1;
        this.stickyLeft[s] = this.sticky;
      }
      if (status === SEND_OK) {
        table.intendedNs[slot] = intendedNs;
        table.sentNs[slot] = sentNs;
        table.bytes[slot] = payload.length;
        table.stream[slot] = stream.id;
        table.partition[slot] = partition;
        table.sequence[slot] = sequence;
        table.broker[slot] = this.leaderSlots[this.leaderBase[s]! + partition]!;
        sequences[partition] = sequence + 1;
        stats.recordSendAttempt(intendedNs, sentNs);
      } else if (status === SEND_FAILED) {
        table.release(slot);
        stats.recordSendError(
          clients[stream.client]!.lastSendError,
          this.leaderSlots[this.leaderBase[s]! + partition]!,
        );
      }
    }
    return sent;
  }
}
