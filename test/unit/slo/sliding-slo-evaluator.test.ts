import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Histogram } from 'hdr-histogram-js';
import { ManualClock } from '../../../src/clock.js';
import { SlidingSloEvaluator, type SloPeriodSample } from '../../../src/slo/sliding-slo-evaluator.js';
import { createHistogram } from '../../../src/stats/histogram-factory.js';
import { DEFAULT_MAX_LATENCY_US } from '../../../src/stats/latency-recorder.js';
import { Stats } from '../../../src/stats/stats.js';

const S = 1e9;

function histogramOf(valuesUs: readonly number[]): Histogram {
  const h = createHistogram({
    highestTrackableValue: DEFAULT_MAX_LATENCY_US,
    significantDigits: 3,
    useWebAssembly: false,
  });
  for (const v of valuesUs) h.recordValue(v);
  return h;
}

/** A 10-s period of 1,000 acks: `slow` of them at 80 ms response time, the rest at 2 ms. */
function period(clock: ManualClock, slow: number, extra: Partial<SloPeriodSample> = {}): SloPeriodSample {
  clock.advanceNs(10 * S);
  const values = Array.from({ length: 1000 }, (_, i) => (i < slow ? 80_000 : 2_000));
  return {
    endNs: clock.nowNs(),
    messagesSent: 1000,
    sendErrors: 0,
    targetMessages: 1000,
    responseTime: histogramOf(values),
    ...extra,
  };
}

