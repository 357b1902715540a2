import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { murmur2, partitionForKey, partitionTable, stickyMessages } from '../../../src/worker/partitioner.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('murmur2 (Java client Utils.murmur2)', () => {
  // apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  const kafkaVectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of kafkaVectors) {
    test(`murmur2("${input}") = ${expected}, as Kafka's UtilsTest says`, () => {
      assert.equal(murmur2(bytes(input)), expected);
    });
  }
});

describe('partitionForKey (Java BuiltInPartitioner.partitionForKey)', () => {
  // librdkafka tests/0048-partitioner.c: toPositive(murmur2(key)) computed with the Java client
  // (tests/java/Murmur2Cli) for its "murmur2" partitioner, taken modulo 17 and 7 partitions there.
  // With Kafka's vectors above they cover every tail length (key length mod 4: 0 to 3).
  const positiveHashes: [string, number][] = [
    ['', 0x106e08d9],
    ['23456', 0x058d780f],
    ['this is another string with more length to it perhaps', 0x4f7703da],
    ['hejsan', 0x5ec19395],
  ];
  for (const [key, hash] of positiveHashes) {
    test(`"${key}" → toPositive(murmur2) = 0x${hash.toString(16)}, so partition ${hash % 17} of 17 and ${hash % 7} of 7`, () => {
      assert.equal(murmur2(bytes(key)) & 0x7fffffff, hash);
      assert.equal(partitionForKey(key, 17), hash % 17);
      assert.equal(partitionForKey(key, 7), hash % 7);
    });
  }

  test('a negative hash is made positive by masking the sign bit, not by Math.abs', () => {
    // murmur2("foobar") = -790332482 (Kafka's vector): toPositive gives 0x7fffffff & h = 1357151166.
    assert.equal(partitionForKey('foobar', 1_000_000_007), 1357151166 % 1_000_000_007);
    assert.equal(partitionForKey('foobar', 12), 1357151166 % 12);
    assert.notEqual(1357151166 % 12, 790332482 % 12, 'Math.abs would pick another partition here');
  });

  test('one partition: everything goes to partition 0', () => {
    for (const k of ['', 'a', 'foobar']) assert.equal(partitionForKey(k, 1), 0);
  });
});

describe('partitionTable', () => {
  test('holds partitionForKey of each key', () => {
    const keys = ['21', 'foobar', 'abc', 'hejsan'];
    const table = partitionTable(keys, 17);
    assert.equal(table.size, keys.length);
    for (const k of keys) assert.equal(table.get(k), partitionForKey(k, 17));
  });
});

describe('stickyMessages: unkeyed messages per partition before moving on', () => {
  test('as many as one batch holds with their framing: 126 of 1 KiB in 131072 bytes, as both clients wrote them', () => {
    // kafka-dump-log of 8-partition topics at 30,000 msg/s (bench/RESULTS.md "Batches that fit"): perf-test's
    // Java producer and librdkafka both close a 131072-byte batch at 126 records of 1024 bytes. Moving on
    // after 131072 / 1024 = 128 left 2 records for a batch of their own.
    assert.equal(stickyMessages(131_072, 1024), 126);
    assert.equal(stickyMessages('131072', 1024), 126);
  });

  test("Java's default batch.size holds 15 records of 1 KiB (16 would need 16,605 bytes)", () => {
    assert.equal(stickyMessages(16_384, 1024), 15);
  });

  test("librdkafka's default batch.size (1,000,000) when none is set or it is not a number", () => {
    assert.equal(stickyMessages(undefined, 1024), 963);
    assert.equal(stickyMessages('lots', 1024), 963);
  });

  test('at least 1 (a message larger than the batch) and at most 1,000 (tiny messages)', () => {
    assert.equal(stickyMessages(1024, 4096), 1);
    assert.equal(stickyMessages(1_000_000, 10), 1_000);
  });
});
