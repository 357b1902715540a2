/**
 * `soakbench run`'s live progress line on a terminal: phase, time left, rate, p99 response time and errors,
 * redrawn in place once a second. Fed from the period callbacks the run already has (no work per message);
 * nothing at all is written when the output is not a terminal, so logs and pipes see only OMB's console lines.
 */
import type { PeriodStats } from '../stats/stats.js';

/** The part of a writable stream this needs (process.stdout in the CLI). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** What the run tells the progress line. All methods are cheap and may be called at any time. */
export interface ProgressSink {
  /** A phase starts ("warm-up", "test") and lasts `durationMs` (Infinity: until stopped). */
  phase(name: string, durationMs: number): void;
  /** A console period closed: its rate, p99 and errors become the line's. */
  period(p: PeriodStats): void;
  /** Clears the line before another line is printed; it is redrawn on the next tick. */
  clear(): void;
  /** Clears the line and stops redrawing. */
  stop(): void;
}

const CLEAR = '\r\x1b[K';
const TICK_MS = 1_000;

/** A progress line on `stream`, or undefined when the stream is not a terminal. */
export function createProgressLine(
  stream: ProgressStream,
  now: () => number = Date.now,
): ProgressSink | undefined {
  if (!stream.isTTY) return undefined;
  let phase = '';
  let endsAtMs = Number.POSITIVE_INFINITY;
  let last: PeriodStats | undefined;
  let shown = false;
  let timer: NodeJS.Timeout | undefined;

  const draw = (): void => {
    if (phase === '') return;
    const text = progressText(phase, endsAtMs - now(), last);
    // A pseudo-terminal may report 0 columns: then assume a common width.
    const width = Math.max(20, (stream.columns || 120) - 1);
    stream.write(`${CLEAR}${text.length > width ? text.slice(0, width) : text}`);
    shown = true;
  };
  const clear = (): void => {
    if (shown) stream.write(CLEAR);
    shown = false;
  };
  return {
    phase(name, durationMs) {
      phase = name;
      endsAtMs = now() + durationMs;
      if (!timer) {
        timer = setInterval(draw, TICK_MS);
        // The line must never keep the process alive.
        timer.unref();
      }
      draw();
    },
    period(p) {
      last = p;
    },
    clear,
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      phase = '';
      clear();
    },
  };
}

/** The line's text, e.g. `test 1:23 left | 2,000 msg/s | p99 12.3 ms | 0 errors`. */
export function progressText(phase: string, leftMs: number, p: PeriodStats | undefined): string {
  const left = Number.isFinite(leftMs) ? `${clock(Math.max(0, leftMs))} left` : 'until stopped';
  if (!p) return `${phase} ${left} | waiting for the first period`;
  const rate = Math.round(p.publishRate).toLocaleString('en-US');
  const p99 = (p.responseTime.p99 / 1000).toFixed(1);
  return `${phase} ${left} | ${rate} msg/s | p99 ${p99} ms | ${p.totalSendErrors} errors`;
}

function clock(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
