/**
 * Controller states (docs/controller.md "State machine and parameters"). FIXED: the operator set the rate; DEGRADED: fatal errors or
 * pinned at minRate — the controller sends at minRate and restarts STARTUP after a cooldown.
 */
export type ControllerState = 'WARMUP' | 'STARTUP' | 'DRAIN' | 'HOLD' | 'PROBE' | 'FIXED' | 'DEGRADED';

export const CONTROLLER_STATES: readonly ControllerState[] = [
  'WARMUP',
  'STARTUP',
  'DRAIN',
  'HOLD',
  'PROBE',
  'FIXED',
  'DEGRADED',
];

/**
 * What a decision did: `hold` keep the rate (also: too few samples, judging a probe), `grow` STARTUP increase,
 * `cut` overload or gentle decrease, `drain` send below delivery to clear a backlog, `probe` try a higher rate,
 * `accept` keep the probed rate, `revert` back to the held rate after a failed probe, `cap` generator-limited or
 * throttled, `freeze` topology errors block increases, `degraded` stop controlling, `fixed` operator rate,
 * `warmup` no decision yet.
 */
export type DecisionKind =
  | 'warmup'
  | 'hold'
  | 'grow'
  | 'cut'
  | 'drain'
  | 'probe'
  | 'accept'
  | 'revert'
  | 'cap'
  | 'freeze'
  | 'degraded'
  | 'fixed';

/** One control decision: the rate to send at until the next one, and why. */
export interface Decision {
  /** Sample time the decision was made at (ns, controller clock). */
  atNs: number;
  /** Commanded rate for the next interval, msg/s: always within [minRate, maxRate] in adaptive mode, never 0. */
  rate: number;
  /** State after the decision. */
  state: ControllerState;
  kind: DecisionKind;
  /** A sentence for logs and GET /controller: which signal, which threshold. */
  reason: string;
  /** The reason as a bounded label (see `causeOf`). */
  cause: DecisionCause;
  /** True when the generator (this process), not the broker, limited the achieved rate. */
  generatorLimited: boolean;
  /** The signals the decision saw (this interval). */
  p99Ms: number;
  ackRate: number;
  sendRate: number;
  errorRate: number;
  inflight: number;
}

/**
 * Why a decision was made, as a bounded label for metrics (`soakbench_controller_decisions_total{kind,reason}`);
 * the full sentence is `Decision.reason`. `operator`: PUT /rate or /controller; `warmup`; `startup`: growth while
 * latency is low; `steady`: holding, nothing to act on; `samples`: too few acks to decide; `latency`: p99 above a
 * threshold; `backlog`: messages queued or stuck (backlog, stall, ack deficit, drain); `errors`: congestion
 * errors or retries; `quota`: broker throttle time; `generator`: soakbench could not keep its schedule;
 * `topology`: leader changes freeze increases; `probe`: the probe ladder; `limit`: maxRate, minRate or the ack-rate
 * cap; `degraded`: fatal errors or pinned at minRate.
 */
export type DecisionCause =
  | 'operator'
  | 'warmup'
  | 'startup'
  | 'steady'
  | 'samples'
  | 'latency'
  | 'backlog'
  | 'errors'
  | 'quota'
  | 'generator'
  | 'topology'
  | 'probe'
  | 'limit'
  | 'degraded';

export const DECISION_CAUSES: readonly DecisionCause[] = [
  'operator',
  'warmup',
  'startup',
  'steady',
  'samples',
  'latency',
  'backlog',
  'errors',
  'quota',
  'generator',
  'topology',
  'probe',
  'limit',
  'degraded',
];

/**
 * The cause of a decision from its kind and reason sentence (the controller's own wording, so a test runs the
 * controller through every harness scenario and checks that no decision falls through to `steady` wrongly).
 * Checked in priority order: what the controller acted on comes first, the state it was in last.
 */
export function causeOf(kind: DecisionKind, reason: string): DecisionCause {
  const has = (...words: string[]) => words.some((w) => reason.includes(w));
  if (kind === 'fixed' || has('adaptive:', 'set by operator')) return 'operator';
  if (kind === 'warmup' || has('warm-up', 'warming up')) return 'warmup';
  if (kind === 'degraded' || has('stopped controlling', 'cooldown over', 'pinned at minRate'))
    return 'degraded';
  if (has('quota lifted')) return 'probe';
  if (has('quota', 'throttl')) return 'quota';
  if (has('congestion errors', 'retries')) return 'errors';
  if (has('generator-limited')) return 'generator';
  if (has('topology')) return 'topology';
  if (has('backlog', 'no acks', 'ack rate <', 'drained', 'still over the SLO')) return 'backlog';
  if (has('too few samples')) return 'samples';
  if (has('growth capped', 'probe skipped')) return 'limit';
  if (kind === 'probe' || kind === 'accept' || kind === 'revert' || has('probe', 'capacity grew'))
    return 'probe';
  if (has('p99 within setpoint')) return 'startup';
  if (has('p99')) return 'latency';
  return 'steady';
}
