/**
 * The adaptive controller across a fleet of three daemons on one memory broker whose capacity is simulated:
 * above CAPACITY msg/s (the fleet's rate) its acknowledgements take 2 s, four times the p99 target.
 * The member holding the shares topic's partition 0 runs the controller on every member's samples and
 * writes the rate; each member runs its third. A real broker: test/e2e/daemon/fleet.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { memoryBroker } from '../../../src/driver/memory/memory-broker.js';
import type { FleetDaemon } from '../../../src/fleet/fleet-daemon.js';
import { daemonWorkload } from '../../helpers/daemon.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { fleetMember, memberRequest } from './memory-daemon.js';

// biome-ignore lint/suspicious/noExplicitAny: /status and /controller bodies, read field by field
type Json = Record<string, any>;

const CAPACITY = 600;
// A p99 target well above what a busy test machine's scheduling adds to a memory broker's acks, and acks above
// the capacity four times slower than it.
const P99_TARGET_MS = 500;
const SLOW_ACK_MS = 2_000;

describe('an adaptive fleet of three daemons (memory driver, simulated capacity)', () => {
  const fleet = uniqueName('cmp-fleet-adaptive');
  const broker = memoryBroker(`memory-${fleet}`, { ackDelayMs: 1 });
  // producerRate 0: the fleet starts in adaptive mode.
  const workloadText = JSON.stringify(daemonWorkload(fleet, { producerRate: 0, partitionsPerTopic: 6 }));
  const members = new Map<string, FleetDaemon>();
  const ids = ['a', 'b', 'c'];
  const status = (id: string): Json => members.get(id)!.status() as Json;
  const controller = (id: string): Json => members.get(id)!.controller() as Json;
  /** The fleet's rate as the first member sees it (undefined while it joins). */
  const fleetRate = (): number | undefined =>
    ((members.get('a') ?? [...members.values()][0])?.status() as Json | undefined)?.fleet?.totals?.targetRate;
  const request = (id: string, method: string, path: string, body?: string) =>
    memberRequest(members.get(id)!, method, path, body);
  /** The fleet's rate every 100 ms since the capacity was simulated. */
  const history: number[] = [];
  const capacity = setInterval(() => {
    const rate = fleetRate();
    if (rate === undefined) return;
    history.push(rate);
    broker.setAckDelayMs(rate > CAPACITY ? SLOW_ACK_MS : 1);
  }, 100);

  const startMember = async (id: string): Promise<void> => {
    const member = fleetMember(
      fleet,
      id,
      workloadText,
      {
        'fleet.heartbeatMs': 200,
        'controller.intervalMs': 250,
        'controller.warmupMs': 0,
        'controller.p99TargetMs': P99_TARGET_MS,
      },
      // Three members share this process's event loop: its delays are not one member's generator limit. Probes
      // every second (not 30 s) and a short memory of the failing rate: the search fits in the test's time.
      {
        maxEventLoopDelayP99Ms: 1_000,
        maxPublishDelayP99Ms: 1_000,
        probeEveryMs: 1_000,
        failMemoryMs: 5_000,
      },
    );
    await member.start();
    members.set(id, member);
    await waitFor(`${id} to join`, async () => member.local !== undefined, 10_000, 10);
  };
  /** Waits (5 s) until each of `running` runs its equal part of the fleet's rate (within 1 %). */
  const eachRunsItsShare = async (running: string[]): Promise<void> => {
    await waitFor(
      `each of ${running.join(', ')} at 1/${running.length} of the fleet rate`,
      async () => {
        const part = (fleetRate() ?? 0) / running.length;
        return running.every((id) => Math.abs(status(id).targetRate - part) <= Math.max(1, part * 0.01));
      },
      5_000,
      20,
    );
  };
  const leaderOf = (): string | undefined =>
    ids.find((id) => (members.get(id)?.controller() as Json | undefined)?.fleet.controller);

  after(async () => {
    clearInterval(capacity);
    for (const m of members.values()) await m.stop(5_000).catch(() => {});
    broker.close();
  });

  test('one member runs the controller on the fleet-wide samples; it cuts the fleet under the capacity and every member runs a third', async () => {
    for (const id of ids) await startMember(id);
    await waitFor(
      'three members with a third each, one of them running the controller on all three',
      async () =>
        ids.every(
          (id) => status(id).fleet.totals.members === 3 && status(id).fleet.desired.mode === 'adaptive',
        ) &&
        leaderOf() !== undefined &&
        controller(leaderOf()!).fleet.membersSampled === 3,
      15_000,
      50,
    );
    const leader = leaderOf()!;
    for (const id of ids) {
      const c = controller(id);
      assert.equal(c.mode, 'adaptive');
      assert.equal(c.fleet.leader, leader, `${id} names the leader`);
      if (id !== leader) assert.equal(c.fleet.controller, undefined, `${id} runs no controller`);
    }
    // The fleet starts at the controller's initial 1,000 msg/s, above the capacity: the slow acks every member
    // sees reach the leader in their samples, and it cuts the fleet's rate under the capacity.
    await waitFor(
      `the leader to cut the fleet from above ${CAPACITY} msg/s to under it`,
      async () => {
        const cut = controller(leader).fleet.controller.lastCut;
        return cut !== null && cut.fromRate > CAPACITY && cut.toRate < CAPACITY;
      },
      30_000,
      100,
    ).catch((err: Error) => {
      const c = controller(leader).fleet.controller;
      throw new Error(`${err.message}\nlast decisions: ${JSON.stringify(c.lastDecisions)}`);
    });
    const cut = controller(leader).fleet.controller.lastCut;
    assert.doesNotMatch(cut.reason, /generator/, `a cut for the acks' latency: ${cut.reason}`);
    assert.equal(controller(leader).fleet.shareSampled, 1);
    // Under it the acks are fast again: no cut to nothing (a probe may pass the capacity and be cut again).
    await waitFor('the cut to reach the members', async () => fleetRate()! < CAPACITY, 5_000, 20);
    history.length = 0;
    await new Promise((r) => setTimeout(r, 3_000));
    const mean = history.reduce((a, r) => a + r, 0) / history.length;
    assert.ok(
      mean >= 50 && mean < CAPACITY * 1.2,
      `mean fleet rate ${Math.round(mean)} over 3 s (capacity ${CAPACITY}): ${history.map(Math.round).join(' ')}`,
    );
    await eachRunsItsShare(ids);
  });

  test("PUT /rate on any member fixes the fleet's rate; PUT /controller makes it adaptive again from there", async () => {
    const other = ids.find((id) => id !== leaderOf())!;
    const put = await request(other, 'PUT', '/rate', '{"rate":900}');
    assert.equal(put.status, 200, put.text);
    await waitFor(
      'every member fixed at 300',
      async () =>
        ids.every((id) => status(id).targetRate === 300 && status(id).fleet.desired.mode === 'fixed'),
      5_000,
      20,
    );
    await waitFor('no member to run a controller', async () => leaderOf() === undefined, 5_000, 20);
    // Stays fixed: no decision is written for the new state.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(fleetRate(), 900);

    const adaptive = await request(other, 'PUT', '/controller', '{"mode":"adaptive","p99TargetMs":600}');
    assert.equal(adaptive.status, 200, adaptive.text);
    assert.equal((adaptive.json as Json).fleet.mode, 'adaptive');
    assert.equal((adaptive.json as Json).p99TargetMs, 600);
    await waitFor(
      'the leader to run the controller again, with the new target, from 900',
      async () => {
        const leader = leaderOf();
        const c = leader && controller(leader).fleet.controller;
        return Boolean(c) && c.p99TargetMs === 600 && fleetRate() !== 900;
      },
      10_000,
      50,
    );
  });

  test('when the leader stops, the member given partition 0 takes the controller over', async () => {
    const leader = leaderOf()!;
    await members.get(leader)!.stop(5_000);
    members.delete(leader);
    const rest = ids.filter((id) => id !== leader);
    let next: string | undefined;
    await waitFor(
      'another member to lead, on the two remaining members',
      async () => {
        next = rest.find((id) => controller(id).fleet.controller);
        return next !== undefined && controller(next).fleet.membersSampled === 2;
      },
      20_000,
      50,
    );
    // Its controller starts where the fleet's rate is, then judges the merged samples: past its first two
    // decisions (fixed at the rate in force, then adaptive from it), each later one is an interval judged.
    await waitFor(
      'the new leader to judge the fleet-wide samples',
      async () => {
        const c = controller(next!).fleet;
        return c.shareSampled === 1 && c.controller.lastDecisions.length >= 3;
      },
      10_000,
      50,
    );
    await eachRunsItsShare(rest);
    for (const id of rest) {
      assert.equal(status(id).integrity.lost, 0);
      assert.equal(status(id).integrity.duplicated, 0);
    }
  });
});
