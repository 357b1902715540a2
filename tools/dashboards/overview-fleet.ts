/**
 * The "Fleet" row of the overview dashboard (docs/fleet.md): daemons of one fleet split its rate, so the row
 * adds the members up per fleet and shows each member's share. It reads the soakbench_fleet_* gauges, which
 * only fleet members export: outside a fleet the row is empty.
 */
import type { PanelSpec } from './panel-spec.js';
import { dashedLine, MSG_RATE } from './panel-spec.js';
import { maxBy, rateOf, select, sumBy } from './promql.js';

/** 1 per fleet member, carrying its `fleet` label: joins per-instance series to their fleet. */
const FLEET_OF_INSTANCE = `(${select('soakbench_fleet_share')} * 0 + 1)`;

/** `expr` (one series per instance) with each member's `fleet` label; non-members drop out. */
function withFleet(expr: string): string {
  return `${expr} * on (instance) group_left (fleet) ${FLEET_OF_INSTANCE}`;
}

export const fleet: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Fleet rate: target vs achieved',
    description:
      'Target: the fleet’s total rate (dashed), the same on every member. Achieved: messages acknowledged per second, summed over the members on this dashboard’s instances. A gap: the members (or the cluster) cannot keep up, or a member is missing from the selection.',
    unit: MSG_RATE,
    min: 0,
    overrides: [dashedLine('.* target$', 'blue')],
    queries: [
      { expr: maxBy(['fleet'], select('soakbench_fleet_target_rate')), legend: '{{fleet}} target' },
      {
        expr: sumBy(['fleet'], withFleet(sumBy(['instance'], rateOf('soakbench_messages_sent_total')))),
        legend: '{{fleet}} achieved',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Share by member',
    description:
      'Each member’s part of the fleet rate (its shares-topic partitions / 12). Shares move at a membership rebalance: a member joining, leaving, or dead for longer than fleet.sessionTimeoutMs. The shares of one fleet add up to 1.',
    unit: 'percentunit',
    min: 0,
    queries: [{ expr: select('soakbench_fleet_share'), legend: '{{fleet}} {{instance}}' }],
  },
  {
    kind: 'timeseries',
    title: 'Achieved rate by member',
    description:
      'Messages acknowledged per second by each member. Equal shares should give equal lines; one below the others is a member that cannot produce its share (see its generator saturation).',
    unit: MSG_RATE,
    min: 0,
    queries: [
      {
        expr: withFleet(sumBy(['instance'], rateOf('soakbench_messages_sent_total'))),
        legend: '{{fleet}} {{instance}}',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Members',
    description:
      'Members each fleet’s members hear from (the highest count over them). A drop: a member stopped or died; it returns when the member rejoins.',
    unit: 'none',
    min: 0,
    queries: [{ expr: maxBy(['fleet'], select('soakbench_fleet_members')), legend: '{{fleet}}' }],
  },
];
