import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../../src/clock.js';
import { KafkaDriver } from '../../../src/driver/kafka/kafka-driver.js';
import { RateProfile } from '../../../src/rate/rate-profile.js';
import { Stats } from '../../../src/stats/stats.js';
import { LoadEngine } from '../../../src/worker/load-engine.js';
import { parseWorkload } from '../../../src/workload/workload-parser.js';
import { testSettings, uniqueName } from '../../helpers/kafka.js';
import { within } from '../../helpers/wait.js';

const S = 1e9;

/** Sleeps until the clock reaches `ns`. */
async function until(ns: number): Promise<void> {
  const ms = (ns - systemClock.nowNs()) / 1e6;
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

test('the send loop follows a profile on a real broker: holds at 1,000 and 3,000 msg/s, a ramp, a sine', async () => {
  const workload = parseWorkload(
    {
      topics: 1,
      partitionsPerTopic: 2,
      messageSize: 100,
      producersPerTopic: 1,
      warmupDurationMinutes: 0,
      topicPrefix: uniqueName('profile'),
      rateProfile: [
        { rate: 1000, seconds: 4 },
        { rate: 3000, seconds: 4 },
        { rate: 1000, seconds: 4, ramp: true },
        { sine: { min: 1000, max: 3000, periodSeconds: 4 }, seconds: 4 },
      ],
    },
    'profile.yaml',
  );
  const settings = testSettings();
  const stats = new Stats({ clock: systemClock });
  const engine = new LoadEngine({
    driver: new KafkaDriver(settings, { connectTimeoutMs: 10_000, operationTimeoutMs: 15_000 }),
    settings,
    workload,
    clock: systemClock,
    stats,
    initialRate: 0,
    cleanupTopics: true,
    producerClients: 1,
  });
  const profile = RateProfile.fromSpec(workload.rateProfile!, systemClock.wallMs());
  try {
    await within('engine start', engine.start({ paused: true }), 30_000);
    const t0 = systemClock.nowNs();
    engine.limiter.followProfile(profile, t0);
    engine.resume();
    stats.snapshotInterval(t0);
    const windows: { from: number; to: number; acked: number }[] = [];
    let from = t0;
    for (const end of [4, 8, 12, 16]) {
      await until(t0 + end * S);
      const to = systemClock.nowNs();
      windows.push({ from, to, acked: stats.snapshotInterval(to).messagesSent });
      from = to;
    }
    for (const w of windows) {
      const expected = profile.integral((w.to - t0) / S) - profile.integral((w.from - t0) / S);
      const off = Math.abs(w.acked - expected);
      assert.ok(
        off <= 0.05 * expected + 50,
        `window ${(w.from - t0) / S}-${(w.to - t0) / S} s: ${w.acked} acknowledged, ${expected} intended`,
      );
    }
    // The schedule itself is exact: the messages taken are the profile's integral up to now (±1 due).
    const position = engine.limiter.position;
    const intended = profile.integral((systemClock.nowNs() - t0) / S);
    assert.ok(position <= intended + 1, `${position} taken, ${intended} intended`);
  } finally {
    await within('engine stop', engine.stop({ flushMs: 5_000 }), 30_000);
    stats.destroy();
  }
});
