import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatAggregatedLine, formatPeriodLine } from '../../../src/results/console-lines.js';
import type { CumulativeLatencySummary } from '../../../src/stats/latency-recorder.js';
import type { LatencySummary } from '../../../src/stats/latency-summary.js';
import type { CumulativeStats, PeriodStats } from '../../../src/stats/stats.js';

const MIB = 1024 * 1024;

function latency(v: Partial<LatencySummary>): LatencySummary {
  return {
    count: 1,
    avg: 0,
    p50: 0,
    p75: 0,
    p95: 0,
    p99: 0,
    p999: 0,
    p9999: 0,
    max: 0,
    overflowCount: 0,
    underflowCount: 0,
    ...v,
  };
}

function period(v: Partial<PeriodStats>): PeriodStats {
  const none = latency({});
  return {
    startNs: 0,
    endNs: 10e9,
    elapsedSeconds: 10,
    messagesSent: 0,
    bytesSent: 0,
    sendErrors: 0,
    sendErrorsByReason: {},
    sendAttempts: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    publishRate: 0,
    publishBytesRate: 0,
    errorRate: 0,
    consumeRate: 0,
    consumeBytesRate: 0,
    totalMessagesSent: 0,
    totalMessagesReceived: 0,
    totalSendErrors: 0,
    backlog: 0,
    publishLatency: none,
    publishDelay: none,
    responseTime: none,
    responseTimeWindow: none,
    endToEnd: none,
    ...v,
  };
}

describe('OMB console lines', () => {
  test('the periodic line, in OMB format and padding, latencies in ms then µs', () => {
    const line = formatPeriodLine(
      period({
        publishRate: 5000.3,
        publishBytesRate: 4.9 * MIB,
        consumeRate: 5000.1,
        consumeBytesRate: 4.9 * MIB,
        publishLatency: latency({ avg: 1200, p50: 1100, p99: 2300, p999: 4500, max: 8900 }),
        publishDelay: latency({ avg: 56, p50: 50, p99: 120, p999: 300, max: 900 }),
      }),
    );
    assert.equal(
      line,
      'Pub rate  5000.3 msg/s /  4.9 MB/s | Pub err     0.0 err/s | Cons rate  5000.1 msg/s /  4.9 MB/s' +
        ' | Backlog:  0.0 K | Pub Latency (ms) avg:  1.2 - 50%:  1.1 - 99%:  2.3 - 99.9%:  4.5 - Max:  8.9' +
        ' | Pub Delay Latency (us) avg: 56.0 - 50%: 50.0 - 99%: 120.0 - 99.9%: 300.0 - Max: 900.0',
    );
  });

  test('backlog in thousands, errors per second, wide values never truncated', () => {
    const line = formatPeriodLine(
      period({
        publishRate: 1_234_567.8,
        publishBytesRate: 1205.6 * MIB,
        errorRate: 12.5,
        backlog: 12_345,
        publishLatency: latency({ max: 30_000_000 }),
      }),
    );
    assert.match(line, /^Pub rate 1234567\.8 msg\/s /);
    assert.match(line, / 1205\.6 MB\/s \| Pub err {4}12\.5 err\/s \| /);
    assert.match(line, /\| Backlog: 12\.3 K \|/);
    assert.match(line, / - Max: 30000\.0 \| Pub Delay/);
  });

  test('the aggregated line, with OMB double space and half-even rounding of exact ties', () => {
    const q = (v: Partial<LatencySummary>): CumulativeLatencySummary => ({ ...latency(v), quantiles: [] });
    const c = {
      publishLatency: q({ avg: 1250, p50: 1100, p95: 2000, p99: 2300, p999: 4500, p9999: 7000, max: 8900 }),
      publishDelay: q({ avg: 56.25, p50: 50, p95: 100, p99: 120, p999: 300, p9999: 600, max: 900 }),
    } as CumulativeStats;
    assert.equal(
      formatAggregatedLine(c),
      '----- Aggregated Pub Latency (ms) avg:  1.2 - 50%:  1.1 - 95%:  2.0 - 99%:  2.3 - 99.9%:  4.5' +
        ' - 99.99%:  7.0 - Max:  8.9 | Pub Delay (us)  avg: 56.2 - 50%: 50.0 - 95%: 100.0 - 99%: 120.0' +
        ' - 99.9%: 300.0 - 99.99%: 600.0 - Max: 900.0',
    );
  });
});
