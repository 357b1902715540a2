import type { StaleGap } from './sequence-checker.js';

/** A stale gap as reported by a consumer group. */
export interface ReportedGap extends StaleGap {
  subscription: number;
}

/**
 * Decides which missing sequences were lost. Consumers report gaps that stayed open past the loss
 * horizon; a gap counts as lost only for the sequences the broker acknowledged: a send that failed is
 * an error (already counted), not a loss, and a send still in flight is not decided yet. Lost
 * messages are counted once per consumer group that missed them.
 */
export class LossLedger {
  lost = 0;
  private readonly failed = new Map<string, number[]>();
  private failedCount = 0;
  private pending: ReportedGap[] = [];
  /** Per (run, producer, partition) of a dead sender: sequences from here on were never acknowledged. */
  private readonly abandoned = new Map<string, number>();

  /** Bound on remembered failed sends (errors are rare; past this the oldest are forgotten). */
  constructor(private readonly maxFailed = 1_000_000) {}

  private static key(runId: number, producerId: number, partition: number): string {
    return `${runId}:${producerId}:${partition}`;
  }

  recordFailure(runId: number, producerId: number, partition: number, seq: number): void {
    const key = LossLedger.key(runId, producerId, partition);
    let list = this.failed.get(key);
    if (list === undefined) {
      list = [];
      this.failed.set(key, list);
    }
    list.push(seq);
    if (++this.failedCount > this.maxFailed) {
      const [oldest] = this.failed.keys();
      if (oldest !== undefined) {
        this.failedCount -= this.failed.get(oldest)!.length;
        this.failed.delete(oldest);
      }
    }
  }

  /**
   * The sender of (run, producer, partition) died (a producer process) with sequences from `fromSeq` on
   * never confirmed: they were not acknowledged, so missing ones are not lost.
   */
  recordAbandoned(runId: number, producerId: number, partition: number, fromSeq: number): void {
    const key = LossLedger.key(runId, producerId, partition);
    this.abandoned.set(key, Math.min(fromSeq, this.abandoned.get(key) ?? fromSeq));
  }

  addGaps(gaps: readonly ReportedGap[]): void {
    for (const g of gaps) this.pending.push(g);
  }

  /** Gaps waiting for in-flight sends to be decided. */
  get undecided(): number {
    return this.pending.length;
  }

  /**
   * Settles every reported gap none of whose sequences is still in flight; returns the messages newly
   * counted as lost.
   */
  settle(
    inFlight: (runId: number, producerId: number, partition: number, start: number, end: number) => boolean,
  ): number {
    let added = 0;
    const keep: ReportedGap[] = [];
    for (const g of this.pending) {
      if (inFlight(g.runId, g.producerId, g.partition, g.start, g.end)) {
        keep.push(g);
        continue;
      }
      const key = LossLedger.key(g.runId, g.producerId, g.partition);
      const failed = this.failed.get(key) ?? [];
      // Sequences from `from` on were never acknowledged (their sender died): not lost, whatever failed.
      const from = Math.max(g.start, Math.min(g.end, this.abandoned.get(key) ?? g.end));
      let failedInGap = 0;
      for (const seq of failed) if (seq >= g.start && seq < from) failedInGap++;
      added += from - g.start - failedInGap;
    }
    this.pending = keep;
    this.lost += added;
    return added;
  }
}
