/**
 * `run` follows a workload's rateProfile from the start of the test phase (docs/workloads.md "Rate
 * profiles"): warm-up holds the first rate, a finite profile ends the test after one pass (its
 * testDurationMinutes is ignored), and the result's periods trace the steps.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  readOnlyResult,
  removeDir,
  runArgs,
  runCli,
  smallWorkload,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';

describe('soakbench run: rate profile', () => {
  const dir = tempDir('profile');
  let topics: string[] = [];
  after(async () => {
    await deleteTopics(topics);
    removeDir(dir);
  });

  test('1,000 msg/s for 20 s then 3,000 for 20 s: 10-s periods near 1,000, 1,000, 3,000, 3,000', async () => {
    const fields = smallWorkload(uniqueName('profile'), {
      warmupDurationMinutes: 2 / 60,
      // Ignored: a profile that does not repeat runs one pass.
      testDurationMinutes: 10,
      rateProfile: [
        { rate: 1000, seconds: 20, name: 'low' },
        { rate: 3000, seconds: 20, name: 'high' },
      ],
    });
    delete fields.producerRate;
    const workload = writeWorkload(dir, 'profile.yaml', fields);
    const out = join(dir, 'results');
    const run = await runCli(runArgs({ outputDir: out, workloads: [workload], periodSeconds: 10 }), 120_000);
    topics = createdTopicsFromLog(run.stderr);
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    const { result: r } = readOnlyResult(out);

    assert.equal(r.publishRate.length, 4, `four 10-s periods in one 40-s pass: ${r.periodSeconds}`);
    assert.ok(Math.abs(r.testSeconds - 40) < 0.5, `the test lasted one pass (40 s): ${r.testSeconds}`);
    const expected = [1000, 1000, 3000, 3000];
    for (let i = 0; i < 4; i++) {
      const got = r.publishRate[i]!;
      assert.ok(
        Math.abs(got - expected[i]!) <= 0.03 * expected[i]!,
        `period ${i + 1}: ${got} msg/s, expected ${expected[i]} ± 3 % (all: ${r.publishRate})`,
      );
    }
    const total = 20 * 1000 + 20 * 3000;
    assert.ok(
      Math.abs(r.messagesSent - total) < 0.03 * total,
      `messagesSent ≈ the profile's area (80,000): ${r.messagesSent}`,
    );
  });
});
