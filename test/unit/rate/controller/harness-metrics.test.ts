import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CapacitySchedule, Phase } from '../../../../tools/sim/capacity-schedule.js';
import { overSlo, phaseMetrics } from '../../../../tools/sim/harness-metrics.js';
import type { HarnessRun, RunInterval } from '../../../../tools/sim/run-harness.js';
import { serviceModel } from '../../../../tools/sim/service-model.js';

const phase: Phase = { name: 'p', kind: 'increase', startS: 0, endS: 100 };

function run(rates: number[], late: (i: number) => boolean, rStar = 1_000): HarnessRun {
  const intervals: RunInterval[] = rates.map((rate, i) => ({
    startS: i,
    rate,
    capacity: 1_100,
    sent: rate,
    acks: rate,
    errors: 0,
    overSlo: late(i) ? rate * 0.05 : 0,
    p99Ms: late(i) ? 30 : 5,
    inflight: 5,
    rStar,
    label: '',
  }));
  const schedule: CapacitySchedule = {
    name: 't',
    durationS: 100,
    points: [[0, 1_100]],
    pauses: [],
    phases: [phase],
  };
  return {
    controller: 'test',
    model: serviceModel('dm1'),
    schedule,
    seed: 1,
    sloMs: 10,
    maxErrorRate: 0.001,
    intervals,
  };
}

describe('Harness A metrics', () => {
  test('t90, settle, SLO recovery, steady mean and violations', () => {
    // Ramp 500 → 950 over 10 s, then 950 flat; late intervals at 3 and 60.
    const rates = Array.from({ length: 100 }, (_, i) => (i < 10 ? 500 + 50 * i : 950));
    const m = phaseMetrics(
      run(rates, (i) => i === 3 || i === 60),
      phase,
    );
    assert.equal(m.t90S, 8); // 900 reached at i = 8
    assert.equal(m.sloRecoverS, 4); // 10 clean intervals from 4
    assert.equal(m.settleS, 6); // in [800, 1050] from 6 and clean until 60 (≥ 30 s)
    assert.ok(Math.abs(m.meanOverRStar - 0.95) < 1e-9);
    assert.equal(m.cov, 0);
    assert.equal(m.violating1s, 1 / 50);
    // 10-s windows of the steady half [50, 100): the one holding interval 60 has 5 % / 10 late = 0.5 % → clean.
    assert.equal(m.violating10s, 0);
    assert.equal(m.timeAboveSloS, 1);
    assert.equal(m.peakRateOverRStar, 0.95);
  });

  test('a window is over the SLO when more than 1 % of its messages are late', () => {
    const m = phaseMetrics(
      run(Array(100).fill(900), (i) => i >= 70 && i < 73),
      phase,
    );
    assert.equal(m.violating10s, 1 / 5);
  });

  test('an interval with messages in flight and nothing back is over the SLO', () => {
    const iv = run([900], () => false).intervals[0]!;
    assert.equal(overSlo({ ...iv, acks: 0, errors: 0, inflight: 10 }), true);
    assert.equal(overSlo({ ...iv, acks: 0, errors: 0, inflight: 0 }), false);
  });
});
