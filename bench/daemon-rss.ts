/**
 * The daemon's footprint at a steady rate, for issue 4's note: how long a /metrics scrape takes, and
 * the daemon's resident memory over time.
 *
 * Starts `node bin/soakbench.js daemon` (the shipped local driver, one topic of 8 partitions, 1 KiB
 * messages, one subscription, producerRate = --rate), waits until it is ready and --warmup-seconds more,
 * times --scrapes scrapes of GET /metrics one after the other (wall time of the whole request on
 * loopback, body read), then samples every --sample-seconds for --minutes: the daemon's VmRSS
 * (/proc/<pid>/status), the summed VmRSS of its consumer child processes, heap used (prom-client's
 * nodejs_heap_size_used_bytes) and messages acknowledged. At the end it times the scrapes again,
 * stops the daemon with SIGTERM and prints a markdown section for bench/RESULTS.md on stdout.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/daemon-rss.js [--rate 10000] [--minutes 10]
 *      [--sample-seconds 30] [--scrapes 20] [--warmup-seconds 30] [--bootstrap 127.0.0.1:9092]
 */
import { loadavg } from 'node:os';
import {
  type DaemonProcess,
  metricValue,
  parseMetrics,
  rssKiB,
  sleep,
  startDaemon,
} from '../test/helpers/daemon.js';
import { benchArgs } from './lib/bench-args.js';

const args = benchArgs('daemon-rss', {
  rate: { type: 'string', default: '10000' },
  minutes: { type: 'string', default: '10' },
  'sample-seconds': { type: 'string', default: '30' },
  scrapes: { type: 'string', default: '20' },
  'warmup-seconds': { type: 'string', default: '30' },
  bootstrap: { type: 'string', default: process.env.SOAKBENCH_TEST_BOOTSTRAP ?? '127.0.0.1:9092' },
});
const rate = Number(args.rate);
const minutes = Number(args.minutes);
const sampleMs = Number(args['sample-seconds']) * 1000;
const scrapeCount = Number(args.scrapes);
const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
};

/** Wall times (ms) of `n` scrapes one after the other, and the size of the last body. */
async function timeScrapes(d: DaemonProcess, n: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const a = await d.request('GET', '/metrics');
    ms.push(performance.now() - t0);
    if (a.status !== 200) throw new Error(`GET /metrics: ${a.status}`);
    bytes = Buffer.byteLength(a.text);
    await sleep(100);
  }
  return { ms, bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

interface Sample {
  minute: number;
  rssKiB: number;
  consumersKiB: number;
  heapUsedBytes: number;
  sent: number;
}

async function main(): Promise<void> {
  const d = await startDaemon({
    label: 'bench-rss',
    bootstrap: args.bootstrap,
    workload: {
      producerRate: rate,
      partitionsPerTopic: 8,
      messageSize: 1024,
      useRandomizedPayloads: true,
      randomBytesRatio: 0.5,
      randomizedPayloadPoolSize: 1000,
    },
    env: { SOAKBENCH_LOG_LEVEL: 'warn', SOAKBENCH_SHUTDOWN_GRACE_MS: '30000' },
  });
  try {
    await d.waitReady(90_000);
    log(`daemon pid ${d.pid} ready on port ${d.port}; warming up ${args['warmup-seconds']} s`);
    await sleep(Number(args['warmup-seconds']) * 1000);
    const first = await timeScrapes(d, scrapeCount);
    log(`scrapes: median ${median(first.ms).toFixed(2)} ms, max ${Math.max(...first.ms).toFixed(2)} ms`);

    const samples: Sample[] = [];
    const startMs = Date.now();
    const take = async (): Promise<void> => {
      const m = parseMetrics((await d.request('GET', '/metrics')).text);
      const consumersKiB = d.childPids().reduce((sum, pid) => {
        try {
          return sum + rssKiB(pid);
        } catch {
          return sum;
        }
      }, 0);
      const s: Sample = {
        minute: (Date.now() - startMs) / 60_000,
        rssKiB: rssKiB(d.pid),
        consumersKiB,
        heapUsedBytes: metricValue(m, 'nodejs_heap_size_used_bytes'),
        sent: metricValue(m, 'soakbench_messages_sent_total'),
      };
      samples.push(s);
      log(`t=${s.minute.toFixed(1)} min RSS ${mib(s.rssKiB)} MiB consumers ${mib(s.consumersKiB)} MiB`);
    };
    await take();
    while (Date.now() - startMs < minutes * 60_000) {
      await sleep(Math.min(sampleMs, minutes * 60_000 - (Date.now() - startMs)));
      await take();
      if (!d.running()) throw new Error('the daemon exited');
    }
    const last = await timeScrapes(d, scrapeCount);
    const exit = await d.stop(60_000);
    const firstSample = samples[0]!;
    const lastSample = samples[samples.length - 1]!;
    const achieved = (lastSample.sent - firstSample.sent) / ((lastSample.minute - firstSample.minute) * 60);

    const out: string[] = [];
    out.push(`Command: \`node dist/bench/daemon-rss.js --rate ${rate} --minutes ${minutes}\``);
    out.push(
      `(1 topic × 8 partitions, 1 KiB messages, 1 subscription, broker ${args.bootstrap}; load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}). Achieved ${achieved.toFixed(0)} msg/s; SIGTERM exit code ${exit.code}.`,
    );
    out.push('');
    out.push('| /metrics scrape (loopback, ' + `${scrapeCount} in a row) | median | max | body |`);
    out.push('| --- | --- | --- | --- |');
    out.push(
      `| after ${args['warmup-seconds']} s warm-up | ${median(first.ms).toFixed(2)} ms | ${Math.max(...first.ms).toFixed(2)} ms | ${(first.bytes / 1024).toFixed(1)} KiB |`,
    );
    out.push(
      `| after ${minutes} min | ${median(last.ms).toFixed(2)} ms | ${Math.max(...last.ms).toFixed(2)} ms | ${(last.bytes / 1024).toFixed(1)} KiB |`,
    );
    out.push('');
    out.push('| minute | daemon RSS (MiB) | consumer processes RSS (MiB) | heap used (MiB) |');
    out.push('| --- | --- | --- | --- |');
    for (const s of samples) {
      out.push(
        `| ${s.minute.toFixed(1)} | ${mib(s.rssKiB)} | ${mib(s.consumersKiB)} | ${(s.heapUsedBytes / 1048576).toFixed(1)} |`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await d.dispose();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`daemon-rss: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
