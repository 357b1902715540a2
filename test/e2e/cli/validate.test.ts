/**
 * `soakbench validate` from outside: OMB's own workload and driver files all validate, the warning about
 * Java-only driver keys comes once per driver file, and a bad file gets exit 2 with a message that names
 * the file, the field, what was expected and what was found, and no stack trace.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  describeOutput,
  LOCAL_DRIVER,
  OMB_DIR,
  REPO_ROOT,
  removeDir,
  runCli,
  smallWorkload,
  tempDir,
  writeWorkload,
} from '../../helpers/cli.js';

const yamlIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((n) => join(dir, n));

/** Lines of a stack trace ("    at f (file:1:2)"). */
const STACK_LINE = /^\s+at .+/m;

describe('soakbench validate: OMB files', () => {
  const workloads = yamlIn(join(OMB_DIR, 'workloads'));
  const drivers = yamlIn(join(OMB_DIR, 'driver-kafka'));

  test('OMB ships many workloads and drivers (the corpus is in place)', () => {
    assert.ok(workloads.length >= 100, `${workloads.length} workloads`);
    assert.ok(drivers.length >= 10, `${drivers.length} drivers`);
  });

  for (const driver of drivers) {
    const name = driver.slice(driver.lastIndexOf('/') + 1);
    test(`every OMB workload validates with ${name}; Java-only keys are warned about once`, async () => {
      const run = await runCli(['validate', '--driver', driver, ...workloads], 30_000);
      const context = describeOutput(run.stdout, run.stderr);
      assert.equal(run.code, 0, context);
      assert.match(run.stdout, new RegExp(`^${workloads.length + 1} file\\(s\\) valid$`, 'm'), context);
      const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      assert.equal(new Set(warnings).size, warnings.length, `no warning printed twice\n${context}`);
      assert.ok(!run.stderr.includes('error:'), context);
      const javaOnly = warnings.filter((w) => w.includes('no librdkafka equivalent'));
      // default.api.timeout.ms bounds blocking calls of the Java client; librdkafka has none.
      if (readFileSync(driver, 'utf8').includes('default.api.timeout.ms')) {
        assert.equal(javaOnly.length, 1, `one warning for the Java-only keys\n${context}`);
        assert.match(javaOnly[0]!, new RegExp(`${name}: .*default\\.api\\.timeout\\.ms`));
      } else {
        assert.equal(javaOnly.length, 0, context);
      }
    });
  }

  test("soakbench's own workloads validate with its own drivers", async () => {
    const own = yamlIn(join(REPO_ROOT, 'config', 'workloads'));
    // The SASL_SSL driver reads the secrets `make kafka-up KAFKA_SECURITY=sasl_ssl` writes under .kafka/,
    // relative to the working directory: validate it where such files are, and where they are not.
    const secured = tempDir('secured-cwd');
    const bare = tempDir('bare-cwd');
    try {
      mkdirSync(join(secured, '.kafka', 'secrets'), { recursive: true });
      mkdirSync(join(secured, '.kafka', 'tls'), { recursive: true });
      writeFileSync(join(secured, '.kafka', 'secrets', 'soakbench.password'), 'not-a-real-password\n');
      writeFileSync(join(secured, '.kafka', 'tls', 'ca.pem'), '');
      for (const driver of yamlIn(join(REPO_ROOT, 'config', 'drivers'))) {
        const run = await runCli(['validate', '--driver', driver, ...own], 30_000, { cwd: secured });
        assert.equal(run.code, 0, `${driver}\n${describeOutput(run.stdout, run.stderr)}`);
        assert.doesNotMatch(run.stdout + run.stderr, /not-a-real-password/, 'the password is never printed');
      }
      const sasl = join(REPO_ROOT, 'config', 'drivers', 'kafka-local-sasl-ssl.yaml');
      const missing = await runCli(['validate', '--driver', sasl, ...own], 30_000, { cwd: bare });
      assert.equal(missing.code, 2, describeOutput(missing.stdout, missing.stderr));
      assert.match(missing.stderr, /sasl\.jaas\.config\]: expected a readable file .*soakbench\.password/);
    } finally {
      removeDir(secured);
      removeDir(bare);
    }
  });
});

