/**
 * Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`), and self time by file.
 * Run: node dist/bench/lib/cpuprofile-summary.js FILE.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { markdownTable } from './summary.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** Self time (sampled, µs deltas summed) per function and per file, largest first. */
export function summarizeProfile(profile: CpuProfile): {
  functions: SelfTime[];
  files: SelfTime[];
  totalMs: number;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample; it belongs to sample i (V8's convention).
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let totalUs = 0;
  const fns = new Map<string, SelfTime>();
  const files = new Map<string, SelfTime>();
  for (const [id, us] of selfUs) {
    totalUs += us;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = shortUrl(url);
    const name = functionName || '(anonymous)';
    const where = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, ms: 0, share: 0 };
    f.ms += us / 1000;
    fns.set(key, f);
    const fileKey = file || name;
    const g = files.get(fileKey) ?? { name: fileKey, where: '', ms: 0, share: 0 };
    g.ms += us / 1000;
    files.set(fileKey, g);
  }
  const finish = (m: Map<string, SelfTime>): SelfTime[] =>
    [...m.values()].map((s) => ({ ...s, share: s.ms / (totalUs / 1000) })).sort((a, b) => b.ms - a.ms);
  return { functions: finish(fns), files: finish(files), totalMs: totalUs / 1000 };
}

/** Paths relative to what matters: node_modules/<pkg>/…, dist/…, node:… */
function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/lib/cpuprofile-summary.js FILE.cpuprofile [top]\n');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 25);
  const { functions, files, totalMs } = summarizeProfile(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
  );
  const pct = (s: number): string => `${(s * 100).toFixed(1)} %`;
  process.stdout.write(`Sampled main-thread time: ${(totalMs / 1000).toFixed(1)} s\n\n`);
  process.stdout.write(
    `${markdownTable(
      ['self ms', 'share', 'function', 'where'],
      functions.slice(0, top).map((f) => [f.ms.toFixed(0), pct(f.share), f.name, f.where]),
    )}\n\n`,
  );
  process.stdout.write(
    `${markdownTable(
      ['self ms', 'share', 'file'],
      files.slice(0, 15).map((f) => [f.ms.toFixed(0), pct(f.share), f.name]),
    )}\n`,
  );
}
