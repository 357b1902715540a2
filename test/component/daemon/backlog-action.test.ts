import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { daemonWorkload } from '../../helpers/daemon.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { type MemoryDaemon, startMemoryDaemon } from './memory-daemon.js';

type Json = Record<string, unknown>;
interface Backlog {
  inProgress: { stage: string } | null;
  last: {
    completed: boolean;
    peakBacklogMessages: number;
    buildSeconds: number;
    catchUpMsgPerSec: number;
  } | null;
}

const RATE = 2_000;
/** 512-byte messages (the daemon test workload): 8,000 messages, about 4 s at 2,000 msg/s. */
const SIZE_BYTES = 4_096_000;

describe('daemon POST /backlog (memory driver)', () => {
  let d: MemoryDaemon;
  const backlog = (): Backlog => (d.daemon.status() as Json).backlog as Backlog;
  const received = (): number => Number(((d.daemon.status() as Json).totals as Json).messagesReceived);

  before(async () => {
    d = await startMemoryDaemon({ label: 'cmp-backlog', workload: { producerRate: RATE } });
    await waitFor('ready', async () => (await d.request('GET', '/readyz')).status === 200, 10_000);
  });
  after(async () => d?.close());

  test('consumers paused while it builds, then the drain; /status keeps the figures', async () => {
    const answer = await d.request('POST', '/backlog', { body: JSON.stringify({ sizeBytes: SIZE_BYTES }) });
    assert.equal(answer.status, 202, answer.text);
    const again = await d.request('POST', '/backlog', { body: '{"sizeBytes":1000}' });
    assert.equal(again.status, 409, again.text);
    // The pause is applied (and what was consumed before it reported) within a moment of the answer.
    await new Promise((r) => setTimeout(r, 150));
    const r0 = received();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(backlog().inProgress?.stage, 'building', JSON.stringify(backlog()));
    assert.equal(received(), r0, 'nothing consumed while building');
    await waitFor('the drain to end', async () => backlog().last !== null, 20_000, 50);
    const last = backlog().last!;
    assert.equal(backlog().inProgress, null);
    assert.equal(last.completed, true);
    assert.ok(last.peakBacklogMessages >= 8_000, JSON.stringify(last));
    assert.ok(last.buildSeconds > 3 && last.buildSeconds < 12, JSON.stringify(last));
    assert.ok(last.catchUpMsgPerSec > RATE, JSON.stringify(last));
  });

  test('refused while paused; a workload swap ends a build with completed false', async () => {
    assert.equal((await d.request('POST', '/pause')).status, 200);
    const paused = await d.request('POST', '/backlog', { body: '{"sizeGB":0.001}' });
    assert.equal(paused.status, 409, paused.text);
    assert.match((paused.json as { message: string }).message, /paused/);
    assert.equal((await d.request('POST', '/resume')).status, 200);

    const big = await d.request('POST', '/backlog', { body: '{"sizeGB":1}' });
    assert.equal(big.status, 202, big.text);
    await new Promise((r) => setTimeout(r, 200));
    const swap = await d.request('PUT', '/workload', {
      body: JSON.stringify(daemonWorkload(uniqueName('cmp-backlog-next'), { producerRate: RATE })),
    });
    assert.equal(swap.status, 200, swap.text);
    await waitFor('the action to end', async () => backlog().inProgress === null, 10_000, 50);
    assert.equal(backlog().last?.completed, false);
  });
});
