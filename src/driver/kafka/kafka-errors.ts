import { type ErrorCode, SoakbenchError } from '../../errors.js';
import { Kafka } from './client.js';

const codeNames = new Map<number, string>();
for (const [name, code] of Object.entries(Kafka.CODES.ERRORS as Record<string, number>)) {
  // Several names can share a number (aliases); keep the first, which is librdkafka's canonical one.
  if (!codeNames.has(code)) codeNames.set(code, name);
}

/** librdkafka's name for a numeric error code (`-184` → `ERR__QUEUE_FULL`). */
export function errorName(code: number): string {
  return codeNames.get(code) ?? `ERR_${code}`;
}

export const CODES = Kafka.CODES.ERRORS as Record<string, number>;

interface ClientError {
  code?: number;
  message?: string;
  isRetriable?: boolean;
  isFatal?: boolean;
}

const kafkaCodeToOurs: Record<string, ErrorCode> = {
  ERR__TRANSPORT: 'KAFKA_UNREACHABLE',
  ERR__ALL_BROKERS_DOWN: 'KAFKA_UNREACHABLE',
  ERR__RESOLVE: 'KAFKA_UNREACHABLE',
  ERR__TIMED_OUT: 'KAFKA_TIMEOUT',
  ERR_REQUEST_TIMED_OUT: 'KAFKA_TIMEOUT',
  ERR__MSG_TIMED_OUT: 'KAFKA_TIMEOUT',
  ERR_TOPIC_ALREADY_EXISTS: 'KAFKA_TOPIC_EXISTS',
  ERR_UNKNOWN_TOPIC_OR_PART: 'KAFKA_UNKNOWN_TOPIC',
  ERR__UNKNOWN_TOPIC: 'KAFKA_UNKNOWN_TOPIC',
  ERR__QUEUE_FULL: 'KAFKA_QUEUE_FULL',
  ERR_TOPIC_AUTHORIZATION_FAILED: 'KAFKA_AUTH',
  ERR_CLUSTER_AUTHORIZATION_FAILED: 'KAFKA_AUTH',
  ERR_GROUP_AUTHORIZATION_FAILED: 'KAFKA_AUTH',
  ERR_SASL_AUTHENTICATION_FAILED: 'KAFKA_AUTH',
  ERR__AUTHENTICATION: 'KAFKA_AUTH',
  ERR_MSG_SIZE_TOO_LARGE: 'KAFKA_MESSAGE_TOO_LARGE',
  ERR__MSG_SIZE_TOO_LARGE: 'KAFKA_MESSAGE_TOO_LARGE',
  ERR_INVALID_CONFIG: 'INVALID_DRIVER',
  ERR__INVALID_ARG: 'INVALID_DRIVER',
};

const retriableNames = new Set([
  'ERR__TRANSPORT',
  'ERR__ALL_BROKERS_DOWN',
  'ERR__RESOLVE',
  'ERR__TIMED_OUT',
  'ERR_REQUEST_TIMED_OUT',
  'ERR__MSG_TIMED_OUT',
  'ERR__QUEUE_FULL',
  'ERR_NOT_CONTROLLER',
  'ERR_LEADER_NOT_AVAILABLE',
  'ERR_NOT_LEADER_FOR_PARTITION',
  'ERR_NOT_ENOUGH_REPLICAS',
  'ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND',
]);

/**
 * Translates an error from the Kafka client into ours: a stable code, the client's error name in the
 * message, the original as `cause`.
 */
export function translateError(err: unknown, doing: string): SoakbenchError {
  if (err instanceof SoakbenchError) return err;
  const e = (err ?? {}) as ClientError;
  const name = typeof e.code === 'number' ? errorName(e.code) : 'ERR_UNKNOWN';
  const code: ErrorCode = kafkaCodeToOurs[name] ?? 'KAFKA_ERROR';
  const detail = e.message ? `${e.message} (${name})` : name;
  return new SoakbenchError(code, `${doing}: ${detail}`, {
    cause: err,
    retriable: e.isRetriable === true || retriableNames.has(name),
  });
}

/** The client's error name for an error object (for counting by reason). */
export function errorNameOf(err: unknown): string {
  const e = (err ?? {}) as ClientError;
  return typeof e.code === 'number' ? errorName(e.code) : 'ERR_UNKNOWN';
}

/** `[thrd:…]: sasl_ssl://127.0.0.1:9092/1: what happened (after 3ms in state …)` */
const BROKER_LOG = /\]: (?:[a-z_]+:\/\/)?([^\s/]+)\/(\w+): (.*?)(?: \(after \d+ms in state [^)]*\))?$/;

/**
 * A connection failure that retrying cannot cure, from a librdkafka FAIL log line: the broker refused
 * our credentials, or its certificate is not signed by a CA we trust. Undefined for anything else
 * (a broker that is down or restarting is retried as usual). The message names the broker.
 */
export function permanentConnectFailure(logMessage: string): SoakbenchError | undefined {
  const m = BROKER_LOG.exec(logMessage);
  if (m === null) return undefined;
  const [, address, id, what] = m as unknown as [string, string, string, string];
  const broker = id === 'bootstrap' ? `broker ${address}` : `broker ${id} (${address})`;
  const sasl =
    /SASL authentication error: (.*)$/.exec(what) ?? /(SASL \S+ mechanism handshake failed: .*)$/.exec(what);
  if (sasl !== null) {
    return new SoakbenchError(
      'KAFKA_AUTH',
      `authentication failed at ${broker}: ${sasl[1]} (check sasl.mechanism, the user name and the password)`,
    );
  }
  if (/certificate verify failed/.test(what)) {
    return new SoakbenchError(
      'KAFKA_AUTH',
      `certificate not trusted: ${broker} presented a certificate that the configured CA (ssl.ca.location / ssl.truststore.location) does not verify`,
    );
  }
  return undefined;
}
