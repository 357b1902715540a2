/**
 * Loss, duplicate and reorder detection for one consumer group, from the sequence numbers soakbench
 * writes into every message (per run, producer and partition; message-codec.ts).
 *
 * Per (partition, run, producer) it keeps the next expected sequence and the gaps seen so far:
 * - seq == next: in order;
 * - seq > next: the sequences in between are missing for now (a gap, stamped with when it was seen);
 * - seq < next inside a gap: it arrived after a later one (out of order); the gap shrinks;
 * - seq < next outside any gap: seen again (duplicate).
 * A gap older than the loss horizon is handed over as "stale": the caller decides whether those
 * sequences were acknowledged (lost) or had failed to send (an error, not a loss). The first message
 * of a (run, producer) on a partition, and the first after the partition was (re)assigned, sets the
 * baseline, so rebalances, consumer restarts and daemon restarts (new run id) are not counted as loss.
 * A stale gap stays remembered for `memoryMs` so that a very late arrival counts as out of order and
 * not as a duplicate.
 */
export interface StaleGap {
  partition: number;
  runId: number;
  producerId: number;
  /** First missing sequence. */
  start: number;
  /** One past the last missing sequence. */
  end: number;
}

interface Stream {
  next: number;
  /** Flat list of [start, end, seenAtMs, reported(0|1)] quadruples, ascending by start. */
  gaps: number[];
}

const GAP_FIELDS = 4;

export interface SequenceCounts {
  duplicated: number;
  outOfOrder: number;
  /** Messages with a soakbench prefix that were checked. */
  checked: number;
}

export class SequenceChecker {
  readonly counts: SequenceCounts = { duplicated: 0, outOfOrder: 0, checked: 0 };
  /** Per partition: streams by key runId * 4096 + producerId (producer ids stay below 4096). */
  private readonly partitions: Map<number, Stream>[] = [];

  constructor(
    private readonly lossHorizonMs: number,
    private readonly memoryMs: number = Math.max(10 * 60_000, 2 * lossHorizonMs),
  ) {}

  /** Forgets a partition's state: its next message sets a new baseline (after an assignment change). */
  resetPartition(partition: number): void {
    this.partitions[partition]?.clear();
  }

  /** Checks one message. */
  check(partition: number, runId: number, producerId: number, seq: number, nowMs: number): void {
    this.counts.checked++;
    let streams = this.partitions[partition];
    if (streams === undefined) {
      streams = new Map();
      this.partitions[partition] = streams;
    }
    const key = runId * 4096 + producerId;
    const s = streams.get(key);
    if (s === undefined) {
      streams.set(key, { next: seq + 1, gaps: [] });
      return;
    }
    if (seq === s.next) {
      s.next = seq + 1;
      return;
    }
    if (seq > s.next) {
      s.gaps.push(s.next, seq, nowMs, 0);
      s.next = seq + 1;
      return;
    }
    // seq < next: fills a gap (out of order) or was seen before (duplicate).
    const g = s.gaps;
    for (let i = 0; i < g.length; i += GAP_FIELDS) {
      const start = g[i]!;
      const end = g[i + 1]!;
      if (seq < start) break;
      if (seq < end) {
        this.counts.outOfOrder++;
        if (end - start === 1) g.splice(i, GAP_FIELDS);
        else if (seq === start) g[i] = start + 1;
        else if (seq === end - 1) g[i + 1] = end - 1;
        else g.splice(i + 1, 1, seq, g[i + 2]!, g[i + 3]!, seq + 1, end);
        return;
      }
    }
    this.counts.duplicated++;
  }

  /**
   * Gaps older than the loss horizon (or all, at the end of a run: nothing more will arrive) that were
   * not handed over yet; marks them handed over. Gaps older than the memory are forgotten.
   */
  takeStale(nowMs: number, all = false): StaleGap[] {
    const out: StaleGap[] = [];
    this.partitions.forEach((streams, partition) => {
      if (streams === undefined) return;
      for (const [key, s] of streams) {
        const g = s.gaps;
        for (let i = 0; i < g.length; ) {
          const age = nowMs - g[i + 2]!;
          if (age > this.memoryMs && !all) {
            g.splice(i, GAP_FIELDS);
            continue;
          }
          if ((all || age >= this.lossHorizonMs) && g[i + 3] === 0) {
            g[i + 3] = 1;
            out.push({
              partition,
              runId: Math.floor(key / 4096),
              producerId: key % 4096,
              start: g[i]!,
              end: g[i + 1]!,
            });
          }
          i += GAP_FIELDS;
        }
      }
    });
    return out;
  }

  /** Sequences missing now (not yet stale or already handed over), all partitions. */
  missing(): number {
    let n = 0;
    for (const streams of this.partitions) {
      if (streams === undefined) continue;
      for (const s of streams.values()) {
        for (let i = 0; i < s.gaps.length; i += GAP_FIELDS) n += s.gaps[i + 1]! - s.gaps[i]!;
      }
    }
    return n;
  }
}
