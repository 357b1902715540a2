import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type FleetSample,
  FleetSampleMerger,
  isFleetSample,
  RateTimeline,
} from '../../../src/fleet/fleet-samples.js';
import { createHistogram, encodeHistogram } from '../../../src/stats/histogram-factory.js';

const MAX_US = 60_000_000;
const S = 1e9;

/** A member's 1-s sample with `acks` acks whose response times are `valuesMs` (repeated to fill `acks`). */
function sample(
  member: string,
  acks: number,
  valuesMs: number[],
  over: Partial<FleetSample> = {},
): FleetSample {
  const h = createHistogram({ highestTrackableValue: MAX_US, significantDigits: 3, useWebAssembly: false });
  for (let i = 0; i < acks; i++) h.recordValue(valuesMs[i % valuesMs.length]! * 1000);
  const response = encodeHistogram(h);
  h.destroy();
  return {
    member,
    share: 0.5,
    endMs: 0,
    intervalMs: 1000,
    expected: acks,
    sent: acks,
    acks,
    errors: { congestion: 0, topology: 0, fatal: 0, other: 0 },
    retries: 0,
    inflight: 1,
    oldestInflightAgeMs: 2,
    publishDelayP99Ms: 0.1,
    eventLoopDelayP99Ms: 10,
    throttleTimeMs: 0,
    response,
    ...over,
  };
}

