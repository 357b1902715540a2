/**
 * Cost of recording latencies on the hot path, JS against WebAssembly build of hdr-histogram-js.
 * Run: npx tsc -p tsconfig.json && node dist/bench/hdr-record.js [records]
 * Prints ns per call (best of 5 rounds) and the cost of a snapshot and of shipping a histogram.
 */
import { systemClock } from '../src/clock.js';
import { createHistogram, enableHdrWebAssembly } from '../src/stats/histogram-factory.js';
import { LatencyRecorder } from '../src/stats/latency-recorder.js';
import { Stats } from '../src/stats/stats.js';

const n = Number(process.argv[2] ?? 2_000_000);

// Latency-like values: mostly 1–3 ms with a tail, precomputed so the loop measures recording only.
const values = new Float64Array(65_536);
let seed = 12345;
for (let i = 0; i < values.length; i++) {
  seed = (seed * 16807) % 2147483647;
  const u = seed / 2147483647;
  values[i] = u < 0.99 ? 1000 + u * 2000 : u * 5_000_000;
}
const mask = values.length - 1;

function bestNsPerOp(run: () => void, ops: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / ops);
  }
  return best;
}

function msOf(run: () => void, times: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < times; i++) run();
  return Number(process.hrtime.bigint() - t0) / 1e6 / times;
}

const rows: [string, string][] = [];
for (const wasm of [false, true]) {
  if (wasm && !(await enableHdrWebAssembly())) {
    rows.push(['WebAssembly', 'not available']);
    continue;
  }
  const build = wasm ? 'wasm' : 'js';
  const raw = createHistogram({
    highestTrackableValue: 600_000_000,
    significantDigits: 3,
    useWebAssembly: wasm,
  });
  const rawNs = bestNsPerOp(() => {
    for (let i = 0; i < n; i++) raw.recordValue(Math.floor(values[i & mask]!));
  }, n);
  rows.push([`${build}: histogram.recordValue`, `${rawNs.toFixed(1)} ns`]);

  const rec = new LatencyRecorder({ useWebAssembly: wasm });
  const recNs = bestNsPerOp(() => {
    for (let i = 0; i < n; i++) rec.record(values[i & mask]!);
  }, n);
  rows.push([`${build}: LatencyRecorder.record`, `${recNs.toFixed(1)} ns`]);
  rows.push([
    `${build}: intervalSnapshot (after ${n} values)`,
    `${msOf(() => rec.intervalSnapshot(), 1).toFixed(2)} ms`,
  ]);
  for (let i = 0; i < 100_000; i++) rec.record(values[i & mask]!);
  const drainMs = msOf(() => {
    rec.addEncoded(rec.drainEncoded());
  }, 20);
  rows.push([`${build}: drainEncoded + addEncoded`, `${drainMs.toFixed(2)} ms`]);
  rows.push([
    `${build}: cumulativeWithQuantiles`,
    `${msOf(() => rec.cumulativeWithQuantiles(), 5).toFixed(2)} ms`,
  ]);

  const stats = new Stats({ clock: systemClock });
  const statsNs = bestNsPerOp(() => {
    for (let i = 0; i < n; i++) {
      const t = i * 20_000;
      const d = values[i & mask]!;
      stats.recordSendAttempt(t, t + 100_000);
      stats.recordAck(1024, t, t + 100_000, t + 100_000 + d * 1000);
    }
  }, n);
  rows.push([`${build}: Stats send attempt + ack (3 records)`, `${statsNs.toFixed(1)} ns/message`]);
  rows.push([
    `${build}: Stats.snapshotInterval`,
    `${msOf(() => stats.snapshotInterval(systemClock.nowNs()), 5).toFixed(2)} ms`,
  ]);
  raw.destroy();
  rec.destroy();
  stats.destroy();
}

const width = Math.max(...rows.map(([k]) => k.length));
console.log(`hdr-histogram-js, ${n} records per round, node ${process.version}`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
