// The one import of convict (docs/architecture.md, "Seams").
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import convict from 'convict';
import { parse as parseYaml } from 'yaml';
import { SoakbenchError } from '../errors.js';
import { LOG_LEVELS } from '../log/logger.js';
import { atMost, MAX_P99_TARGET_MS, MAX_PRODUCER_PROCESSES, MAX_RATE } from '../workload/limits.js';

/** The daemon's settings, typed and frozen. Names and environment variables: README.md, "Configuration"; docs/architecture.md, "Files". */
export interface DaemonConfig {
  http: { host: string; port: number; allowUnauthenticated: boolean; bodyLimitBytes: number };
  api: { token: string };
  driver: string;
  workload: string;
  kafka: { bootstrapServers: string; statisticsIntervalMs: number; connectTimeoutMs: number };
  log: { level: string; statsIntervalMs: number };
  shutdown: { graceMs: number };
  topics: { cleanup: boolean; sweepOnStart: boolean };
  controller: {
    intervalMs: number;
    warmupMs: number;
    p99TargetMs: number;
    maxErrorRate: number;
    minRate: number;
    maxRate: number;
  };
  generator: {
    maxInFlight: number;
    saturationDelayMs: number;
    producerClients: number;
    consumerProcesses: number;
  };
  integrity: { lateAfterMs: number };
  /** How the load engine runs (docs/architecture.md, "Processes"). */
  engine: { producerProcesses: number };
  /** Daemons of one fleet run one workload together (docs/fleet.md). */
  fleet: { name: string; memberId: string; heartbeatMs: number; sessionTimeoutMs: number };
}

/**
 * Strict formats: convict's own coerce environment strings leniently (parseInt("80x") is 80, any
 * boolean other than "false" is true); these leave a malformed string as it is, so validation names it.
 */
convict.addFormats({
  'positive-int': {
    validate: (v: unknown) => {
      if (!Number.isInteger(v) || (v as number) <= 0) throw new Error('must be a positive integer');
    },
    coerce: (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v),
  },
  'non-negative-int': {
    validate: (v: unknown) => {
      if (!Number.isInteger(v) || (v as number) < 0) throw new Error('must be an integer >= 0');
    },
    coerce: (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v),
  },
  'non-negative-number': {
    validate: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error('must be a number >= 0');
    },
    coerce: (v: unknown) =>
      typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v,
  },
  // Kafka topic names are built from it: <name>.control, <name>.shares (legal characters, room for the suffix).
  'fleet-name': {
    validate: (v: unknown) => {
      if (typeof v !== 'string' || (v !== '' && !/^[A-Za-z0-9._-]{1,200}$/.test(v))) {
        throw new Error('must be empty or 1 to 200 of the characters A-Z a-z 0-9 . _ -');
      }
    },
  },
  // Bounds shared with workload files, the HTTP API and the flags (src/workload/limits.ts).
  rate: {
    validate: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_RATE) {
        throw new Error(`must be a number of msg/s, 0 or more and ${atMost(MAX_RATE)}`);
      }
    },
    coerce: (v: unknown) =>
      typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v,
  },
  'p99-target-ms': {
    validate: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_P99_TARGET_MS) {
        throw new Error(`must be a number of ms, 0 or more and ${atMost(MAX_P99_TARGET_MS)}`);
      }
    },
    coerce: (v: unknown) =>
      typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v,
  },
  'producer-processes': {
    validate: (v: unknown) => {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_PRODUCER_PROCESSES) {
        throw new Error(`must be an integer from 0 to ${MAX_PRODUCER_PROCESSES} (0: one per core)`);
      }
    },
    coerce: (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v),
  },
  'tcp-port': {
    validate: (v: unknown) => {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 65535) {
        throw new Error('must be a port number from 0 to 65535');
      }
    },
    coerce: (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v),
  },
  'strict-boolean': {
    validate: (v: unknown) => {
      if (typeof v !== 'boolean') throw new Error('must be true or false');
    },
    coerce: (v: unknown) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  },
});

/** The package's own config/ folder (dist/src/config/ is three levels below the package root). */
const shipped = (rel: string): string => fileURLToPath(new URL(`../../../config/${rel}`, import.meta.url));

