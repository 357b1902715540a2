import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SoakbenchError } from '../../../src/errors.js';
import { loadWorkloadFile, parseWorkload, parseWorkloadText } from '../../../src/workload/workload-parser.js';
import { expectProblems } from './expect-problem.js';
import { tempFiles } from './paths.js';

const FILE = 'w.yaml';
/** A minimal valid workload; tests override fields. */
const BASE = { topics: 1, partitionsPerTopic: 1, messageSize: 100, producersPerTopic: 1 };
const parse = (fields: Record<string, unknown>) => parseWorkload({ ...BASE, ...fields }, FILE);
const problems = (fields: Record<string, unknown>, ...expected: Parameters<typeof expectProblems>[3]) =>
  expectProblems(() => parse(fields), FILE, 'INVALID_WORKLOAD', expected);

describe('parseWorkload: defaults and accepted forms', () => {
  test("fills OMB's defaults for every field left out", () => {
    const w = parseWorkload(BASE, '/some/dir/my-load.yaml');
    assert.equal(w.name, 'my-load'); // the file name, without extension
    assert.equal(w.keyDistributor, 'NO_KEY');
    assert.equal(w.warmupDurationMinutes, 1);
    assert.equal(w.backlogDrainRatio, 1);
    assert.equal(w.testDurationMinutes, 0);
    assert.equal(w.producerRate, 0);
    assert.equal(w.consumerBacklogSizeGB, 0);
    assert.equal(w.subscriptionsPerTopic, 0);
    assert.equal(w.consumerPerSubscription, 0);
    assert.equal(w.useRandomizedPayloads, false);
    assert.equal(w.randomBytesRatio, 0);
    assert.equal(w.randomizedPayloadPoolSize, 0);
    assert.equal(w.payloadFile, undefined);
    assert.equal(w.existingTopics, undefined);
    assert.equal(w.topicPrefix, 'test-topic');
    assert.ok(Object.isFrozen(w));
  });

  test('keyDistributor aliases ROUND_ROBIN and RANDOM are normalised, case ignored', () => {
    assert.equal(parse({ keyDistributor: 'ROUND_ROBIN' }).keyDistributor, 'KEY_ROUND_ROBIN');
    assert.equal(parse({ keyDistributor: 'RANDOM' }).keyDistributor, 'RANDOM_NANO');
    assert.equal(parse({ keyDistributor: 'KEY_ROUND_ROBIN' }).keyDistributor, 'KEY_ROUND_ROBIN');
    assert.equal(parse({ keyDistributor: 'random_nano' }).keyDistributor, 'RANDOM_NANO');
    assert.equal(parse({ keyDistributor: 'NO_KEY' }).keyDistributor, 'NO_KEY');
  });

  test('fractional minutes are kept; testDurationMinutes 0 (run forever) is valid', () => {
    const w = parse({ testDurationMinutes: 0.25, warmupDurationMinutes: 0.1667 });
    assert.equal(w.testDurationMinutes, 0.25);
    assert.equal(w.warmupDurationMinutes, 0.1667);
    assert.equal(parse({ testDurationMinutes: 0 }).testDurationMinutes, 0);
  });

  test('producerRate 0 (find the highest sustainable rate) is valid without a backlog', () => {
    assert.equal(parse({ producerRate: 0, consumerBacklogSizeGB: 0 }).producerRate, 0);
  });

  test('YAML and JSON texts parse alike', () => {
    const yaml = parseWorkloadText(
      'topics: 2\npartitionsPerTopic: 3\nmessageSize: 100\nproducersPerTopic: 1\n',
      'a.yaml',
    );
    const json = parseWorkloadText(
      '{"topics": 2, "partitionsPerTopic": 3, "messageSize": 100, "producersPerTopic": 1}',
      'a.json',
    );
    assert.deepEqual({ ...yaml, name: '' }, { ...json, name: '' });
    assert.equal(yaml.topics, 2);
  });

  test('existingTopics replaces topics and partitionsPerTopic', () => {
    const w = parseWorkload(
      { existingTopics: ['orders', 'payments'], messageSize: 100, producersPerTopic: 1 },
      FILE,
    );
    assert.deepEqual(w.existingTopics, ['orders', 'payments']);
    assert.equal(w.topics, 2);
    assert.equal(w.partitionsPerTopic, 0);
  });

  test('topicPrefix is kept', () => {
    assert.equal(parse({ topicPrefix: 'soak.staging' }).topicPrefix, 'soak.staging');
  });
});

