/**
 * Issue 12, part 4: a rolling restart of a 3-broker cluster under 2,000 msg/s through the daemon
 * (replication factor 3, min.insync.replicas=2, acks=all + enable.idempotence=true). Each broker in turn
 * is stopped cleanly (SIGTERM), stays away a while, is started on its data, and rejoins the ISR of every
 * partition before the next; then a preferred leader election moves leaders under load. Nothing may be
 * lost or duplicated, the topic holds exactly what soakbench counted as acknowledged, the daemon lives
 * through it, and the per-broker metrics show each stopped broker's gap. Runs its own cluster
 * (test/helpers/cluster.ts), so the shared broker is never disturbed. About 3 minutes here.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, tempDir } from '../../helpers/cli.js';
import {
  killAll,
  type PrivateCluster,
  replicatedDriverYaml,
  startPrivateCluster,
  waitInIsr,
} from '../../helpers/cluster.js';
import { uniqueName } from '../../helpers/kafka.js';
import {
  type DaemonStatus,
  endOffsets,
  type FaultDaemon,
  type HealthLog,
  metricValue,
  pauseAndSettle,
  startFaultDaemon,
  waitStable,
  watchHealth,
  writeFaultWorkload,
} from './fault-daemon.js';

const RATE = 2_000;
const PARTITIONS = 6;
/** How long each broker stays stopped: two leader refreshes (5 s each) and a few statistics, with room. */
const DOWN_MS = 16_000;
const LATE_AFTER_MS = 10_000;

/** Per broker: what the metrics said while it was stopped. */
interface BrokerRound {
  broker: number;
  /** Its response-time count a while after the stop, and when it was started again. */
  countAfterStop: number;
  countAtStart: number;
  /** The connection states /metrics showed for it while stopped (absent: librdkafka dropped it). */
  statesSeen: string[];
  stopMs: number;
  startMs: number;
  isrMs: number;
}

function writeReplicatedDriver(dir: string, name: string): string {
  const path = join(dir, `${name}.yaml`);
  // The daemon's SOAKBENCH_BOOTSTRAP_SERVERS (the private cluster) overrides this address.
  writeFileSync(path, replicatedDriverYaml(name, '127.0.0.1:9092'));
  return path;
}

/** The state label at 1 for `broker` in the text of /metrics, or "absent". */
function brokerState(metrics: string, broker: number): string {
  const m = new RegExp(
    `^soakbench_librdkafka_broker_state\\{broker="${broker}",state="(\\w+)"\\} 1$`,
    'm',
  ).exec(metrics);
  return m?.[1] ?? 'absent';
}

function responseCount(metrics: string, broker: number): number {
  try {
    return metricValue(metrics, 'soakbench_publish_response_time_seconds_count', `broker="${broker}"`);
  } catch {
    return 0;
  }
}

