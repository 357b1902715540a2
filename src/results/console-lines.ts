import type { CumulativeStats, PeriodStats } from '../stats/stats.js';
import { formatPadded } from './java-format.js';

// OMB WorkloadGenerator.java: rateFormat = PaddingDecimalFormat("0.0", 7); throughputFormat and dec are
// PaddingDecimalFormat("0.0", 4).
const rate = (x: number): string => formatPadded(x, 7);
const throughput = (x: number): string => formatPadded(x, 4);
const dec = (x: number): string => formatPadded(x, 4);

/** OMB's MB: bytes / 1024 / 1024. */
const mb = (bytes: number): number => bytes / 1024 / 1024;
const ms = (us: number): number => us / 1000;

/**
 * OMB's periodic console line (WorkloadGenerator.printAndCollectStats), without the logger's prefix:
 * `Pub rate  5000.3 msg/s /  4.9 MB/s | Pub err     0.0 err/s | Cons rate ... | Pub Delay Latency (us) ... - Max: ...`
 */
export function formatPeriodLine(p: PeriodStats): string {
  const pub = p.publishLatency;
  const delay = p.publishDelay;
  return (
    `Pub rate ${rate(p.publishRate)} msg/s / ${throughput(mb(p.publishBytesRate))} MB/s` +
    ` | Pub err ${rate(p.errorRate)} err/s` +
    ` | Cons rate ${rate(p.consumeRate)} msg/s / ${throughput(mb(p.consumeBytesRate))} MB/s` +
    ` | Backlog: ${dec(p.backlog / 1000)} K` +
    ` | Pub Latency (ms) avg: ${dec(ms(pub.avg))} - 50%: ${dec(ms(pub.p50))} - 99%: ${dec(ms(pub.p99))}` +
    ` - 99.9%: ${dec(ms(pub.p999))} - Max: ${throughput(ms(pub.max))}` +
    ` | Pub Delay Latency (us) avg: ${dec(delay.avg)} - 50%: ${dec(delay.p50)} - 99%: ${dec(delay.p99)}` +
    ` - 99.9%: ${dec(delay.p999)} - Max: ${throughput(delay.max)}`
  );
}

/**
 * OMB's closing line for a run (the double space after "Pub Delay (us)" is OMB's):
 * `----- Aggregated Pub Latency (ms) avg: ... - Max: ... | Pub Delay (us)  avg: ... - Max: ...`
 */
export function formatAggregatedLine(c: CumulativeStats): string {
  const pub = c.publishLatency;
  const delay = c.publishDelay;
  return (
    `----- Aggregated Pub Latency (ms) avg: ${dec(ms(pub.avg))} - 50%: ${dec(ms(pub.p50))}` +
    ` - 95%: ${dec(ms(pub.p95))} - 99%: ${dec(ms(pub.p99))} - 99.9%: ${dec(ms(pub.p999))}` +
    ` - 99.99%: ${dec(ms(pub.p9999))} - Max: ${throughput(ms(pub.max))}` +
    ` | Pub Delay (us)  avg: ${dec(delay.avg)} - 50%: ${dec(delay.p50)} - 95%: ${dec(delay.p95)}` +
    ` - 99%: ${dec(delay.p99)} - 99.9%: ${dec(delay.p999)} - 99.99%: ${dec(delay.p9999)}` +
    ` - Max: ${throughput(delay.max)}`
  );
}
