/**
 * Ctrl-C during `soakbench run`: the first SIGINT (sent to the process group, as a terminal does) stops
 * the run within a bound, writes the partial result, deletes the topics, leaves no consumer process
 * behind and exits 1; a second SIGINT exits at once.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  brokerTopics,
  type CliProcess,
  childPids,
  createdTopicsFromLog,
  deleteTopics,
  describeOutput,
  isAlive,
  readOnlyResult,
  removeDir,
  runArgs,
  smallWorkload,
  startCli,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';
import { uniqueName } from '../../helpers/kafka.js';
import { waitFor, within } from '../../helpers/wait.js';

/** The first period line of the test phase: producers and consumers are running. */
const FIRST_PERIOD = /Starting benchmark traffic -----\nPub rate .*\n/;

describe('soakbench run: interrupted', () => {
  const dir = tempDir('interrupt');
  const running: CliProcess[] = [];
  const topics: string[] = [];
  after(async () => {
    for (const cli of running) cli.kill();
    await deleteTopics(topics);
    removeDir(dir);
  });

  /** Starts a run that would never end (testDurationMinutes 0) with 2 consumer processes. */
  async function startForever(name: string): Promise<{ cli: CliProcess; consumers: number[]; out: string }> {
    const workload = writeWorkload(
      dir,
      `${name}.yaml`,
      smallWorkload(uniqueName(name), {
        partitionsPerTopic: 4,
        consumerPerSubscription: 2,
        testDurationMinutes: 0,
      }),
    );
    const out = join(dir, name);
    const cli = startCli(runArgs({ outputDir: out, workloads: [workload] }));
    running.push(cli);
    await cli.waitForStdout(FIRST_PERIOD, 30_000);
    topics.push(...createdTopicsFromLog(cli.stderr()));
    const consumers = childPids(cli.pid);
    assert.ok(consumers.length >= 1, `consumer processes are children of soakbench: ${consumers}`);
    return { cli, consumers, out };
  }

  test('first SIGINT: exit 1 within 30 s, partial result written, topics deleted, no consumer process left', async () => {
    const { cli, consumers, out } = await startForever('sigint');
    const createdTopics = createdTopicsFromLog(cli.stderr());
    assert.equal(createdTopics.length, 1);
    cli.signalGroup('SIGINT');
    const end = await within('soakbench to stop after SIGINT', cli.exited, 30_000);
    const context = describeOutput(end.stdout, end.stderr);
    assert.equal(end.code, 1, `exit code 1 (partial result)\n${context}`);
    assert.match(end.stderr, /SIGINT: stopping/);
    assert.match(end.stdout, /Wrote result to .*\(partial: the run was interrupted\)/);
    assert.doesNotMatch(end.stderr, /\n\s+at /, 'no stack trace');

    const { result } = readOnlyResult(out);
    assert.ok(result.publishRate.length >= 1, 'the periods so far are in the result');
    assert.ok(result.messagesSent > 0 && result.totalMessagesSent >= result.messagesSent);
    assert.equal(result.totalMessagesReceived, result.totalMessagesSent, 'drained before stopping');

    for (const pid of consumers) assert.equal(isAlive(pid), false, `consumer process ${pid} has exited`);
    await waitFor(
      'the topic deleted',
      async () => !(await brokerTopics()).has(createdTopics[0]!),
      15_000,
      500,
    );
  });

  test('SIGINT while the run is still starting: exit 1 within 30 s, its topic deleted, no consumer process left', async () => {
    const workload = writeWorkload(
      dir,
      'sigint-early.yaml',
      smallWorkload(uniqueName('sigint-early'), {
        partitionsPerTopic: 4,
        consumerPerSubscription: 2,
        testDurationMinutes: 0,
      }),
    );
    const cli = startCli(runArgs({ outputDir: join(dir, 'sigint-early'), workloads: [workload] }));
    running.push(cli);
    // The first console line comes before topics and consumers exist.
    await cli.waitForStdout(/^Running workload .*\n/, 15_000);
    const seen = new Set<number>();
    const watch = setInterval(() => {
      for (const pid of childPids(cli.pid)) seen.add(pid);
    }, 20);
    try {
      cli.signalGroup('SIGINT');
      const end = await within('soakbench to stop after an early SIGINT', cli.exited, 30_000);
      assert.equal(end.code, 1, describeOutput(end.stdout, end.stderr));
      assert.doesNotMatch(end.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      clearInterval(watch);
    }
    const created = createdTopicsFromLog(cli.stderr());
    topics.push(...created);
    for (const pid of seen) assert.equal(isAlive(pid), false, `consumer process ${pid} has exited`);
    await waitFor(
      'topics created before the SIGINT to be deleted',
      async () => {
        const onBroker = await brokerTopics();
        return created.every((t) => !onBroker.has(t));
      },
      15_000,
      500,
    );
  });

  test('second SIGINT: exits 1 at once, and the consumer processes follow', async () => {
    const { cli, consumers } = await startForever('sigint-twice');
    cli.signalGroup('SIGINT');
    await waitFor('the first SIGINT to be seen', () => cli.stderr().includes('SIGINT: stopping'), 5_000, 10);
    const secondMs = Date.now();
    cli.signalGroup('SIGINT');
    const end = await within('soakbench to exit after a second SIGINT', cli.exited, 10_000);
    assert.equal(end.code, 1, describeOutput(end.stdout, end.stderr));
    assert.ok(Date.now() - secondMs < 3_000, `exited ${Date.now() - secondMs} ms after the second SIGINT`);
    assert.match(end.stderr, /second SIGINT: exiting now/);
    // Orphaned consumers notice the closed IPC channel and end on their own.
    await waitFor(
      'the consumer processes to exit',
      () => consumers.every((pid) => !isAlive(pid)),
      10_000,
      100,
    );
  });
});
