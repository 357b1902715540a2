import { basename, dirname, extname } from 'node:path';
import { describeValue, invalid, type SoakbenchError } from '../errors.js';
import { didYouMean } from './closest-match.js';
import { FileValidationError, invalidWorded } from './file-validation-error.js';
import {
  atMost,
  MAX_BACKLOG_GB,
  MAX_DURATION_MINUTES,
  MAX_JAVA_INT,
  MAX_MESSAGE_SIZE,
  MAX_PARTITIONS,
  MAX_PAYLOAD_POOL_BYTES,
  MAX_RATE,
  MAX_TOPICS,
  MIN_MESSAGE_SIZE,
} from './limits.js';
import { resolvePayloadPath } from './payload-path.js';
import { problemSink } from './problem-sink.js';
import { readRateProfile } from './rate-profile-block.js';
import { parseStructuredText, readStructuredFile } from './read-structured-file.js';
import { readSloBlock } from './slo-block.js';
import {
  KEY_DISTRIBUTOR_ALIASES,
  KEY_DISTRIBUTOR_TYPES,
  type KeyDistributorType,
  WORKLOAD_DEFAULTS,
  WORKLOAD_FIELDS,
  type Workload,
} from './workload.js';

/** Options of parseWorkload. */
export interface ParseWorkloadOptions {
  /** Where relative payloadFile paths start (default: the directory of `file`). */
  readonly baseDir?: string;
}

// Kafka's topic name rule (org.apache.kafka.common.internals.Topic#validate).
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Reads a workload file (YAML or JSON) and validates it; throws a FileValidationError listing every problem. */
export function loadWorkloadFile(path: string): Workload {
  return parseWorkload(readStructuredFile(path, 'INVALID_WORKLOAD'), path);
}

/** Parses workload text (an HTTP body, say); `file` names it in messages. */
export function parseWorkloadText(text: string, file: string, options: ParseWorkloadOptions = {}): Workload {
  return parseWorkload(parseStructuredText(text, file, 'INVALID_WORKLOAD'), file, options);
}

/**
 * Validates a parsed workload document and fills in OMB's defaults. Unlike OMB (Jackson with
 * FAIL_ON_UNKNOWN_PROPERTIES off), unknown keys, wrong types and impossible combinations are errors;
 * all of them are collected before throwing.
 */
