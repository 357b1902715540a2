import { LossLedger, type ReportedGap } from './loss-ledger.js';

/** Something that can tell whether sequences of a run are still in flight (a running load engine). */
export interface InFlightOracle {
  inFlightIn(runId: number, producerId: number, partition: number, start: number, end: number): boolean;
}

/** The integrity counters of a run or daemon: what the consumers found plus the loss decisions. */
export class IntegrityTracker {
  duplicated = 0;
  outOfOrder = 0;
  late = 0;
  private readonly ledger = new LossLedger();
  /**
   * In a fleet (src/fleet/): takes a gap in another member's messages and returns true; only that member knows
   * which of those sends failed or are still in flight, so it decides them (see `addGaps`).
   */
  routeGap: ((gap: ReportedGap) => boolean) | undefined;

  get lost(): number {
    return this.ledger.lost;
  }

  /** Gaps reported but not decided yet (sends still in flight). */
  get undecided(): number {
    return this.ledger.undecided;
  }

  readonly onFailure = (runId: number, stream: number, partition: number, sequence: number): void => {
    this.ledger.recordFailure(runId, stream, partition, sequence);
  };

  /** A producer process died: sequences from `fromSeq` on were never acknowledged (not lost if missing). */
  readonly onAbandoned = (runId: number, stream: number, partition: number, fromSeq: number): void => {
    this.ledger.recordAbandoned(runId, stream, partition, fromSeq);
  };

  readonly onIntegrity = (
    counts: { duplicated: number; outOfOrder: number; late: number },
    gaps: readonly ReportedGap[],
  ): void => {
    this.duplicated += counts.duplicated;
    this.outOfOrder += counts.outOfOrder;
    this.late += counts.late;
    const route = this.routeGap;
    this.ledger.addGaps(route === undefined ? gaps : gaps.filter((g) => !route(g)));
  };

  /** Gaps another fleet member found in this daemon's messages: decided here like its own consumers'. */
  addGaps(gaps: readonly ReportedGap[]): void {
    this.ledger.addGaps(gaps);
  }

  /** Decides reported gaps whose sends are all settled; call once per control interval. */
  settle(engines: readonly (InFlightOracle | undefined)[]): number {
    return this.ledger.settle((runId, producerId, partition, start, end) =>
      engines.some((e) => e?.inFlightIn(runId, producerId, partition, start, end) ?? false),
    );
  }
}
