/**
 * The Kafka client binding alone, as fast as it goes: what soakbench's producer path could reach at best
 * on this machine with @confluentinc/kafka-javascript. No schedule, no in-flight table, no statistics, no
 * prefix: a loop that hands librdkafka one pooled 1-KiB buffer after another (the binding's native
 * `produce`, as soakbench's driver calls it, with a number token per message), stays on a partition for
 * as many messages as one batch holds (`stickyMessages`, as soakbench does), and counts the delivery
 * reports (the binding's `delivery-report` event, with its background poll thread, as soakbench uses it).
 * Whatever soakbench adds per message shows as the gap between this and soakbench in bench/throughput.ts
 * (tool `binding`), which runs it.
 *
 * Run: node dist/bench/binding-producer.js --topic T --partitions 8 --seconds 20 [--bootstrap H:P]
 *      [--first-partition 0] [--message-size 1024] [--acks 1] [--linger-ms 1] [--batch-size 131072]
 *      [--props "k=v k=v"]
 * (--first-partition: where its sticky round robin starts, so that several of it side by side start apart.)
 * Prints one JSON line: {"acked":N,"failed":N,"sent":N,"seconds":S} — acknowledgements that arrived within
 * the measured seconds (from the first send), and every message handed to the client (all are delivered
 * before it exits: it flushes, then disconnects).
 */
import { randomBytes } from 'node:crypto';
import { Kafka, type RdKafkaProducer } from '../src/driver/kafka/client.js';
import { CODES } from '../src/driver/kafka/kafka-errors.js';
import { stickyMessages } from '../src/worker/partitioner.js';
import { benchArgs, splitArgs } from './lib/bench-args.js';

const args = benchArgs('binding-producer', {
  bootstrap: { type: 'string', default: '127.0.0.1:9092' },
  topic: { type: 'string' },
  partitions: { type: 'string', default: '8' },
  'first-partition': { type: 'string', default: '0' },
  seconds: { type: 'string', default: '20' },
  'message-size': { type: 'string', default: '1024' },
  acks: { type: 'string', default: '1' },
  'linger-ms': { type: 'string', default: '1' },
  'batch-size': { type: 'string', default: '131072' },
  /** More librdkafka or Java-named properties both clients know, space-separated key=value. */
  props: { type: 'string', default: '' },
});

if (args.topic === undefined) {
  process.stderr.write('binding-producer: --topic is required (see --help)\n');
  process.exit(2);
}

interface NativeProducer {
  produce(
    topic: string,
    partition: number,
    value: Buffer,
    key: null,
    timestamp: null,
    opaque: number,
  ): number;
}

const topic = args.topic;
const partitions = Number(args.partitions);
const seconds = Number(args.seconds);
const size = Number(args['message-size']);
const batchSize = Number(args['batch-size']);
const extra = Object.fromEntries(
  splitArgs(args.props)
    .filter((kv) => kv.includes('='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const QUEUE_FULL = CODES.ERR__QUEUE_FULL;
const PER_TURN = 5_000; // as soakbench's send loop: then let delivery reports in
/**
 * Messages sent and not yet reported to JavaScript at most, as soakbench's in-flight table (100,000).
 * Needed: librdkafka frees its queue when its background thread takes a report, but the binding hands
 * reports to JavaScript 100 per event-loop turn, so without a cap the binding's own report queue grows
 * without bound while the loop sends.
 */
const MAX_IN_FLIGHT = 100_000;

const producer: RdKafkaProducer = new Kafka.Producer({
  'bootstrap.servers': args.bootstrap,
  acks: args.acks,
  'linger.ms': Number(args['linger-ms']),
  'batch.size': batchSize,
  'compression.type': 'none',
  // soakbench's default when the driver file does not say (the Java client's).
  'max.in.flight.requests.per.connection': 5,
  ...extra,
  dr_cb: true,
} as never);

// A pool of payloads like soakbench's (randomBytesRatio 0.5 is irrelevant without compression).
const pool = Array.from({ length: 1_000 }, () => randomBytes(size));
const sticky = stickyMessages(batchSize, size);

let acked = 0;
let failed = 0;
let sent = 0;
let reported = 0;
let measuring = true;
producer.on('delivery-report', (err: unknown) => {
  reported++;
  if (!measuring) return;
  if (err) failed++;
  else acked++;
});

await new Promise<void>((resolve, reject) =>
  producer.connect({ timeout: 15_000 }, (err) => (err ? reject(err) : resolve())),
);
producer.setPollInBackground(true);
const native = (producer as unknown as { _client: NativeProducer })._client;

let partition = Number(args['first-partition']) % partitions;
let left = sticky;
let next = 0;
let token = 0;
const started = performance.now();
const deadline = started + seconds * 1000;

function turn(): void {
  if (performance.now() >= deadline) {
    measuring = false;
    const elapsed = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify({ acked, failed, sent, seconds: elapsed })}\n`);
    producer.flush(10_000, () => producer.disconnect(5_000, () => process.exit(0)));
    setTimeout(() => process.exit(0), 20_000).unref();
    return;
  }
  for (let i = 0; i < PER_TURN; i++) {
    if (sent - reported >= MAX_IN_FLIGHT) {
      setTimeout(turn, 1);
      return;
    }
    const code = native.produce(topic, partition, pool[next]!, null, null, token);
    if (code === QUEUE_FULL) {
      // librdkafka's queue is full: wait a millisecond for room, as soakbench's send loop does.
      setTimeout(turn, 1);
      return;
    }
    if (code !== 0) {
      failed++;
      break;
    }
    sent++;
    token = token === 1_000_000 ? 0 : token + 1;
    next = next + 1 === pool.length ? 0 : next + 1;
    if (--left === 0) {
      partition = partition + 1 === partitions ? 0 : partition + 1;
      left = sticky;
    }
  }
  setImmediate(turn);
}
turn();
