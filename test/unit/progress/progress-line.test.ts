/**
 * `soakbench run`'s progress line: drawn in place on a terminal with time left, rate, p99 and errors;
 * cleared before each console line; nothing at all written when stdout is not a terminal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createProgressLine,
  type ProgressStream,
  progressText,
} from '../../../src/progress/progress-line.js';
import type { PeriodStats } from '../../../src/stats/stats.js';

function stream(isTTY: boolean): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { isTTY, columns: 200, out, write: (t: string) => out.push(t) };
}

/** The fields of a period the line shows (latencies in µs, as Stats reports them). */
const period = {
  publishRate: 1999.6,
  totalSendErrors: 3,
  responseTime: { p99: 12_340 },
} as unknown as PeriodStats;

describe('progress line', () => {
  test('not a terminal: no progress line, so nothing extra is written', () => {
    const s = stream(false);
    assert.equal(createProgressLine(s), undefined);
    assert.deepEqual(s.out, []);
  });

  test('on a terminal: drawn in place, cleared before a console line, cleared when stopped', () => {
    const s = stream(true);
    let now = 1_000_000;
    const line = createProgressLine(s, () => now)!;
    line.phase('test', 90_000);
    assert.equal(s.out.at(-1), '\r\x1b[Ktest 1:30 left | waiting for the first period');
    line.period(period);
    now += 10_000;
    line.clear();
    assert.equal(s.out.at(-1), '\r\x1b[K');
    line.phase('test', 80_000);
    assert.equal(s.out.at(-1), '\r\x1b[Ktest 1:20 left | 2,000 msg/s | p99 12.3 ms | 3 errors');
    const before = s.out.length;
    line.stop();
    assert.deepEqual(s.out.slice(before), ['\r\x1b[K']);
    line.clear();
    assert.equal(s.out.length, before + 1, 'nothing more after stop');
  });

  test('text: hours, an endless phase, and a line cut to the terminal width', () => {
    assert.match(progressText('test', 3_723_000, period), /^test 1:02:03 left/);
    assert.match(progressText('test', Number.POSITIVE_INFINITY, period), /^test until stopped/);
    const s = { ...stream(true), columns: 30 };
    createProgressLine(s)!.phase('warm-up', 60_000);
    assert.ok((s.out.at(-1) ?? '').length <= '\r\x1b[K'.length + 29);
  });
});
