/**
 * A fleet of three daemons in this process on one memory broker (src/fleet/): the desired state travels
 * through the control topic, shares through the membership group. The same on a real broker, with a
 * SIGKILLed member: test/e2e/daemon/fleet.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { memoryBroker } from '../../../src/driver/memory/memory-broker.js';
import type { FleetDaemon } from '../../../src/fleet/fleet-daemon.js';
import { daemonWorkload } from '../../helpers/daemon.js';
import { httpRequest } from '../../helpers/http.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { fleetMember, memberRequest } from './memory-daemon.js';

// biome-ignore lint/suspicious/noExplicitAny: /status bodies, read field by field
type Json = Record<string, any>;

describe('a fleet of three daemons (memory driver)', () => {
  const fleet = uniqueName('cmp-fleet');
  const broker = memoryBroker(`memory-${fleet}`, { ackDelayMs: 1 });
  const workloadText = JSON.stringify(daemonWorkload(fleet, { producerRate: 600, partitionsPerTopic: 6 }));
  const members = new Map<string, FleetDaemon>();

  const startMember = async (id: string): Promise<FleetDaemon> => {
    const member = fleetMember(fleet, id, workloadText, {
      'log.statsIntervalMs': 1_000,
      'fleet.heartbeatMs': 200,
    });
    await member.start();
    members.set(id, member);
    // HTTP listens at once; the member joins in the background.
    assert.equal(member.status().state, 'joining');
    await waitFor(`${id} to join`, async () => member.local !== undefined, 10_000, 10);
    return member;
  };
  const request = (id: string, method: string, path: string, body?: string) =>
    memberRequest(members.get(id)!, method, path, body);
  const status = (id: string): Json => members.get(id)!.status() as Json;
  const stopMember = async (id: string): Promise<void> => {
    await members.get(id)?.stop(5_000);
    members.delete(id);
  };

  after(async () => {
    for (const id of [...members.keys()]) await stopMember(id).catch(() => {});
    broker.close();
  });

  test('members split the fleet rate; a change on one reaches all; a leaver hands its share over', async () => {
    await startMember('a');
    assert.equal(status('a').targetRate, 600, 'alone, a member runs the whole fleet rate');
    await startMember('b');
    await startMember('c');
    const ids = ['a', 'b', 'c'];
    await waitFor(
      'every member to see three members of a third each',
      async () =>
        ids.every((id) => {
          const f = status(id).fleet;
          return (
            f.totals.members === 3 && Math.abs(f.totals.share - 1) < 1e-9 && status(id).targetRate === 200
          );
        }),
      10_000,
      50,
    );
    // The topics and the subscription's group are shared: one topic for the fleet.
    const topics = new Set(ids.map((id) => JSON.stringify(status(id).workload.topics)));
    assert.equal(topics.size, 1, [...topics].join(' '));

    const metrics = (await members.get('a')!.metrics()).body;
    assert.match(metrics, new RegExp(`^soakbench_fleet_share\\{fleet="${fleet}"\\} 0\\.333`, 'm'));
    assert.match(metrics, new RegExp(`^soakbench_fleet_members\\{fleet="${fleet}"\\} 3$`, 'm'));
    assert.match(metrics, new RegExp(`^soakbench_fleet_target_rate\\{fleet="${fleet}"\\} 600$`, 'm'));

    const put = await request('b', 'PUT', '/rate', '{"rate":1500}');
    assert.equal(put.status, 200, put.text);
    assert.equal((put.json as Json).rate, 1500);
    assert.equal((put.json as Json).fleet.applied, true);
    await waitFor(
      'every member at 500',
      async () => ids.every((id) => status(id).targetRate === 500),
      5_000,
      20,
    );
    assert.equal(status('a').fleet.desired.rate, 1500);

    // Messages flow from every member's producers to the shared subscription's consumers.
    const sent0 = ids.map((id) => status(id).totals.messagesSent as number);
    await new Promise((r) => setTimeout(r, 2_000));
    const sent = ids.map((id, i) => (status(id).totals.messagesSent as number) - sent0[i]!);
    for (const n of sent) assert.ok(n > 500 && n < 1_500, `each member sent about 1,000 in 2 s: ${sent}`);

    const paused = await request('c', 'POST', '/pause');
    assert.equal(paused.status, 200, paused.text);
    await waitFor(
      'every member paused',
      async () => ids.every((id) => status(id).paused === true),
      5_000,
      20,
    );
    assert.equal((await request('a', 'POST', '/resume')).status, 200);
    await waitFor(
      'every member resumed',
      async () => ids.every((id) => status(id).paused === false),
      5_000,
      20,
    );

    await stopMember('c');
    await waitFor(
      'a and b to carry the fleet rate',
      async () => ['a', 'b'].every((id) => status(id).targetRate === 750),
      10_000,
      20,
    );
    await startMember('c');
    await waitFor('c to rejoin', async () => ids.every((id) => status(id).targetRate === 500), 10_000, 20);

    await waitFor(
      'every member to have consumed',
      async () => ids.every((id) => (status(id).totals.messagesReceived as number) > 0),
      5_000,
      50,
    );
    const totals = status('a').fleet.totals;
    assert.equal(totals.lost, 0);
    assert.equal(totals.duplicated, 0);
    assert.equal(totals.members, 3);
  });

  test('a workload swap through one member moves every member to the new topics', async () => {
    const next = JSON.stringify(
      daemonWorkload(`${fleet}-next`, { producerRate: 300, partitionsPerTopic: 3 }),
    );
    const swap = await request('a', 'PUT', '/workload', next);
    assert.equal(swap.status, 200, swap.text);
    const ids = ['a', 'b', 'c'];
    await waitFor(
      'every member on the new workload at 100 msg/s',
      async () =>
        ids.every((id) => status(id).workload.name === `${fleet}-next` && status(id).targetRate === 100),
      15_000,
      50,
    );
    const topics = new Set(ids.map((id) => JSON.stringify(status(id).workload.topics)));
    assert.equal(topics.size, 1);
    const refused = await request(
      'b',
      'PUT',
      '/workload',
      JSON.stringify(
        daemonWorkload(`${fleet}-x`, { producerRate: undefined, rateProfile: [{ rate: 100, seconds: 60 }] }),
      ),
    );
    assert.equal(refused.status, 400, refused.text);
    assert.match((refused.json as Json).message, /fleet/);
  });

  test("a gap one member finds in another member's messages is decided, and counted, by the producer's member", async () => {
    const owner = members.get('b')!.local!;
    const finder = members.get('a')!.local!;
    const [runId] = owner.fleetHooks().runIds();
    assert.ok(runId !== undefined, 'b produces');
    assert.ok(!finder.fleetHooks().runIds().includes(runId!));
    // Sequences 0-2 of b's producer 0 on partition 0 were acknowledged long ago: reported missing, they are lost.
    finder
      .fleetHooks()
      .integrity.onIntegrity({ duplicated: 0, outOfOrder: 0, late: 0 }, [
        { subscription: 0, partition: 0, runId: runId!, producerId: 0, start: 0, end: 3 },
      ]);
    assert.equal(finder.fleetHooks().integrity.undecided, 0, "not a's to decide");
    await waitFor('b to count the loss', async () => status('b').integrity.lost === 3, 5_000, 20);
    assert.equal(status('a').integrity.lost, 0);
    await waitFor(
      'the fleet view to count it once',
      async () => status('a').fleet.totals.lost === 3,
      5_000,
      20,
    );
  });

  test('with Kafka away a member listens, says why it is not ready, joins once Kafka answers, stops at once', async () => {
    const fleet2 = uniqueName('cmp-fleet-down');
    const broker2 = memoryBroker(`memory-${fleet2}`, { ackDelayMs: 1 });
    broker2.down();
    const text = JSON.stringify(daemonWorkload(fleet2, { producerRate: 100 }));
    const x = fleetMember(fleet2, 'x', text);
    const y = fleetMember(fleet2, 'y', text);
    try {
      await x.start();
      await y.start();
      const url = `http://127.0.0.1:${x.port}`;
      assert.equal((await httpRequest(url, 'GET', '/healthz', {}, 5_000)).status, 200);
      const ready = await httpRequest(url, 'GET', '/readyz', {}, 5_000);
      assert.equal(ready.status, 503);
      assert.match((ready.json as Json).reason, /joining fleet/);
      const put = await httpRequest(
        url,
        'PUT',
        '/rate',
        { contentType: 'application/json', body: '{"rate":5}' },
        5_000,
      );
      assert.equal(put.status, 409, put.text);
      // Stopped while joining: at once, not after the join's retries.
      const t0 = Date.now();
      await y.stop(10_000);
      assert.ok(Date.now() - t0 < 3_000, `stopped in ${Date.now() - t0} ms`);
      broker2.up();
      await waitFor('x to join once the broker is up', async () => x.local !== undefined, 15_000, 50);
      await waitFor(
        'x ready',
        async () => (await httpRequest(url, 'GET', '/readyz', {}, 5_000)).status === 200,
        10_000,
        100,
      );
    } finally {
      await x.stop(5_000);
      broker2.close();
    }
  });
});

describe('a whole fleet restarted with topics.sweepOnStart (memory driver)', () => {
  test("the start-up sweep keeps the fleet's own idle topics and deletes another run's", async () => {
    const fleet = uniqueName('cmp-fleet-sweep');
    const broker = memoryBroker(`memory-${fleet}`, { ackDelayMs: 1 });
    const workloadText = JSON.stringify(daemonWorkload(fleet, { producerRate: 200, partitionsPerTopic: 2 }));
    const config = { 'topics.sweepOnStart': true, 'fleet.heartbeatMs': 200 };
    const first = fleetMember(fleet, 'a', workloadText, config);
    let second: FleetDaemon | undefined;
    try {
      await first.start();
      await waitFor('a to run', async () => (first.status() as Json).state === 'running', 10_000, 20);
      const topics = (first.status() as Json).workload.topics as string[];
      assert.equal(topics.length, 1);
      const before = broker.topic(topics[0]!);
      assert.ok(before !== undefined);
      // An abandoned topic of the same shape under the same prefix (a killed run's), for the sweep to find.
      const abandoned = topics[0]!.replace(/-sb-[0-9a-f]{8}-/, '-sb-deadbeef-');
      broker.createTopic(abandoned, 1, {});
      await first.stop(5_000);

      // The whole fleet was down: its topics are as idle as the abandoned one when the next member starts.
      second = fleetMember(fleet, 'b', workloadText, config);
      await second.start();
      await waitFor('b to run', async () => (second!.status() as Json).state === 'running', 15_000, 20);
      assert.deepEqual(
        (second.status() as Json).workload.topics,
        topics,
        'the same workload, the same topics',
      );
      assert.equal(broker.topic(topics[0]!), before, "the fleet's topic was not deleted and recreated");
      assert.equal(broker.topic(abandoned), undefined, 'the abandoned topic was swept');
    } finally {
      await second?.stop(5_000);
      broker.close();
    }
  });
});
