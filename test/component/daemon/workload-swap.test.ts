import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { daemonWorkload } from '../../helpers/daemon.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { type MemoryDaemon, startMemoryDaemon } from './memory-daemon.js';

type Json = Record<string, unknown>;

/** Records topic creations and deletions and clients joining and leaving the daemon's broker, in order. */
function recordBrokerEvents(d: MemoryDaemon): string[] {
  const events: string[] = [];
  const broker = d.broker;
  const createTopic = broker.createTopic.bind(broker);
  const deleteTopic = broker.deleteTopic.bind(broker);
  const addClient = broker.addClient.bind(broker);
  const removeClient = broker.removeClient.bind(broker);
  broker.createTopic = (name, partitions, config) => {
    events.push(`create ${name}`);
    return createTopic(name, partitions, config);
  };
  broker.deleteTopic = (name) => {
    events.push(`delete ${name}`);
    deleteTopic(name);
  };
  broker.addClient = (client) => {
    events.push('client up');
    addClient(client);
  };
  broker.removeClient = (client) => {
    events.push('client down');
    removeClient(client);
  };
  return events;
}

/** Messages stored in a topic of the memory broker. */
function stored(d: MemoryDaemon, topic: string): number {
  return (d.broker.topic(topic)?.partitions ?? []).reduce((n, p) => n + p.log.length, 0);
}

describe('daemon workload swap (memory driver)', () => {
  let d: MemoryDaemon;

  before(async () => {
    // Acks take 50 ms, so the old workload's flush takes a while: long enough to see the order.
    d = await startMemoryDaemon({ label: 'cmp-swap', workload: { producerRate: 300 }, ackDelayMs: 50 });
    await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
    // Ready comes with producing; the first acknowledgement follows the broker's 50-ms ack delay.
    await waitFor(
      'the first acknowledgement',
      () => Number(((d.daemon.status() as Json).totals as Json).messagesSent) > 0,
      5_000,
    );
  });
  after(async () => d?.close());

  test('PUT /workload: the new topics and producers are up before the old ones are drained and deleted', async () => {
    const before = d.daemon.status() as Json;
    const oldTopics = (before.workload as Json).topics as string[];
    assert.equal(oldTopics.length, 1);
    const sentBefore = Number((before.totals as Json).messagesSent);
    assert.ok(sentBefore > 0, 'the first workload sends');
    const events = recordBrokerEvents(d);

    const prefix = uniqueName('cmp-swap-next');
    const body = JSON.stringify(daemonWorkload(prefix, { producerRate: 500 }));
    const answer = await d.request('PUT', '/workload', { body });
    assert.equal(answer.status, 200, answer.text);
    const swapped = answer.json as Json;
    const newTopics = swapped.topics as string[];
    assert.equal(swapped.workload, prefix);
    assert.equal(swapped.rate, 500);
    assert.ok(newTopics[0]!.startsWith(prefix), `new topic ${newTopics[0]}`);

    const created = events.indexOf(`create ${newTopics[0]}`);
    const newClient = events.indexOf('client up');
    const oldClientGone = events.indexOf('client down');
    const deleted = events.indexOf(`delete ${oldTopics[0]}`);
    const order = events.join(', ');
    assert.ok(created >= 0 && newClient >= 0 && oldClientGone >= 0 && deleted >= 0, `events: ${order}`);
    assert.ok(created < deleted, `new topic created before the old one is deleted: ${order}`);
    assert.ok(newClient < oldClientGone, `a new producer is up before an old one leaves: ${order}`);
    assert.equal(d.broker.topic(oldTopics[0]!), undefined, 'old topic deleted (topics.cleanup)');
    await waitFor('messages in the new topic', () => stored(d, newTopics[0]!) > 0, 5_000);

    const afterwards = d.daemon.status() as Json;
    assert.equal((afterwards.workload as Json).name, prefix);
    assert.equal(afterwards.targetRate, 500);
    assert.ok(
      Number((afterwards.totals as Json).messagesSent) >= sentBefore,
      'the counters continue across the swap',
    );
    const replaced = d.lines.filter((l) => l.msg === 'workload replaced');
    assert.equal(replaced.length, 1);
  });

  test('a second PUT /workload while one is under way answers 409 and the first one wins', async () => {
    const [first, second] = [uniqueName('cmp-swap-a'), uniqueName('cmp-swap-b')];
    const body = (p: string): string => JSON.stringify(daemonWorkload(p, { producerRate: 100 }));
    // No acks: the first swap waits in the old workload's flush, with the swap still under way.
    d.broker.stall();
    const replacedBefore = d.lines.filter((l) => l.msg === 'workload replaced').length;
    const firstAnswer = d.request('PUT', '/workload', { body: body(first) });
    try {
      await waitFor(
        'the first swap draining the old workload',
        () => d.lines.filter((l) => l.msg === 'workload replaced').length > replacedBefore,
        5_000,
      );
      const secondAnswer = await d.request('PUT', '/workload', { body: body(second) });
      assert.equal(secondAnswer.status, 409, secondAnswer.text);
      assert.equal((secondAnswer.json as Json).error, 'conflict', secondAnswer.text);
    } finally {
      d.broker.resume();
    }
    const answer = await firstAnswer;
    assert.equal(answer.status, 200, answer.text);
    assert.equal(((d.daemon.status() as Json).workload as Json).name, first);
  });

  test('a workload the daemon does not support answers 400 and the running one stays', async () => {
    const running = ((d.daemon.status() as Json).workload as Json).name;
    const body = JSON.stringify({ ...daemonWorkload(uniqueName('cmp-swap-bad')), messageSize: -1 });
    const answer = await d.request('PUT', '/workload', { body });
    assert.equal(answer.status, 400, answer.text);
    assert.equal(((d.daemon.status() as Json).workload as Json).name, running);
  });
});
