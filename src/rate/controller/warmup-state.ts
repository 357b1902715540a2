import { type ControllerCore, NS_PER_MS, type Outcome } from './controller-core.js';

/**
 * WARMUP (docs/controller.md "What it does"): after `setMode('adaptive')`, keep the start rate for warmupMs
 * without a decision (the latency band still learns the floor from every interval), then STARTUP.
 */
function decide(core: ControllerCore): Outcome {
  if (core.nowNs - core.warmupStartNs < core.settings.warmupMs * NS_PER_MS)
    return { rate: core.rate, kind: 'warmup', reason: 'warming up' };
  core.state = 'STARTUP';
  return { rate: core.rate, kind: 'hold', reason: 'warm-up over: startup' };
}

export const warmupState = { decide };
