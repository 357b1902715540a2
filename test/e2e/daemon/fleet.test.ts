/**
 * Three `soakbench daemon --fleet` processes on the test broker (docs/fleet.md): PUT /rate on one sets the
 * fleet's rate and each member produces its third; a SIGKILLed member's share moves to the other two at the
 * membership group's next rebalance; a restarted member rejoins; in adaptive mode one member runs the controller
 * on every member's samples and its decisions reach every member; fleet-wide lost and duplicated stay 0 at acks=all.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type DaemonProcess, describeDaemon, metricValue, sleep, startDaemon } from '../../helpers/daemon.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: /status bodies, read field by field
type Json = Record<string, any>;

describe('soakbench daemon --fleet: three members on one broker', { timeout: 300_000 }, () => {
  const topicPrefix = uniqueName('e2e-fleet');
  const fleet = `${topicPrefix}-fleet`;
  const members = new Map<string, DaemonProcess>();
  const all: DaemonProcess[] = [];

  const start = async (id: string): Promise<DaemonProcess> => {
    const d = await startDaemon({
      label: `fleet-${id}`,
      topicPrefix,
      workload: { producerRate: 3_000, partitionsPerTopic: 6 },
      env: {
        SOAKBENCH_FLEET: fleet,
        SOAKBENCH_FLEET_MEMBER_ID: id,
        SOAKBENCH_FLEET_HEARTBEAT_MS: '1000',
        // Adaptive phase: a short warm-up, and a bound on the search on this shared machine.
        SOAKBENCH_CONTROLLER_WARMUP_MS: '2000',
        SOAKBENCH_MAX_RATE: '12000',
        SOAKBENCH_CONSUMER_PROCESSES: '1',
        SOAKBENCH_LOG_LEVEL: 'info',
      },
    });
    members.set(id, d);
    all.push(d);
    return d;
  };
  const status = async (id: string): Promise<Json> =>
    (await members.get(id)!.getJson('/status')).body as Json;
  const describeAll = (): string => [...members.values()].map(describeDaemon).join('\n');

  /** The members' acknowledged messages per second, summed, over `ms`. */
  const fleetRate = async (ids: string[], ms: number): Promise<{ total: number; each: number[] }> => {
    const before = await Promise.all(
      ids.map(async (id) => ({ at: Date.now(), sent: (await status(id)).totals.messagesSent })),
    );
    await sleep(ms);
    const afterwards = await Promise.all(
      ids.map(async (id) => ({ at: Date.now(), sent: (await status(id)).totals.messagesSent })),
    );
    const each = ids.map(
      (_, i) => ((afterwards[i]!.sent - before[i]!.sent) * 1000) / (afterwards[i]!.at - before[i]!.at),
    );
    return { total: each.reduce((a, b) => a + b, 0), each };
  };

  /** PUT /rate `rate` on member `id` (which also makes the fleet's rate fixed); waits until each of a, b, c runs a third. */
  const putRate = async (id: string, rate: number): Promise<void> => {
    const put = await members
      .get(id)!
      .request('PUT', '/rate', { body: JSON.stringify({ rate }), contentType: 'application/json' });
    assert.equal(put.status, 200, put.text);
    await waitFor(
      `each member at ${rate / 3}`,
      async () => (await Promise.all(['a', 'b', 'c'].map(status))).every((s) => s.targetRate === rate / 3),
      10_000,
      100,
    );
  };

  after(async () => {
    for (const d of all) await d.dispose();
  });

  test('PUT /rate 6000 on one gives each about 2000; a SIGKILLed member is covered within 60 s; it rejoins', async (t) => {
    for (const id of ['a', 'b', 'c']) await start(id);
    for (const d of members.values()) await d.waitReady(60_000);
    const ids = ['a', 'b', 'c'];
    await waitFor(
      'every member to see three members',
      async () => (await Promise.all(ids.map(status))).every((s) => s.fleet.totals.members === 3),
      60_000,
      200,
    ).catch((err) => assert.fail(`${err.message}\n${describeAll()}`));

    await putRate('b', 6000);
    await sleep(3_000);
    const three = await fleetRate(ids, 10_000);
    assert.ok(
      Math.abs(three.total - 6000) / 6000 < 0.01,
      `fleet rate ${three.total.toFixed(0)} (${three.each.map((r) => r.toFixed(0))})`,
    );
    t.diagnostic(
      `three members: ${three.total.toFixed(0)} msg/s (${three.each.map((r) => r.toFixed(0)).join(', ')})`,
    );
    for (const r of three.each) assert.ok(Math.abs(r - 2000) / 2000 < 0.05, `each about 2000: ${three.each}`);
    const scraped = await members.get('a')!.scrape();
    assert.ok(Math.abs(metricValue(scraped, 'soakbench_fleet_share', { fleet }) - 1 / 3) < 1e-9);
    assert.equal(metricValue(scraped, 'soakbench_fleet_target_rate', { fleet }), 6000);
    const view = (await status('a')).fleet;
    assert.equal(view.totals.targetRate, 6000);
    assert.equal(view.members.length, 3);

    // SIGKILL member c with its consumer process: its share moves when the group notices (session timeout).
    const c = members.get('c')!;
    const killedAt = Date.now();
    process.kill(-c.pid, 'SIGKILL');
    await c.exited;
    members.delete('c');
    await waitFor(
      'a and b to carry 3000 each',
      async () => (await Promise.all(['a', 'b'].map(status))).every((s) => s.targetRate === 3000),
      60_000,
      200,
    ).catch((err) => assert.fail(`${err.message}\n${describeAll()}`));
    const coveredMs = Date.now() - killedAt;
    assert.ok(coveredMs < 60_000);
    t.diagnostic(`the SIGKILLed member's share was taken over after ${coveredMs} ms`);
    await sleep(3_000);
    const two = await fleetRate(['a', 'b'], 10_000);
    assert.ok(
      Math.abs(two.total - 6000) / 6000 < 0.01,
      `two members' rate ${two.total.toFixed(0)} (${two.each})`,
    );

    await start('c');
    await members.get('c')!.waitReady(60_000);
    await waitFor(
      'c to rejoin at 2000 and the others back to 2000',
      async () => (await Promise.all(ids.map(status))).every((s) => s.targetRate === 2000),
      60_000,
      200,
    ).catch((err) => assert.fail(`${err.message}\n${describeAll()}`));

    // The killed member's consumer stays in the subscription's group until its session times out (45 s):
    // the new c gets partitions at the rebalance after that.
    await waitFor(
      'every member to consume',
      async () => (await Promise.all(ids.map(status))).every((s) => s.totals.messagesReceived > 0),
      90_000,
      500,
    ).catch((err) => assert.fail(`${err.message}\n${describeAll()}`));
    // Adaptive mode across processes: one member runs the controller on all three members' samples; the rate
    // it decides reaches every member's share.
    const adaptive = await members
      .get('b')!
      .request('PUT', '/controller', { body: '{"mode":"adaptive"}', contentType: 'application/json' });
    assert.equal(adaptive.status, 200, adaptive.text);
    const controllers = () =>
      Promise.all(ids.map(async (id) => (await members.get(id)!.getJson('/controller')).body as Json));
    let leader: Json | undefined;
    await waitFor(
      "one member to run the fleet's controller on the three members' samples",
      async () => {
        const cs = await controllers();
        const leading = cs.filter((c) => c.fleet.controller);
        leader = leading[0];
        return (
          leading.length === 1 &&
          cs.every((c) => c.mode === 'adaptive' && c.fleet.leader === leader!.fleet.leader) &&
          leader!.fleet.membersSampled === 3 &&
          leader!.fleet.shareSampled === 1
        );
      },
      30_000,
      250,
    ).catch((err) => assert.fail(`${err.message}\n${JSON.stringify(leader)}\n${describeAll()}`));
    await waitFor(
      'the controller to move the fleet rate off 6000 and every member to run a third of it',
      async () => {
        const ss = await Promise.all(ids.map(status));
        const rate = ss[0]!.fleet.totals.targetRate as number;
        return rate !== 6000 && ss.every((s) => Math.abs(s.targetRate - rate / 3) <= rate * 0.005);
      },
      30_000,
      250,
    ).catch((err) => assert.fail(`${err.message}\n${JSON.stringify(leader?.fleet)}\n${describeAll()}`));
    const decided = (await controllers()).find((c) => c.fleet.controller)!.fleet.controller;
    t.diagnostic(
      `fleet controller's last decisions: ${decided.lastDecisions
        .slice(-3)
        .map((d: Json) => `${d.rate} ${d.state} (${d.reason})`)
        .join('; ')}`,
    );
    await putRate('c', 3000);

    // Integrity across the fleet: members consumed each other's messages; none lost or duplicated.
    await sleep(5_000);
    const final = await Promise.all(ids.map(status));
    for (const s of final) {
      assert.equal(s.integrity.lost, 0, JSON.stringify(s.integrity));
      assert.equal(s.integrity.duplicated, 0, JSON.stringify(s.integrity));
    }
    await waitFor(
      'the fleet view to list three members again',
      async () => (await status('a')).fleet.totals.members === 3,
      10_000,
      200,
    );
    const totals = (await status('a')).fleet.totals;
    assert.equal(totals.lost, 0);
    assert.equal(totals.duplicated, 0);
    for (const d of members.values()) {
      const exit = await d.stop(30_000);
      assert.equal(exit.code, 0, describeDaemon(d));
    }
  });
});
