import { type ControllerCore, NS_PER_MS, type Outcome } from './controller-core.js';

/**
 * DEGRADED (docs/controller.md "What it does"): fatal send errors, or degradedAfterIntervals decisions in a row
 * pinned at minRate, stop the controller: minRate for degradedCooldownMs, then start-up again from initialRate.
 */
function enter(core: ControllerCore, why: string): Outcome {
  core.state = 'DEGRADED';
  core.degradedUntilNs = core.nowNs + core.settings.degradedCooldownMs * NS_PER_MS;
  core.pendingCounts = undefined;
  core.judgeWindow = [];
  return { rate: core.settings.minRate, kind: 'degraded', reason: `${why}: stopped controlling` };
}

function decide(core: ControllerCore): Outcome {
  if (core.nowNs < core.degradedUntilNs)
    return { rate: core.settings.minRate, kind: 'degraded', reason: 'cooling down' };
  const startRate = core.clampRate(core.settings.initialRate);
  core.restart(startRate);
  core.state = 'STARTUP';
  return { rate: startRate, kind: 'hold', reason: 'cooldown over: startup again' };
}

/** Passes `outcome` through, unless it is the degradedAfterIntervals-th in a row at minRate: then DEGRADED. */
function checkPinned(core: ControllerCore, outcome: Outcome): Outcome {
  const { settings } = core;
  core.intervalsAtMinRate =
    outcome.rate <= settings.minRate && core.state !== 'DEGRADED' ? core.intervalsAtMinRate + 1 : 0;
  if (core.intervalsAtMinRate < settings.degradedAfterIntervals) return outcome;
  core.intervalsAtMinRate = 0;
  return enter(
    core,
    `pinned at minRate ${settings.minRate}/s for ${settings.degradedAfterIntervals} intervals`,
  );
}

export const degradedState = { enter, decide, checkPinned };
