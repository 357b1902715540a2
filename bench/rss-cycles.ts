/**
 * Is the resident memory a daemon gains in a burst a high-water mark or a leak? Issue 12's soak saw RSS step
 * up at rolling restarts (a consumer catching up with a backlog, a producer queueing while leaders move) and
 * stay flat in between. This bench repeats the same burst: it starts a daemon (`bin/soakbench.js daemon`, the
 * shipped local driver, one topic of 8 partitions, 1 KiB messages, one subscription, --rate msg/s), and runs
 * --cycles backlog cycles (POST /backlog: consumers paused until --backlog-mb of unread messages, then
 * drained at full speed, the catch-up a consumer does after a stall). After each cycle and --settle-seconds
 * it samples the daemon's and the consumer processes' VmRSS. A leak grows with every cycle; a high-water mark
 * grows in the first and stays.
 *
 * Memory allocator settings of the environment (MALLOC_ARENA_MAX) reach the daemon and its children: run it
 * once with and once without to compare.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/rss-cycles.js [--rate 5000] [--cycles 6]
 *      [--backlog-mb 200] [--settle-seconds 10] [--bootstrap 127.0.0.1:9092]
 */
import { loadavg } from 'node:os';
import { type DaemonProcess, rssKiB, sleep, startDaemon } from '../test/helpers/daemon.js';
import { benchArgs } from './lib/bench-args.js';

const args = benchArgs('rss-cycles', {
  rate: { type: 'string', default: '5000' },
  cycles: { type: 'string', default: '6' },
  'backlog-mb': { type: 'string', default: '200' },
  'settle-seconds': { type: 'string', default: '10' },
  bootstrap: { type: 'string', default: process.env.SOAKBENCH_TEST_BOOTSTRAP ?? '127.0.0.1:9092' },
});
const rate = Number(args.rate);
const cycles = Number(args.cycles);
const backlogBytes = Number(args['backlog-mb']) * 1024 * 1024;
const settleMs = Number(args['settle-seconds']) * 1000;
for (const [name, v] of [
  ['--rate', rate],
  ['--cycles', cycles],
  ['--backlog-mb', backlogBytes],
  ['--settle-seconds', settleMs],
] as const) {
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`rss-cycles: ${name} must be a number above 0\n`);
    process.exit(2);
  }
}
const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
};
const mb = (kib: number): string => (kib / 1024).toFixed(1);

interface Sample {
  label: string;
  daemonKiB: number;
  consumersKiB: number;
  peakBacklog: number;
  seconds: number;
}

function sample(d: DaemonProcess, label: string, peakBacklog = 0, seconds = 0): Sample {
  const consumersKiB = d.childPids().reduce((a, pid) => a + rssKiB(pid), 0);
  return { label, daemonKiB: rssKiB(d.pid), consumersKiB, peakBacklog, seconds };
}

type Backlog = {
  inProgress: unknown;
  last: {
    completed: boolean;
    peakBacklogMessages: number;
    buildSeconds: number;
    drainSeconds: number;
  } | null;
};

async function backlogCycle(d: DaemonProcess, n: number): Promise<Backlog['last']> {
  const answer = await d.request('POST', '/backlog', {
    contentType: 'application/json',
    body: JSON.stringify({ sizeBytes: backlogBytes }),
  });
  if (answer.status !== 202) throw new Error(`POST /backlog: ${answer.status} ${answer.text}`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const b = (await d.getJson('/status')).body.backlog as Backlog;
    if (b.inProgress === null && b.last !== null) return b.last;
    if (Date.now() > deadline) throw new Error(`cycle ${n}: the backlog did not drain within 10 min`);
    await sleep(500);
  }
}

const started = new Date();
const loadBefore = loadavg();
const d = await startDaemon({
  label: 'rss-cycles',
  bootstrap: args.bootstrap,
  workload: { producerRate: rate, partitionsPerTopic: 8, messageSize: 1024 },
  env: { SOAKBENCH_CONSUMER_PROCESSES: '1', SOAKBENCH_LOG_LEVEL: 'warn' },
});
const samples: Sample[] = [];
try {
  await d.waitReady(60_000);
  await sleep(settleMs);
  samples.push(sample(d, 'before the first cycle'));
  log(`daemon ${mb(samples[0]!.daemonKiB)} MB, consumers ${mb(samples[0]!.consumersKiB)} MB`);
  for (let n = 1; n <= cycles; n++) {
    const last = await backlogCycle(d, n);
    if (!last?.completed) throw new Error(`cycle ${n} did not complete: ${JSON.stringify(last)}`);
    await sleep(settleMs);
    const s = sample(d, `after cycle ${n}`, last.peakBacklogMessages, last.buildSeconds + last.drainSeconds);
    samples.push(s);
    log(
      `cycle ${n}: peak backlog ${s.peakBacklog} messages; daemon ${mb(s.daemonKiB)} MB, consumers ${mb(s.consumersKiB)} MB`,
    );
  }
} finally {
  await d.stop(30_000).catch(() => {});
  await d.dispose();
}

const lastSample = samples[samples.length - 1]!;
const beforeLast = samples[samples.length - 2]!;
const out = [
  `### RSS over ${cycles} backlog cycles of ${args['backlog-mb']} MB at ${rate.toLocaleString('en-US')} msg/s (${started.toISOString()})`,
  '',
  `Command: \`${['node dist/bench/rss-cycles.js', ...process.argv.slice(2)].join(' ')}\`` +
    ` (MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? 'unset'}; 1 topic, 8 partitions, 1 KiB, 1 subscription, 1 consumer process).` +
    ` Load average before: ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}.`,
  '',
  '| sample | peak backlog (messages) | cycle (s) | daemon RSS (MB) | consumer process RSS (MB) |',
  '| --- | --- | --- | --- | --- |',
  ...samples.map(
    (s) =>
      `| ${s.label} | ${s.peakBacklog || '-'} | ${s.seconds ? s.seconds.toFixed(1) : '-'} | ${mb(s.daemonKiB)} | ${mb(s.consumersKiB)} |`,
  ),
  '',
  // A high-water mark may take more than one cycle to reach (the allocator's pieces): the last cycle says whether it was.
  `Growth in the last cycle: daemon ${mb(lastSample.daemonKiB - beforeLast.daemonKiB)} MB, consumer process ${mb(lastSample.consumersKiB - beforeLast.consumersKiB)} MB.`,
];
process.stdout.write(`${out.join('\n')}\n`);