describe('parseWorkload: every mistake is an INVALID_WORKLOAD naming file, field, expected and found', () => {
  test('unknown key, with the closest known key suggested', () => {
    problems(
      { producerRat: 100 },
      { field: 'producerRat', expected: 'did you mean producerRate?', found: 'unknown field' },
    );
    problems(
      { ProducerRate: 100 },
      { field: 'ProducerRate', expected: 'did you mean producerRate?', found: 'unknown' },
    );
  });

  test('a typo in keyDistributor lists the accepted values', () => {
    problems(
      { keyDistributor: 'KEY_ROUND_ROBBIN' },
      {
        field: 'keyDistributor',
        expected: 'NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO, ROUND_ROBIN, RANDOM',
        found: '"KEY_ROUND_ROBBIN"',
      },
    );
  });

  test('negative values', () => {
    problems({ producerRate: -5 }, { field: 'producerRate', expected: '0 or more', found: '-5' });
    problems({ partitionsPerTopic: -1 }, { field: 'partitionsPerTopic', expected: '0 or more', found: '-1' });
  });

  test('non-numeric values', () => {
    problems({ messageSize: '1kb' }, { field: 'messageSize', expected: 'whole number', found: '"1kb"' });
    problems(
      { testDurationMinutes: 'five' },
      { field: 'testDurationMinutes', expected: 'a number', found: '"five"' },
    );
    problems({ producerRate: '100' }, { field: 'producerRate', expected: 'a number', found: '"100"' });
  });

  test('non-integers where OMB has integers', () => {
    problems({ topics: 1.5 }, { field: 'topics', expected: 'whole number', found: '1.5' });
    problems({ messageSize: 100.5 }, { field: 'messageSize', expected: 'whole number', found: '100.5' });
    problems(
      { producersPerTopic: 2.5 },
      { field: 'producersPerTopic', expected: 'whole number', found: '2.5' },
    );
  });

  test('ratios outside 0..1', () => {
    problems({ randomBytesRatio: 1.5 }, { field: 'randomBytesRatio', expected: 'from 0 to 1', found: '1.5' });
    problems({ backlogDrainRatio: 2 }, { field: 'backlogDrainRatio', expected: 'from 0 to 1', found: '2' });
  });

  test('wrong types for booleans and strings', () => {
    problems(
      { useRandomizedPayloads: 'yes' },
      { field: 'useRandomizedPayloads', expected: 'true or false', found: '"yes"' },
    );
    problems({ name: 42 }, { field: 'name', expected: 'non-empty string', found: '42' });
  });

  test('a key written without a value (null) is an error, not a silent default', () => {
    expectProblems(
      () =>
        parseWorkloadText(
          'topics: 1\npartitionsPerTopic: 1\nmessageSize: 100\nproducersPerTopic: 1\nproducerRate:\nkeyDistributor:\n',
          FILE,
        ),
      FILE,
      'INVALID_WORKLOAD',
      [
        { field: 'producerRate', expected: 'a number', found: 'null' },
        { field: 'keyDistributor', expected: 'NO_KEY', found: 'null' },
      ],
    );
  });

  test('producerRate 0 together with consumerBacklogSizeGB > 0', () => {
    problems(
      { producerRate: 0, consumerBacklogSizeGB: 1, subscriptionsPerTopic: 1, consumerPerSubscription: 1 },
      { field: 'consumerBacklogSizeGB', expected: 'when producerRate is 0', found: '1' },
    );
  });

  test('missing counts that OMB would default to a useless 0', () => {
    expectProblems(() => parseWorkload({}, FILE), FILE, 'INVALID_WORKLOAD', [
      { field: 'topics', expected: '1 or more', found: 'nothing' },
      { field: 'partitionsPerTopic', expected: '1 or more', found: 'nothing' },
      { field: 'messageSize', expected: 'at least 28 bytes', found: 'nothing' },
      { field: 'producersPerTopic', expected: '1 or more', found: 'nothing' },
    ]);
    problems(
      { subscriptionsPerTopic: 1 },
      { field: 'consumerPerSubscription', expected: 'subscriptionsPerTopic', found: 'nothing' },
    );
    problems(
      { useRandomizedPayloads: true },
      { field: 'randomizedPayloadPoolSize', expected: 'useRandomizedPayloads', found: 'nothing' },
    );
  });

  test('a backlog with no subscription to drain it', () => {
    problems(
      { producerRate: 10, consumerBacklogSizeGB: 1 },
      { field: 'consumerBacklogSizeGB', expected: 'subscriptionsPerTopic is 0', found: '1' },
    );
  });

  test('existingTopics: bad names, duplicates, a contradicting topics count', () => {
    problems(
      { existingTopics: [] },
      { field: 'existingTopics', expected: 'non-empty list', found: 'a list of 0' },
    );
    problems(
      { existingTopics: ['ok', 'bad name'] },
      { field: 'existingTopics[1]', expected: 'Kafka topic name', found: '"bad name"' },
    );
    problems(
      { existingTopics: ['a', 'a'] },
      { field: 'existingTopics[1]', expected: 'not already listed', found: '"a"' },
    );
    problems(
      { existingTopics: ['a', 'b'], topics: 3 },
      { field: 'topics', expected: '2 (the number of existingTopics)', found: '3' },
    );
    problems(
      { topicPrefix: 'has space' },
      { field: 'topicPrefix', expected: 'Kafka topic name', found: '"has space"' },
    );
  });

  test('all problems of a file are reported together, one per line', () => {
    const all = problems(
      { producerRat: 1, keyDistributor: 'nope', messageSize: -1, topics: 'x' },
      { field: 'producerRat', expected: 'producerRate', found: 'unknown' },
      { field: 'keyDistributor', expected: 'NO_KEY', found: '"nope"' },
      { field: 'messageSize', expected: '0 or more', found: '-1' },
      { field: 'topics', expected: 'whole number', found: '"x"' },
    );
    assert.equal(all.length, 4);
  });

  test('the document must be a mapping; YAML syntax errors and duplicate keys name their line', () => {
    expectProblems(() => parseWorkload([1, 2], FILE), FILE, 'INVALID_WORKLOAD', [
      { field: '(document)', expected: 'a mapping', found: 'a list of 2' },
    ]);
    expectProblems(() => parseWorkloadText('topics: 1\ntopics: 2\n', FILE), FILE, 'INVALID_WORKLOAD', [
      { field: 'line 2 column 1', expected: 'valid YAML or JSON', found: 'unique' },
    ]);
    expectProblems(() => parseWorkloadText('topics: [1\n', FILE), FILE, 'INVALID_WORKLOAD', [
      { field: 'line 2 column 1', expected: 'valid YAML or JSON', found: '' },
    ]);
  });
});

