import type { ControlSample } from '../../src/rate/controller/control-sample.js';
import type { ControllerFactory, SimController } from './sim-controller.js';

/**
 * OMB's max-rate discovery rule, for comparison only (openmessaging/benchmark RateController.nextRate and
 * WorkloadGenerator.findMaximumSustainableRate, reimplemented from their description): every 3 s, with
 * `published` = acks in the period and `expected` = rate × period; if expected − published > 1,000 (publish
 * backlog limit), halve the ramping factor (≥ 0.01) and send at 0.2·actual + 0.8·max(0, expected − backlog)
 * per second; otherwise double the ramping factor (≤ 1) and multiply the rate by (1 + factor). OMB's defaults:
 * latency targets off; consumers are assumed to keep up (no receive backlog). No rate floor: this is the rule
 * that can fall to 0 msg/s and stay there (OMB issues #84, #163).
 */
export class OmbRateController implements SimController {
  readonly name = 'omb';
  private rate: number;
  private rampingFactor = 1;
  private periodNs = 0;
  private published = 0;

  constructor(
    initialRate: number,
    private readonly controlPeriodNs = 3e9,
    private readonly publishBacklogLimit = 1_000,
  ) {
    this.rate = initialRate;
  }

  update(s: ControlSample): number {
    this.periodNs += s.intervalNs;
    this.published += s.acks;
    if (this.periodNs + 1 < this.controlPeriodNs) return this.rate;
    const periodS = this.periodNs / 1e9;
    const expected = Math.floor(this.rate * periodS);
    const published = this.published;
    this.periodNs = 0;
    this.published = 0;
    const backlog = expected - published;
    if (backlog > this.publishBacklogLimit) {
      this.rampingFactor = Math.max(0.01, this.rampingFactor / 2);
      const nextExpected = Math.max(0, expected - backlog);
      this.rate = 0.2 * (published / periodS) + 0.8 * (nextExpected / periodS);
    } else {
      this.rampingFactor = Math.min(1, this.rampingFactor * 2);
      this.rate = this.rate * (1 + this.rampingFactor);
    }
    return this.rate;
  }
}

export const ombFactory: ControllerFactory = (_clock, initialRate) => new OmbRateController(initialRate);
