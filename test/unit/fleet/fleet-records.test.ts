import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DesiredState,
  decodeRecord,
  effectiveRate,
  encodeRecord,
  fleetNames,
  fleetRunTag,
  fleetView,
  type MemberRecord,
  recordKey,
  SHARE_PARTITIONS,
  shareOf,
} from '../../../src/fleet/fleet-records.js';

const desired: DesiredState = {
  version: 3,
  workloadVersion: 2,
  workload: 'name: w\nproducerRate: 600\n',
  rate: 6000,
  paused: false,
  controller: { p99TargetMs: 20 },
  writer: 'a',
  writtenAtMs: 1,
};

function member(id: string, over: Partial<MemberRecord> = {}): MemberRecord {
  return {
    id,
    host: 'h',
    pid: 1,
    state: 'running',
    partitions: 4,
    share: 1 / 3,
    targetRate: 2000,
    achievedRate: 1999,
    messagesSent: 100,
    messagesReceived: 90,
    sendErrors: 1,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    runIds: [7],
    appliedVersion: 3,
    writtenAtMs: 0,
    ...over,
  };
}

describe('fleet records', () => {
  test('names: the control and shares topics and the membership group come from the fleet name', () => {
    assert.deepEqual(fleetNames('soak'), {
      control: 'soak.control',
      shares: 'soak.shares',
      membersGroup: 'soak.members',
    });
  });

  test('every kind survives encoding; keys: one desired, one per member, one per gap', () => {
    const gap = { subscription: 0, partition: 2, runId: 9, producerId: 1, start: 5, end: 8 };
    for (const r of [
      { kind: 'desired', desired },
      { kind: 'member', member: member('a') },
      { kind: 'gap', gap: { reporter: 'a', gap } },
    ] as const) {
      assert.deepEqual(decodeRecord(encodeRecord(r)), r);
    }
    assert.equal(recordKey({ kind: 'desired', desired }), 'desired');
    assert.equal(recordKey({ kind: 'member', member: member('x') }), 'member:x');
    assert.equal(recordKey({ kind: 'gap', gap: { reporter: 'a', gap } }), 'gap:9:1:2:0:5');
  });

  test("samples and decisions survive encoding; one key per member's sample, one decision", () => {
    const sample = {
      member: 'b',
      share: 0.5,
      endMs: 5,
      intervalMs: 1000,
      expected: 10,
      sent: 10,
      acks: 9,
      errors: { congestion: 1, topology: 0, fatal: 0, other: 0 },
      retries: 0,
      inflight: 2,
      oldestInflightAgeMs: 3,
      publishDelayP99Ms: 0.5,
      eventLoopDelayP99Ms: 11,
      throttleTimeMs: 0,
      response: 'HISTFAAAAB',
    };
    const decision = { forVersion: 3, rate: 4500, state: 'probe', writer: 'a', writtenAtMs: 1 };
    for (const r of [
      { kind: 'sample', sample },
      { kind: 'decision', decision },
    ] as const) {
      assert.deepEqual(decodeRecord(encodeRecord(r)), r);
    }
    assert.equal(recordKey({ kind: 'sample', sample }), 'sample:b');
    assert.equal(recordKey({ kind: 'decision', decision }), 'decision');
    const bad = (o: unknown) =>
      (decodeRecord(Buffer.from(JSON.stringify(o))) as { invalid?: string }).invalid;
    assert.match(String(bad({ kind: 'sample', sample: { ...sample, acks: -1 } })), /sample record/);
    assert.match(String(bad({ kind: 'sample', sample: { ...sample, errors: {} } })), /sample record/);
    assert.match(String(bad({ kind: 'decision', decision: { ...decision, rate: 0 } })), /decision record/);
    assert.match(String(bad({ kind: 'desired', desired: { ...desired, mode: 'fast' } })), /desired state/);
  });

  test("the fleet's rate: the controller's decision for the newest desired state, else the desired rate", () => {
    const adaptive: DesiredState = { ...desired, mode: 'adaptive' };
    const decision = { forVersion: 3, rate: 4500, state: 'probe', writer: 'a', writtenAtMs: 1 };
    assert.equal(effectiveRate(adaptive, decision), 4500);
    assert.equal(effectiveRate(adaptive, undefined), 6000);
    // A newer desired state (an operator's change) voids the decision made for the one before.
    assert.equal(effectiveRate({ ...adaptive, version: 4 }, decision), 6000);
    // Fixed mode (and records of members that predate modes): the desired rate.
    assert.equal(effectiveRate({ ...adaptive, mode: 'fixed' }, decision), 6000);
    assert.equal(effectiveRate(desired, decision), 6000);
  });

  test('damaged, foreign or incomplete records are named, not thrown', () => {
    const bad = (text: string | null) => decodeRecord(text === null ? null : Buffer.from(text));
    assert.deepEqual(bad(null), { invalid: 'empty record' });
    assert.deepEqual(bad('{oops'), { invalid: 'not JSON' });
    assert.deepEqual(bad('"x"'), { invalid: 'not an object' });
    assert.deepEqual(bad('{}'), { invalid: 'unknown kind undefined' });
    assert.deepEqual(bad('{"kind":"other"}'), { invalid: 'unknown kind "other"' });
    assert.match(
      String(
        (bad(JSON.stringify({ kind: 'desired', desired: { ...desired, rate: -1 } })) as { invalid: string })
          .invalid,
      ),
      /desired state/,
    );
    assert.match(
      String((bad('{"kind":"member","member":{"id":"a"}}') as { invalid: string }).invalid),
      /member record/,
    );
    assert.match(
      String((bad('{"kind":"gap","gap":{"reporter":"a","gap":{"runId":1}}}') as { invalid: string }).invalid),
      /gap record/,
    );
  });

  test('run tags: the same on every member for one workload version, new for the next', () => {
    assert.equal(fleetRunTag('soak', 1), fleetRunTag('soak', 1));
    assert.notEqual(fleetRunTag('soak', 1), fleetRunTag('soak', 2));
    assert.notEqual(fleetRunTag('soak', 1), fleetRunTag('other', 1));
    // The topic sweep recognises soakbench's topics by an 8-hex-digit tag.
    assert.match(fleetRunTag('soak', 1), /^[0-9a-f]{8}$/);
  });

  test('shares: assigned partitions over 12, bounded', () => {
    assert.equal(SHARE_PARTITIONS, 12);
    assert.equal(shareOf(4), 1 / 3);
    assert.equal(shareOf(12), 1);
    assert.equal(shareOf(0), 0);
    assert.equal(shareOf(20), 1);
  });

  test('the view lists members heard from recently that did not leave, and sums them', () => {
    const members = new Map([
      ['b', { record: member('b'), seenAtMs: 9_000 }],
      ['a', { record: member('a', { lost: 2, duplicated: 1 }), seenAtMs: 9_500 }],
      ['old', { record: member('old'), seenAtMs: 1_000 }],
      ['gone', { record: member('gone', { left: true }), seenAtMs: 9_900 }],
    ]);
    const v = fleetView({ name: 'soak', member: 'a', desired, members, nowMs: 10_000, staleMs: 6_000 });
    assert.deepEqual(
      v.members.map((m) => m.id),
      ['a', 'b'],
    );
    assert.equal(v.members[0]!.ageMs, 500);
    assert.deepEqual(v.desired, { version: 3, workloadVersion: 2, rate: 6000, paused: false, mode: 'fixed' });
    assert.equal(v.totals.members, 2);
    assert.equal(v.totals.targetRate, 6000);
    assert.equal(v.totals.achievedRate, 3998);
    assert.equal(v.totals.messagesSent, 200);
    assert.equal(v.totals.lost, 2);
    assert.equal(v.totals.duplicated, 1);
    assert.ok(Math.abs(v.totals.share - 2 / 3) < 1e-12);
  });
});
