import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CONTROLLER_STATES,
  createDaemonRegistry,
  DECISION_PAIRS,
  KNOWN_SEND_ERRORS,
  LATENCY_BUCKETS_US,
  type MetricsSource,
} from '../../../src/metrics/daemon-metrics.js';
import { BrokerLatency } from '../../../src/stats/broker-latency.js';
import { BucketCounter } from '../../../src/stats/bucket-counter.js';
import { createHistogram } from '../../../src/stats/histogram-factory.js';
import { type MetricFamilies, metricValue, parseMetrics, REPO_ROOT } from '../../helpers/daemon.js';

/** A MetricsSource whose every value the test sets; read at each scrape, as the daemon's. */
function fakeSource() {
  const state = {
    messagesSent: 10,
    bytesSent: 10_240,
    messagesReceived: 9,
    bytesReceived: 9_216,
    sendErrorsByReason: new Map<string, number>(),
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    late: 0,
    targetRate: 1000,
    backlog: [{ subscription: 'group-a', messages: 3 }],
    controllerState: 'fixed',
    decisions: { fixed: { operator: 2 } } as Record<string, Record<string, number>>,
    saturated: false,
    paused: false,
    ready: true,
    inFlight: 5,
    info: { version: '0.1.0', driver: 'Kafka', workload: 'w' },
    brokers: [
      {
        broker: '1',
        rttAvgSeconds: 0.0005,
        rttP99Seconds: 0.002,
        throttleAvgSeconds: 0,
        throttleMaxSeconds: 0,
        outbufRequests: 2,
        waitrespRequests: 1,
        state: 'up' as const,
      },
    ],
  };
  const histograms = {
    publishLatency: new BucketCounter(LATENCY_BUCKETS_US),
    publishDelay: new BucketCounter(LATENCY_BUCKETS_US),
    responseTime: new BucketCounter(LATENCY_BUCKETS_US),
    endToEnd: new BucketCounter(LATENCY_BUCKETS_US),
  };
  const source: MetricsSource = {
    counters: () => ({ ...state }),
    histograms: () => histograms,
    latencyOverflows: () => ({
      publish_latency: 0,
      publish_delay: 0,
      publish_response_time: 0,
      end_to_end_latency: 0,
    }),
    targetRate: () => state.targetRate,
    backlog: () => state.backlog,
    controller: () => ({
      state: state.controllerState,
      decisions: state.decisions,
      lastCutRate: 0,
      bestRate: 0,
      p99TargetSeconds: 0.05,
    }),
    generatorSaturated: () => state.saturated,
    paused: () => state.paused,
    ready: () => state.ready,
    inFlight: () => state.inFlight,
    workerRestarts: () => ({ producer: 0, consumer: 1 }),
    info: () => state.info,
    client: () => ({ brokers: state.brokers, queueMessages: 7, txRetries: 0 }),
  };
  return { state, histograms, source };
}

async function scrape(source: MetricsSource): Promise<{ text: string; families: MetricFamilies }> {
  const text = await createDaemonRegistry(source, { defaultMetrics: false }).metrics();
  return { text, families: parseMetrics(text) };
}

