import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SoakbenchError } from '../../../../src/errors.js';
import {
  DEFAULT_CONTROLLER_SETTINGS,
  resolveControllerSettings,
} from '../../../../src/rate/controller/controller-settings.js';

function rejects(overrides: Record<string, unknown>, field: string): void {
  assert.throws(
    () => resolveControllerSettings(overrides as never, DEFAULT_CONTROLLER_SETTINGS, 'controller.'),
    (e: unknown) =>
      e instanceof SoakbenchError && e.code === 'INVALID_ARGUMENT' && e.field === `controller.${field}`,
  );
}

describe('controller settings', () => {
  test('defaults are docs/controller.md’s and valid', () => {
    const s = resolveControllerSettings();
    assert.deepEqual(s, { ...DEFAULT_CONTROLLER_SETTINGS });
    assert.equal(s.setpoint, 0.8);
    assert.equal(s.deadbandLow, 0.6);
    assert.equal(s.deadbandHigh, 0.9);
    assert.equal(s.growthFactor, 1.5);
    assert.equal(s.latencyBeta, 0.9);
    assert.equal(s.errorBeta, 0.7);
    assert.equal(s.judgeIntervals, 3);
    assert.equal(s.probeStepMin, 0.02);
    assert.equal(s.probeEveryMs, 30_000);
    assert.equal(s.failMemoryMs, 60_000);
    assert.equal(s.drainFloor, 0.5);
    assert.ok(s.minRate > 0);
  });

  test('overrides apply', () => {
    const s = resolveControllerSettings({ p99TargetMs: 25, maxRate: 5_000 });
    assert.equal(s.p99TargetMs, 25);
    assert.equal(s.maxRate, 5_000);
  });

  test('bad values name the field', () => {
    rejects({ p99TargetMs: 0 }, 'p99TargetMs');
    rejects({ minRate: 0 }, 'minRate');
    rejects({ maxErrorRate: 1.5 }, 'maxErrorRate');
    rejects({ growthFactor: Number.NaN }, 'growthFactor');
    rejects({ minRate: 10, maxRate: 5 }, 'minRate');
    rejects({ setpoint: 0.95 }, 'setpoint');
    rejects({ mode: 'auto' }, 'mode');
    rejects({ frobnicate: 1 }, 'frobnicate');
  });
});
