/**
 * The one set of bounds on what a user may ask for: workload files (workload-parser.ts), the HTTP API
 * (src/api/schemas.ts: PUT /rate, PUT /controller, PUT /workload) and the command-line flags
 * (src/commands/cli-flags.ts). Each bound says why it is where it is; a value past one is a typo or a
 * misunderstanding, and the error says "at most <bound>" with what was found.
 */
/** OMB's count fields are Java ints; past this OMB itself cannot read the file. */
export const MAX_JAVA_INT = 2_147_483_647;

/**
 * Messages per second, for the whole workload (producerRate, PUT /rate, --max-rate, the controller's
 * minRate/maxRate). OMB's own workloads ask for at most 10,000,000 (the *-10000k.yaml files, meaning
 * "as fast as it goes"); one generator process sends well under that, so anything above is a typo.
 */
export const MAX_RATE = 10_000_000;

/**
 * Bytes per message (messageSize). librdkafka refuses a message.max.bytes above 1,000,000,000
 * (CONFIGURATION.md: range 1000 .. 1000000000), so no bigger message can ever be produced.
 */
export const MAX_MESSAGE_SIZE = 1_000_000_000;

/**
 * The smallest messageSize: each message's value starts with a 28-byte prefix (run id, producer id,
 * sequence number, intended send time: src/worker/message-codec.ts). A smaller message cannot carry
 * it, so it would be sent without latency or integrity measurement, silently; it is an error instead.
 * A literal, not an import: the workload layer sits below the worker (docs/architecture.md "Seams");
 * test/unit/workload/limits.test.ts checks that it equals the codec's PREFIX_BYTES.
 */
export const MIN_MESSAGE_SIZE = 28;

/**
 * Bytes of payload buffers made before the run starts (messageSize × randomizedPayloadPoolSize, see
 * src/workload/payloads.ts: one slab for the whole pool). 1 GiB; Node's Buffer cannot exceed 4 GiB
 * and a pool past 1 GiB only costs memory: any pool of distinct payloads fits well below it.
 */
export const MAX_PAYLOAD_POOL_BYTES = 1024 ** 3;

/**
 * Topics one workload creates. OMB's largest workloads (1m-topic-*.yaml) create 1,000,000; creating
 * them already takes hours, so more is a typo.
 */
export const MAX_TOPICS = 1_000_000;

/**
 * Partitions one workload creates in all (topics × partitionsPerTopic), and so also per topic. OMB's
 * largest workloads create 1,000,000 (1,000,000 topics of 1); every partition costs the brokers files
 * and memory and the clients metadata, so a cluster-sized number beyond that is a typo.
 */
export const MAX_PARTITIONS = 1_000_000;

/**
 * Durations in minutes (testDurationMinutes, warmupDurationMinutes): one year. A soak test may run for
 * weeks; "until stopped" is written 0, not as a huge number.
 */
export const MAX_DURATION_MINUTES = 366 * 24 * 60;

/** consumerBacklogSizeGB: 1 PiB (1,048,576 GiB), beyond any cluster's disks. */
export const MAX_BACKLOG_GB = 1024 * 1024;

/** p99 targets in ms (--p99-target-ms, PUT /controller p99TargetMs): one hour, past any ack timeout. */
export const MAX_P99_TARGET_MS = 3_600_000;

/** --period-seconds: one hour between console lines; longer and a run says nothing for hours. */
export const MAX_PERIOD_SECONDS = 3_600;

/** The limits above as "at most …" text for errors and docs. */
export function atMost(bound: number, unit = ''): string {
  return `at most ${bound.toLocaleString('en-US')}${unit === '' ? '' : ` ${unit}`}`;
}

/** Producer processes at most (engine.producerProcesses, --producer-processes): a fork per process. */
export const MAX_PRODUCER_PROCESSES = 64;
