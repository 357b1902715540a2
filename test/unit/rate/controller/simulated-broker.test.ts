import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CapacitySchedule, stallSchedule } from '../../../../tools/sim/capacity-schedule.js';
import { oracleRStar } from '../../../../tools/sim/r-star.js';
import { closedFormRStar, serviceModel } from '../../../../tools/sim/service-model.js';
import { SimulatedBroker } from '../../../../tools/sim/simulated-broker.js';

const constant = (capacity: number, durationS = 600): CapacitySchedule => ({
  name: 'constant',
  durationS,
  points: [[0, capacity]],
  pauses: [],
  phases: [],
});

describe('SimulatedBroker (Harness A)', () => {
  test('paces arrivals uniformly and carries the fractional position across intervals and rate changes', () => {
    const b = new SimulatedBroker(serviceModel('dd1'), constant(10_000), { seed: 1, sloMs: 10 });
    const sent = [1_000, 333.3, 333.3, 333.4, 2_500].map((r) => b.runInterval(r).truth.sent);
    assert.equal(sent[0], 1_000);
    assert.equal(sent[1]! + sent[2]! + sent[3]!, 1_000);
    assert.equal(sent[4], 2_500);
  });

  test('D/D/1 below capacity: every response is d₀ + 1/C', () => {
    const b = new SimulatedBroker(serviceModel('dd1'), constant(10_000), { seed: 1, sloMs: 10 });
    for (let i = 0; i < 5; i++) {
      const { sample, truth } = b.runInterval(8_000);
      assert.ok(Math.abs(truth.p99Ms - 2.1) < 0.02, `p99 ${truth.p99Ms}`);
      assert.equal(truth.overSlo, 0);
      assert.equal(sample.response.countAboveMs(2.2), 0);
      assert.equal(sample.response.countAboveMs(2.0), sample.acks);
    }
  });

  test('overload: an interval reports only the acks completed by its end (feedback lag), the backlog grows', () => {
    const b = new SimulatedBroker(serviceModel('dd1'), constant(10_000), { seed: 1, sloMs: 10 });
    b.runInterval(5_000);
    let lastInflight = 0;
    let lastP99 = 0;
    for (let i = 0; i < 4; i++) {
      const { sample, truth } = b.runInterval(15_000);
      assert.ok(sample.acks <= 10_001, `acks ${sample.acks}`);
      assert.ok(sample.inflight > lastInflight);
      assert.ok(truth.p99Ms > lastP99);
      assert.ok(sample.oldestInflightAgeMs > 0);
      assert.ok((sample.inflightAge?.countAboveMs(10) ?? 0) > 0);
      lastInflight = sample.inflight;
      lastP99 = truth.p99Ms;
    }
  });

  test('a stall acks nothing for 5 s, then the backlog is served', () => {
    const schedule = stallSchedule(10_000);
    const b = new SimulatedBroker(serviceModel('dm1'), schedule, { seed: 3, sloMs: 10 });
    const acks: number[] = [];
    for (let i = 0; i < 130; i++) acks.push(b.runInterval(5_000).sample.acks);
    assert.deepEqual(acks.slice(120, 125), [0, 0, 0, 0, 0]);
    assert.ok(acks[119]! > 4_000);
    assert.ok(acks[125]! > 5_000, 'backlog served after the stall');
  });

  test('messages older than the timeout fail as congestion errors', () => {
    const b = new SimulatedBroker(serviceModel('dm1'), constant(5_000), { seed: 2, sloMs: 10 });
    let errors = 0;
    for (let i = 0; i < 6; i++) errors += b.runInterval(10_000).sample.errors.congestion;
    assert.ok(errors > 10_000, `errors ${errors}`);
  });

  test('same seed, same run; another seed, another run', () => {
    const run = (seed: number) => {
      const b = new SimulatedBroker(serviceModel('dm1'), constant(10_000), { seed, sloMs: 10 });
      return Array.from({ length: 20 }, () => b.runInterval(9_500).truth);
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7), run(8));
  });

  test('per-message D/M/1 agrees with the closed-form r* (the oracle finds it within 1.5 %)', () => {
    const model = serviceModel('dm1');
    const closed = closedFormRStar(model, 10_000, 10)!;
    assert.ok(Math.abs(closed - 9_709) < 1);
    const found = oracleRStar(model, 10_000, 10, { measureS: 60, tolerance: 0.004 });
    assert.ok(Math.abs(found / closed - 1) < 0.015, `oracle ${found} vs closed form ${closed}`);
  });

  test('closed forms: D/D/1 r* = C; knee r* below C', () => {
    assert.equal(closedFormRStar(serviceModel('dd1'), 10_000, 10), 10_000);
    const knee = closedFormRStar(serviceModel('knee'), 10_000, 10)!;
    assert.ok(knee > 7_000 && knee < 10_000);
  });
});
