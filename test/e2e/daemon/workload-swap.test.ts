/**
 * PUT /workload (docs/architecture.md "HTTP API"): a running daemon moves its traffic to a workload with other topics
 * without a restart and without a gap in its metrics; the old topics are deleted (topics.cleanup); a
 * bad workload is refused with a 400 naming the field and the old one keeps running.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import {
  brokerTopics,
  type DaemonProcess,
  daemonWorkload,
  describeDaemon,
  metricValue,
  sleep,
  startDaemon,
  topicEndOffset,
  topicsWithPrefix,
} from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait.js';

/** One scrape of the counter during the swap: when it answered, and what (or why it failed). */
interface Point {
  atMs: number;
  value?: number;
  error?: string;
}

/** Scrapes soakbench_messages_sent_total every `intervalMs` until `stop()` is called. */
function scrapeLoop(d: DaemonProcess, intervalMs: number): { points: Point[]; stop(): Promise<void> } {
  const points: Point[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const value = metricValue(await d.scrape(), 'soakbench_messages_sent_total');
        points.push({ atMs: Date.now(), value });
      } catch (err) {
        points.push({ atMs: Date.now(), error: (err as Error).message });
      }
      await sleep(intervalMs);
    }
  })();
  return {
    points,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** The longest time the counter stood still between scrapes (ms). */
function longestStall(points: Point[]): number {
  let longest = 0;
  let lastIncreaseMs = points[0]!.atMs;
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.value! > points[i - 1]!.value!) lastIncreaseMs = points[i]!.atMs;
    longest = Math.max(longest, points[i]!.atMs - lastIncreaseMs);
  }
  return longest;
}

