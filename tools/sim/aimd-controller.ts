import type { ControlSample } from '../../src/rate/controller/control-sample.js';
import type { ControllerFactory, SimController } from './sim-controller.js';

/**
 * The AIMD anchor of docs/controller.md ("Targets on Harness A"), for comparison only: +`increasePerS` msg/s every second (1 % of C₀), ×0.9
 * when the interval's p99 exceeds the SLO or errors exceed the threshold.
 */
export class AimdController implements SimController {
  readonly name = 'aimd';
  private rate: number;

  constructor(
    initialRate: number,
    private readonly sloMs: number,
    private readonly increasePerS: number,
    private readonly maxErrorRate = 0.001,
    private readonly minRate = 10,
  ) {
    this.rate = initialRate;
  }

  update(s: ControlSample): number {
    const n = s.acks + s.errors.congestion;
    const slow = s.acks > 0 && s.response.countAboveMs(this.sloMs) > 0.01 * s.acks;
    const failing = n > 0 && s.errors.congestion > this.maxErrorRate * n;
    const dt = s.intervalNs / 1e9;
    this.rate = slow || failing ? this.rate * 0.9 : this.rate + this.increasePerS * dt;
    this.rate = Math.max(this.minRate, this.rate);
    return this.rate;
  }
}

export function aimdFactory(increasePerS: number): ControllerFactory {
  return (_clock, initialRate, sloMs) => new AimdController(initialRate, sloMs, increasePerS);
}
