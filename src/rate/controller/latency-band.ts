import type { ControllerSettings } from './controller-settings.js';
import type { IntervalCounts, Thresholds } from './interval-counts.js';

/**
 * The latency floor and the band of thresholds above it. The floor is the lowest single-interval p99 seen on a
 * full sample (batching linger, replication, RTT: latency no rate reduction removes); band fractions are measured
 * from it, so a 5-ms linger under a 10-ms SLO does not read as "60 % of the SLO used" at idle.
 */
export class LatencyBand {
  private floorMs = Number.POSITIVE_INFINITY;

  /** Learns from one interval (only intervals with at least minSamples acks). */
  learn(cur: IntervalCounts, s: ControllerSettings): void {
    if (cur.acks >= s.minSamples && cur.p99Ms > 0 && cur.p99Ms < this.floorMs) this.floorMs = cur.p99Ms;
  }

  reset(): void {
    this.floorMs = Number.POSITIVE_INFINITY;
  }

  /** The floor seen, ms; undefined before the first full sample. */
  seenFloorMs(): number | undefined {
    return Number.isFinite(this.floorMs) ? this.floorMs : undefined;
  }

  /** The floor the band is measured from (capped at maxFloorFraction·S; 0 when not floor-relative or unknown). */
  floorMsFor(s: ControllerSettings): number {
    if (!s.floorRelative || !Number.isFinite(this.floorMs)) return 0;
    return Math.min(this.floorMs, s.maxFloorFraction * s.p99TargetMs);
  }

  /** The floor latency in seconds, or half the SLO before one is known: the in-flight a drain aims for. */
  floorLatencyS(s: ControllerSettings): number {
    const floor = this.floorMsFor(s);
    return (floor > 0 ? floor : 0.5 * s.p99TargetMs) / 1000;
  }

  thresholds(s: ControllerSettings): Thresholds {
    const slo = s.p99TargetMs;
    const floor = this.floorMsFor(s);
    const at = (f: number) => floor + f * (slo - floor);
    return {
      severeMs: s.severeFactor * slo,
      sloMs: slo,
      highMs: at(s.deadbandHigh),
      setpointMs: at(s.setpoint),
      lowMs: at(s.deadbandLow),
      climbMs: at(s.climbFraction),
    };
  }

  /**
   * The floor queueing delay is measured from: the learned floor (capped) even when the band is absolute, since
   * a fixed latency is never queueing.
   */
  queueFloorMs(s: ControllerSettings): number {
    return Number.isFinite(this.floorMs) ? Math.min(this.floorMs, s.maxFloorFraction * s.p99TargetMs) : 0;
  }

  /** Queueing delay is "visible" from 10 % of the room above the floor: below that it says nothing of the knee. */
  visibleMs(s: ControllerSettings): number {
    return 0.1 * (s.p99TargetMs - this.queueFloorMs(s));
  }
}
