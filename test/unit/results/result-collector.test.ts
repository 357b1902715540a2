import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { ResultCollector } from '../../../src/results/result-collector.js';
import { resultFileName, writeResultFile } from '../../../src/results/result-file.js';
import type { ResultMeta } from '../../../src/results/test-result.js';
import { Stats } from '../../../src/stats/stats.js';

/** TestResult.java's public fields, in declaration order (openmessaging/benchmark benchmark-framework). */
type Kind = 'string' | 'number' | 'list' | 'map';
const OMB_FIELDS: [string, Kind][] = [
  ['workload', 'string'],
  ['driver', 'string'],
  ['messageSize', 'number'],
  ['topics', 'number'],
  ['partitions', 'number'],
  ['producersPerTopic', 'number'],
  ['consumersPerTopic', 'number'],
  ['publishRate', 'list'],
  ['publishErrorRate', 'list'],
  ['consumeRate', 'list'],
  ['backlog', 'list'],
  ...pctFields('publishLatency', 'list'),
  ...pctFields('publishDelayLatency', 'list'),
  ...pctFields('aggregatedPublishLatency', 'number'),
  ...pctFields('aggregatedPublishDelayLatency', 'number'),
  ['aggregatedPublishLatencyQuantiles', 'map'],
  ['aggregatedPublishDelayLatencyQuantiles', 'map'],
  ...pctFields('endToEndLatency', 'list'),
  ['aggregatedEndToEndLatencyQuantiles', 'map'],
  ...pctFields('aggregatedEndToEndLatency', 'number'),
];

function pctFields(prefix: string, kind: Kind): [string, Kind][] {
  return ['Avg', '50pct', '75pct', '95pct', '99pct', '999pct', '9999pct', 'Max'].map((s) => [
    prefix + s,
    kind,
  ]);
}

const META: ResultMeta = {
  workload: '1 topic / 16 partitions / 1kb',
  driver: 'Kafka-local',
  messageSize: 1024,
  topics: 1,
  partitions: 16,
  producersPerTopic: 2,
  consumersPerTopic: 3,
  soakbenchVersion: '0.1.0',
};

/** Two 10-s periods: publish latency 1.9 ms, publish delay 100 µs, end-to-end 1.5 ms (exact in HdrHistogram). */
function run(): { collector: ResultCollector; stats: Stats } {
  const clock = new ManualClock();
  const stats = new Stats({ clock });
  const collector = new ResultCollector(META);
  for (let period = 0; period < 2; period++) {
    for (let i = 0; i < 1000; i++) {
      const t = clock.nowNs();
      stats.recordSendAttempt(t, t + 100e3);
      stats.recordAck(1024, t, t + 100e3, t + 2000e3);
      stats.recordReceive(1024, 1500);
    }
    stats.recordSendError('timeout');
    clock.advanceMs(10_000);
    collector.addPeriod(stats.snapshotInterval(clock.nowNs()));
  }
  collector.setAggregated(stats.cumulativeSnapshot());
  return { collector, stats };
}

