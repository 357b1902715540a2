import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import type { TestResult } from './test-result.js';

export interface ResultFileOptions {
  /**
   * The workload part of the name. OMB uses the workload file's name without its extension (Benchmark.java);
   * default: the result's workload name.
   */
  workloadName?: string;
  /** Supplies the date in the name (local time, as Java's SimpleDateFormat). */
  clock?: Clock;
}

/**
 * OMB's result file name (Benchmark.java): `<workload>-<driver>-<yyyy-MM-dd-HH-mm-ss>.json`. Path separators in
 * the names become '-' (OMB workload names such as "1 topic / 100 partitions" contain '/'; OMB's chart script
 * replaces them the same way).
 */
export function resultFileName(workloadName: string, driverName: string, date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp =
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `-${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}`;
  return `${safe(workloadName)}-${safe(driverName)}-${stamp}.json`;
}

/** Writes the result as pretty JSON into `dir` (created if missing) under OMB's name; returns the path. */
export async function writeResultFile(
  dir: string,
  result: TestResult,
  options: ResultFileOptions = {},
): Promise<string> {
  const clock = options.clock ?? systemClock;
  const name = resultFileName(
    options.workloadName ?? result.workload,
    result.driver,
    new Date(clock.wallMs()),
  );
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

function safe(name: string): string {
  return name.replace(/[/\\]/g, '-');
}