const schema = {
  http: {
    host: {
      doc: 'address the HTTP API and /metrics listen on',
      format: String,
      default: '127.0.0.1',
      env: 'SOAKBENCH_HTTP_HOST',
    },
    port: {
      doc: 'port of the HTTP API and /metrics',
      format: 'tcp-port',
      default: 8080,
      env: 'SOAKBENCH_HTTP_PORT',
    },
    allowUnauthenticated: {
      doc: 'listen on a non-loopback address without api.token (you mean it)',
      format: 'strict-boolean',
      default: false,
      env: 'SOAKBENCH_HTTP_ALLOW_UNAUTHENTICATED',
    },
    bodyLimitBytes: {
      doc: 'largest request body accepted',
      format: 'non-negative-int',
      default: 1_048_576,
      env: 'SOAKBENCH_HTTP_BODY_LIMIT_BYTES',
    },
  },
  api: {
    token: {
      doc: 'bearer token required by mutating endpoints (empty: none)',
      format: String,
      default: '',
      env: 'SOAKBENCH_API_TOKEN',
      sensitive: true,
    },
  },
  driver: {
    doc: 'OMB Kafka driver file',
    format: String,
    default: shipped('drivers/kafka-local.yaml'),
    env: 'SOAKBENCH_DRIVER',
  },
  workload: {
    doc: 'OMB workload file',
    format: String,
    default: shipped('workloads/default.yaml'),
    env: 'SOAKBENCH_WORKLOAD',
  },
  kafka: {
    bootstrapServers: {
      doc: "overrides the driver file's bootstrap.servers (empty: keep the file's)",
      format: String,
      default: '',
      env: 'SOAKBENCH_BOOTSTRAP_SERVERS',
    },
    statisticsIntervalMs: {
      doc: "librdkafka statistics.interval.ms for the client gauges and the controller's broker throttle signal (0: off)",
      format: 'non-negative-int',
      default: 1_000,
      env: 'SOAKBENCH_KAFKA_STATISTICS_INTERVAL_MS',
    },
    connectTimeoutMs: {
      doc: 'bound on one connection attempt',
      format: 'positive-int',
      default: 10_000,
      env: 'SOAKBENCH_KAFKA_CONNECT_TIMEOUT_MS',
    },
  },
  log: {
    level: {
      doc: 'log level',
      format: LOG_LEVELS as unknown as string[],
      default: 'info',
      env: 'SOAKBENCH_LOG_LEVEL',
    },
    statsIntervalMs: {
      doc: 'period of the stats log line',
      format: 'positive-int',
      default: 60_000,
      env: 'SOAKBENCH_LOG_STATS_INTERVAL_MS',
    },
  },
  shutdown: {
    graceMs: {
      doc: 'SIGTERM drains within this long, then forces',
      format: 'positive-int',
      default: 30_000,
      env: 'SOAKBENCH_SHUTDOWN_GRACE_MS',
    },
  },
  topics: {
    cleanup: {
      doc: 'delete the topics soakbench created when it stops (cleanupTopics)',
      format: 'strict-boolean',
      default: true,
      env: 'SOAKBENCH_TOPICS_CLEANUP',
    },
    sweepOnStart: {
      doc: 'at start-up, delete topics left by an earlier soakbench daemon that was killed (its own naming only)',
      format: 'strict-boolean',
      default: false,
      env: 'SOAKBENCH_TOPICS_SWEEP_ON_START',
    },
  },
  controller: {
    intervalMs: {
      doc: 'control and sampling interval',
      format: 'positive-int',
      default: 1_000,
      env: 'SOAKBENCH_CONTROLLER_INTERVAL_MS',
    },
    warmupMs: {
      doc: 'adaptive mode holds its start rate this long before it judges (a cold process JITs and connects)',
      format: 'non-negative-int',
      default: 30_000,
      env: 'SOAKBENCH_CONTROLLER_WARMUP_MS',
    },
    p99TargetMs: {
      doc: 'SLO: p99 response time (ack − intended), ms',
      format: 'p99-target-ms',
      default: 50,
      env: 'SOAKBENCH_P99_TARGET_MS',
    },
    maxErrorRate: {
      doc: 'SLO: share of failed sends',
      format: 'non-negative-number',
      default: 0.001,
      env: 'SOAKBENCH_MAX_ERROR_RATE',
    },
    minRate: {
      doc: 'adaptive mode never goes below (msg/s)',
      format: 'rate',
      default: 10,
      env: 'SOAKBENCH_MIN_RATE',
    },
    maxRate: {
      doc: 'adaptive mode never goes above (msg/s)',
      format: 'rate',
      default: 1_000_000,
      env: 'SOAKBENCH_MAX_RATE',
    },
  },
  generator: {
    maxInFlight: {
      doc: 'messages in flight at most',
      format: 'positive-int',
      default: 100_000,
      env: 'SOAKBENCH_MAX_IN_FLIGHT',
    },
    saturationDelayMs: {
      doc: 'p99 publish delay above which soakbench reports itself saturated',
      format: 'non-negative-number',
      default: 50,
      env: 'SOAKBENCH_SATURATION_DELAY_MS',
    },
    producerClients: {
      doc: 'librdkafka producer clients at most',
      format: 'positive-int',
      default: 4,
      env: 'SOAKBENCH_PRODUCER_CLIENTS',
    },
    consumerProcesses: {
      doc: 'child processes for consumers at most',
      format: 'positive-int',
      default: 2,
      env: 'SOAKBENCH_CONSUMER_PROCESSES',
    },
  },
  integrity: {
    lateAfterMs: {
      doc: 'an acknowledged message not consumed within this long counts as late',
      format: 'positive-int',
      default: 30_000,
      env: 'SOAKBENCH_LATE_AFTER_MS',
    },
  },
  engine: {
    producerProcesses: {
      doc: 'processes the send path runs in, at most one per producer: 0 one per core, 1 the main process, 2 or more child processes',
      format: 'producer-processes',
      default: 0,
      env: 'SOAKBENCH_PRODUCER_PROCESSES',
    },
  },
  fleet: {
    name: {
      doc: 'daemons with the same fleet name and cluster run one workload together (empty: no fleet); it names the topics <name>.control and <name>.shares',
      format: 'fleet-name',
      default: '',
      env: 'SOAKBENCH_FLEET',
    },
    memberId: {
      doc: "this member's name in the fleet (empty: <hostname>-<pid>)",
      format: String,
      default: '',
      env: 'SOAKBENCH_FLEET_MEMBER_ID',
    },
    heartbeatMs: {
      doc: 'how often a member publishes its share, rate and counts to the fleet',
      format: 'positive-int',
      default: 2_000,
      env: 'SOAKBENCH_FLEET_HEARTBEAT_MS',
    },
    sessionTimeoutMs: {
      doc: "the membership group's session.timeout.ms: how long a dead member keeps its share",
      format: 'positive-int',
      default: 10_000,
      env: 'SOAKBENCH_FLEET_SESSION_TIMEOUT_MS',
    },
  },
};

