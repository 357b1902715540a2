/**
 * POST /backlog (docs/workloads.md "Backlog mode"): the daemon pauses its consumers until the backlog
 * reaches the size while producers keep their rate, then resumes them and times the drain; /status
 * follows the action and keeps the last result; a second request while one runs is 409.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DaemonProcess, describeDaemon, metricValue, startDaemon } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait.js';

const RATE = 2_000;
/** 1 KiB messages: 8,000 messages, about 4 s at 2,000 msg/s. */
const SIZE_BYTES = 8_192_000;
const JSON_TYPE = 'application/json';

interface BacklogStatus {
  inProgress: { stage: string; sizeBytes: number; drainRatio: number } | null;
  last: {
    completed: boolean;
    sizeBytes: number;
    buildSeconds: number;
    drainSeconds: number;
    peakBacklogMessages: number;
    catchUpMsgPerSec: number;
  } | null;
}

describe('soakbench daemon: POST /backlog', { timeout: 120_000 }, () => {
  let d: DaemonProcess;

  before(async () => {
    d = await startDaemon({
      label: 'backlog',
      workload: { producerRate: RATE, partitionsPerTopic: 2, messageSize: 1_024 },
    });
    await d.waitReady();
  });
  after(async () => {
    await d?.dispose();
  });

  test('builds with consumers paused, drains, and /status reports the catch-up figures', async () => {
    const status = async (): Promise<BacklogStatus> =>
      (await d.getJson('/status')).body.backlog as BacklogStatus;
    assert.deepEqual(await status(), { inProgress: null, last: null });

    const answer = await d.request('POST', '/backlog', {
      contentType: JSON_TYPE,
      body: JSON.stringify({ sizeBytes: SIZE_BYTES }),
    });
    assert.equal(answer.status, 202, answer.text);
    const started = (answer.json as { backlog: BacklogStatus }).backlog;
    assert.equal(started.inProgress?.stage, 'building');
    assert.equal(started.inProgress?.sizeBytes, SIZE_BYTES);
    assert.equal(started.inProgress?.drainRatio, 1);

    const busy = await d.request('POST', '/backlog', { contentType: JSON_TYPE, body: '{"sizeGB":1}' });
    assert.equal(busy.status, 409, busy.text);
    assert.equal((busy.json as { error: string }).error, 'conflict');

    // While building (about 4 s), nothing is consumed: the received counter stays flat for a second.
    const received = async (): Promise<number> =>
      metricValue(await d.scrape(), 'soakbench_messages_received_total');
    await new Promise((r) => setTimeout(r, 500));
    const r0 = await received();
    await new Promise((r) => setTimeout(r, 1_000));
    const r1 = await received();
    assert.equal((await status()).inProgress?.stage, 'building', 'still building 1.5 s in');
    assert.equal(r1, r0, `consumed while building\n${describeDaemon(d)}`);

    await waitFor('the backlog action to finish', async () => (await status()).last !== null, 30_000, 250);
    const s = await status();
    assert.equal(s.inProgress, null);
    const last = s.last!;
    assert.equal(last.completed, true, JSON.stringify(last));
    assert.equal(last.sizeBytes, SIZE_BYTES);
    assert.ok(last.peakBacklogMessages >= 8_000, JSON.stringify(last));
    assert.ok(last.buildSeconds > 2 && last.buildSeconds < 12, JSON.stringify(last));
    assert.ok(last.drainSeconds > 0 && last.drainSeconds < 15, JSON.stringify(last));
    assert.ok(last.catchUpMsgPerSec > RATE, JSON.stringify(last));
    // Consumers are reading again: the received counter moves.
    const after = await received();
    await waitFor('consumers to read again', async () => (await received()) > after, 5_000, 200);
  });
});