describe('soakbench daemon: PUT /workload', { timeout: 180_000 }, () => {
  let d: DaemonProcess;
  let oldTopics: string[];

  before(async () => {
    d = await startDaemon({
      label: 'swap',
      workload: { producerRate: 1000, partitionsPerTopic: 2 },
    });
    await d.waitReady();
    oldTopics = await topicsWithPrefix(d.bootstrap, d.topicPrefix);
    assert.equal(oldTopics.length, 1, `the first workload's topics: ${oldTopics}`);
  });
  after(async () => {
    await d?.dispose();
  });

  test('a workload with other topics takes over with no gap in soakbench_messages_sent_total', async () => {
    const nextPrefix = `${d.topicPrefix}-next`;
    const next = daemonWorkload(nextPrefix, { topics: 2, partitionsPerTopic: 2, producerRate: 1500 });
    const scrapes = scrapeLoop(d, 500);
    await sleep(2_000);
    const startedMs = Date.now();
    const answer = await d.request('PUT', '/workload', {
      contentType: 'application/yaml',
      body: stringify(next),
      timeoutMs: 60_000,
    });
    const swapMs = Date.now() - startedMs;
    await sleep(4_000);
    await scrapes.stop();
    assert.equal(answer.status, 200, `${answer.status} ${answer.text}\n${describeDaemon(d)}`);

    const points = scrapes.points;
    const failed = points.filter((p) => p.error !== undefined);
    assert.deepEqual(failed, [], 'scrapes failed during the swap');
    assert.ok(points.length >= 10, `only ${points.length} scrapes`);
    for (let i = 1; i < points.length; i++) {
      assert.ok(
        points[i]!.value! >= points[i - 1]!.value!,
        `the counter went down: ${JSON.stringify(points)}`,
      );
    }
    const stall = longestStall(points);
    assert.ok(
      stall <= 2_000,
      `the counter stood still for ${stall} ms (swap took ${swapMs} ms): ${JSON.stringify(points)}`,
    );

    // GET /status shows the new workload, its topics and its rate.
    const status = (await d.getJson('/status')).body;
    const workload = status.workload as { name: string; topics: string[] };
    const newTopics = await topicsWithPrefix(d.bootstrap, nextPrefix);
    assert.equal(newTopics.length, 2, `topics of the new workload on the broker: ${newTopics}`);
    assert.equal(workload.name, nextPrefix);
    assert.deepEqual([...workload.topics].sort(), newTopics);
    assert.equal(status.targetRate, 1500);
    assert.equal(
      metricValue(await d.scrape(), 'soakbench_info', { workload: nextPrefix }),
      1,
      'soakbench_info names the new workload',
    );

    // The new topics receive messages (end offsets read by kcat, independent of soakbench).
    const firstOffsets = await Promise.all(newTopics.map((t) => topicEndOffset(d.bootstrap, t, 2)));
    for (const [i, n] of firstOffsets.entries()) assert.ok(n > 0, `${newTopics[i]} has no messages`);
    await sleep(1_500);
    const laterOffsets = await Promise.all(newTopics.map((t) => topicEndOffset(d.bootstrap, t, 2)));
    for (const [i, n] of laterOffsets.entries()) {
      assert.ok(n > firstOffsets[i]!, `${newTopics[i]} stopped growing at ${n}`);
    }

    // The old topics are deleted (topics.cleanup defaults to true).
    await waitFor(
      `the old topics ${oldTopics} to be deleted`,
      async () => {
        const present = await brokerTopics(d.bootstrap, 10_000);
        return oldTopics.every((t) => !present.has(t));
      },
      20_000,
      500,
    );
  });

  test('a bad workload gets 400 naming the field; the running workload keeps going', async () => {
    const before = (await d.getJson('/status')).body;
    const name = (before.workload as { name: string }).name;
    const base = daemonWorkload(`${d.topicPrefix}-bad`);
    // [what, content type, body, the field named, what the message must say besides]
    const cases: [string, string, string, string, RegExp?][] = [
      ['topics is a word', 'application/json', JSON.stringify({ ...base, topics: 'two' }), 'topics'],
      [
        'producerRate past the rate cap (the limits of src/workload/limits.ts)',
        'application/json',
        JSON.stringify({ ...base, producerRate: 1e308 }),
        'producerRate',
        /expected at most 10,000,000 messages\/s, found 1e\+308/,
      ],
      [
        'messageSize below the 28-byte prefix',
        'application/yaml',
        stringify({ ...base, messageSize: 27 }),
        'messageSize',
        /expected at least 28 bytes .*found 27/,
      ],
      ['an unknown field', 'application/json', JSON.stringify({ ...base, bogus: 1 }), 'bogus'],
      ['messageSize 0', 'application/yaml', stringify({ ...base, messageSize: 0 }), 'messageSize'],
      [
        'a bad key distributor',
        'application/yaml',
        stringify({ ...base, keyDistributor: 'HASH' }),
        'keyDistributor',
      ],
    ];
    for (const [what, contentType, body, field, says] of cases) {
      const sentBefore = metricValue(await d.scrape(), 'soakbench_messages_sent_total');
      const answer = await d.request('PUT', '/workload', { contentType, body });
      assert.equal(answer.status, 400, `${what}: ${answer.status} ${answer.text}`);
      const error = answer.json as { error: string; message: string; field?: string };
      assert.equal(error.error, 'invalid_workload', `${what}: ${answer.text}`);
      assert.equal(error.field, field, `${what}: ${answer.text}`);
      assert.match(error.message, new RegExp(field), `${what}: the message names the field`);
      if (says !== undefined) assert.match(error.message, says, `${what}: ${error.message}`);
      const status = (await d.getJson('/status')).body;
      assert.equal((status.workload as { name: string }).name, name, `${what} replaced the workload`);
      assert.equal(status.targetRate, before.targetRate, `${what} changed the rate`);
      await waitFor(
        'the old workload to keep sending',
        async () => metricValue(await d.scrape(), 'soakbench_messages_sent_total') > sentBefore,
        5_000,
        200,
      );
    }
    for (const [what, contentType, body] of [
      ['an empty body', 'application/yaml', ''],
      ['not YAML', 'application/yaml', 'name: x\ntopics: [1\n'],
      ['a JSON list', 'application/json', '[1]'],
      ['invalid JSON', 'application/json', '{"name":'],
    ] as const) {
      const answer = await d.request('PUT', '/workload', { contentType, body });
      assert.equal(answer.status, 400, `${what}: ${answer.status} ${answer.text}`);
      assert.equal(
        typeof (answer.json as { message?: unknown }).message,
        'string',
        `${what}: ${answer.text}`,
      );
    }
    assert.deepEqual(
      await topicsWithPrefix(d.bootstrap, `${d.topicPrefix}-bad`),
      [],
      'a refused workload made topics',
    );
  });
});
