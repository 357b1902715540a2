import type { RateProfileSpec } from '../rate/rate-profile-spec.js';
import type { SloThresholds } from '../slo/slo-thresholds.js';

/**
 * An OMB workload (openmessaging/benchmark Workload.java) with OMB's field names, defaults and meanings,
 * plus soakbench's extensions. Parsing and validation: workload-parser.ts.
 */

/** How producers pick message keys (OMB KeyDistributorType). */
export type KeyDistributorType = 'NO_KEY' | 'KEY_ROUND_ROBIN' | 'RANDOM_NANO';

export const KEY_DISTRIBUTOR_TYPES: readonly KeyDistributorType[] = [
  'NO_KEY',
  'KEY_ROUND_ROBIN',
  'RANDOM_NANO',
];

/** Short names accepted in files and normalised to OMB's. */
export const KEY_DISTRIBUTOR_ALIASES: Readonly<Record<string, KeyDistributorType>> = {
  ROUND_ROBIN: 'KEY_ROUND_ROBIN',
  RANDOM: 'RANDOM_NANO',
};

/** A validated workload. Every field has a value (OMB's default when the file leaves it out). */
export interface Workload {
  /** Shown in results (TestResult.workload). Default: the file name without extension. */
  readonly name: string;
  /** Number of topics to create. With existingTopics: their count. */
  readonly topics: number;
  /** Partitions of each created topic. With existingTopics, 0 means "as they are". */
  readonly partitionsPerTopic: number;
  /** Payload bytes per message. */
  readonly messageSize: number;
  /** payloadFile as written in the file, if any. */
  readonly payloadFile: string | undefined;
  /** payloadFile resolved to an existing file of messageSize bytes. */
  readonly payloadPath: string | undefined;
  /** Send payloads from a pool of part-random buffers instead of payloadFile (OMB: random wins). */
  readonly useRandomizedPayloads: boolean;
  /** Share (0..1) of each pooled payload that is random; the rest is zeros (compressible). */
  readonly randomBytesRatio: number;
  /** Number of pooled random payloads. */
  readonly randomizedPayloadPoolSize: number;
  /** Consumer groups per topic; 0 = produce only. */
  readonly subscriptionsPerTopic: number;
  readonly producersPerTopic: number;
  /** Consumers in each consumer group. */
  readonly consumerPerSubscription: number;
  /** Messages/s for the whole workload; 0 = find the highest sustainable rate. */
  readonly producerRate: number;
  /** Build this much backlog (GiB, 1024³ bytes) before starting consumers, then drain it. */
  readonly consumerBacklogSizeGB: number;
  /** Share of the backlog that must be drained before the run may end (OMB default 1.0). */
  readonly backlogDrainRatio: number;
  /** Measured duration; 0 = run until stopped. Fractions allowed. */
  readonly testDurationMinutes: number;
  /** Unmeasured traffic before the test (OMB default 1 minute). Fractions allowed. */
  readonly warmupDurationMinutes: number;
  readonly keyDistributor: KeyDistributorType;
  /**
   * Extension: use these topics instead of creating `topics` new ones. Consumers then start at the
   * end of each partition, so an old backlog is not counted as current consume rate.
   */
  readonly existingTopics: readonly string[] | undefined;
  /** Extension: prefix of created topic names (OMB's Kafka driver uses test-topic). */
  readonly topicPrefix: string;
  /**
   * Extension: the target rate over time instead of `producerRate` (`rateProfile` and `repeatProfile`,
   * docs/workloads.md "Rate profiles"); run it with RateProfile.fromSpec (src/rate/rate-profile.ts).
   */
  readonly rateProfile: RateProfileSpec | undefined;
  /** Extension: thresholds for the pass/fail verdict (docs/workloads.md "SLO verdicts"). */
  readonly slo: SloThresholds | undefined;
}

/** OMB's defaults (Java field initialisers; an int without one defaults to 0). */
export const WORKLOAD_DEFAULTS = Object.freeze({
  topics: 0,
  partitionsPerTopic: 0,
  messageSize: 0,
  useRandomizedPayloads: false,
  randomBytesRatio: 0,
  randomizedPayloadPoolSize: 0,
  subscriptionsPerTopic: 0,
  producersPerTopic: 0,
  consumerPerSubscription: 0,
  producerRate: 0,
  consumerBacklogSizeGB: 0,
  backlogDrainRatio: 1.0,
  testDurationMinutes: 0,
  warmupDurationMinutes: 1,
  keyDistributor: 'NO_KEY' as KeyDistributorType,
  topicPrefix: 'test-topic',
});

/** Every field a workload file may contain. */
export const WORKLOAD_FIELDS: readonly string[] = [
  'name',
  'topics',
  'partitionsPerTopic',
  'messageSize',
  'payloadFile',
  'useRandomizedPayloads',
  'randomBytesRatio',
  'randomizedPayloadPoolSize',
  'subscriptionsPerTopic',
  'producersPerTopic',
  'consumerPerSubscription',
  'producerRate',
  'consumerBacklogSizeGB',
  'backlogDrainRatio',
  'testDurationMinutes',
  'warmupDurationMinutes',
  'keyDistributor',
  'existingTopics',
  'topicPrefix',
  'rateProfile',
  'repeatProfile',
  'slo',
];

/**
 * True when the adaptive controller must find the rate (OMB's `producerRate: 0`): no producerRate and no
 * rateProfile. A profile workload has producerRate 0 too, so test this, not producerRate alone.
 */
export function findsSustainableRate(workload: Pick<Workload, 'producerRate' | 'rateProfile'>): boolean {
  return workload.producerRate === 0 && workload.rateProfile === undefined;
}