function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PROMTOOL ?? 'promtool', ['check', 'metrics'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

describe('createDaemonRegistry', () => {
  test('reads the source at scrape time: a changed value shows in the next scrape, with no timer', async () => {
    const { state, source } = fakeSource();
    const registry = createDaemonRegistry(source, { defaultMetrics: false });
    assert.equal(metricValue(parseMetrics(await registry.metrics()), 'soakbench_messages_sent_total'), 10);
    state.messagesSent = 12_345;
    state.targetRate = 2500;
    state.paused = true;
    const m = parseMetrics(await registry.metrics());
    assert.equal(metricValue(m, 'soakbench_messages_sent_total'), 12_345);
    assert.equal(metricValue(m, 'soakbench_target_rate'), 2500);
    assert.equal(metricValue(m, 'soakbench_paused'), 1);
  });

  test('send errors: every known reason pre-zeroed, a new reason added under its own name', async () => {
    const { state, source } = fakeSource();
    let { families } = await scrape(source);
    for (const reason of KNOWN_SEND_ERRORS) {
      assert.equal(metricValue(families, 'soakbench_send_errors_total', { reason }), 0, reason);
    }
    state.sendErrorsByReason = new Map([
      ['ERR__MSG_TIMED_OUT', 3],
      ['ERR_SOMETHING_NEW', 1],
    ]);
    ({ families } = await scrape(source));
    assert.equal(metricValue(families, 'soakbench_send_errors_total', { reason: 'ERR__MSG_TIMED_OUT' }), 3);
    assert.equal(metricValue(families, 'soakbench_send_errors_total', { reason: 'ERR_SOMETHING_NEW' }), 1);
    assert.equal(metricValue(families, 'soakbench_send_errors_total', { reason: 'ERR__QUEUE_FULL' }), 0);
  });

  test('histograms: cumulative le buckets in seconds from µs values, +Inf = _count, _sum in seconds', async () => {
    const { histograms, source } = fakeSource();
    const h = createHistogram({
      highestTrackableValue: 600_000_000,
      significantDigits: 3,
      useWebAssembly: false,
    });
    // 50 µs, 300 µs, 1.5 ms, 40 ms, and one beyond the last bound (400 s).
    for (const us of [50, 300, 1_500, 40_000, 400_000_000]) h.recordValue(us);
    histograms.publishLatency.add(h);
    const { families } = await scrape(source);
    const bucket = (le: string) => metricValue(families, 'soakbench_publish_latency_seconds_bucket', { le });
    assert.equal(bucket('0.0001'), 1);
    assert.equal(bucket('0.00025'), 1);
    assert.equal(bucket('0.0005'), 2);
    assert.equal(bucket('0.002'), 3);
    assert.equal(bucket('0.05'), 4);
    assert.equal(bucket('300'), 4);
    assert.equal(bucket('+Inf'), 5);
    assert.equal(metricValue(families, 'soakbench_publish_latency_seconds_count'), 5);
    const sum = metricValue(families, 'soakbench_publish_latency_seconds_sum');
    assert.ok(Math.abs(sum - 400.04185) / 400.04185 < 0.001, `sum ${sum}`);
    const les = families
      .get('soakbench_publish_latency_seconds')!
      .samples.filter((s) => s.name.endsWith('_bucket'))
      .map((s) => s.labels.le);
    assert.deepEqual(les, [...LATENCY_BUCKETS_US.map((us) => String(us / 1e6)), '+Inf']);
    // Untouched histograms are there with zeros.
    assert.equal(metricValue(families, 'soakbench_end_to_end_latency_seconds_count'), 0);
  });

  test('by broker: latency histograms and errors per partition leader, "unknown" included; client gauges per broker', async () => {
    const { source } = fakeSource();
    const brokers = new BrokerLatency(LATENCY_BUCKETS_US);
    const b1 = brokers.slotOf(1);
    const b3 = brokers.slotOf(3);
    assert.equal(brokers.slotOf(1), b1, 'a broker keeps its slot');
    for (let i = 0; i < 4; i++) brokers.recordAck(b1, 1_000, 1_500);
    brokers.recordAck(b3, 200_000, 300_000);
    brokers.recordError(b3, 'ERR__MSG_TIMED_OUT');
    brokers.drain();
    const { families } = await scrape({ ...source, brokers: () => brokers.view() });
    const count = (broker: string) =>
      metricValue(families, 'soakbench_publish_response_time_seconds_count', { broker });
    assert.deepEqual([count('unknown'), count('1'), count('3')], [0, 4, 1]);
    assert.equal(
      metricValue(families, 'soakbench_publish_latency_seconds_bucket', { broker: '3', le: '0.1' }),
      0,
    );
    assert.equal(
      metricValue(families, 'soakbench_publish_latency_seconds_bucket', { broker: '3', le: '0.25' }),
      1,
    );
    const err = (broker: string, reason: string) =>
      metricValue(families, 'soakbench_send_errors_total', { broker, reason });
    assert.equal(err('3', 'ERR__MSG_TIMED_OUT'), 1);
    assert.equal(err('1', 'ERR__MSG_TIMED_OUT'), 0, 'pre-zeroed for every broker');
    assert.equal(err('unknown', 'ERR__QUEUE_FULL'), 0);
    const sends = families.get('soakbench_send_errors_total')!.samples;
    assert.equal(sends.length, KNOWN_SEND_ERRORS.length * 3, 'reasons × (2 brokers + unknown)');
    assert.equal(
      metricValue(families, 'soakbench_librdkafka_broker_requests_waiting', { broker: '1', queue: 'outbuf' }),
      2,
    );
    assert.equal(
      metricValue(families, 'soakbench_librdkafka_broker_requests_waiting', {
        broker: '1',
        queue: 'waitresp',
      }),
      1,
    );
    assert.equal(metricValue(families, 'soakbench_librdkafka_broker_state', { broker: '1', state: 'up' }), 1);
    assert.equal(
      metricValue(families, 'soakbench_librdkafka_broker_state', { broker: '1', state: 'down' }),
      0,
    );
    brokers.destroy();
  });

  test('controller state one-hot over every state; decisions by kind and reason, pre-zeroed plus any new pair', async () => {
    const { state, source } = fakeSource();
    state.controllerState = 'probe';
    state.decisions = { probe: { probe: 4 }, grow: { startup: 1 }, surprise: { steady: 2 } };
    const { families } = await scrape(source);
    const states = families.get('soakbench_controller_state')!.samples;
    assert.deepEqual(states.map((s) => s.labels.state).sort(), [...CONTROLLER_STATES].sort());
    assert.deepEqual(
      states.filter((s) => s.value === 1).map((s) => s.labels.state),
      ['probe'],
    );
    for (const [kind, reason] of DECISION_PAIRS) {
      const expected = kind === 'probe' && reason === 'probe' ? 4 : kind === 'grow' ? 1 : 0;
      const value = metricValue(families, 'soakbench_controller_decisions_total', { kind, reason });
      assert.equal(value, expected, `${kind}/${reason}`);
    }
    const surprise = { kind: 'surprise', reason: 'steady' };
    assert.equal(metricValue(families, 'soakbench_controller_decisions_total', surprise), 2);
  });

  test('fleet gauges: no series outside a fleet; one per gauge, labelled with the fleet, in one', async () => {
    const { source } = fakeSource();
    const alone = await scrape(source);
    for (const name of ['soakbench_fleet_share', 'soakbench_fleet_members', 'soakbench_fleet_target_rate'])
      assert.deepEqual(alone.families.get(name)?.samples ?? [], [], name);
    const member = await scrape({
      ...source,
      fleet: () => ({ name: 'soak', share: 1 / 3, members: 3, targetRate: 6000 }),
    });
    assert.equal(metricValue(member.families, 'soakbench_fleet_share', { fleet: 'soak' }), 1 / 3);
    assert.equal(metricValue(member.families, 'soakbench_fleet_members', { fleet: 'soak' }), 3);
    assert.equal(metricValue(member.families, 'soakbench_fleet_target_rate', { fleet: 'soak' }), 6000);
  });

  test('label values are escaped: a workload name with quotes, a backslash and a newline survives', async () => {
    const { state, source } = fakeSource();
    const name = 'say "hi"\\ to\nme';
    state.info = { version: '0.1.0', driver: 'Kafka', workload: name };
    const { text, families } = await scrape(source);
    assert.equal(families.get('soakbench_info')!.samples[0]!.labels.workload, name);
    const { code, output } = await promtoolCheck(text);
    assert.equal(code, 0, output);
  });

  test('promtool check metrics: silent on the registry without Node defaults', async () => {
    const { histograms, source } = fakeSource();
    const h = createHistogram({
      highestTrackableValue: 600_000_000,
      significantDigits: 3,
      useWebAssembly: false,
    });
    h.recordValue(1_200);
    histograms.endToEnd.add(h);
    const { text } = await scrape(source);
    const { code, output } = await promtoolCheck(text);
    assert.equal(output, '');
    assert.equal(code, 0);
  });

  test('every metric of the registry is in docs/metrics.md with its type, and every documented one is exported', async () => {
    const { families } = await scrape(fakeSource().source);
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
    const documented = new Map(
      [...doc.matchAll(/^\| `(soakbench_[a-z0-9_]+)` \| (\w+) \|/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const exported = new Map([...families.values()].map((f) => [f.name, f.type]));
    assert.deepEqual(new Map([...exported].sort()), new Map([...documented].sort()));
  });

  test('with default metrics: Node process metrics are added, ours unchanged', async () => {
    const { source } = fakeSource();
    const families = parseMetrics(await createDaemonRegistry(source).metrics());
    assert.ok(families.has('process_cpu_seconds_total'));
    assert.ok(families.has('nodejs_eventloop_lag_p99_seconds'));
    assert.equal(metricValue(families, 'soakbench_messages_sent_total'), 10);
  });
});

describe('parseMetrics (test helper)', () => {
  test('families with HELP, TYPE and their samples; histogram suffixes belong to their family', () => {
    const f = parseMetrics(
      [
        '# HELP a_total things',
        '# TYPE a_total counter',
        'a_total{x="1",y="q\\"z"} 3',
        '# TYPE h histogram',
        'h_bucket{le="0.1"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 0.3',
        'h_count 2',
        'g Nan',
        '',
      ].join('\n'),
    );
    assert.equal(f.get('a_total')!.help, 'things');
    assert.deepEqual(f.get('a_total')!.samples[0]!.labels, { x: '1', y: 'q"z' });
    assert.equal(f.get('h')!.samples.length, 4);
    assert.ok(Number.isNaN(metricValue(f, 'g')));
    assert.throws(() => parseMetrics('bad line here'), /not a sample line|bad value/);
  });
});
