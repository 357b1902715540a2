/**
 * The broker-crash scenario shared by the restart tests: a daemon produces at a fixed rate into a
 * private broker, the broker is SIGKILLed, stays away for `downMs`, and is started again on its data.
 * Everything a test asserts on is recorded here; the scenario itself asserts nothing, so one run
 * serves several named tests.
 */

import { type PrivateBroker, startPrivateBroker } from '../../helpers/broker.js';
import { removeDir, tempDir } from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';
import {
  type DaemonStatus,
  endOffsets,
  type FaultDaemon,
  type HealthLog,
  killBrokerOnExit,
  metricValue,
  pauseAndSettle,
  startFaultDaemon,
  waitStable,
  watchHealth,
  writeDriver,
  writeFaultWorkload,
} from './fault-daemon.js';

export interface RestartOutcome {
  rate: number;
  partitions: number;
  topic: string;
  health: Omit<HealthLog, 'stop'>;
  killedAtMs: number;
  /** When `kafka.sh up` returned: the broker answered metadata requests again. */
  returnedAtMs: number;
  /** From the broker's return until soakbench_messages_sent_total grew again (undefined: it did not within 30 s). */
  resumeMs: number | undefined;
  /** soakbench_send_errors_total summed over reasons, and by reason from /status. */
  sendErrorsMetric: number;
  /** Acknowledged by soakbench once paused and settled. */
  acked: number;
  /** Messages in the topic (sum of end offsets, kcat). */
  present: number;
  /** /status after consumers caught up and the loss horizon passed. */
  final: DaemonStatus;
  /** /metrics read right after `final`. */
  finalMetrics: string;
  exitCode: number | null;
  /** From SIGTERM to the process's exit (paused, nothing in flight). */
  stopMs: number;
  output: string;
}

export const LATE_AFTER_MS = 5_000;

/**
 * Runs the scenario. `producerConfig`: the driver's producer properties (acks, idempotence). Cleans the
 * broker, the daemon and the temporary files whatever happens.
 */
export async function runBrokerRestart(o: {
  name: string;
  producerConfig: readonly string[];
  rate: number;
  downMs: number;
  log: (line: string) => void;
}): Promise<RestartOutcome> {
  const partitions = 4;
  const t0 = Date.now();
  const log = (line: string): void => o.log(`+${((Date.now() - t0) / 1000).toFixed(1)} s ${line}`);
  const dir = tempDir(o.name);
  let broker: PrivateBroker | undefined;
  let daemon: FaultDaemon | undefined;
  let health: HealthLog | undefined;
  let disarm: (() => void) | undefined;
  try {
    broker = await startPrivateBroker();
    disarm = killBrokerOnExit(broker);
    log(`private broker on ${broker.bootstrap}`);
    daemon = await startFaultDaemon({
      driver: writeDriver(dir, o.name, o.producerConfig),
      workload: writeFaultWorkload(dir, uniqueName(o.name), o.rate, partitions),
      bootstrap: broker.bootstrap,
      lateAfterMs: LATE_AFTER_MS,
    });
    const d = daemon;
    const sent = async (): Promise<number> => metricValue(await d.metrics(), 'soakbench_messages_sent_total');
    log('daemon ready');
    health = watchHealth(d);
    // Steady production before the fault.
    await new Promise((r) => setTimeout(r, 5_000));
    const before = await sent();
    log(`acknowledged before the crash: ${before}`);

    await broker.kill9();
    const killedAtMs = Date.now();
    // The fault's duration, not a wait for an event.
    await new Promise((r) => setTimeout(r, o.downMs));
    await broker.up();
    const returnedAtMs = Date.now();
    const atReturn = await sent();
    let resumeMs: number | undefined;
    const resumeDeadline = returnedAtMs + 30_000;
    while (Date.now() < resumeDeadline) {
      if ((await sent()) > atReturn) {
        resumeMs = Date.now() - returnedAtMs;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`broker back after ${returnedAtMs - killedAtMs} ms; producing again after ${resumeMs} ms`);
    // Produce a while after the return (every partition gets messages after any gap), until ready.
    const readyDeadline = Date.now() + 30_000;
    while ((await d.get('/readyz')).status !== 200 && Date.now() < readyDeadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    await health.stop();
    const sendErrorsMetric = metricValue(await d.metrics(), 'soakbench_send_errors_total');

    log('paused');
    const acked = await pauseAndSettle(d);
    log(`settled: ${acked} acknowledged`);
    const topic = (await d.status()).workload.topics[0]!;
    // Consumers have read all they will read and every gap is older than the loss horizon and decided.
    await waitStable(
      'consumed and integrity counts',
      async () => {
        const s = await d.status();
        // Undecided gaps wait for in-flight sends: not settled yet, so never "stable".
        return s.integrity.undecidedGaps > 0 ? Date.now() : [s.totals.messagesReceived, s.integrity];
      },
      LATE_AFTER_MS + 3_000,
      45_000,
    );
    const final = await d.status();
    const finalMetrics = await d.metrics();
    log('consumers and integrity settled');
    const present = (await endOffsets(broker.bootstrap, topic, partitions)).reduce((a, b) => a + b, 0);
    const stopStartMs = Date.now();
    const exitCode = await d.stop();
    const stopMs = Date.now() - stopStartMs;
    log(`daemon exited with ${exitCode}`);
    return {
      rate: o.rate,
      partitions,
      topic,
      health,
      killedAtMs,
      returnedAtMs,
      resumeMs,
      sendErrorsMetric,
      acked,
      present,
      final,
      finalMetrics,
      exitCode,
      stopMs,
      output: d.output(),
    };
  } finally {
    await health?.stop();
    daemon?.cli.kill();
    await daemon?.cli.exited;
    await broker?.clean();
    disarm?.();
    removeDir(dir);
  }
}
