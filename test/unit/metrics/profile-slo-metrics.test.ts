import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDaemonRegistry, type MetricsSource } from '../../../src/metrics/daemon-metrics.js';
import { profileSloMetrics, type SloGaugeSample } from '../../../src/metrics/profile-slo-metrics.js';
import { parseMetrics } from '../../helpers/daemon.js';

type Values = { labels?: Record<string, string>; value: number }[];
const valuesOf = (name: string, source: Parameters<typeof profileSloMetrics>[0]): Values =>
  profileSloMetrics(source)
    .find((m) => m.name === name)!
    .get().values;

describe('profile and SLO gauges', () => {
  test('without a profile the step is -1 and nothing is overridden', () => {
    assert.deepEqual(valuesOf('soakbench_profile_step', {}), [{ value: -1 }]);
    assert.deepEqual(valuesOf('soakbench_profile_overridden', {}), [{ value: 0 }]);
    assert.deepEqual(
      valuesOf('soakbench_profile_step', { profile: () => ({ step: -1, overridden: false }) }),
      [{ value: -1 }],
    );
  });

  test('the step and the override follow the source at each read', () => {
    let state = { step: 2, overridden: true };
    const source = { profile: () => state };
    assert.deepEqual(valuesOf('soakbench_profile_step', source), [{ value: 2 }]);
    assert.deepEqual(valuesOf('soakbench_profile_overridden', source), [{ value: 1 }]);
    state = { step: 3, overridden: false };
    assert.deepEqual(valuesOf('soakbench_profile_step', source), [{ value: 3 }]);
    assert.deepEqual(valuesOf('soakbench_profile_overridden', source), [{ value: 0 }]);
  });

  test('soakbench_slo_ok: one series per threshold and window, 1 for ok, 0 for failed', () => {
    const samples: SloGaugeSample[] = [
      { threshold: 'maxLost', window: 'recent', ok: true },
      { threshold: 'maxLost', window: 'run', ok: false },
      { threshold: 'publishResponseTimeP99Ms', window: 'recent', ok: false },
    ];
    assert.deepEqual(valuesOf('soakbench_slo_ok', { slo: () => samples }), [
      { labels: { threshold: 'maxLost', window: 'recent' }, value: 1 },
      { labels: { threshold: 'maxLost', window: 'run' }, value: 0 },
      { labels: { threshold: 'publishResponseTimeP99Ms', window: 'recent' }, value: 0 },
    ]);
    assert.deepEqual(valuesOf('soakbench_slo_ok', {}), []);
  });

  test('the daemon registry exports them as gauges', async () => {
    const source = {
      profile: () => ({ step: 1, overridden: false }),
      slo: () => [{ threshold: 'maxLost', window: 'run' as const, ok: true }],
    } as Partial<MetricsSource>;
    // Only these two metrics are read below: the other sources are never called.
    const registry = createDaemonRegistry(source as MetricsSource, { defaultMetrics: false });
    const families = parseMetrics(
      (await registry.getSingleMetricAsString('soakbench_profile_step')) +
        '\n' +
        (await registry.getSingleMetricAsString('soakbench_slo_ok')),
    );
    assert.equal(families.get('soakbench_profile_step')?.type, 'gauge');
    assert.equal(families.get('soakbench_profile_step')?.samples[0]?.value, 1);
    assert.equal(families.get('soakbench_slo_ok')?.type, 'gauge');
    assert.deepEqual(families.get('soakbench_slo_ok')?.samples[0]?.labels, {
      threshold: 'maxLost',
      window: 'run',
    });
  });
});