describe('rolling restart of 3 brokers under 2,000 msg/s, RF 3, min.insync.replicas=2, acks=all + idempotence', () => {
  const name = 'rolling-restart';
  const dir = tempDir(name);
  const t0 = Date.now();
  const log = (line: string): void =>
    void process.stderr.write(`# +${((Date.now() - t0) / 1000).toFixed(1)} s ${line}\n`);
  let cluster: PrivateCluster | undefined;
  let daemon: FaultDaemon | undefined;
  let health: HealthLog | undefined;
  const rounds: BrokerRound[] = [];
  let electionOutput = '';
  let countsBeforeElection: number[] = [];
  let countsAfterElection: number[] = [];
  let acked = 0;
  let present = 0;
  let final: DaemonStatus | undefined;
  let finalMetrics = '';
  let exitCode: number | null = null;
  const onExit = (): void => {
    if (cluster) killAll(cluster.dir);
  };

  before(
    async () => {
      process.once('exit', onExit);
      cluster = await startPrivateCluster(3);
      const c = cluster;
      log(`cluster on ${c.bootstrap}`);
      daemon = await startFaultDaemon({
        driver: writeReplicatedDriver(dir, name),
        workload: writeFaultWorkload(dir, uniqueName(name), RATE, PARTITIONS),
        bootstrap: c.bootstrap,
        lateAfterMs: LATE_AFTER_MS,
        env: { SOAKBENCH_KAFKA_STATISTICS_INTERVAL_MS: '1000' },
        readyTimeoutMs: 90_000,
      });
      const d = daemon;
      health = watchHealth(d);
      const topic = (await d.status()).workload.topics[0]!;
      log(`daemon producing into ${topic}`);
      await new Promise((r) => setTimeout(r, 5_000));

      for (let n = 1; n <= 3; n++) {
        const stopAt = Date.now();
        await c.stopBroker(n);
        const stopMs = Date.now() - stopAt;
        const statesSeen = new Set<string>();
        // The stop's duration is the fault; meanwhile, what /metrics says about the broker.
        const downUntil = Date.now() + DOWN_MS;
        let countAfterStop = -1;
        while (Date.now() < downUntil) {
          const m = await d.metrics();
          statesSeen.add(brokerState(m, n));
          // A message is labelled with the leader known when it was sent (leaders are refreshed every 5 s,
          // src/worker/leader-refresh.ts), so sends of the last refresh period before the stop, and their
          // retries, may still be acked under its id; two refresh periods after the stop none are left.
          if (countAfterStop < 0 && Date.now() - stopAt > 12_000) countAfterStop = responseCount(m, n);
          await new Promise((r) => setTimeout(r, 500));
        }
        const countAtStart = responseCount(await d.metrics(), n);
        const startAt = Date.now();
        await c.startBroker(n);
        const startMs = Date.now() - startAt;
        const isrAt = Date.now();
        await waitInIsr(c.bootstrap, topic, n, PARTITIONS, 120_000);
        const isrMs = Date.now() - isrAt;
        rounds.push({
          broker: n,
          countAfterStop,
          countAtStart,
          statesSeen: [...statesSeen],
          stopMs,
          startMs,
          isrMs,
        });
        log(
          `broker ${n}: stopped in ${stopMs} ms, states ${[...statesSeen]}, started in ${startMs} ms, in every ISR after ${isrMs} ms more`,
        );
      }

      // After the roll the last broker leads nothing: a preferred election gives every broker its leaders back.
      await new Promise((r) => setTimeout(r, 6_000));
      const m0 = await d.metrics();
      countsBeforeElection = [1, 2, 3].map((n) => responseCount(m0, n));
      electionOutput = await c.tool('kafka-leader-election', [
        '--bootstrap-server',
        c.bootstrap,
        '--election-type',
        'PREFERRED',
        '--all-topic-partitions',
      ]);
      log(`preferred leader election: ${electionOutput.trim().split('\n')[0]}`);
      // Two leader refreshes, then production on the elected leaders.
      await new Promise((r) => setTimeout(r, 12_000));
      await health.stop();

      acked = await pauseAndSettle(d, 60_000);
      log(`paused, settled: ${acked} acknowledged`);
      await waitStable(
        'consumed and integrity counts',
        async () => {
          const s = await d.status();
          return s.integrity.undecidedGaps > 0 ? Date.now() : [s.totals.messagesReceived, s.integrity];
        },
        LATE_AFTER_MS + 3_000,
        90_000,
      );
      final = await d.status();
      finalMetrics = await d.metrics();
      countsAfterElection = [1, 2, 3].map((n) => responseCount(finalMetrics, n));
      present = (await endOffsets(c.bootstrap, topic, PARTITIONS)).reduce((a, b) => a + b, 0);
      exitCode = await d.stop();
      log(`daemon exited with ${exitCode}; whole scenario ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    },
    { timeout: 600_000 },
  );

  after(async () => {
    await health?.stop();
    daemon?.cli.kill();
    await daemon?.cli.exited;
    await cluster?.clean();
    process.removeListener('exit', onExit);
    removeDir(dir);
  });

  test('the daemon process lives through every stop, start and the election, and exits 0 on SIGTERM', () => {
    assert.ok(health, 'the scenario ran');
    assert.equal(health.deadPolls, 0, 'the daemon process died during the roll');
    assert.deepEqual(health.healthFailures, [], '/healthz must answer 200 throughout');
    assert.equal(exitCode, 0, `exit code\n${daemon?.output()}`);
  });

  test('nothing lost or duplicated; the topic end offsets (kcat) equal the acknowledged count', (t) => {
    const i = final!.integrity;
    t.diagnostic(
      `acknowledged ${acked}, in the topic ${present}, received ${final!.totals.messagesReceived}; lost ${i.lost}, duplicated ${i.duplicated}, out of order ${i.outOfOrder}, send errors ${JSON.stringify(final!.totals.sendErrorsByReason)}`,
    );
    assert.equal(i.lost, 0, 'lost');
    assert.equal(i.duplicated, 0, 'duplicated');
    assert.equal(metricValue(finalMetrics, 'soakbench_messages_lost_total'), 0);
    assert.equal(metricValue(finalMetrics, 'soakbench_messages_duplicated_total'), 0);
    assert.ok(acked > RATE * 30, `produced throughout: ${acked}`);
    assert.equal(present, acked, 'topic end offsets vs acknowledged by soakbench');
  });

  test("each stopped broker's metrics show the gap: no acks under its id, its connection not up", (t) => {
    t.diagnostic(JSON.stringify(rounds));
    assert.equal(rounds.length, 3);
    for (const r of rounds) {
      assert.ok(r.countAfterStop >= 0, `broker ${r.broker}: no reading during the stop`);
      assert.equal(
        r.countAtStart,
        r.countAfterStop,
        `broker ${r.broker}: acks under its id while it was stopped`,
      );
      assert.ok(
        r.statesSeen.some((s) => s === 'down' || s === 'absent'),
        `broker ${r.broker}: shown ${r.statesSeen} while stopped`,
      );
    }
  });

  test('after the preferred leader election every broker acknowledges again under its own id', (t) => {
    t.diagnostic(`before ${countsBeforeElection}, after ${countsAfterElection}; ${electionOutput.trim()}`);
    for (let i = 0; i < 3; i++) {
      assert.ok(
        countsAfterElection[i]! > countsBeforeElection[i]!,
        `broker ${i + 1}: no acks after the election`,
      );
    }
  });
});
