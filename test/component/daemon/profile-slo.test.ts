/**
 * The daemon follows a workload's rateProfile (docs/workloads.md "Rate profiles"): PUT /rate overrides it,
 * PUT /profile and DELETE /rate hand back (409 without a profile), /status and /metrics show the progress;
 * the workload's slo thresholds are judged over sliding 10-s periods (soakbench_slo_ok, /status `slo`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { daemonWorkload } from '../../helpers/daemon.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { type MemoryDaemon, startMemoryDaemon } from './memory-daemon.js';

type Json = Record<string, unknown>;

const PROFILE = [
  { rate: 300, seconds: 3600, name: 'steady' },
  { rate: 600, seconds: 60 },
];

describe('daemon rate profile (memory driver)', () => {
  let d: MemoryDaemon;

  before(async () => {
    d = await startMemoryDaemon({
      label: 'cmp-profile',
      workload: { producerRate: undefined, rateProfile: PROFILE },
    });
    await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
  });
  after(async () => d?.close());

  const status = async (): Promise<Json> => (await d.request('GET', '/status')).json as Json;
  const metrics = async (): Promise<string> => (await d.request('GET', '/metrics')).text;

  test('the profile drives the rate: /status shows its step, /metrics its step gauge', async () => {
    const s = await status();
    const p = s.profile as Json;
    assert.equal(p.stepIndex, 0, JSON.stringify(p));
    assert.equal(p.stepName, 'steady');
    assert.equal(p.pass, 0);
    assert.equal(p.overridden, false);
    assert.equal(p.profileRate, 300);
    assert.equal(s.targetRate, 300);
    const m = await metrics();
    assert.match(m, /^soakbench_profile_step 0$/m);
    assert.match(m, /^soakbench_profile_overridden 0$/m);
    assert.match(m, /^soakbench_target_rate 300$/m);
  });

  test('PUT /rate overrides the profile; DELETE /rate hands back', async () => {
    const set = await d.request('PUT', '/rate', { body: '150' });
    assert.equal(set.status, 200, set.text);
    assert.equal((set.json as Json).profileOverridden, true);
    let s = await status();
    assert.equal((s.profile as Json).overridden, true);
    assert.equal(s.targetRate, 150);
    assert.match(await metrics(), /^soakbench_profile_overridden 1$/m);

    const back = await d.request('DELETE', '/rate');
    assert.equal(back.status, 200, back.text);
    assert.equal(((back.json as Json).profile as Json).overridden, false);
    s = await status();
    assert.equal((s.profile as Json).overridden, false);
    assert.equal(s.targetRate, 300);
    assert.match(await metrics(), /^soakbench_profile_overridden 0$/m);
  });

  test('PUT /rate at the profile’s own rate still overrides; PUT /profile hands back', async () => {
    assert.equal((await d.request('PUT', '/rate', { body: '300' })).status, 200);
    assert.equal(((await status()).profile as Json).overridden, true);
    const back = await d.request('PUT', '/profile');
    assert.equal(back.status, 200, back.text);
    assert.equal(((await status()).profile as Json).overridden, false);
  });

  test('PUT /profile with a body is refused with 400 JSON and changes nothing', async () => {
    assert.equal((await d.request('PUT', '/rate', { body: '120' })).status, 200);
    const a = await d.request('PUT', '/profile', { body: '{"rate": 5}' });
    assert.equal(a.status, 400, a.text);
    assert.equal((a.json as Json).error, 'invalid_argument');
    assert.match(String((a.json as Json).message), /takes no body/);
    assert.equal((await status()).targetRate, 120);
    assert.equal((await d.request('DELETE', '/rate')).status, 200);
  });

  test('the engine sends at the profile rate (about 300 msg/s over 2 s)', async () => {
    const sent = async (): Promise<number> => Number(((await status()).totals as Json).messagesSent);
    const before = await sent();
    await new Promise((r) => setTimeout(r, 2_000));
    const rate = ((await sent()) - before) / 2;
    assert.ok(rate > 200 && rate < 400, `about 300 msg/s, found ${rate}`);
  });
});

describe('daemon without a rate profile (memory driver)', () => {
  let d: MemoryDaemon;

  before(async () => {
    d = await startMemoryDaemon({ label: 'cmp-noprofile', workload: { producerRate: 200 } });
    await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
  });
  after(async () => d?.close());

  test('DELETE /rate and PUT /profile answer 409 with JSON; /status profile is null, the step gauge -1', async () => {
    for (const [method, path] of [
      ['DELETE', '/rate'],
      ['PUT', '/profile'],
    ] as const) {
      const a = await d.request(method, path);
      assert.equal(a.status, 409, `${method} ${path}: ${a.text}`);
      assert.match(String((a.json as Json).message), /no rateProfile/);
    }
    assert.equal(((await d.request('GET', '/status')).json as Json).profile, null);
    assert.match((await d.request('GET', '/metrics')).text, /^soakbench_profile_step -1$/m);
  });

  test('PUT /workload with a rateProfile: the new workload follows it, and can be handed back to', async () => {
    const fields = daemonWorkload(uniqueName('cmp-noprofile-next'), {
      producerRate: undefined,
      rateProfile: PROFILE,
    });
    const swap = await d.request('PUT', '/workload', { body: JSON.stringify(fields) });
    assert.equal(swap.status, 200, swap.text);
    const s = (await d.request('GET', '/status')).json as Json;
    assert.equal((s.profile as Json).stepName, 'steady');
    assert.equal(s.targetRate, 300);
    assert.equal((await d.request('PUT', '/rate', { body: '50' })).status, 200);
    assert.equal((await d.request('DELETE', '/rate')).status, 200);
    assert.equal(((await d.request('GET', '/status')).json as Json).targetRate, 300);
  });
});

describe('daemon SLO verdicts (memory driver)', () => {
  let d: MemoryDaemon;

  before(async () => {
    d = await startMemoryDaemon({
      label: 'cmp-slo',
      workload: { producerRate: 200, slo: { publishResponseTimeP99Ms: 1, maxLost: 0 } },
      ackDelayMs: 5,
    });
    await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
  });
  after(async () => d?.close());

  test('soakbench_slo_ok is pre-declared for each threshold and window; after a period the verdicts show', async () => {
    const m = (await d.request('GET', '/metrics')).text;
    for (const threshold of ['publishResponseTimeP99Ms', 'maxLost']) {
      for (const window of ['recent', 'run']) {
        assert.match(
          m,
          new RegExp(`^soakbench_slo_ok\\{threshold="${threshold}",window="${window}"\\} [01]$`, 'm'),
        );
      }
    }
    // The first 10-s SLO period: 5 ms acks fail a 1-ms p99, nothing is lost.
    await waitFor(
      'an SLO period measured',
      async () => {
        const slo = ((await d.request('GET', '/status')).json as Json).slo as Json;
        const run = slo.run as { checks: { name: string; status: string }[] };
        return run.checks.every((c) => c.status !== 'not measured');
      },
      20_000,
    );
    const slo = ((await d.request('GET', '/status')).json as Json).slo as Json;
    assert.deepEqual((slo.run as Json).failed, ['publishResponseTimeP99Ms'], JSON.stringify(slo));
    assert.deepEqual((slo.recent as Json).failed, ['publishResponseTimeP99Ms'], JSON.stringify(slo));
    const after = (await d.request('GET', '/metrics')).text;
    assert.match(after, /^soakbench_slo_ok\{threshold="publishResponseTimeP99Ms",window="run"\} 0$/m);
    assert.match(after, /^soakbench_slo_ok\{threshold="maxLost",window="run"\} 1$/m);
    assert.match(after, /^soakbench_slo_ok\{threshold="maxLost",window="recent"\} 1$/m);
  });
});
