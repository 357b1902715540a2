/**
 * Issue 13 part 1's restart criterion: a daemon with SOAKBENCH_PRODUCER_PROCESSES=2 (docs/architecture.md,
 * "Processes") under acks=all and an idempotent producer; one producer child process is SIGKILLed. It is
 * restarted (soakbench_worker_restarts_total{role="producer"}, /status producerProcesses) and, paused and
 * settled, nothing was counted lost or duplicated: what the dead process never saw acknowledged is not
 * a loss, and its replacement's new run id starts a new integrity baseline.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { deleteTopics, removeDir, tempDir, writeWorkload } from '../../helpers/cli.js';
import { BOOTSTRAP, uniqueName } from '../../helpers/kafka.js';
import { within } from '../../helpers/wait.js';
import {
  type DaemonStatus,
  type FaultDaemon,
  metricValue,
  pauseAndSettle,
  startFaultDaemon,
  waitStable,
  writeDriver,
} from './fault-daemon.js';

type Status = DaemonStatus & { producerProcesses: { processes: number; pids: number[]; restarts: number } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(250);
  }
}

describe('a producer process SIGKILLed under 2,000 msg/s, acks=all + enable.idempotence=true', () => {
  const dir = tempDir('producer-kill');
  const prefix = uniqueName('pp-kill');
  let daemon: FaultDaemon | undefined;
  let stopped = false;
  let topics: string[] = [];
  after(async () => {
    if (daemon && !stopped) daemon.cli.kill();
    await deleteTopics(topics).catch(() => {});
    removeDir(dir);
  });

  test('restarted and counted; lost = 0 and duplicated = 0 once settled', { timeout: 150_000 }, async (t) => {
    const driver = writeDriver(dir, 'idempotent', ['acks=all', 'enable.idempotence=true']);
    const workload = writeWorkload(dir, `${prefix}.yaml`, {
      name: prefix,
      topics: 1,
      partitionsPerTopic: 4,
      messageSize: 1024,
      subscriptionsPerTopic: 1,
      consumerPerSubscription: 1,
      producersPerTopic: 2,
      producerRate: 2_000,
      testDurationMinutes: 0,
      warmupDurationMinutes: 0,
      topicPrefix: prefix,
    });
    daemon = await startFaultDaemon({
      driver,
      workload,
      bootstrap: BOOTSTRAP,
      lateAfterMs: 5_000,
      env: { SOAKBENCH_PRODUCER_PROCESSES: '2', SOAKBENCH_TOPICS_CLEANUP: 'true' },
    });
    const d = daemon;
    const status = async (): Promise<Status> => (await d.status()) as Status;
    const before = await waitFor(
      'two producer processes',
      async () => {
        const s = await status();
        return s.producerProcesses.processes === 2 && s.totals.messagesSent > 2_000 ? s : undefined;
      },
      30_000,
    );
    topics = before.workload.topics;
    assert.equal(metricValue(await d.metrics(), 'soakbench_producer_processes'), 2);
    const victim = before.producerProcesses.pids[0]!;
    process.kill(victim, 'SIGKILL');
    t.diagnostic(`killed producer process ${victim} after ${before.totals.messagesSent} acknowledged`);

    const after = await waitFor(
      'the producer process restarted',
      async () => {
        const s = await status();
        return s.producerProcesses.processes === 2 && s.producerProcesses.restarts >= 1 ? s : undefined;
      },
      20_000,
    );
    assert.ok(!after.producerProcesses.pids.includes(victim), 'a new process took its place');
    const sentAtRestart = after.totals.messagesSent;
    await waitFor(
      'producing again after the restart',
      async () => ((await status()).totals.messagesSent > sentAtRestart + 4_000 ? true : undefined),
      20_000,
    );
    const restarts = metricValue(await d.metrics(), 'soakbench_worker_restarts_total', '{role="producer"}');
    assert.equal(restarts, 1, 'soakbench_worker_restarts_total{role="producer"}');

    const acked = await pauseAndSettle(d, 30_000);
    // Gaps are judged 5 s (lateAfterMs) after they open: wait for the counters to settle.
    const settled = await waitStable(
      'integrity counters',
      async () => {
        const s = await status();
        return { ...s.integrity, received: s.totals.messagesReceived };
      },
      7_000,
      40_000,
    );
    t.diagnostic(`acknowledged ${acked}, received ${settled.received}; ${JSON.stringify(settled)}`);
    assert.equal(settled.lost, 0, 'lost');
    assert.equal(settled.duplicated, 0, 'duplicated');
    assert.equal(settled.undecidedGaps, 0, 'every gap decided');
    assert.ok(settled.received >= acked - 200, 'the consumers read what was acknowledged');
    stopped = true;
    assert.equal(await within('daemon exit', d.stop(60_000), 65_000), 0, d.output());
  });
});
