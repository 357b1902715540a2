/**
 * A single-node Kafka broker of one test's own, started with scripts/kafka.sh in a temporary KAFKA_DIR
 * on free ports: fault tests kill, restart and freeze it without disturbing the tests that share the
 * broker on 127.0.0.1:9092. The jars are shared (KAFKA_LIB_DIR defaults to the repository's).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

const KAFKA_SH = join(REPO_ROOT, 'scripts', 'kafka.sh');

/** A broker of one test; `clean()` stops it and deletes its data (call it in cleanup, even on failure). */
export interface PrivateBroker {
  /** The client port; the KRaft controller listens on port + 1. */
  readonly port: number;
  /** 127.0.0.1:port */
  readonly bootstrap: string;
  /** Its KAFKA_DIR (server.properties, data/, logs/). */
  readonly dir: string;
  /** The broker JVM's pid (fails when none runs). */
  pid(): Promise<number>;
  /** Starts it (again, on its existing data) and resolves once it answers metadata requests. */
  up(): Promise<void>;
  /** SIGKILL, as a crash: resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: the process stays, its sockets stay open, nothing answers (a long GC pause, a hung disk). */
  freeze(): Promise<void>;
  /** SIGCONT after freeze(). */
  thaw(): Promise<void>;
  /** Stops the broker (SIGKILL after a short grace) and removes its directory; never throws. */
  clean(): Promise<void>;
  /** Runs kcat against this broker; resolves with its stdout. */
  kcat(args: readonly string[], timeoutMs?: number): Promise<string>;
  /** Messages in each partition of `topic` now: its end offsets, read with kcat (the topic is never trimmed in a test). */
  endOffsets(topic: string, partitions: number): Promise<number[]>;
}

function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that the OS just gave out (free a moment ago). */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A free port whose successor (the controller port) is free too. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if (port < 65535 && (await canListen(port + 1))) return port;
  }
  throw new Error('no free pair of adjacent ports after 20 attempts');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return true;
}

/** Starts a fresh broker; on a failed start it is cleaned before the error is thrown. */
export async function startPrivateBroker(options: { startTimeoutMs?: number } = {}): Promise<PrivateBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-broker-'));
  const port = await freePortPair();
  const bootstrap = `127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_DIR: dir,
    KAFKA_PORT: String(port),
    // Two brokers (the shared one and this) on 2 shared cores: keep this one small.
    KAFKA_HEAP_OPTS: process.env.SOAKBENCH_TEST_BROKER_HEAP ?? '-Xms128m -Xmx512m',
    KAFKA_START_TIMEOUT: String(Math.ceil(startTimeoutMs / 1000)),
    KAFKA_STOP_TIMEOUT: '5',
  };
  delete env.KAFKA_CONTROLLER_PORT;
  const kafkaSh = (command: string, timeoutMs: number) => run(KAFKA_SH, [command], env, timeoutMs);
  const pid = async (): Promise<number> => Number((await kafkaSh('pid', 10_000)).stdout.trim());
  let frozen: number | undefined;
  // Last resort if the test process ends without clean() (an uncaught error, process.exit): the
  // broker runs in a session of its own (setsid) and would outlive us, holding its ports.
  const onExit = (): void => {
    try {
      const p = Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim());
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) process.kill(p, 'SIGKILL');
    } catch {
      // No broker of ours left.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const broker: PrivateBroker = {
    port,
    bootstrap,
    dir,
    pid,
    async up() {
      // kafka.sh bounds its own wait by KAFKA_START_TIMEOUT; this bounds the script as a whole.
      await kafkaSh('up', startTimeoutMs + 30_000);
    },
    async kill() {
      const p = await pid();
      process.kill(p, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isAlive(p)) {
        if (Date.now() > deadline) throw new Error(`broker pid ${p} still alive 10 s after SIGKILL`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async freeze() {
      frozen = await pid();
      process.kill(frozen, 'SIGSTOP');
    },
    async thaw() {
      const p = frozen ?? (await pid());
      process.kill(p, 'SIGCONT');
      frozen = undefined;
    },
    async clean() {
      process.removeListener('exit', onExit);
      if (frozen !== undefined) {
        try {
          process.kill(frozen, 'SIGCONT');
        } catch {
          // Gone already.
        }
      }
      try {
        await kafkaSh('clean', 60_000);
      } catch {
        // kafka.sh refused or timed out: make sure nothing of ours is left running.
        try {
          process.kill(await pid(), 'SIGKILL');
        } catch {
          // No broker left.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
    async kcat(args, timeoutMs = 30_000) {
      return (await run('kcat', ['-b', bootstrap, ...args], process.env, timeoutMs)).stdout;
    },
    async endOffsets(topic, partitions) {
      const specs = Array.from({ length: partitions }, (_, p) => ['-t', `${topic}:${p}:-1`]).flat();
      // One line per partition: "<topic> [<partition>] offset <end offset>".
      const out = await broker.kcat(['-Q', ...specs]);
      const offsets = new Array<number>(partitions).fill(Number.NaN);
      for (const m of out.matchAll(/^(\S+) \[(\d+)\] offset (-?\d+)$/gm)) {
        if (m[1] === topic) offsets[Number(m[2])] = Number(m[3]);
      }
      if (offsets.some((o) => !Number.isInteger(o) || o < 0)) {
        throw new Error(`kcat -Q: no end offset for every partition of ${topic}:\n${out}`);
      }
      return offsets;
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
