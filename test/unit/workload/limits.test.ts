/**
 * The one set of limits (src/workload/limits.ts) as each entry point applies it: workload files,
 * PUT /rate and PUT /controller bodies. Each rejection states the bound ("at most …") and what was found;
 * values at the bound are accepted. (Flags: test/unit/commands/cli-flags.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, checkRate, controllerSchema } from '../../../src/api/schemas.js';
import { SoakbenchError } from '../../../src/errors.js';
import { PREFIX_BYTES } from '../../../src/worker/message-codec.js';
import {
  MAX_BACKLOG_GB,
  MAX_DURATION_MINUTES,
  MAX_MESSAGE_SIZE,
  MAX_PARTITIONS,
  MAX_RATE,
  MAX_TOPICS,
  MIN_MESSAGE_SIZE,
} from '../../../src/workload/limits.js';
import { parseWorkload } from '../../../src/workload/workload-parser.js';
import { expectProblems } from './expect-problem.js';

const FILE = 'w.yaml';
const BASE = { topics: 1, partitionsPerTopic: 1, messageSize: 100, producersPerTopic: 1 };
const parse = (fields: Record<string, unknown>) => parseWorkload({ ...BASE, ...fields }, FILE);
const problems = (fields: Record<string, unknown>, ...expected: Parameters<typeof expectProblems>[3]) =>
  expectProblems(() => parse(fields), FILE, 'INVALID_WORKLOAD', expected);

describe('limits: workload files', () => {
  test('absurd values are refused with the bound and the value found (issue 11)', () => {
    problems(
      { producerRate: 1e308 },
      { field: 'producerRate', expected: 'at most 10,000,000 messages/s', found: '1e+308' },
    );
    problems({ topics: 1e9 }, { field: 'topics', expected: 'at most 1,000,000 topics', found: '1000000000' });
    problems(
      { messageSize: 2e9 },
      { field: 'messageSize', expected: 'at most 1,000,000,000 bytes', found: '2000000000' },
    );
    problems(
      { testDurationMinutes: 1e12 },
      { field: 'testDurationMinutes', expected: 'at most 527,040 minutes', found: '1000000000000' },
    );
    problems(
      { warmupDurationMinutes: MAX_DURATION_MINUTES + 1 },
      {
        field: 'warmupDurationMinutes',
        expected: 'at most 527,040',
        found: String(MAX_DURATION_MINUTES + 1),
      },
    );
    problems(
      {
        consumerBacklogSizeGB: MAX_BACKLOG_GB * 2,
        subscriptionsPerTopic: 1,
        consumerPerSubscription: 1,
        producerRate: 1,
      },
      {
        field: 'consumerBacklogSizeGB',
        expected: 'at most 1,048,576 GiB',
        found: String(MAX_BACKLOG_GB * 2),
      },
    );
    problems(
      { producersPerTopic: 2 ** 31 },
      { field: 'producersPerTopic', expected: 'at most 2,147,483,647', found: String(2 ** 31) },
    );
  });

  test('values at the bounds are accepted', () => {
    const w = parse({
      producerRate: MAX_RATE,
      topics: MAX_TOPICS,
      partitionsPerTopic: 1,
      messageSize: MAX_MESSAGE_SIZE,
      testDurationMinutes: MAX_DURATION_MINUTES,
      warmupDurationMinutes: MAX_DURATION_MINUTES,
    });
    assert.deepEqual(
      [w.producerRate, w.topics, w.messageSize, w.testDurationMinutes],
      [MAX_RATE, MAX_TOPICS, MAX_MESSAGE_SIZE, MAX_DURATION_MINUTES],
    );
    assert.equal(parse({ topics: 1, partitionsPerTopic: MAX_PARTITIONS }).partitionsPerTopic, MAX_PARTITIONS);
  });

  test('partitions in all (topics × partitionsPerTopic) are bounded, not only each factor', () => {
    problems(
      { topics: 1000, partitionsPerTopic: 1001 },
      {
        field: 'partitionsPerTopic',
        expected: 'at most 1,000,000 partitions in all',
        found: '1000 × 1001 = 1001000',
      },
    );
    // existingTopics take the partitions they have: nothing is created, nothing to bound.
    assert.equal(
      parseWorkload(
        { existingTopics: ['a'], partitionsPerTopic: MAX_PARTITIONS, messageSize: 100, producersPerTopic: 1 },
        FILE,
      ).topics,
      1,
    );
  });

  test('a random payload pool past 1 GiB (allocated before the run) is refused', () => {
    problems(
      { messageSize: 10_000_000, useRandomizedPayloads: true, randomizedPayloadPoolSize: 1000 },
      {
        field: 'randomizedPayloadPoolSize',
        expected: 'at most 1,073,741,824 bytes',
        found: '10000000 × 1000',
      },
    );
    // The pool size does not matter without useRandomizedPayloads (no pool is made).
    assert.equal(parse({ messageSize: 10_000_000, randomizedPayloadPoolSize: 1000 }).messageSize, 10_000_000);
  });

  test('messageSize below the timing prefix is an error naming the prefix', () => {
    assert.equal(MIN_MESSAGE_SIZE, PREFIX_BYTES);
    problems(
      { messageSize: PREFIX_BYTES - 1 },
      { field: 'messageSize', expected: `at least ${PREFIX_BYTES} bytes`, found: String(PREFIX_BYTES - 1) },
    );
    problems(
      { messageSize: 1 },
      { field: 'messageSize', expected: 'timing and sequence prefix', found: '1' },
    );
    assert.equal(parse({ messageSize: PREFIX_BYTES }).messageSize, PREFIX_BYTES);
  });
});

describe('limits: HTTP bodies', () => {
  const refused = (fn: () => unknown, pattern: RegExp): void => {
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof SoakbenchError, String(err));
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, pattern);
      return true;
    });
  };

  test('PUT /rate: at most MAX_RATE, in both body forms', () => {
    assert.equal(checkRate(MAX_RATE), MAX_RATE);
    assert.equal(checkRate({ rate: MAX_RATE }), MAX_RATE);
    refused(() => checkRate(MAX_RATE + 1), /rate: expected .*at most 10,000,000 .*found 10000001/);
    refused(() => checkRate({ rate: 1e308 }), /rate: expected .*at most 10,000,000 .*found 1e\+308/);
  });

  test('PUT /controller: the rates and the p99 target say "at most" with the bound', () => {
    refused(
      () => check(controllerSchema, { maxRate: MAX_RATE * 2 }),
      /^maxRate: expected at most 10,000,000, found 20000000$/,
    );
    refused(
      () => check(controllerSchema, { p99TargetMs: 4e6 }),
      /^p99TargetMs: expected at most 3,600,000, found 4000000$/,
    );
    refused(() => check(controllerSchema, { minRate: 0 }), /^minRate: expected above 0, found 0$/);
    assert.deepEqual(check(controllerSchema, { maxRate: MAX_RATE }), { maxRate: MAX_RATE });
  });
});
