/**
 * The "Brokers" row of the overview dashboard (issue 12: which broker hurt the p99, e.g. during a rolling
 * restart). It reads the `broker` label of the publish histograms and send errors (the partition leader a
 * message went to, docs/metrics.md "By broker") and librdkafka's per-broker gauges
 * (soakbench_librdkafka_broker_*, docs/metrics.md); docs/dashboards.md lists the resulting queries.
 */
import { BROKER_CONNECTION_STATES, type BrokerConnectionState } from '../../src/stats/client-stats.js';
import type { PanelSpec } from './panel-spec.js';
import { dashedLine, MSG_RATE, valueMapping } from './panel-spec.js';
import { maxBy, quantileBy, rateOf, select, sumBy } from './promql.js';

const BY_BROKER = ['instance', 'broker'];
const LEGEND = '{{instance}} broker {{broker}}';
/** Messages sent while no leader was known are labelled "unknown": no broker to blame for their latency. */
const KNOWN_BROKER = 'broker!="unknown"';

const STATE_COLORS: Record<BrokerConnectionState, string> = { up: 'green', idle: 'blue', down: 'red' };

/**
 * One code per (instance, broker): the weight of the connection state whose gauge is 1 (1 up, 2 idle,
 * 3 down), or 0 for a broker that led our partitions (it has response-time series) but is missing from
 * librdkafka's statistics now: a cleanly stopped broker leaves the cluster metadata and its gauges vanish.
 */
function brokerStateCode(): string {
  const weighted = BROKER_CONNECTION_STATES.map(
    (state, index) => `${select('soakbench_librdkafka_broker_state', `state="${state}"`)} * ${index + 1}`,
  );
  const seen = maxBy(BY_BROKER, select('soakbench_publish_response_time_seconds_count', KNOWN_BROKER));
  return `${maxBy(BY_BROKER, weighted.join(' or '))} or 0 * ${seen}`;
}

export const brokers: PanelSpec[] = [
  {
    kind: 'timeseries',
    title: 'Publish response time p99 by broker',
    description:
      'p99 of intended send → ack for the messages each broker led (the partition leader when sent; messages sent with no leader known are left out). One line far above the others is the broker that hurts the SLO: during a rolling restart, the one restarting or taking over its leaderships. The dashed line is the p99 target; the SoakbenchBrokerP99Outlier alert fires when one broker stays over 3× the brokers’ median (3+ brokers) for 5 minutes.',
    unit: 's',
    min: 0,
    overrides: [dashedLine('.* p99 target$', 'red')],
    queries: [
      {
        expr: quantileBy(0.99, 'soakbench_publish_response_time_seconds', BY_BROKER, KNOWN_BROKER),
        legend: LEGEND,
      },
      {
        expr: maxBy(['instance'], select('soakbench_slo_p99_target_seconds')),
        legend: '{{instance}} p99 target',
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Publish latency p99 by broker',
    description:
      'p99 of actual send → ack per partition leader. High here and in response time: the broker is slow to acknowledge. High in response time only: the sends were late (client queue or generator), not the broker.',
    unit: 's',
    min: 0,
    queries: [
      {
        expr: quantileBy(0.99, 'soakbench_publish_latency_seconds', BY_BROKER, KNOWN_BROKER),
        legend: LEGEND,
      },
    ],
  },
  {
    kind: 'state-timeline',
    title: 'Broker connections',
    description:
      'librdkafka’s connection to each broker, the worst over the producer clients. up: connected; idle: never needed (leads none of our partitions); down: disconnected or reconnecting (killed, frozen or restarting but still in the cluster metadata); absent: led our partitions before but is not in the client’s statistics now (a cleanly stopped broker leaves the metadata until it returns; every broker when statistics are off, kafka.statisticsIntervalMs 0). Lags by up to the statistics interval (1 s).',
    unit: 'none',
    width: 24,
    height: 6,
    mappings: [
      valueMapping({
        0: ['absent', 'orange'],
        ...Object.fromEntries(
          BROKER_CONNECTION_STATES.map((state, index) => [index + 1, [state, STATE_COLORS[state]]]),
        ),
      }),
    ],
    queries: [{ expr: brokerStateCode(), legend: LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Acknowledgements by broker',
    description:
      'Messages acknowledged per second per partition leader ("unknown": sent while no leader was known). Their sum is the achieved rate. During a restart the restarting broker’s share drops to 0 and moves to the brokers that take over its leaderships; it returns when leadership moves back (preferred-leader election).',
    unit: MSG_RATE,
    min: 0,
    queries: [
      {
        expr: sumBy(BY_BROKER, rateOf('soakbench_publish_response_time_seconds_count')),
        legend: LEGEND,
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Send errors by broker',
    description:
      'Failed sends per second per partition leader, all reasons ("Send errors by reason" splits them). Around a leader election, errors land on the old leader (sent before the client learnt of the change) or on "unknown" (sent while no leader was known).',
    unit: 'count:err/s',
    min: 0,
    queries: [{ expr: sumBy(BY_BROKER, rateOf('soakbench_send_errors_total')), legend: LEGEND }],
  },
  {
    kind: 'timeseries',
    title: 'Request round-trip time p99 by broker',
    description:
      'librdkafka statistics: p99 of request round-trip time to each broker over the last statistics window, the worst over the producer clients. High for one broker while the others stay low: that broker, or the network to it, is slow.',
    unit: 's',
    min: 0,
    width: 8,
    queries: [
      {
        expr: maxBy(BY_BROKER, select('soakbench_librdkafka_broker_rtt_seconds', 'stat="p99"')),
        legend: LEGEND,
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Throttle time by broker',
    description:
      'librdkafka statistics: the longest time each broker asked the client to wait (quotas) in the last statistics window. Above 0 means a quota holds back the rate, not a slow broker.',
    unit: 's',
    min: 0,
    width: 8,
    queries: [
      {
        expr: maxBy(BY_BROKER, select('soakbench_librdkafka_broker_throttle_seconds', 'stat="max"')),
        legend: LEGEND,
      },
    ],
  },
  {
    kind: 'timeseries',
    title: 'Requests waiting by broker',
    description:
      'librdkafka statistics, summed over the producer clients: requests not yet sent to each broker (outbuf) and sent but not yet answered (waitresp). A growing waitresp on one broker is a broker slow to answer; a growing outbuf is a connection that cannot send (down or saturated).',
    unit: 'count:req',
    min: 0,
    width: 8,
    queries: [
      {
        expr: sumBy(['instance', 'broker', 'queue'], select('soakbench_librdkafka_broker_requests_waiting')),
        legend: `${LEGEND} {{queue}}`,
      },
    ],
  },
];
