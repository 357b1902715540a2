import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AimdController } from '../../../../tools/sim/aimd-controller.js';
import { OmbRateController } from '../../../../tools/sim/omb-rate-controller.js';
import { sampleAt } from './controller-driver.js';

describe('comparison controllers (Harness A only)', () => {
  test('OMB rule: no publish backlog doubles the rate; a backlog sends at the published rate', () => {
    // The same numbers as OMB's RateControllerTest, with a 1-s control period.
    const omb = new OmbRateController(10_000, 1e9);
    assert.equal(omb.update(sampleAt(1e9, 10_000, { acks: 10_000 })), 20_000);
    assert.equal(omb.update(sampleAt(2e9, 20_000, { acks: 5_000 })), 5_000);
  });

  test('OMB rule: after a period with zero acks the rate falls to 0 and stays there (issues #84, #163)', () => {
    const omb = new OmbRateController(10_000);
    const rates: number[] = [];
    for (let i = 1; i <= 6; i++) rates.push(omb.update(sampleAt(i * 1e9, 10_000, { acks: 0 })));
    for (let i = 7; i <= 30; i++)
      rates.push(omb.update(sampleAt(i * 1e9, 0, { acks: i < 12 ? 3_000 : 0, sent: 0 })));
    assert.equal(rates.at(-1), 0);
  });

  test('AIMD: +increase per second while within the SLO, ×0.9 when p99 exceeds it', () => {
    const aimd = new AimdController(1_000, 10, 100);
    assert.equal(aimd.update(sampleAt(1e9, 1_000)), 1_100);
    assert.equal(aimd.update(sampleAt(2e9, 1_100, { p99Ms: 15 })), 990);
    assert.equal(aimd.update(sampleAt(3e9, 990, { acks: 900, errors: { congestion: 10 } })), 891);
  });
});
