import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second in /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux here). */
const CLOCK_TICKS = 100;

/** user + system CPU seconds from the text of a /proc stat file, fields 14 and 15. */
export function statCpuSeconds(stat: string): number {
  // The command name (field 2) may contain spaces; fields after it start past the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds per thread name of a live process (/proc/<pid>/task/<tid>/stat), threads of the same
 * name summed with digits folded ("rdk:broker1" and "rdk:broker2" → "rdk:broker#"): which thread does
 * the work — node's main thread, librdkafka's, libuv's or V8's. Empty when the process is gone.
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat
        .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        .replace(/\d+/g, '#')
        .trim();
      out.set(name, (out.get(name) ?? 0) + statCpuSeconds(stat));
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/** The children of a process (Linux 3.5+ /proc/<pid>/task/<pid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
