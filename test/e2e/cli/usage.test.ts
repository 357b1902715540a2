/**
 * The command line itself: help on every command, usage errors with exit 2, and failures that are the
 * world's fault (no broker) with exit 1 and one clear line, never a stack trace.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  describeOutput,
  LOCAL_DRIVER,
  OMB_DIR,
  removeDir,
  runCli,
  smallWorkload,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { freePort } from '../../helpers/free-port.js';

const STACK_LINE = /^\s+at .+/m;

describe('soakbench: usage', () => {
  const dir = tempDir('usage');
  after(() => removeDir(dir));
  const workload = writeWorkload(dir, 'fine.yaml', smallWorkload('never-created'));

  for (const args of [['--help'], ['run', '--help'], ['validate', '--help'], ['help', 'run']]) {
    test(`soakbench ${args.join(' ')}: usage on stdout, exit 0`, async () => {
      const run = await runCli(args, 15_000);
      assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
      assert.match(run.stdout, /^Usage: soakbench/m);
    });
  }

  test('soakbench run --help lists its options', async () => {
    const run = await runCli(['run', '--help'], 15_000);
    for (const option of [
      '--driver',
      '--output-dir',
      '--bootstrap-servers',
      '--no-cleanup-topics',
      '--period-seconds',
      '--log-level',
    ]) {
      assert.ok(run.stdout.includes(option), `${option} in\n${run.stdout}`);
    }
  });

  test('soakbench --version: the version, exit 0', async () => {
    const run = await runCli(['--version'], 15_000);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^\d+\.\d+\.\d+/);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['run without --driver', ['run', workload], /--driver/],
    ['run without a workload', ['run', '--driver', LOCAL_DRIVER], /workload/],
    [
      'run with a negative --period-seconds',
      ['run', '--driver', LOCAL_DRIVER, '--period-seconds', '-1', workload],
      /^soakbench: --period-seconds: expected a number above 0 and at most 3,600 s, found "-1"$/m,
    ],
    [
      'run with a --p99-target-ms that is not a number',
      ['run', '--driver', LOCAL_DRIVER, '--p99-target-ms', 'fast', workload],
      /^soakbench: --p99-target-ms: expected a number above 0 and at most 3,600,000 ms, found "fast"$/m,
    ],
    [
      'run with a --max-rate above the rate cap',
      ['run', '--driver', LOCAL_DRIVER, '--max-rate', '1e308', workload],
      /^soakbench: --max-rate: expected a number above 0 and at most 10,000,000 msg\/s, found "1e308"$/m,
    ],
    [
      'daemon with an --http-port out of range',
      ['daemon', '--http-port', '70000'],
      /^soakbench: --http-port: expected a port number from 0 to 65535, found "70000"$/m,
    ],
    [
      'daemon with an unknown --log-level',
      ['daemon', '--log-level', 'loud'],
      /^soakbench: --log-level: expected one of fatal, error, warn, info, debug, trace, silent, found "loud"$/m,
    ],
    [
      'run with an unknown option',
      ['run', '--driver', LOCAL_DRIVER, '--frobnicate', workload],
      /--frobnicate/,
    ],
    [
      'run with an unknown --log-level',
      ['run', '--driver', LOCAL_DRIVER, '--log-level', 'loud', workload],
      /^soakbench: --log-level: expected one of .*, found "loud"$/m,
    ],
    ['an unknown command', ['frobnicate'], /frobnicate/],
    ['no command at all', [], /Usage: soakbench/],
    [
      'run with a driver file that does not exist',
      ['run', '--driver', join(dir, 'missing-driver.yaml'), workload],
      /missing-driver\.yaml/,
    ],
    [
      'run with a workload file that does not exist',
      ['run', '--driver', LOCAL_DRIVER, join(dir, 'missing.yaml')],
      /missing\.yaml/,
    ],
    [
      'validate with a workload file that does not exist',
      ['validate', '--driver', LOCAL_DRIVER, join(dir, 'missing.yaml')],
      /missing\.yaml/,
    ],
  ];
  for (const [what, args, message] of usageErrors) {
    test(`${what}: exit 2 with a message, no stack trace`, async () => {
      const run = await runCli(args, 15_000);
      const context = describeOutput(run.stdout, run.stderr);
      assert.equal(run.code, 2, context);
      assert.match(`${run.stderr}${run.stdout}`, message, context);
      assert.doesNotMatch(run.stderr, STACK_LINE, context);
      assert.doesNotMatch(run.stdout, /Running workload/, 'nothing ran');
    });
  }
});

describe('soakbench run: bad files', () => {
  const dir = tempDir('bad-files');
  after(() => removeDir(dir));

  test('several bad files: every problem of every file is reported, as validate does; exit 2, nothing runs', async () => {
    const tooFast = writeWorkload(
      dir,
      'too-fast.yaml',
      smallWorkload('never-created', { producerRate: 1e308 }),
    );
    const tiny = writeWorkload(
      dir,
      'tiny.yaml',
      smallWorkload('never-created', { messageSize: 10, topics: 1e9 }),
    );
    const fine = writeWorkload(dir, 'fine.yaml', smallWorkload('never-created'));
    const missing = join(dir, 'missing.yaml');
    const args = ['--driver', LOCAL_DRIVER, '--output-dir', join(dir, 'out'), tooFast, fine, tiny, missing];
    const run = await runCli(['run', '--bootstrap-servers', '127.0.0.1:1', ...args], 15_000);
    const context = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 2, context);
    assert.doesNotMatch(run.stdout, /Running workload/, 'nothing ran');
    assert.doesNotMatch(run.stderr, STACK_LINE, context);
    assert.match(run.stderr, /^soakbench: 4 problem\(s\):$/m, context);
    for (const line of [
      `${tooFast}: producerRate: expected at most 10,000,000 messages/s, found 1e+308`,
      `${tiny}: topics: expected at most 1,000,000 topics, found 1000000000`,
      `${tiny}: messageSize: expected at least 28 bytes`,
      `${missing}: cannot read the file: no such file`,
    ]) {
      assert.ok(run.stderr.includes(line), `stderr has "${line}"\n${context}`);
    }
    // validate reports the same problems.
    const validate = await runCli(['validate', ...args.slice(0, 2), ...args.slice(4)], 15_000);
    assert.equal(validate.code, 2, describeOutput(validate.stdout, validate.stderr));
    assert.match(validate.stderr, /^4 error\(s\) in 5 file\(s\)$/m);
  });
});

describe('soakbench run: failures', () => {
  const dir = tempDir('failures');
  after(() => removeDir(dir));

  /** The lines of stderr that are not JSON log lines. */
  const messageLines = (stderr: string): string[] =>
    stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

  /** run answers within 10 s, not after the 30-s admin timeout (src/driver/driver.ts checkReachable). */
  const ANSWER_WITHIN_MS = 10_000;

  test('no broker at --bootstrap-servers: exit 1 within 10 s, one clear line naming the address, no stack trace', async () => {
    const workload = writeWorkload(dir, 'no-broker.yaml', smallWorkload('never-created'));
    const address = `127.0.0.1:${await freePort()}`;
    // OMB's kafka-throughput.yaml as is: its Java-only default.api.timeout.ms is warned about once.
    const driver = join(OMB_DIR, 'driver-kafka', 'kafka-throughput.yaml');
    const run = await runCli(
      ['run', '--driver', driver, '--bootstrap-servers', address, '--output-dir', join(dir, 'out'), workload],
      60_000,
    );
    const context = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 1, context);
    assert.ok(run.elapsedMs < ANSWER_WITHIN_MS, `answered after ${run.elapsedMs} ms\n${context}`);
    assert.doesNotMatch(run.stdout, /Running workload/, 'nothing ran');
    const javaOnly = run.stderr.split('\n').filter((l) => l.includes('no librdkafka equivalent'));
    assert.equal(javaOnly.length, 1, `one warning about Java-only keys\n${context}`);
    assert.match(javaOnly[0]!, /default\.api\.timeout\.ms/);
    assert.equal(
      readdirSync(dir).includes('out') ? readdirSync(join(dir, 'out')).length : 0,
      0,
      'no result file',
    );
    const lines = messageLines(run.stderr);
    assert.equal(lines.length, 1, `one line\n${context}`);
    assert.match(lines[0]!, /^soakbench: /);
    assert.doesNotMatch(run.stderr, /internal error/, context);
    assert.doesNotMatch(run.stderr, STACK_LINE, context);
    // A clear error says what could not be reached, so the user can fix the address.
    assert.ok(lines[0]!.includes(address), `the error names the unreachable broker: ${lines[0]}`);
  });

  test('producerRate 0 (find the highest rate) with no broker: exit 1 within 10 s, one clear line naming the address, no stack trace', async () => {
    // The adaptive run gets as far as connecting, and fails there like a fixed-rate run.
    const workload = writeWorkload(dir, 'max-rate.yaml', smallWorkload('never-created', { producerRate: 0 }));
    const run = await runCli(
      [
        'run',
        '--driver',
        LOCAL_DRIVER,
        '--bootstrap-servers',
        '127.0.0.1:1',
        '--output-dir',
        join(dir, 'out'),
        workload,
      ],
      60_000,
    );
    const context = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 1, context);
    assert.ok(run.elapsedMs < ANSWER_WITHIN_MS, `answered after ${run.elapsedMs} ms\n${context}`);
    assert.doesNotMatch(run.stderr, /internal error/, context);
    assert.doesNotMatch(run.stderr, STACK_LINE, context);
    const lines = messageLines(run.stderr);
    assert.equal(lines.length, 1, `one line\n${context}`);
    assert.ok(lines[0]!.includes('127.0.0.1:1'), `the error names the unreachable broker: ${lines[0]}`);
  });
});