describe('the fleet sample merger', () => {
  test('sums acks and sends, merges response times, takes the worst delays and sums in-flight', () => {
    const m = new FleetSampleMerger(3 * S, MAX_US);
    // a: 1,000 acks at 5 ms; b: 1,000 acks, 980 at 5 ms and 20 at 200 ms.
    m.offer(sample('a', 1000, [5]));
    const slow = Array.from({ length: 50 }, (_, i) => (i === 0 ? 200 : 5));
    m.offer(sample('b', 1000, slow, { publishDelayP99Ms: 3, throttleTimeMs: 40, inflight: 5 }));
    const fleet = m.merge(10 * S, S, 2000)!;
    assert.equal(m.memberCount, 2);
    assert.equal(fleet.acks, 2000);
    assert.equal(fleet.sent, 2000);
    assert.equal(fleet.response.count, 2000);
    assert.equal(fleet.response.countAboveMs(100), 20);
    assert.equal(fleet.response.countAboveMs(250), 0);
    // 20 of 2,000 above 5 ms is 1 %: the fleet's p99 is still 5 ms (to 0.1 %); b's own p99 was 200 ms.
    assert.ok(Math.abs(fleet.response.p99Ms - 5) < 0.01, `p99 ${fleet.response.p99Ms}`);
    assert.equal(fleet.publishDelayP99Ms, 3);
    assert.equal(fleet.throttleTimeMs, 40);
    assert.equal(fleet.inflight, 6);
    assert.equal(fleet.nowNs, 10 * S);
    assert.equal(fleet.intervalNs, S);
  });

  test('a member whose sample is late counts at its last rate; its events and latencies are counted once', () => {
    const m = new FleetSampleMerger(3 * S, MAX_US);
    m.offer(sample('a', 1000, [5]));
    m.offer(sample('b', 500, [5], { errors: { congestion: 2, topology: 0, fatal: 0, other: 1 } }));
    const first = m.merge(1 * S, S, 1500)!;
    assert.equal(first.acks, 1500);
    assert.deepEqual(first.errors, { congestion: 2, topology: 0, fatal: 0, other: 1 });
    // Next interval b's sample has not arrived: its rate carries, its errors and histogram do not repeat.
    m.offer(sample('a', 1000, [5]));
    const second = m.merge(2 * S, S, 1500)!;
    assert.equal(second.acks, 1500);
    assert.equal(second.response.count, 1000);
    assert.deepEqual(second.errors, { congestion: 0, topology: 0, fatal: 0, other: 0 });
    // Then two of b's arrive at once: they are one rate over their two seconds, and both histograms count.
    m.offer(sample('a', 1000, [5]));
    m.offer(sample('b', 600, [5]));
    m.offer(sample('b', 400, [5]));
    const third = m.merge(3 * S, S, 1500)!;
    assert.equal(third.acks, 1500);
    assert.equal(third.response.count, 2000);
    // Over a 0.5 s interval the rates give half the counts.
    m.offer(sample('a', 1000, [5]));
    assert.equal(m.merge(3.5 * S, S / 2, 1500)!.acks, 750);
  });

  test('no fleet sample until the members heard from hold the whole rate (their shares add up to 1)', () => {
    const m = new FleetSampleMerger(3 * S, MAX_US);
    // Only the leader's half has reported: it would read as a fleet sending half its rate.
    m.offer(sample('a', 1000, [5]));
    assert.equal(m.merge(1 * S, S, 2000), undefined);
    assert.equal(m.shareCounted, 0.5);
    m.offer(sample('a', 1000, [5]));
    m.offer(sample('b', 1000, [5]));
    assert.equal(m.merge(2 * S, S, 2000)!.acks, 2000);
    // Three members in twelfths: 4/12 each add up to 1.
    const thirds = new FleetSampleMerger(3 * S, MAX_US);
    for (const id of ['a', 'b', 'c']) thirds.offer(sample(id, 100, [5], { share: 4 / 12 }));
    assert.equal(thirds.merge(1 * S, S, 300)!.acks, 300);
  });

  test("a member silent for longer than the stale bound leaves the fleet's sample", () => {
    const m = new FleetSampleMerger(3 * S, MAX_US);
    m.offer(sample('a', 1000, [5]));
    m.offer(sample('b', 1000, [5]));
    assert.equal(m.merge(1 * S, S, 2000)!.acks, 2000);
    for (const t of [2, 3, 4]) {
      m.offer(sample('a', 1000, [5]));
      assert.equal(m.merge(t * S, S, 2000)!.acks, 2000, `t=${t}: b still carries`);
    }
    // b is gone: until its share is a's, no fleet sample (no decision on half the fleet).
    m.offer(sample('a', 1000, [5]));
    assert.equal(m.merge(5 * S, S, 2000), undefined);
    assert.equal(m.memberCount, 1);
    m.offer(sample('a', 2000, [5], { share: 1 }));
    assert.equal(m.merge(6 * S, S, 2000)!.acks, 2000);
    // Nobody at all: no sample, no decision.
    assert.equal(m.merge(10 * S, S, 2000), undefined);
  });

  test('sends are judged against what each member was told: a lagging decision is no shortfall, a slow member is', () => {
    const m = new FleetSampleMerger(3 * S, MAX_US);
    // The controller commanded 3,000: a read the decision at once, b half-way through its interval (it was
    // asked for 1,250 and sent them). The fleet kept up: sent = the commanded 3,000.
    m.offer(sample('a', 1500, [5]));
    m.offer(sample('b', 1250, [5]));
    const straddled = m.merge(1 * S, S, 3000)!;
    assert.equal(straddled.sent, 3000);
    assert.equal(straddled.acks, 3000);
    // b cannot keep up: asked for 1,500, it sent 750 (and all were acknowledged).
    m.offer(sample('a', 1500, [5]));
    m.offer(sample('b', 750, [5], { expected: 1500 }));
    const short = m.merge(2 * S, S, 3000)!;
    assert.equal(short.sent, 2250);
    assert.equal(short.acks, 2250);
    // Acks short of sends stay short, in proportion.
    m.offer(sample('a', 1500, [5], { acks: 1200 }));
    m.offer(sample('b', 1500, [5], { acks: 1200 }));
    assert.equal(m.merge(3 * S, S, 3000)!.acks, 2400);
  });

  test("a member's rate timeline gives the sends it was asked for in an interval", () => {
    const t = new RateTimeline();
    t.set(1000, 0);
    assert.equal(t.expected(0, S), 1000);
    t.set(1000, 1.2 * S); // the rate in force again: no change
    t.set(2000, 1.5 * S);
    assert.equal(t.expected(S, 2 * S), 1500);
    t.set(0, 2.25 * S);
    assert.equal(t.expected(2 * S, 3 * S), 500);
    assert.equal(t.expected(3 * S, 4 * S), 0);
  });

  test('only whole samples are accepted from the control topic', () => {
    const s = sample('a', 1, [1]);
    assert.equal(isFleetSample(s), true);
    assert.equal(isFleetSample({ ...s, member: 1 }), false);
    assert.equal(isFleetSample({ ...s, share: undefined }), false);
    assert.equal(isFleetSample({ ...s, acks: Number.NaN }), false);
    assert.equal(isFleetSample({ ...s, response: undefined }), false);
    assert.equal(isFleetSample({ ...s, errors: { congestion: 0 } }), false);
    assert.equal(isFleetSample(null), false);
  });
});
