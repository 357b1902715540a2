/**
 * GET /metrics of a running daemon: every required metric (docs/architecture.md "Metrics") with its type, histograms with
 * sub-millisecond buckets, pre-zeroed error series, promtool's linter silent on soakbench's own metrics,
 * and docs/metrics.md documenting exactly the soakbench_* metrics a scrape shows.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type DaemonProcess,
  type MetricFamilies,
  metricValue,
  parseMetrics,
  REPO_ROOT,
  startDaemon,
} from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait.js';

/** docs/architecture.md "Metrics": the required metrics and their types. */
const REQUIRED: readonly [string, string][] = [
  ['soakbench_messages_sent_total', 'counter'],
  ['soakbench_bytes_sent_total', 'counter'],
  ['soakbench_send_errors_total', 'counter'],
  ['soakbench_messages_received_total', 'counter'],
  ['soakbench_bytes_received_total', 'counter'],
  ['soakbench_publish_latency_seconds', 'histogram'],
  ['soakbench_publish_delay_seconds', 'histogram'],
  ['soakbench_publish_response_time_seconds', 'histogram'],
  ['soakbench_end_to_end_latency_seconds', 'histogram'],
  ['soakbench_target_rate', 'gauge'],
  ['soakbench_consumer_backlog_messages', 'gauge'],
  ['soakbench_messages_lost_total', 'counter'],
  ['soakbench_messages_duplicated_total', 'counter'],
  ['soakbench_messages_out_of_order_total', 'counter'],
  ['soakbench_controller_state', 'gauge'],
  ['soakbench_generator_saturated', 'gauge'],
  ['soakbench_info', 'gauge'],
];

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

/** The text of /metrics without prom-client's default process_* and nodejs_* families. */
function ownMetricsText(text: string): string {
  const keep: string[] = [];
  for (const line of text.split('\n')) {
    const name = line.startsWith('#') ? line.split(' ')[2] : line.split(/[{ ]/)[0];
    if (name !== undefined && /^(process|nodejs)_/.test(name)) continue;
    keep.push(line);
  }
  return keep.join('\n');
}

/** Runs `promtool check metrics` with `text` on stdin. */
function promtoolCheckMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      output += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(text);
  });
}

/** The documented metrics: the first column of docs/metrics.md's tables, with their type and labels. */
function documentedMetrics(): Map<string, { type: string; labels: string[] }> {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  const out = new Map<string, { type: string; labels: string[] }>();
  for (const line of doc.split('\n')) {
    const m = /^\| `(soakbench_[a-z0-9_]+)` \| (\w+) \| ([^|]*) \|/.exec(line);
    if (!m) continue;
    const labels = [...m[3]!.matchAll(/`([a-z_]+)`/g)].map((l) => l[1]!).filter((l) => l !== 'le');
    out.set(m[1]!, { type: m[2]!, labels: labels.sort() });
  }
  return out;
}

/** Label names seen on the samples of a family (histograms: without `le`). */
function labelNames(families: MetricFamilies, name: string): string[] {
  const names = new Set<string>();
  for (const s of families.get(name)?.samples ?? []) {
    for (const l of Object.keys(s.labels)) if (l !== 'le') names.add(l);
  }
  return [...names].sort();
}