describe('ResultCollector', () => {
  test('has every OMB TestResult field, in OMB order, with the right shape', () => {
    const { collector, stats } = run();
    const result = collector.result() as unknown as Record<string, unknown>;
    stats.destroy();
    assert.deepEqual(
      Object.keys(result).slice(0, OMB_FIELDS.length),
      OMB_FIELDS.map(([name]) => name),
    );
    for (const [name, kind] of OMB_FIELDS) {
      const v = result[name];
      if (kind === 'list') assert.ok(Array.isArray(v) && v.length === 2, name);
      else if (kind === 'map') assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), name);
      else assert.equal(typeof v, kind, name);
    }
    assert.equal(collector.periods, 2);
  });

  test('units as OMB: publish and end-to-end latency in ms, publish delay in µs', () => {
    const { collector, stats } = run();
    const r = collector.result();
    stats.destroy();
    assert.deepEqual(r.publishLatency50pct, [1.9, 1.9]);
    assert.deepEqual(r.publishLatencyMax, [1.9, 1.9]);
    assert.deepEqual(r.publishDelayLatency99pct, [100, 100]);
    assert.deepEqual(r.publishDelayLatencyAvg, [100, 100]);
    assert.deepEqual(r.endToEndLatency95pct, [1.5, 1.5]);
    assert.equal(r.aggregatedPublishLatency9999pct, 1.9);
    assert.equal(r.aggregatedPublishDelayLatency50pct, 100);
    assert.equal(r.aggregatedEndToEndLatencyAvg, 1.5);
    assert.equal(r.aggregatedPublishLatencyQuantiles['100.0'], 1.9);
    assert.equal(r.aggregatedPublishDelayLatencyQuantiles['100.0'], 100);
    assert.equal(r.aggregatedEndToEndLatencyQuantiles['100.0'], 1.5);
    // Extras: response time = ack − intended = 2 ms.
    assert.deepEqual(r.publishResponseTime50pct, [2, 2]);
    assert.equal(r.aggregatedPublishResponseTimeMax, 2);
    assert.equal(r.aggregatedPublishResponseTimeQuantiles['100.0'], 2);
  });

  test('rates per second, error rate, backlog and the workload facts', () => {
    const { collector, stats } = run();
    const r = collector.result();
    stats.destroy();
    assert.deepEqual(r.publishRate, [100, 100]);
    assert.deepEqual(r.consumeRate, [100, 100]);
    assert.deepEqual(r.publishErrorRate, [0.1, 0.1]);
    assert.deepEqual(r.backlog, [0, 0]);
    assert.deepEqual(r.periodSeconds, [10, 10]);
    assert.deepEqual(r.publishErrorsByReason, { timeout: 2 });
    assert.deepEqual(
      [r.workload, r.driver, r.messageSize, r.topics, r.partitions, r.producersPerTopic, r.consumersPerTopic],
      ['1 topic / 16 partitions / 1kb', 'Kafka-local', 1024, 1, 16, 2, 3],
    );
    assert.equal(r.soakbenchVersion, '0.1.0');
    assert.equal(r.latencyOverflowCount, 0);
  });

  test('before the aggregate is set, the aggregated fields are 0 and the maps empty, as in OMB', () => {
    const r = new ResultCollector(META).result();
    assert.equal(r.aggregatedPublishLatency99pct, 0);
    assert.deepEqual(r.aggregatedEndToEndLatencyQuantiles, {});
    assert.deepEqual(r.publishRate, []);
  });

  test('result() is a copy: later periods do not change an earlier result', () => {
    const { collector, stats } = run();
    const before = collector.result();
    collector.addPeriod(stats.snapshotInterval(30e9));
    stats.destroy();
    assert.equal(before.publishRate.length, 2);
    assert.equal(collector.result().publishRate.length, 3);
  });
});

describe('result file', () => {
  test("OMB's name: <workload>-<driver>-<yyyy-MM-dd-HH-mm-ss>.json, path separators replaced", () => {
    const date = new Date(2024, 0, 2, 3, 4, 5);
    assert.equal(
      resultFileName('1 topic / 1 partition', 'Kafka', date),
      '1 topic - 1 partition-Kafka-2024-01-02-03-04-05.json',
    );
  });

  test('writes the JSON into the directory (created if missing) and returns its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soakbench-results-'));
    try {
      const { collector, stats } = run();
      stats.destroy();
      const result = collector.result();
      const clock = new ManualClock(0, Date.UTC(2025, 5, 30, 12, 0, 0));
      const path = await writeResultFile(join(dir, 'out'), result, {
        clock,
        workloadName: 'simple-workload',
      });
      const d = new Date(clock.wallMs());
      assert.equal(basename(path), resultFileName('simple-workload', 'Kafka-local', d));
      assert.equal(join(dir, 'out', basename(path)), path);
      assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), result);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
