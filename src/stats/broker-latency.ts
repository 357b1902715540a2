import type { Histogram } from 'hdr-histogram-js';
import { BucketCounter } from './bucket-counter.js';
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  hdrWebAssemblyReady,
} from './histogram-factory.js';
import { DEFAULT_MAX_LATENCY_US } from './latency-recorder.js';

/** Broker slots at most, "unknown" included: bounds the series count whatever the cluster (docs/metrics.md). */
export const MAX_BROKER_SLOTS = 64;
/** The slot of messages whose partition leader is not known (yet), or whose broker found no free slot. */
export const UNKNOWN_BROKER_SLOT = 0;
export const UNKNOWN_BROKER = 'unknown';

/** Per-broker view for /metrics: one entry per slot in use. */
export interface BrokerSeries {
  /** The broker id as a label value, or "unknown". */
  readonly broker: string;
  readonly publishLatency: BucketCounter;
  readonly responseTime: BucketCounter;
  /** Lifetime failed sends by reason. */
  readonly sendErrorsByReason: ReadonlyMap<string, number>;
}

/**
 * Publish latency, response time and send errors by partition leader (issue 12: which broker hurt the
 * p99). The hot path passes a slot number (looked up in a typed array the load engine refreshes from
 * metadata, see SendLoop.setLeaderSlots) and records into that slot's interval histogram: no allocation,
 * no map lookup. Slots are handed out to broker ids off the hot path; `drain()` folds each slot's
 * interval into Prometheus bucket counters once per interval (Stats.snapshotInterval).
 */
export class BrokerLatency {
  private readonly boundsUs: readonly number[];
  private readonly maxUs: number;
  private readonly ids: string[] = [UNKNOWN_BROKER];
  private readonly slotOfId = new Map<number, number>();
  // Per slot, allocated when the slot is handed out (2 significant digits: the buckets are coarser).
  private readonly publish: Histogram[] = [];
  private readonly response: Histogram[] = [];
  private readonly series: BrokerSeries[] = [];
  private readonly errors: Map<string, number>[] = [];
  /** Per slot, the error counts `drainShares()` handed over so far. */
  private readonly sentErrors: Map<string, number>[] = [];

  constructor(boundsUs: readonly number[], maxUs = DEFAULT_MAX_LATENCY_US) {
    this.boundsUs = boundsUs;
    this.maxUs = maxUs;
    this.allocate(UNKNOWN_BROKER_SLOT);
  }

  /** The slot of broker `id` (−1 or unknown: UNKNOWN_BROKER_SLOT); hands out a new slot on first sight. Not for the hot path. */
  slotOf(id: number): number {
    if (!(id >= 0)) return UNKNOWN_BROKER_SLOT;
    const known = this.slotOfId.get(id);
    if (known !== undefined) return known;
    if (this.ids.length >= MAX_BROKER_SLOTS) return UNKNOWN_BROKER_SLOT;
    const slot = this.ids.length;
    this.ids.push(String(id));
    this.slotOfId.set(id, slot);
    this.allocate(slot);
    return slot;
  }

  /** Hot path: one acknowledged message's latencies (µs) at its leader's slot. */
  recordAck(slot: number, publishUs: number, responseUs: number): void {
    const s = slot < this.publish.length ? slot : UNKNOWN_BROKER_SLOT;
    this.publish[s]!.recordValue(clamp(publishUs, this.maxUs));
    this.response[s]!.recordValue(clamp(responseUs, this.maxUs));
  }

  /** A failed send at `slot` (rare: may allocate for a new reason). */
  recordError(slot: number, reason: string): void {
    const s = slot < this.errors.length ? slot : UNKNOWN_BROKER_SLOT;
    const m = this.errors[s]!;
    m.set(reason, (m.get(reason) ?? 0) + 1);
  }

  /** Folds every slot's interval histograms into its bucket counters and resets them (once per interval). */
  drain(): void {
    for (let s = 0; s < this.publish.length; s++) {
      const p = this.publish[s]!;
      const r = this.response[s]!;
      if (p.totalCount > 0) this.series[s]!.publishLatency.add(p);
      if (r.totalCount > 0) this.series[s]!.responseTime.add(r);
      p.reset();
      r.reset();
    }
  }

  /**
   * For a producer process's report (src/worker/producer-runner.ts): each slot's interval histograms
   * encoded, and its send errors since the previous call, by broker id; resets the intervals. Slots
   * with nothing new are left out.
   */
  drainShares(): { broker: string; publish: string; response: string; errors: Record<string, number> }[] {
    const out: { broker: string; publish: string; response: string; errors: Record<string, number> }[] = [];
    for (let s = 0; s < this.publish.length; s++) {
      const p = this.publish[s]!;
      const r = this.response[s]!;
      const errors: Record<string, number> = {};
      let anyError = false;
      const sent = this.sentErrors[s] ?? new Map<string, number>();
      this.sentErrors[s] = sent;
      for (const [reason, n] of this.errors[s]!) {
        const d = n - (sent.get(reason) ?? 0);
        if (d > 0) {
          errors[reason] = d;
          sent.set(reason, n);
          anyError = true;
        }
      }
      if (p.totalCount === 0 && r.totalCount === 0 && !anyError) continue;
      out.push({ broker: this.ids[s]!, publish: encodeHistogram(p), response: encodeHistogram(r), errors });
      p.reset();
      r.reset();
    }
    return out;
  }

  /** Merges a producer process's share of broker `broker` (an id or "unknown") into its slot's interval. */
  addShare(share: {
    broker: string;
    publish: string;
    response: string;
    errors: Record<string, number>;
  }): void {
    const slot = share.broker === UNKNOWN_BROKER ? UNKNOWN_BROKER_SLOT : this.slotOf(Number(share.broker));
    for (const [target, text] of [
      [this.publish[slot]!, share.publish],
      [this.response[slot]!, share.response],
    ] as const) {
      const decoded = decodeHistogram(text, hdrWebAssemblyReady());
      try {
        target.add(decoded);
      } finally {
        decoded.destroy();
      }
    }
    const m = this.errors[slot]!;
    for (const [reason, n] of Object.entries(share.errors)) m.set(reason, (m.get(reason) ?? 0) + n);
  }

  /**
   * "unknown" and every broker seen, in the order seen. "unknown" is always there, so the series exist
   * (at zero) before the first metadata answer, as Prometheus counters should.
   */
  view(): readonly BrokerSeries[] {
    return this.series;
  }

  /** Frees the histograms (required with the WebAssembly build). */
  destroy(): void {
    for (const h of [...this.publish, ...this.response]) h.destroy();
    this.publish.length = 0;
    this.response.length = 0;
  }

  private allocate(slot: number): void {
    const shape = {
      highestTrackableValue: this.maxUs,
      significantDigits: 2,
      useWebAssembly: hdrWebAssemblyReady(),
    } as const;
    this.publish[slot] = createHistogram(shape);
    this.response[slot] = createHistogram(shape);
    this.errors[slot] = new Map();
    this.series[slot] = {
      broker: this.ids[slot]!,
      publishLatency: new BucketCounter(this.boundsUs),
      responseTime: new BucketCounter(this.boundsUs),
      sendErrorsByReason: this.errors[slot]!,
    };
  }
}

function clamp(us: number, maxUs: number): number {
  return us >= 0 ? (us <= maxUs ? Math.floor(us) : maxUs) : 0;
}