describe('parseWorkload: payloadFile', () => {
  const tree = tempFiles({});
  after(tree.cleanup);
  const { dir } = tree;
  const files = tempFiles({ 'p100.data': Buffer.alloc(100, 7), 'w.yaml': '' });
  after(files.cleanup);

  test('is resolved against the workload directory first', () => {
    const w = parseWorkload({ ...BASE, payloadFile: 'p100.data' }, join(files.dir, 'w.yaml'));
    assert.equal(w.payloadPath, join(files.dir, 'p100.data'));
  });

  test('is resolved against parent directories next (OMB layout: payload/ beside workloads/)', () => {
    const omb = tempFiles({});
    after(omb.cleanup);
    mkdirSync(join(omb.dir, 'workloads'));
    mkdirSync(join(omb.dir, 'payload'));
    writeFileSync(join(omb.dir, 'payload', 'p.data'), Buffer.alloc(100));
    const w = parseWorkload({ ...BASE, payloadFile: 'payload/p.data' }, join(omb.dir, 'workloads', 'x.yaml'));
    assert.equal(w.payloadPath, join(omb.dir, 'payload', 'p.data'));
  });

  test('whose size differs from messageSize is an error', () => {
    const file = join(files.dir, 'w.yaml');
    expectProblems(
      () => parseWorkload({ ...BASE, messageSize: 1024, payloadFile: 'p100.data' }, file),
      file,
      'INVALID_WORKLOAD',
      [{ field: 'payloadFile', expected: 'a file of 1024 bytes (messageSize)', found: '100 bytes' }],
    );
  });

  test('that is missing is an error listing the paths tried', () => {
    const file = join(dir, 'w.yaml');
    const [problem] = expectProblems(
      () => parseWorkload({ ...BASE, payloadFile: 'payload/missing.data' }, file),
      file,
      'INVALID_WORKLOAD',
      [
        {
          field: 'payloadFile',
          expected: `tried ${join(dir, 'payload/missing.data')}`,
          found: '"payload/missing.data"',
        },
      ],
    );
    assert.ok(problem?.expected?.includes('/payload/missing.data)'), 'the last path tried is at the root');
  });

  test('loadWorkloadFile reads YAML from disk and reports a missing file as FILE_NOT_FOUND', () => {
    const w = tempFiles({
      'x.yaml': 'topics: 1\npartitionsPerTopic: 2\nmessageSize: 100\nproducersPerTopic: 1\n',
    });
    after(w.cleanup);
    assert.equal(loadWorkloadFile(join(w.dir, 'x.yaml')).partitionsPerTopic, 2);
    assert.throws(
      () => loadWorkloadFile(join(w.dir, 'nope.yaml')),
      (err: unknown) =>
        err instanceof SoakbenchError && err.code === 'FILE_NOT_FOUND' && err.message.includes('nope.yaml'),
    );
  });
});