describe('soakbench validate and run: bad files', () => {
  const dir = tempDir('bad-files');
  after(() => removeDir(dir));

  const { partitionsPerTopic, ...rest } = smallWorkload('never-created');
  const typoKey = writeWorkload(dir, 'typo-key.yaml', { ...rest, partitionPerTopic: partitionsPerTopic });
  const typoDistributor = writeWorkload(dir, 'typo-distributor.yaml', {
    ...smallWorkload('never-created'),
    keyDistributor: 'KEY_ROUND_ROBBIN',
  });

  /** Checks a user error: exit 2, the named problem on stderr, no stack trace. */
  function assertUserError(
    run: { code: number | null; stdout: string; stderr: string },
    file: string,
    field: string,
    expected: RegExp,
    found: RegExp,
  ): void {
    const context = describeOutput(run.stdout, run.stderr);
    assert.equal(run.code, 2, context);
    const line = run.stderr.split('\n').find((l) => l.includes(`${file}: ${field}: expected `));
    assert.ok(line, `a line "<file>: ${field}: expected ..., found ..." naming ${file}\n${context}`);
    const [, what, , wasFound] = line.match(/: expected (.*)(, found )(.*)$/) ?? [];
    assert.match(what ?? '', expected, line);
    assert.match(wasFound ?? '', found, line);
    assert.doesNotMatch(run.stderr, STACK_LINE, `no stack trace\n${context}`);
    assert.doesNotMatch(run.stderr, /internal error/, context);
  }

  test('validate: an unknown key is an error naming the file and the key, suggesting the right one', async () => {
    const run = await runCli(['validate', '--driver', LOCAL_DRIVER, typoKey], 30_000);
    assertUserError(run, typoKey, 'partitionPerTopic', /workload field.*partitionsPerTopic/, /unknown field/);
  });

  test('validate: a misspelt keyDistributor lists what is accepted and shows what was found', async () => {
    const run = await runCli(['validate', '--driver', LOCAL_DRIVER, typoDistributor], 30_000);
    assertUserError(
      run,
      typoDistributor,
      'keyDistributor',
      /NO_KEY.*KEY_ROUND_ROBIN.*RANDOM_NANO/,
      /KEY_ROUND_ROBBIN/,
    );
  });

  test('validate: problems of several files are all reported in one go', async () => {
    const run = await runCli(['validate', '--driver', LOCAL_DRIVER, typoKey, typoDistributor], 30_000);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /typo-key\.yaml: partitionPerTopic: /);
    assert.match(run.stderr, /typo-distributor\.yaml: keyDistributor: /);
  });

  test('run: a bad workload stops the run before it touches Kafka (exit 2, same message)', async () => {
    // An unreachable broker: had the run tried to connect, it would hang for seconds and exit 1.
    const run = await runCli(
      [
        'run',
        '--driver',
        LOCAL_DRIVER,
        '--bootstrap-servers',
        '127.0.0.1:1',
        '--output-dir',
        join(dir, 'out'),
        typoDistributor,
      ],
      10_000,
    );
    assertUserError(run, typoDistributor, 'keyDistributor', /KEY_ROUND_ROBIN/, /KEY_ROUND_ROBBIN/);
    assert.ok(run.elapsedMs < 5_000, `failed fast: ${run.elapsedMs} ms`);
    assert.doesNotMatch(run.stdout, /Running workload/);
  });

  test('validate and run: a misspelt driver property is an error naming the driver file and the key', async () => {
    const driver = join(dir, 'typo-driver.yaml');
    const text = readFileSync(LOCAL_DRIVER, 'utf8').replace('linger.ms=1', 'lingr.ms=1');
    assert.notEqual(text, readFileSync(LOCAL_DRIVER, 'utf8'), 'the shipped driver sets linger.ms');
    writeFileSync(driver, text);
    const workload = writeWorkload(dir, 'fine.yaml', smallWorkload('never-created'));
    for (const args of [
      ['validate', '--driver', driver, workload],
      [
        'run',
        '--driver',
        driver,
        '--bootstrap-servers',
        '127.0.0.1:1',
        '--output-dir',
        join(dir, 'out'),
        workload,
      ],
    ]) {
      const run = await runCli(args, 10_000);
      assertUserError(run, driver, 'producerConfig[lingr.ms]', /linger\.ms/, /"1"/);
    }
  });
});
