import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { validateFiles } from '../../../src/workload/validate-files.js';
import { loadWorkloadFile } from '../../../src/workload/workload-parser.js';
import { REPO_ROOT, tempFiles } from './paths.js';

const CONFIG = join(REPO_ROOT, 'config');
const workloadFiles = readdirSync(join(CONFIG, 'workloads')).map((f) => join(CONFIG, 'workloads', f));

describe('validateFiles', () => {
  test(`soakbench's ${workloadFiles.length} example workloads validate, without warnings, with both example drivers`, () => {
    assert.ok(workloadFiles.length >= 4);
    for (const driver of ['kafka-local.yaml', 'kafka-acks1.yaml']) {
      const result = validateFiles({
        driverPath: join(CONFIG, 'drivers', driver),
        workloadPaths: workloadFiles,
      });
      assert.deepEqual(result, { ok: true, warnings: [], errors: [] });
    }
  });

  test('the example workloads say what the daemon and the docs promise', () => {
    const load = (name: string) => loadWorkloadFile(join(CONFIG, 'workloads', name));
    const d = load('default.yaml');
    assert.deepEqual(
      [
        d.topics,
        d.partitionsPerTopic,
        d.messageSize,
        d.producerRate,
        d.testDurationMinutes,
        d.warmupDurationMinutes,
      ],
      [1, 8, 1024, 1000, 0, 0],
    );
    assert.ok(load('smoke.yaml').testDurationMinutes <= 0.5);
    const short = load('1-topic-8-partitions-1kb-5k.yaml');
    assert.deepEqual([short.producerRate, short.testDurationMinutes], [5000, 0.5]);
    assert.ok(Math.abs(short.warmupDurationMinutes * 60 - 10) < 0.1);
    assert.equal(load('max-rate.yaml').producerRate, 0);
  });

  test('collects the problems of every file, one line each, and keeps going after a bad file', () => {
    const t = tempFiles({
      'd.yaml': 'name: K\nproducerConfig: |\n  lingr.ms=1\n',
      'bad.yaml': 'topics: 0\nmessageSize: 100\nproducersPerTopic: 1\npartitionsPerTopic: 1\nwarmup: 1\n',
      'good.yaml': 'topics: 1\nmessageSize: 100\nproducersPerTopic: 1\npartitionsPerTopic: 1\n',
    });
    after(t.cleanup);
    const result = validateFiles({
      driverPath: join(t.dir, 'd.yaml'),
      workloadPaths: [join(t.dir, 'bad.yaml'), join(t.dir, 'missing.yaml'), join(t.dir, 'good.yaml')],
    });
    assert.equal(result.ok, false);
    assert.equal(result.errors.length, 4, result.errors.join('\n'));
    assert.match(
      result.errors[0] ?? '',
      /d\.yaml: producerConfig\[lingr\.ms\]: expected .*did you mean linger\.ms\?/,
    );
    assert.match(
      result.errors.join('\n'),
      /bad\.yaml: warmup: expected a workload field \(did you mean warmupDurationMinutes\?\)/,
    );
    assert.match(result.errors.join('\n'), /bad\.yaml: topics: expected a whole number, 1 or more/);
    assert.match(result.errors.join('\n'), /missing\.yaml: cannot read the file: no such file/);
  });

  test('a message larger than the producer may send is an error; an ignored payloadFile a warning', () => {
    const t = tempFiles({
      'd.yaml': 'producerConfig: |\n  max.request.size=2000\n',
      'big.yaml': 'topics: 1\nmessageSize: 4096\nproducersPerTopic: 1\npartitionsPerTopic: 1\n',
      'both.yaml':
        'topics: 1\nmessageSize: 100\nproducersPerTopic: 1\npartitionsPerTopic: 1\nuseRandomizedPayloads: true\nrandomizedPayloadPoolSize: 1\npayloadFile: p.data\n',
      'p.data': Buffer.alloc(100),
    });
    after(t.cleanup);
    const result = validateFiles({
      driverPath: join(t.dir, 'd.yaml'),
      workloadPaths: [join(t.dir, 'big.yaml'), join(t.dir, 'both.yaml')],
    });
    assert.deepEqual(result.errors, [
      `${join(t.dir, 'big.yaml')}: messageSize: expected at most 2000 bytes (the producer's message.max.bytes in ${join(t.dir, 'd.yaml')}), found 4096`,
    ]);
    assert.deepEqual(result.warnings, [
      `${join(t.dir, 'both.yaml')}: payloadFile is ignored because useRandomizedPayloads is true (as in OMB)`,
    ]);
  });

  test('driver warnings are prefixed with the driver file', () => {
    const t = tempFiles({ 'd.yaml': 'commonConfig: |\n  default.api.timeout.ms=5\n' });
    after(t.cleanup);
    const result = validateFiles({ driverPath: join(t.dir, 'd.yaml'), workloadPaths: [] });
    assert.equal(result.ok, true);
    assert.deepEqual(result.warnings, [
      `${join(t.dir, 'd.yaml')}: ignored Java-client properties with no librdkafka equivalent: default.api.timeout.ms`,
    ]);
  });
});
