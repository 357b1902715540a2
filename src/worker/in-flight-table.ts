/**
 * What the send path remembers about each message until its delivery report: intended and actual send
 * times, size, and its place in the integrity sequence. Preallocated typed arrays indexed by a slot
 * number that travels through the client as the message's opaque token, with a free list of slots:
 * nothing is allocated per message, and the table's size bounds the messages in flight.
 */
export class InFlightTable {
  readonly capacity: number;
  readonly intendedNs: Float64Array;
  readonly sentNs: Float64Array;
  readonly bytes: Float64Array;
  readonly stream: Int32Array;
  readonly partition: Int32Array;
  readonly sequence: Float64Array;
  /** The partition leader's broker slot when sent (Stats.brokers; 0: unknown). */
  readonly broker: Uint8Array;
  private readonly free: Int32Array;
  private readonly used: Uint8Array;
  private freeCount: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer: ${capacity}`);
    this.capacity = capacity;
    this.intendedNs = new Float64Array(capacity);
    this.sentNs = new Float64Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.stream = new Int32Array(capacity);
    this.partition = new Int32Array(capacity);
    this.sequence = new Float64Array(capacity);
    this.broker = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    this.used = new Uint8Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  /** Messages in flight now. */
  get size(): number {
    return this.capacity - this.freeCount;
  }

  get full(): boolean {
    return this.freeCount === 0;
  }

  /** Takes a free slot; −1 when the table is full. */
  acquire(): number {
    if (this.freeCount === 0) return -1;
    const slot = this.free[--this.freeCount]!;
    this.used[slot] = 1;
    return slot;
  }

  release(slot: number): void {
    this.used[slot] = 0;
    this.free[this.freeCount++] = slot;
  }

  /** True while `slot` holds a message in flight. */
  isUsed(slot: number): boolean {
    return this.used[slot] === 1;
  }

  /** The oldest intended send time among messages in flight (Infinity when none); O(capacity), not for the hot path. */
  oldestIntendedNs(): number {
    let oldest = Number.POSITIVE_INFINITY;
    if (this.freeCount === this.capacity) return oldest;
    for (let i = 0; i < this.capacity; i++) {
      if (this.used[i] === 1 && this.intendedNs[i]! < oldest) oldest = this.intendedNs[i]!;
    }
    return oldest;
  }
}
