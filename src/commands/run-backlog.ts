import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { ProgressSink } from '../progress/progress-line.js';
import {
  type BacklogResult,
  BYTES_PER_GB,
  buildAndDrainBacklog,
  formatBacklogLine,
} from '../worker/backlog-phase.js';
import type { LoadEngine } from '../worker/load-engine.js';
import type { Workload } from '../workload/workload.js';

/** A backlog phase running beside `run`'s test phase. */
export interface RunBacklog {
  /**
   * When the test phase may end (Date.now() ms): OMB keeps measuring until `testMs` after the drain
   * ended (WorkloadGenerator's needToWaitForBacklogDraining), so never before the drain.
   */
  endMs(testMs: number): number;
  /** The figures, or undefined if the phase failed (logged). */
  result: Promise<BacklogResult | undefined>;
}

/**
 * Starts OMB's backlog mode after warm-up when the workload asks for it (consumerBacklogSizeGB > 0),
 * concurrently with the test phase, as OMB does (src/worker/backlog-phase.ts, docs/workloads.md
 * "Backlog mode"). Prints when building and draining start and the figures at the end.
 */
export function startRunBacklog(
  engine: LoadEngine,
  workload: Workload,
  o: {
    clock: Clock;
    signal: AbortSignal;
    print: (line: string) => void;
    log: Logger;
    progress?: ProgressSink;
  },
): RunBacklog | undefined {
  if (!(workload.consumerBacklogSizeGB > 0)) return undefined;
  const { clock, signal, print, log, progress } = o;
  let doneAtMs = Number.POSITIVE_INFINITY;
  const result = buildAndDrainBacklog(engine, {
    sizeBytes: Math.round(workload.consumerBacklogSizeGB * BYTES_PER_GB),
    drainRatio: workload.backlogDrainRatio,
    messageSize: workload.messageSize,
    clock,
    signal,
    onStage: (stage, backlog) => {
      // The progress line counts no time down while the backlog phase lasts: its length is not known.
      progress?.phase(stage === 'building' ? 'backlog build' : 'backlog drain', Number.POSITIVE_INFINITY);
      print(
        stage === 'building'
          ? `----- Consumers paused: building a backlog of ${workload.consumerBacklogSizeGB} GB -----`
          : `----- Consumers resumed: draining a backlog of ${backlog} messages -----`,
      );
    },
  }).then(
    (r) => {
      const testMs = workload.testDurationMinutes * 60_000;
      progress?.phase('test', testMs > 0 ? testMs : Number.POSITIVE_INFINITY);
      print(formatBacklogLine(r));
      return r;
    },
    (err: unknown) => {
      log.error({ workload: workload.name, error: (err as Error).message }, 'backlog phase failed');
      print(`Backlog phase failed: ${(err as Error).message}`);
      return undefined;
    },
  );
  void result.then(() => {
    doneAtMs = Date.now();
  });
  return { endMs: (testMs) => doneAtMs + testMs, result };
}
