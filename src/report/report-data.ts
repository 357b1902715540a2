/**
 * Turns checked results into the data a report page draws (web/report.js): quantile curves, per-period series
 * and summary rows. Plain JSON, inlined into the HTML.
 */
import { basename } from 'node:path';
import type { ReadResult } from './result-reader.js';

/** OMB prints and collects stats every 10 s (WorkloadGenerator.java); its results carry no period lengths. */
const OMB_PERIOD_SECONDS = 10;

/** A latency curve: percentiles (ascending, below 100) and the latency in ms at each. */
export interface QuantileCurve {
  percentiles: number[];
  latencyMs: number[];
}

export interface ReportRun {
  label: string;
  file: string;
  source: 'soakbench' | 'omb';
  workload: string;
  driver: string;
  quantiles: { publish: QuantileCurve; endToEnd: QuantileCurve; responseTime: QuantileCurve | null };
  /** Seconds since the start of the measured run at the end of each period. */
  time: number[];
  series: Record<string, (number | null)[]>;
  /** Summary rows by label; null when the result does not have the value. */
  summary: Record<string, number | string | null>;
}

export interface ReportData {
  title: string;
  generated: string;
  runs: ReportRun[];
}

/** The per-period series the page draws, by their name in the result. */
const SERIES = [
  'publishRate',
  'consumeRate',
  'backlog',
  'publishErrorRate',
  'publishLatency50pct',
  'publishLatency99pct',
  'publishLatency999pct',
  'endToEndLatency50pct',
  'endToEndLatency99pct',
  'endToEndLatency999pct',
  'publishResponseTime50pct',
  'publishResponseTime99pct',
  'publishResponseTime999pct',
];

export function reportData(results: ReadResult[], generated: Date): ReportData {
  const labels = uniqueLabels(results.map((r) => basename(r.file).replace(/\.json$/i, '')));
  const runs = results.map((r, i) => reportRun(r, labels[i]!));
  const title =
    runs.length === 1 ? `soakbench report: ${runs[0]!.workload}` : `soakbench report: ${runs.length} runs`;
  return { title, generated: generated.toISOString(), runs };
}

function reportRun(r: ReadResult, label: string): ReportRun {
  const f = r.fields;
  const periodSeconds = Array.isArray(f.periodSeconds)
    ? (f.periodSeconds as (number | null)[]).map((s) => s ?? OMB_PERIOD_SECONDS)
    : new Array<number>(r.periods).fill(OMB_PERIOD_SECONDS);
  let t = 0;
  const time = periodSeconds.map((s) => {
    t += s;
    return Math.round(t * 1000) / 1000;
  });
  const series: Record<string, (number | null)[]> = {};
  for (const name of SERIES) {
    if (Array.isArray(f[name])) series[name] = f[name] as (number | null)[];
  }
  const responseMap = f.aggregatedPublishResponseTimeQuantiles;
  return {
    label,
    file: basename(r.file),
    source: r.source,
    workload: f.workload as string,
    driver: f.driver as string,
    quantiles: {
      publish: curve(f.aggregatedPublishLatencyQuantiles as Record<string, number>),
      endToEnd: curve(f.aggregatedEndToEndLatencyQuantiles as Record<string, number>),
      responseTime: responseMap ? curve(responseMap as Record<string, number>) : null,
    },
    time,
    series,
    summary: summary(f, time[time.length - 1] ?? 0),
  };
}

/** Sorted by percentile; 100 itself is left out (the percentile axis is log(100 / (100 - p))). */
export function curve(map: Record<string, number>): QuantileCurve {
  const points = Object.entries(map)
    .map(([p, v]) => [Number(p), v] as const)
    .filter(([p]) => p < 100)
    .sort((a, b) => a[0] - b[0]);
  return { percentiles: points.map((p) => p[0]), latencyMs: points.map((p) => p[1]) };
}

function summary(f: Record<string, unknown>, seconds: number): Record<string, number | string | null> {
  const n = (name: string): number | null => (typeof f[name] === 'number' ? (f[name] as number) : null);
  const mean = (name: string): number | null => {
    const list = (f[name] as (number | null)[]).filter((v): v is number => v !== null);
    return list.length === 0 ? null : list.reduce((a, b) => a + b, 0) / list.length;
  };
  return {
    workload: f.workload as string,
    driver: f.driver as string,
    source: f.soakbenchVersion === undefined ? 'OMB' : `soakbench ${String(f.soakbenchVersion)}`,
    'message size (bytes)': n('messageSize'),
    'topics × partitions': `${n('topics') ?? '?'} × ${n('partitions') ?? '?'}`,
    'producers / consumers per topic': `${n('producersPerTopic') ?? '?'} / ${n('consumersPerTopic') ?? '?'}`,
    'measured (s)': n('testSeconds') ?? seconds,
    'publish rate, mean (msg/s)': mean('publishRate'),
    'consume rate, mean (msg/s)': mean('consumeRate'),
    'publish errors, mean (err/s)': mean('publishErrorRate'),
    'publish latency avg (ms)': n('aggregatedPublishLatencyAvg'),
    'publish latency p50 (ms)': n('aggregatedPublishLatency50pct'),
    'publish latency p99 (ms)': n('aggregatedPublishLatency99pct'),
    'publish latency p99.9 (ms)': n('aggregatedPublishLatency999pct'),
    'publish latency max (ms)': n('aggregatedPublishLatencyMax'),
    'publish response time p99 (ms)': n('aggregatedPublishResponseTime99pct'),
    'end-to-end latency avg (ms)': n('aggregatedEndToEndLatencyAvg'),
    'end-to-end latency p50 (ms)': n('aggregatedEndToEndLatency50pct'),
    'end-to-end latency p99 (ms)': n('aggregatedEndToEndLatency99pct'),
    'end-to-end latency p99.9 (ms)': n('aggregatedEndToEndLatency999pct'),
    'end-to-end latency max (ms)': n('aggregatedEndToEndLatencyMax'),
    'messages lost': n('messagesLost'),
    'messages duplicated': n('messagesDuplicated'),
    'messages out of order': n('messagesOutOfOrder'),
    'max sustainable rate (msg/s)': n('maxSustainableRate'),
  };
}

/** File names, made unique with a counter when two results share one. */
function uniqueLabels(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}
