/**
 * Controller states (CONTROLLER.md "State machine"). FIXED: the operator set the rate; DEGRADED: fatal errors or
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
  /** True when the generator (this process), not the broker, limited the achieved rate. */
  generatorLimited: boolean;
  /** The signals the decision saw (this interval). */
  p99Ms: number;
  ackRate: number;
  sendRate: number;
  errorRate: number;
  inflight: number;
}
