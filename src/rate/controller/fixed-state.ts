import type { ControllerCore, Outcome } from './controller-core.js';
import type { IntervalSignals } from './interval-signals.js';

/** FIXED (docs/controller.md "What it does"): the operator set the rate; only say when the generator lags it. */
function decide(core: ControllerCore, signals: IntervalSignals): Outcome {
  const lag = signals.generatorLimited ? `; generator-limited: ${signals.generatorReason}` : '';
  return { rate: core.rate, kind: 'fixed', reason: `fixed rate${lag}` };
}

export const fixedState = { decide };
