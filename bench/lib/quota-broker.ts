/**
 * A private single-node broker for quota work (scripts/kafka.sh in a temporary KAFKA_DIR on free ports), so the
 * client quotas set here never slow the tests and benchmarks of others on 127.0.0.1:9092; plus the
 * kafka-configs calls that set and lift a producer byte-rate quota, timed, since the harness measures reaction
 * times from them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/helpers/free-port.js';
import { REPO_ROOT } from './repo-root.js';

/** When a kafka-configs command ran (Date.now() ms): the quota changed somewhere between the two. */
export interface QuotaChange {
  startedMs: number;
  doneMs: number;
}

/** A broker of one benchmark or test; `clean()` stops it and deletes its directory (call it on every path). */
export interface QuotaBroker {
  readonly port: number;
  /** 127.0.0.1:port */
  readonly bootstrap: string;
  /** Its KAFKA_DIR (server.properties, data/, logs/). */
  readonly dir: string;
  /** `--alter --entity-type clients --entity-name <clientId> --add-config producer_byte_rate=<bytesPerSecond>`. */
  setProducerQuota(clientId: string, bytesPerSecond: number): Promise<QuotaChange>;
  /** `--delete-config producer_byte_rate`: no quota for that client any more. */
  removeProducerQuota(clientId: string): Promise<QuotaChange>;
  /** Stops the broker and removes its directory; never throws. */
  clean(): Promise<void>;
}

function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** kafka.sh puts the KRaft controller on port + 1: both must be free. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if (port < 65535 && (await canListen(port + 1))) return port;
  }
  throw new Error('no two adjacent free ports after 20 attempts');
}

/** kafka.sh refused or timed out: SIGKILL the JVM of this KAFKA_DIR if one is left (checked by its command line). */
function killLeftover(dir: string): void {
  try {
    const pid = Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(join(dir, 'server.properties'))) process.kill(pid, 'SIGKILL');
  } catch {
    // No pid file or no such process: nothing left.
  }
}

/** Starts a fresh broker (about 10–30 s on the shared machine); cleans up and throws if it does not come up. */
export async function startQuotaBroker(options: { startTimeoutMs?: number } = {}): Promise<QuotaBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-quota-broker-'));
  const port = await freePortPair();
  const bootstrap = `127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_DIR: dir,
    KAFKA_PORT: String(port),
    // Two brokers (the shared one and this) on two shared cores: keep this one small.
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
    KAFKA_START_TIMEOUT: String(Math.ceil(startTimeoutMs / 1000)),
    KAFKA_STOP_TIMEOUT: '10',
  };
  delete env.KAFKA_CONTROLLER_PORT;
  const kafkaSh = (command: string, timeoutMs: number) =>
    run(join(REPO_ROOT, 'scripts/kafka.sh'), [command], env, timeoutMs);
  const configs = async (args: string[]): Promise<QuotaChange> => {
    const startedMs = Date.now();
    await run(
      join(REPO_ROOT, 'scripts/kafka-configs'),
      ['--bootstrap-server', bootstrap, '--alter', '--entity-type', 'clients', ...args],
      process.env,
      60_000,
    );
    return { startedMs, doneMs: Date.now() };
  };
  const broker: QuotaBroker = {
    port,
    bootstrap,
    dir,
    setProducerQuota: (clientId, bytesPerSecond) =>
      configs([
        '--entity-name',
        clientId,
        '--add-config',
        `producer_byte_rate=${Math.round(bytesPerSecond)}`,
      ]),
    removeProducerQuota: (clientId) =>
      configs(['--entity-name', clientId, '--delete-config', 'producer_byte_rate']),
    async clean() {
      await kafkaSh('clean', 60_000).catch(() => killLeftover(dir));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await kafkaSh('up', startTimeoutMs + 30_000);
  } catch (err) {
    await broker.clean();
    throw err;
  }
  return broker;
}
