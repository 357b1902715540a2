/**
 * payloadFile: every message carries the file's bytes, behind soakbench's 28-byte prefix, at exactly
 * messageSize bytes. The workload names the payload as OMB's own workloads do
 * (`payload/payload-1Kb.data`, found in a parent directory of the workload file).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MAGIC, PREFIX_BYTES, VERSION } from '../../../src/worker/message-codec.js';
import {
  consumeTopic,
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  OMB_DIR,
  readOnlyResult,
  removeDir,
  runArgs,
  runCli,
  smallWorkload,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';

describe('soakbench run: payloadFile', () => {
  const dir = tempDir('payload');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test("every message is the payload file's 1,024 bytes, its first 28 overwritten by the soakbench prefix", async () => {
    const payload = readFileSync(join(OMB_DIR, 'payload', 'payload-1Kb.data'));
    assert.equal(payload.length, 1024);
    // OMB's layout: workloads/ and payload/ side by side.
    mkdirSync(join(dir, 'workloads'));
    mkdirSync(join(dir, 'payload'));
    copyFileSync(join(OMB_DIR, 'payload', 'payload-1Kb.data'), join(dir, 'payload', 'payload-1Kb.data'));
    const workload = writeWorkload(
      join(dir, 'workloads'),
      'payload-file.yaml',
      smallWorkload(uniqueName('payload'), {
        partitionsPerTopic: 3,
        payloadFile: 'payload/payload-1Kb.data',
        subscriptionsPerTopic: 0,
        producerRate: 300,
      }),
    );
    const out = join(dir, 'results');
    const run = await runCli(
      runArgs({ outputDir: out, workloads: [workload], cleanupTopics: false }),
      60_000,
    );
    topics = createdTopicsFromLog(run.stderr);
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    assert.equal(topics.length, 1);

    const messages = await consumeTopic(topics[0]!);
    const { result } = readOnlyResult(out);
    assert.equal(messages.length, result.totalMessagesSent, 'the topic holds every acknowledged message');
    assert.ok(messages.length > 500, `${messages.length} messages`);
    const tail = payload.subarray(PREFIX_BYTES);
    const producerSequences = new Map<string, number>();
    for (const m of messages) {
      const where = `message ${m.partition}/${m.offset}`;
      assert.equal(m.value.length, 1024, `${where}: messageSize bytes`);
      assert.ok(
        m.value.subarray(PREFIX_BYTES).equals(tail),
        `${where}: the payload file's bytes after the prefix`,
      );
      assert.equal(m.value.readUInt16LE(0), MAGIC, `${where}: prefix magic`);
      assert.equal(m.value[2], VERSION, `${where}: prefix version`);
      // Sequence numbers count from 0 per (producer, partition), one after the other in the partition.
      const stream = `${m.value.readUInt32LE(8)}/${m.partition}`;
      const sequence = m.value.readDoubleLE(12);
      assert.equal(sequence, producerSequences.get(stream) ?? 0, `${where}: next sequence of ${stream}`);
      producerSequences.set(stream, sequence + 1);
    }
  });
});
