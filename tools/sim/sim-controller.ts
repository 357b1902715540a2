import type { ManualClock } from '../../src/clock.js';
import { AdaptiveController } from '../../src/rate/controller/adaptive-controller.js';
import type { ControlSample } from '../../src/rate/controller/control-sample.js';
import type { ControllerSettings } from '../../src/rate/controller/controller-settings.js';

/** A rate controller as the harness drives it: one sample in, the next interval's rate out. */
export interface SimController {
  readonly name: string;
  update(sample: ControlSample): number;
  /** State label for traces (optional). */
  label?(): string;
}

/** Builds a controller for one run; it starts at `initialRate` and may read `clock` (virtual time). */
export type ControllerFactory = (clock: ManualClock, initialRate: number, sloMs: number) => SimController;

/** The recommended controller (src/rate/controller) with Harness A's SLO and error threshold, no warm-up. */
export function adaptiveFactory(overrides: Partial<ControllerSettings> = {}): ControllerFactory {
  return (clock, initialRate, sloMs) => {
    const c = new AdaptiveController(
      {
        p99TargetMs: sloMs,
        maxErrorRate: 0.001,
        initialRate,
        minRate: 10,
        warmupMs: 0,
        ...overrides,
      },
      clock,
    );
    return {
      name: 'adaptive',
      update: (s) => c.update(s).rate,
      label: () => c.state,
    };
  };
}