describe('soakbench daemon: GET /metrics', { timeout: 120_000 }, () => {
  let d: DaemonProcess;
  let text: string;
  let families: MetricFamilies;

  before(async () => {
    d = await startDaemon({
      label: 'metrics',
      workload: { producerRate: 1000, partitionsPerTopic: 2, slo: { maxLost: 0 } },
      env: { SOAKBENCH_KAFKA_STATISTICS_INTERVAL_MS: '1000' },
    });
    await d.waitReady();
    // Until every series is there: latency samples (one control interval) and librdkafka statistics.
    await waitFor(
      'latency histograms and librdkafka statistics in /metrics',
      async () => {
        const m = await d.scrape();
        return (
          metricValue(m, 'soakbench_end_to_end_latency_seconds_count') > 0 &&
          (m.get('soakbench_librdkafka_broker_rtt_seconds')?.samples.length ?? 0) > 0 &&
          (m
            .get('soakbench_librdkafka_broker_state')
            ?.samples.some((x) => x.labels.state === 'up' && x.value === 1) ??
            false)
        );
      },
      20_000,
      250,
    );
    const answer = await d.request('GET', '/metrics');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    text = answer.text;
    families = parseMetrics(text);
  });
  after(async () => {
    await d?.dispose();
  });

  test('every required metric is there with its type', () => {
    const problems: string[] = [];
    for (const [name, type] of REQUIRED) {
      const f = families.get(name);
      if (!f) problems.push(`${name}: missing`);
      else if (f.type !== type) problems.push(`${name}: type ${f.type}, expected ${type}`);
      else if (f.samples.length === 0) problems.push(`${name}: no samples`);
    }
    assert.deepEqual(problems, []);
  });

  test('soakbench_* names: counters end in _total, nothing else does, all have HELP', () => {
    for (const f of families.values()) {
      if (!f.name.startsWith('soakbench_')) continue;
      assert.match(f.name, /^soakbench_[a-z0-9_]+$/);
      assert.equal(f.type === 'counter', f.name.endsWith('_total'), `${f.name} is a ${f.type}`);
      assert.ok(f.help.length > 0, `${f.name} has no HELP`);
    }
  });

  test('histograms: _bucket with le below 1 ms, cumulative, +Inf equal to _count, _sum (per broker where labelled)', () => {
    for (const [name, type] of REQUIRED) {
      if (type !== 'histogram') continue;
      const f = families.get(name)!;
      // One histogram per label set other than le (publish latency and response time: per broker).
      const key = (labels: Record<string, string>) =>
        JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le'));
      const sets = new Map<string, typeof f.samples>();
      for (const sample of f.samples)
        sets.set(key(sample.labels), [...(sets.get(key(sample.labels)) ?? []), sample]);
      let total = 0;
      for (const [set, samples] of sets) {
        const what = `${name}${set}`;
        const buckets = samples.filter((s) => s.name === `${name}_bucket`);
        const bounds = buckets.map((s) => (s.labels.le === '+Inf' ? Infinity : Number(s.labels.le)));
        assert.ok(bounds.length >= 10, `${what}: ${bounds.length} buckets`);
        assert.ok(bounds.filter((b) => b < 0.001).length >= 2, `${what}: fewer than two buckets below 1 ms`);
        assert.equal(bounds.at(-1), Infinity, `${what}: the last bucket is not +Inf`);
        for (let i = 1; i < buckets.length; i++) {
          assert.ok(bounds[i]! > bounds[i - 1]!, `${what}: bounds not ascending`);
          assert.ok(buckets[i]!.value >= buckets[i - 1]!.value, `${what}: bucket counts not cumulative`);
        }
        const count = samples.find((s) => s.name === `${name}_count`);
        const sum = samples.find((s) => s.name === `${name}_sum`);
        assert.ok(count && sum, `${what}: _count or _sum missing`);
        assert.equal(buckets.at(-1)!.value, count.value, `${what}: +Inf bucket != _count`);
        assert.ok(sum.value >= 0 && Number.isFinite(sum.value), `${what}: _sum ${sum.value}`);
        total += count.value;
      }
      assert.ok(total > 0, `${name}: no samples recorded after a few seconds at 1,000 msg/s`);
    }
  });

  test('by broker: publish latency and response time per partition leader, all acks under a real broker id', () => {
    const brokers = new Set(
      families.get('soakbench_librdkafka_broker_state')!.samples.map((s) => s.labels.broker ?? ''),
    );
    assert.ok(brokers.size >= 1, 'librdkafka statistics name the brokers');
    for (const name of ['soakbench_publish_latency_seconds', 'soakbench_publish_response_time_seconds']) {
      const counts = families
        .get(name)!
        .samples.filter((s) => s.name === `${name}_count`)
        .map((s) => [s.labels.broker!, s.value] as const);
      const labelled = new Set(counts.map(([b]) => b));
      assert.ok(labelled.has('unknown'), `${name}: the unknown series is always there`);
      // Series for the leaders of the topic's partitions (2 partitions: not every broker of 3 leads one).
      for (const b of labelled)
        assert.ok(b === 'unknown' || brokers.has(b), `${name}: broker ${b} is not one of ${[...brokers]}`);
      const acked = counts.filter(([b]) => b !== 'unknown').reduce((sum, [, n]) => sum + n, 0);
      // The leaders are read before the first send: only a leader change could leave a message unknown.
      assert.ok(acked > 0, `${name}: ${JSON.stringify(counts)}`);
      assert.equal(counts.find(([b]) => b === 'unknown')?.[1], 0, `${name}: ${JSON.stringify(counts)}`);
    }
    for (const b of brokers) {
      const states = families
        .get('soakbench_librdkafka_broker_state')!
        .samples.filter((s) => s.labels.broker === b && s.value === 1)
        .map((s) => s.labels.state);
      assert.equal(states.length, 1, `broker ${b}: one state at 1`);
      assert.notEqual(states[0], 'down', `broker ${b} is down`);
      for (const queue of ['outbuf', 'waitresp']) {
        const n = metricValue(families, 'soakbench_librdkafka_broker_requests_waiting', {
          broker: b!,
          queue,
        });
        assert.ok(n >= 0 && Number.isInteger(n), `requests waiting ${b} ${queue}: ${n}`);
      }
    }
  });

  test('send_errors_total: series pre-zeroed by reason before any error', () => {
    const samples = families.get('soakbench_send_errors_total')!.samples;
    const reasons = new Map(
      samples.filter((s) => s.labels.broker === 'unknown').map((s) => [s.labels.reason, s.value]),
    );
    for (const reason of [
      'ERR__MSG_TIMED_OUT',
      'ERR__QUEUE_FULL',
      'ERR__TRANSPORT',
      'ERR_NOT_ENOUGH_REPLICAS',
    ]) {
      assert.equal(reasons.get(reason), 0, `${reason}: ${reasons.get(reason)}`);
    }
    assert.ok(
      samples.every((s) => Object.keys(s.labels).sort().join() === 'broker,reason'),
      'the reason and broker labels',
    );
    const brokers = new Set(samples.map((s) => s.labels.broker));
    for (const b of brokers) {
      assert.equal(
        samples.filter((s) => s.labels.broker === b).length,
        reasons.size,
        `broker ${b}: every reason`,
      );
    }
  });

  test('labelled gauges: one controller state at 1, info 1 with what runs, backlog per subscription', async () => {
    const states = families.get('soakbench_controller_state')!.samples;
    assert.deepEqual(
      states.filter((s) => s.value === 1).map((s) => s.labels.state),
      ['fixed'],
    );
    assert.ok(states.every((s) => s.value === 0 || s.value === 1));
    const info = families.get('soakbench_info')!.samples;
    assert.equal(info.length, 1);
    assert.equal(info[0]!.value, 1);
    assert.deepEqual(Object.keys(info[0]!.labels).sort(), ['driver', 'version', 'workload']);
    assert.equal(info[0]!.labels.workload, d.topicPrefix, 'the workload label is the workload name');
    const status = (await d.getJson('/status')).body as {
      workload: { subscriptions: { groupId: string }[] };
    };
    const backlog = families.get('soakbench_consumer_backlog_messages')!.samples;
    assert.deepEqual(
      backlog.map((s) => s.labels.subscription).sort(),
      status.workload.subscriptions.map((s) => s.groupId).sort(),
    );
    assert.equal(metricValue(families, 'soakbench_target_rate'), 1000);
  });

  test('promtool check metrics: silent on soakbench’s own metrics (Node defaults filtered out)', async () => {
    const own = ownMetricsText(text);
    assert.match(own, /# TYPE soakbench_messages_sent_total counter/);
    assert.doesNotMatch(own, /^(process|nodejs)_/m);
    const { code, output } = await promtoolCheckMetrics(own);
    assert.equal(output, '', `promtool check metrics said:\n${output}`);
    assert.equal(code, 0);
  });

  test('docs/metrics.md documents every soakbench_* metric of a scrape, with its type and labels, and no other', () => {
    const documented = documentedMetrics();
    const scraped = [...families.values()].filter((f) => f.name.startsWith('soakbench_'));
    assert.ok(documented.size >= REQUIRED.length, `only ${documented.size} metrics found in docs/metrics.md`);
    const undocumented = scraped.filter((f) => !documented.has(f.name)).map((f) => f.name);
    assert.deepEqual(undocumented, [], 'exported but not in docs/metrics.md');
    const missing = [...documented.keys()].filter((n) => !families.has(n));
    assert.deepEqual(missing, [], 'in docs/metrics.md but not exported');
    for (const f of scraped) {
      const doc = documented.get(f.name)!;
      assert.equal(doc.type, f.type, `${f.name}: documented as ${doc.type}, exported as ${f.type}`);
      // A family without samples (the fleet gauges outside a fleet) shows no labels to compare.
      if (f.samples.length > 0)
        assert.deepEqual(doc.labels, labelNames(families, f.name), `${f.name}: documented labels`);
    }
  });
});
