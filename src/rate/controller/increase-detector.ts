import { fmt } from './interval-signals.js';

/**
 * Capacity-increase detector: watches the queueing delay (p99 − floor) of full windows at the held rate.
 * - Same rate: the delay fell below `ratio` × its running mean at this rate → the knee moved.
 * - Across a small cut: latency is flat (no visible delay) within 7 % of a rate that had visible delay. A steep knee
 *   (D/M/1) still shows delay 7 % below r*, so the knee moved.
 * A cliff (D/D/1, a quota) shows no delay below capacity, so neither rule fires there: only probes find it.
 */
export class IncreaseDetector {
  private baseline: { rate: number; sumMs: number; windows: number } | undefined;
  private lastKneeRate: number | undefined;

  /** Observes one full window; returns why capacity seems to have grown, or undefined. */
  observe(rate: number, queueMs: number, visibleMs: number, ratio: number): string | undefined {
    const b = this.baseline;
    if (b !== undefined && b.rate !== rate && this.visible(visibleMs)) this.lastKneeRate = b.rate;
    const k = this.lastKneeRate;
    if (k !== undefined && rate >= 0.93 * k && queueMs < visibleMs) {
      this.fired(rate, queueMs);
      return `no queueing delay at ${fmt(rate)}/s, ${fmt((1 - rate / k) * 100)} % below a rate that had some`;
    }
    if (b === undefined || b.rate !== rate) {
      this.baseline = { rate, sumMs: queueMs, windows: 1 };
      return undefined;
    }
    const mean = b.sumMs / b.windows;
    if (b.windows < 2 || mean < visibleMs || queueMs >= ratio * mean) {
      b.sumMs += queueMs;
      b.windows += 1;
      return undefined;
    }
    this.fired(rate, queueMs);
    return `queueing delay fell from ${fmt(mean)} to ${fmt(queueMs)} ms`;
  }

  /** Queueing delay at the baseline rate is visible: increases will show, probes above the edge are rarely needed. */
  visible(visibleMs: number): boolean {
    const b = this.baseline;
    return b !== undefined && b.sumMs / b.windows >= visibleMs;
  }

  /** Forget everything (after an overload: the capacity changed under us). */
  reset(): void {
    this.baseline = undefined;
    this.lastKneeRate = undefined;
  }

  /** Settings changed: the baseline was measured against other thresholds. */
  resetBaseline(): void {
    this.baseline = undefined;
  }

  private fired(rate: number, queueMs: number): void {
    this.baseline = { rate, sumMs: queueMs, windows: 1 };
    this.lastKneeRate = undefined;
  }
}