export function parseWorkload(raw: unknown, file: string, options: ParseWorkloadOptions = {}): Workload {
  const errors: SoakbenchError[] = [];
  const bad = (field: string, expected: string, found: unknown): void => {
    errors.push(invalid('INVALID_WORKLOAD', { file, field }, expected, found));
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    bad('(document)', 'a mapping of workload fields (name, topics, messageSize …)', raw);
    throw new FileValidationError('INVALID_WORKLOAD', file, errors);
  }
  const doc = raw as Record<string, unknown>;
  // A key written without a value (`producerRate:`) is null, an error, not a silent default.
  const given = (field: string, fallback: unknown): unknown =>
    Object.hasOwn(doc, field) ? doc[field] : fallback;
  for (const key of Object.keys(doc)) {
    if (!WORKLOAD_FIELDS.includes(key)) {
      const expected = `a workload field${didYouMean(key, WORKLOAD_FIELDS)}`;
      errors.push(invalidWorded('INVALID_WORKLOAD', { file, field: key }, expected, 'an unknown field'));
    }
  }

  /**
   * Reads a number field; undefined when invalid (already reported). `max` and `unit` come from
   * limits.ts: a value past the bound is reported as "at most <max>".
   */
  const num = (
    field: keyof typeof WORKLOAD_DEFAULTS,
    kind: 'integer' | 'number' | 'ratio',
    max = MAX_JAVA_INT,
    unit = '',
  ): number | undefined => {
    const value = given(field, WORKLOAD_DEFAULTS[field]);
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= 0 &&
      (kind !== 'integer' || Number.isInteger(value)) &&
      (kind !== 'ratio' || value <= 1);
    if (ok && value <= max) return value;
    const expected = ok
      ? atMost(max, unit)
      : {
          integer: 'a whole number, 0 or more',
          number: 'a number, 0 or more (fractions allowed)',
          ratio: 'a number from 0 to 1',
        }[kind];
    bad(field, expected, value);
    return undefined;
  };

  const name = readName(given('name', undefined), Object.hasOwn(doc, 'name'), file, bad);
  let topics = num('topics', 'integer', MAX_TOPICS, 'topics');
  const partitionsPerTopic = num('partitionsPerTopic', 'integer', MAX_PARTITIONS, 'partitions');
  const messageSize = num(
    'messageSize',
    'integer',
    MAX_MESSAGE_SIZE,
    "bytes (librdkafka's largest message.max.bytes)",
  );
  const randomBytesRatio = num('randomBytesRatio', 'ratio');
  const randomizedPayloadPoolSize = num('randomizedPayloadPoolSize', 'integer');
  const subscriptionsPerTopic = num('subscriptionsPerTopic', 'integer');
  const producersPerTopic = num('producersPerTopic', 'integer');
  const consumerPerSubscription = num('consumerPerSubscription', 'integer');
  const producerRate = num('producerRate', 'number', MAX_RATE, 'messages/s');
  const consumerBacklogSizeGB = num('consumerBacklogSizeGB', 'number', MAX_BACKLOG_GB, 'GiB');
  const backlogDrainRatio = num('backlogDrainRatio', 'ratio');
  const testDurationMinutes = num(
    'testDurationMinutes',
    'number',
    MAX_DURATION_MINUTES,
    'minutes (a year; 0 runs until stopped)',
  );
  const warmupDurationMinutes = num(
    'warmupDurationMinutes',
    'number',
    MAX_DURATION_MINUTES,
    'minutes (a year)',
  );

  const useRandomizedPayloads = given('useRandomizedPayloads', WORKLOAD_DEFAULTS.useRandomizedPayloads);
  if (typeof useRandomizedPayloads !== 'boolean')
    bad('useRandomizedPayloads', 'true or false', useRandomizedPayloads);
  const keyDistributor = readKeyDistributor(given('keyDistributor', WORKLOAD_DEFAULTS.keyDistributor), bad);
  const existingTopics = Object.hasOwn(doc, 'existingTopics')
    ? readExistingTopics(doc.existingTopics, bad)
    : undefined;
  const topicPrefix = given('topicPrefix', WORKLOAD_DEFAULTS.topicPrefix);
  if (typeof topicPrefix !== 'string' || !/^[a-zA-Z0-9._-]{1,200}$/.test(topicPrefix)) {
    bad(
      'topicPrefix',
      '1 to 200 characters of a-z, A-Z, 0-9, ".", "_", "-" (a Kafka topic name)',
      topicPrefix,
    );
  }

  // Combinations. Each check runs only when the fields it reads are valid on their own.
  if (existingTopics !== undefined) {
    if (doc.topics !== undefined && topics !== undefined && topics !== existingTopics.length) {
      bad('topics', `${existingTopics.length} (the number of existingTopics) or no topics field`, topics);
    }
    topics = existingTopics.length;
  } else {
    if (topics === 0) bad('topics', 'a whole number, 1 or more (or existingTopics)', doc.topics);
    if (partitionsPerTopic === 0)
      bad('partitionsPerTopic', 'a whole number, 1 or more', doc.partitionsPerTopic);
  }
  if (messageSize !== undefined && messageSize < MIN_MESSAGE_SIZE) {
    // Smaller messages could not carry the prefix, and would be sent untimed and unchecked.
    bad(
      'messageSize',
      `at least ${MIN_MESSAGE_SIZE} bytes (each message starts with soakbench's ${MIN_MESSAGE_SIZE}-byte timing and sequence prefix)`,
      doc.messageSize,
    );
  }
  if (
    topics !== undefined &&
    partitionsPerTopic !== undefined &&
    existingTopics === undefined &&
    topics * partitionsPerTopic > MAX_PARTITIONS
  ) {
    const worded = `${topics} × ${partitionsPerTopic} = ${topics * partitionsPerTopic}`;
    const expected = `topics × partitionsPerTopic ${atMost(MAX_PARTITIONS)} partitions in all`;
    errors.push(invalidWorded('INVALID_WORKLOAD', { file, field: 'partitionsPerTopic' }, expected, worded));
  }
  if (
    useRandomizedPayloads === true &&
    messageSize !== undefined &&
    randomizedPayloadPoolSize !== undefined &&
    messageSize * randomizedPayloadPoolSize > MAX_PAYLOAD_POOL_BYTES
  ) {
    const worded = `${messageSize} × ${randomizedPayloadPoolSize} = ${messageSize * randomizedPayloadPoolSize} bytes`;
    const expected = `messageSize × randomizedPayloadPoolSize ${atMost(MAX_PAYLOAD_POOL_BYTES, 'bytes')} (the pool is allocated up front)`;
    errors.push(
      invalidWorded('INVALID_WORKLOAD', { file, field: 'randomizedPayloadPoolSize' }, expected, worded),
    );
  }
  if (producersPerTopic === 0) {
    bad(
      'producersPerTopic',
      'a whole number, 1 or more (OMB defaults to 0, which sends nothing)',
      doc.producersPerTopic,
    );
  }
  if (subscriptionsPerTopic !== undefined && subscriptionsPerTopic > 0 && consumerPerSubscription === 0) {
    bad(
      'consumerPerSubscription',
      'a whole number, 1 or more when subscriptionsPerTopic is above 0',
      doc.consumerPerSubscription,
    );
  }
  if (useRandomizedPayloads === true && randomizedPayloadPoolSize === 0) {
    bad(
      'randomizedPayloadPoolSize',
      'a whole number, 1 or more when useRandomizedPayloads is true',
      doc.randomizedPayloadPoolSize,
    );
  }
  // Extensions: a rate profile (which replaces producerRate) and SLO thresholds.
  const sink = problemSink('INVALID_WORKLOAD', file, errors);
  const hasProfile = Object.hasOwn(doc, 'rateProfile');
  const rateProfile = readRateProfile(doc, sink);
  if (hasProfile && Object.hasOwn(doc, 'producerRate')) {
    bad('producerRate', 'to be left out with a rateProfile (the profile sets the rate)', doc.producerRate);
  }
  const slo = Object.hasOwn(doc, 'slo') ? readSloBlock(doc.slo, 'slo', sink) : undefined;

  if (consumerBacklogSizeGB !== undefined && consumerBacklogSizeGB > 0) {
    if (producerRate === 0 && !hasProfile) {
      // OMB WorkloadGenerator: "Cannot probe producer sustainable rate when building backlog".
      bad(
        'consumerBacklogSizeGB',
        '0 when producerRate is 0 (the highest sustainable rate cannot be probed while a backlog builds)',
        consumerBacklogSizeGB,
      );
    }
    if (subscriptionsPerTopic === 0) {
      bad(
        'consumerBacklogSizeGB',
        '0 when subscriptionsPerTopic is 0 (a backlog needs a subscription to drain it)',
        consumerBacklogSizeGB,
      );
    }
  }

  const payloadFile = given('payloadFile', undefined);
  let payloadPath: string | undefined;
  if (payloadFile !== undefined && (typeof payloadFile !== 'string' || payloadFile.trim() === '')) {
    bad('payloadFile', 'a path to a file of messageSize bytes', payloadFile);
  } else if (typeof payloadFile === 'string') {
    const found = resolvePayloadPath(payloadFile, options.baseDir ?? dirname(file));
    if (found.path === undefined) {
      bad('payloadFile', `an existing file (tried ${found.tried.join(', ')})`, payloadFile);
    } else if (messageSize !== undefined && messageSize > 0 && found.sizeBytes !== messageSize) {
      const expected = `a file of ${messageSize} bytes (messageSize)`;
      const worded = `${found.path}: ${found.sizeBytes} bytes`;
      errors.push(invalidWorded('INVALID_WORKLOAD', { file, field: 'payloadFile' }, expected, worded));
    } else {
      payloadPath = found.path;
    }
  }

  if (errors.length > 0) throw new FileValidationError('INVALID_WORKLOAD', file, errors);
  return Object.freeze({
    name: name as string,
    topics: topics as number,
    partitionsPerTopic: partitionsPerTopic as number,
    messageSize: messageSize as number,
    payloadFile: payloadFile as string | undefined,
    payloadPath,
    useRandomizedPayloads: useRandomizedPayloads as boolean,
    randomBytesRatio: randomBytesRatio as number,
    randomizedPayloadPoolSize: randomizedPayloadPoolSize as number,
    subscriptionsPerTopic: subscriptionsPerTopic as number,
    producersPerTopic: producersPerTopic as number,
    consumerPerSubscription: consumerPerSubscription as number,
    producerRate: producerRate as number,
    consumerBacklogSizeGB: consumerBacklogSizeGB as number,
    backlogDrainRatio: backlogDrainRatio as number,
    testDurationMinutes: testDurationMinutes as number,
    warmupDurationMinutes: warmupDurationMinutes as number,
    keyDistributor: keyDistributor as KeyDistributorType,
    existingTopics,
    topicPrefix: topicPrefix as string,
    rateProfile,
    slo,
  });
}