describe('SlidingSloEvaluator', () => {
  test('a slow start fails the whole run but leaves the window once it is older than the window', () => {
    const clock = new ManualClock();
    const slo = new SlidingSloEvaluator(
      { publishResponseTimeP99Ms: 10 },
      { clock, windowSeconds: 30, periodSeconds: 10 },
    );
    slo.addPeriod(period(clock, 500)); // half the messages at 80 ms
    let v = slo.evaluate();
    assert.equal(v.window.pass, false);
    assert.equal(v.whole.pass, false);
    assert.ok(Math.abs(v.window.checks[0]!.measured! - 80) < 1);
    for (let i = 0; i < 3; i++) slo.addPeriod(period(clock, 0));
    v = slo.evaluate();
    assert.equal(v.windowSeconds, 30);
    assert.equal(v.window.pass, true, JSON.stringify(v.window));
    assert.ok(Math.abs(v.window.checks[0]!.measured! - 2) < 0.05);
    // Whole run: 500 slow of 4,000 is 12.5 %, above 1 %: p99 is 80 ms.
    assert.equal(v.whole.pass, false);
    assert.deepEqual(v.whole.failed, ['publishResponseTimeP99Ms']);
  });

  test("the window's p99 merges the periods' histograms (not an average of p99s)", () => {
    const clock = new ManualClock();
    const slo = new SlidingSloEvaluator(
      { publishResponseTimeP99Ms: 10 },
      { clock, windowSeconds: 60, periodSeconds: 10 },
    );
    // 15 slow of 1,000 (1.5 %) in one period, none in two others: 15 of 3,000 = 0.5 %, so p99 is 2 ms.
    slo.addPeriod(period(clock, 15));
    slo.addPeriod(period(clock, 0));
    slo.addPeriod(period(clock, 0));
    const m = slo.windowMeasurements();
    assert.ok(Math.abs(m.publishResponseTimeP99Ms! - 2) < 0.05, String(m.publishResponseTimeP99Ms));
    assert.ok(Math.abs(m.publishResponseTimeP999Ms! - 80) < 1, String(m.publishResponseTimeP999Ms));
  });

  test('the copy is taken during the call: the source may be reset afterwards', () => {
    const clock = new ManualClock();
    const slo = new SlidingSloEvaluator(
      { publishResponseTimeP99Ms: 10 },
      { clock, windowSeconds: 30, periodSeconds: 10 },
    );
    const sample = period(clock, 1000);
    slo.addPeriod(sample);
    sample.responseTime!.reset();
    assert.ok(Math.abs(slo.windowMeasurements().publishResponseTimeP99Ms! - 80) < 1);
  });

  test('errors, integrity and the achieved ratio add up over the window and the whole run', () => {
    const clock = new ManualClock();
    const slo = new SlidingSloEvaluator(
      { maxErrorRate: 0.01, maxLost: 0, maxDuplicated: 5, minAchievedRatio: 0.9 },
      { clock, windowSeconds: 20, periodSeconds: 10 },
    );
    slo.addPeriod(period(clock, 0, { sendErrors: 100, lost: 3, duplicated: 0, outOfOrder: 0 }));
    slo.addPeriod(period(clock, 0, { messagesSent: 500, lost: 0, duplicated: 2, outOfOrder: 0 }));
    slo.addPeriod(period(clock, 0, { messagesSent: 1000, lost: 0, duplicated: 2, outOfOrder: 0 }));
    const w = slo.windowMeasurements();
    assert.equal(w.errorRate, 0);
    assert.equal(w.lost, 0);
    assert.equal(w.duplicated, 4);
    assert.equal(w.achievedRatio, 1500 / 2000);
    const whole = slo.wholeMeasurements();
    assert.equal(whole.errorRate, 100 / 2600);
    assert.equal(whole.lost, 3);
    const v = slo.evaluate();
    assert.deepEqual(v.window.failed, ['minAchievedRatio']);
    assert.deepEqual(v.whole.failed, ['maxErrorRate', 'maxLost', 'minAchievedRatio']);
  });

  test('an empty window is not measured (and fails); reset forgets the run', () => {
    const clock = new ManualClock();
    const slo = new SlidingSloEvaluator(
      { publishResponseTimeP99Ms: 100, endToEndP99Ms: 100, maxLost: 0 },
      { clock, windowSeconds: 30, periodSeconds: 10 },
    );
    // No consumers: no end-to-end latencies and no integrity findings in the samples.
    slo.addPeriod(period(clock, 0));
    let v = slo.evaluate();
    assert.deepEqual(
      v.window.checks.map((c) => c.status),
      ['pass', 'not measured', 'not measured'],
    );
    clock.advanceNs(60 * S);
    v = slo.evaluate();
    assert.deepEqual(
      v.window.checks.map((c) => c.status),
      ['not measured', 'not measured', 'not measured'],
    );
    assert.equal(v.whole.checks[0]!.status, 'pass');
    slo.reset();
    assert.equal(slo.evaluate().whole.checks[0]!.status, 'not measured');
    slo.destroy();
  });

  test("observe(stats): 1-s intervals of a real Stats make 10-s periods with the intervals' latencies", () => {
    const clock = new ManualClock();
    const stats = new Stats({ clock });
    const slo = new SlidingSloEvaluator(
      { publishResponseTimeP99Ms: 10, endToEndP99Ms: 10 },
      { clock, windowSeconds: 20, periodSeconds: 10 },
    );
    slo.observe(stats);
    const runPeriod = (ackMs: number, e2eUs: number): void => {
      const sentBefore = stats.messagesSent;
      for (let second = 0; second < 10; second++) {
        for (let i = 0; i < 100; i++) {
          const t = clock.nowNs();
          stats.recordAck(100, t, t, t + ackMs * 1e6);
          stats.recordReceive(100, e2eUs);
        }
        clock.advanceNs(S);
        stats.snapshotInterval(clock.nowNs());
      }
      slo.addPeriod({ endNs: clock.nowNs(), messagesSent: stats.messagesSent - sentBefore, sendErrors: 0 });
    };
    runPeriod(50, 3000);
    runPeriod(2, 3000);
    runPeriod(2, 3000);
    const v = slo.evaluate();
    assert.equal(v.window.pass, true, JSON.stringify(v.window));
    assert.ok(Math.abs(v.window.checks[1]!.measured! - 3) < 0.05);
    assert.deepEqual(v.whole.failed, ['publishResponseTimeP99Ms']);
    assert.ok(Math.abs(v.whole.checks[0]!.measured! - 50) < 0.5);
    slo.destroy();
    stats.destroy();
  });

  test('rejects a window or period that is not above 0', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new SlidingSloEvaluator({ maxLost: 0 }, { clock, windowSeconds: 0, periodSeconds: 10 }),
    );
    assert.throws(
      () => new SlidingSloEvaluator({ maxLost: 0 }, { clock, windowSeconds: 60, periodSeconds: -1 }),
    );
  });
});
