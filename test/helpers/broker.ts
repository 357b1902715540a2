/**
 * A single-node Kafka broker of one test (scripts/kafka.sh in a temporary KAFKA_DIR, on ports picked
 * free), so a fault test can kill and restart it without disturbing the tests that share the broker on
 * 127.0.0.1:9092. The jars are the repository's (KAFKA_LIB_DIR's default).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isAlive, REPO_ROOT, sleep } from './daemon.js';

const KAFKA_SH = join(REPO_ROOT, 'scripts', 'kafka.sh');

/** A broker of one test. Call clean() in the test's cleanup, also when it fails. */
export interface PrivateBroker {
  readonly port: number;
  readonly controllerPort: number;
  /** 127.0.0.1:port */
  readonly bootstrap: string;
  /** Its KAFKA_DIR (server.properties, data/, logs/). */
  readonly dir: string;
  /** Starts it (again, on its existing data); resolves once it answers metadata requests. */
  up(): Promise<void>;
  /** The broker JVM's pid (scripts/kafka.sh pid). */
  pid(): Promise<number>;
  /** SIGKILL, as a crash; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Stops it and deletes its data and directory; never throws. */
  clean(): Promise<void>;
}

function kafkaSh(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(KAFKA_SH, [command], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/kafka.sh ${command}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Picks two free ports and a temp dir, and starts the broker (about 20–30 s on this machine; secured,
 * about 40–50 s). `security: 'sasl_ssl'`: SASL_SSL with SCRAM-SHA-512, the CA in `<dir>/tls/ca.pem` and
 * the user soakbench's password in `<dir>/secrets/soakbench.password` (scripts/kafka-tls.sh).
 */
export async function startPrivateBroker(options: { security?: 'sasl_ssl' } = {}): Promise<PrivateBroker> {
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-broker-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_DIR: dir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_START_TIMEOUT: '90',
    KAFKA_STOP_TIMEOUT: '10',
    // Smaller than the shared broker: this one lives for one test.
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
    KAFKA_BROKERS: '1',
    KAFKA_SECURITY: options.security ?? 'plaintext',
  };
  const broker: PrivateBroker = {
    port,
    controllerPort,
    bootstrap: `127.0.0.1:${port}`,
    dir,
    up: async () => {
      await kafkaSh('up', env, 120_000);
    },
    pid: async () => Number((await kafkaSh('pid', env, 10_000)).trim()),
    async kill9() {
      const pid = await broker.pid();
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) throw new Error(`broker pid ${pid} still alive 10 s after SIGKILL`);
        await sleep(100);
      }
    },
    async clean() {
      await kafkaSh('clean', env, 60_000).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await broker.up();
  } catch (err) {
    await broker.clean();
    throw err;
  }
  return broker;
}