type Report = (field: string, expected: string, found: unknown) => void;

function readName(value: unknown, present: boolean, file: string, bad: Report): string | undefined {
  if (!present) return basename(file, extname(file));
  if (typeof value === 'string' && value.trim() !== '') return value;
  bad('name', 'a non-empty string', value);
  return undefined;
}

function readKeyDistributor(value: unknown, bad: Report): KeyDistributorType | undefined {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  const type =
    upper === undefined
      ? undefined
      : (KEY_DISTRIBUTOR_TYPES.find((t) => t === upper) ?? KEY_DISTRIBUTOR_ALIASES[upper]);
  if (type !== undefined) return type;
  const accepted = [...KEY_DISTRIBUTOR_TYPES, ...Object.keys(KEY_DISTRIBUTOR_ALIASES)];
  const hint = typeof value === 'string' ? didYouMean(value, accepted) : '';
  bad('keyDistributor', `one of ${accepted.join(', ')}${hint}`, value);
  return undefined;
}

function readExistingTopics(value: unknown, bad: Report): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    bad('existingTopics', 'a non-empty list of topic names', value);
    return undefined;
  }
  let ok = true;
  const seen = new Set<string>();
  value.forEach((topic: unknown, i) => {
    if (typeof topic !== 'string' || !TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
      bad(
        `existingTopics[${i}]`,
        'a Kafka topic name (1 to 249 characters of a-z, A-Z, 0-9, ".", "_", "-")',
        topic,
      );
      ok = false;
    } else if (seen.has(topic)) {
      bad(`existingTopics[${i}]`, `a topic not already listed (${describeValue(topic)} is twice)`, topic);
      ok = false;
    }
    if (typeof topic === 'string') seen.add(topic);
  });
  return ok ? Object.freeze([...(value as string[])]) : undefined;
}