convict.addParser([
  { extension: 'json', parse: JSON.parse },
  { extension: ['yml', 'yaml'], parse: parseYaml },
]);

export interface LoadConfigOptions {
  /** A config file (JSON or YAML); lowest precedence after defaults. */
  file?: string;
  /** Environment to read SOAKBENCH_* from (default: none, tests pass their own). */
  env: Record<string, string | undefined>;
  /** Values from command-line flags, by dotted key; highest precedence. */
  overrides?: Record<string, unknown>;
}

/** Loads file < environment < flags, strictly (unknown keys are errors). */
export function loadDaemonConfig(options: LoadConfigOptions): Readonly<DaemonConfig> {
  const where = options.file ?? 'configuration';
  const config = convict(schema, { env: options.env as NodeJS.ProcessEnv, args: [] });
  try {
    if (options.file !== undefined) {
      if (!existsSync(options.file)) {
        throw new SoakbenchError('FILE_NOT_FOUND', `${options.file}: no such config file`, {
          file: options.file,
        });
      }
      const text = readFileSync(options.file, 'utf8');
      const parsed = extname(options.file) === '.json' ? JSON.parse(text) : parseYaml(text);
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) {
          throw new SoakbenchError('INVALID_CONFIG', `${options.file}: expected a mapping of settings`, {
            file: options.file,
          });
        }
        config.load(parsed);
      }
      // convict's load() applies the environment again afterwards: file < environment, as docs/architecture.md ("Files") says.
    }
    for (const [key, value] of Object.entries(options.overrides ?? {})) {
      if (value !== undefined) config.set(key as never, value as never);
    }
    config.validate({ allowed: 'strict' });
  } catch (err) {
    if (err instanceof SoakbenchError) throw err;
    let message = (err as Error).message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('; ');
    // Name the environment variable too when that is where the value came from.
    const field = /^([a-zA-Z.]+):/.exec(message)?.[1];
    for (const [key, variable] of envNames()) {
      if (options.env[variable] !== undefined)
        message = message.replaceAll(`${key}:`, `${key} (${variable}):`);
    }
    throw new SoakbenchError('INVALID_CONFIG', `${where}: ${message}`, {
      file: options.file,
      field,
      cause: err,
    });
  }
  return Object.freeze(config.getProperties() as DaemonConfig);
}

/** Every setting's dotted key and its environment variable. */
function envNames(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      const spec = value as { env?: string; default?: unknown };
      if (spec && typeof spec === 'object' && 'default' in spec) {
        if (spec.env) out.push([[...path, key].join('.'), spec.env]);
      } else {
        walk(value as Record<string, unknown>, [...path, key]);
      }
    }
  };
  walk(schema as unknown as Record<string, unknown>, []);
  return out;
}

/** The configuration as JSON with secrets replaced, for logs and /status. */
export function redactedConfig(config: DaemonConfig): Record<string, unknown> {
  return { ...config, api: { token: config.api.token ? '[redacted]' : '' } };
}
