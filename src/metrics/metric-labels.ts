/**
 * The states soakbench_controller_state{state} reports, in the order dashboards give them a numeric
 * code. A module of its own (no prom-client) so the dashboard generator can import it.
 */
export const CONTROLLER_STATES = [
  'warmup',
  'startup',
  'drain',
  'hold',
  'probe',
  'fixed',
  'degraded',
] as const;
