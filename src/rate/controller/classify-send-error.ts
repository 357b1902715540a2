/** How the controller reacts to a failed send (docs/controller.md "Error classification"). */
export type SendErrorClass = 'congestion' | 'topology' | 'fatal' | 'other';

/** Back-pressure: the cluster or the client queue cannot keep up → multiplicative decrease. */
const congestion = new Set([
  'ERR__MSG_TIMED_OUT',
  'ERR__TIMED_OUT',
  'ERR__TIMED_OUT_QUEUE',
  'ERR_REQUEST_TIMED_OUT',
  'ERR__QUEUE_FULL',
  'ERR_NOT_ENOUGH_REPLICAS',
  'ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'ERR_THROTTLING_QUOTA_EXCEEDED',
]);

/** Leadership and connection changes: transient, rate-independent → freeze increases, no cut by themselves. */
const topology = new Set([
  'ERR_NOT_LEADER_FOR_PARTITION',
  'ERR_NOT_LEADER_OR_FOLLOWER',
  'ERR_LEADER_NOT_AVAILABLE',
  'ERR_PREFERRED_LEADER_NOT_AVAILABLE',
  'ERR_FENCED_LEADER_EPOCH',
  'ERR_UNKNOWN_LEADER_EPOCH',
  'ERR_NOT_CONTROLLER',
  'ERR_NOT_COORDINATOR',
  'ERR_COORDINATOR_NOT_AVAILABLE',
  'ERR_REPLICA_NOT_AVAILABLE',
  'ERR_BROKER_NOT_AVAILABLE',
  'ERR_NETWORK_EXCEPTION',
  'ERR__TRANSPORT',
  'ERR__ALL_BROKERS_DOWN',
  'ERR__RESOLVE',
  'ERR__NODE_UPDATE',
  'ERR__WAIT_COORD',
  'ERR__UNKNOWN_PARTITION',
  'ERR_KAFKA_STORAGE_ERROR',
  'ERR_UNKNOWN_TOPIC_OR_PART',
]);

/** Configuration and permission problems: no rate fixes them → stop controlling and alert. */
const fatal = new Set([
  'ERR_TOPIC_AUTHORIZATION_FAILED',
  'ERR_CLUSTER_AUTHORIZATION_FAILED',
  'ERR_GROUP_AUTHORIZATION_FAILED',
  'ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'ERR_SASL_AUTHENTICATION_FAILED',
  'ERR__AUTHENTICATION',
  'ERR__SSL',
  'ERR_MSG_SIZE_TOO_LARGE',
  'ERR__MSG_SIZE_TOO_LARGE',
  'ERR_RECORD_LIST_TOO_LARGE',
  'ERR_INVALID_RECORD',
  'ERR_INVALID_MSG',
  'ERR_INVALID_MSG_SIZE',
  'ERR_CORRUPT_MESSAGE',
  'ERR_INVALID_TOPIC_EXCEPTION',
  'ERR_TOPIC_EXCEPTION',
  'ERR__UNKNOWN_TOPIC',
  'ERR_UNSUPPORTED_VERSION',
  'ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'ERR_UNSUPPORTED_COMPRESSION_TYPE',
  'ERR_INVALID_REQUIRED_ACKS',
  'ERR__INVALID_ARG',
  'ERR_INVALID_CONFIG',
  'ERR__FATAL',
  'ERR__FENCED',
  'ERR_PRODUCER_FENCED',
  'ERR_INVALID_PRODUCER_EPOCH',
  'ERR_POLICY_VIOLATION',
]);

/** Java-client names (NOT_LEADER_OR_FOLLOWER, RecordTooLargeException …) map onto librdkafka's. */
const aliases: Record<string, string> = {
  NOT_LEADER_OR_FOLLOWER: 'ERR_NOT_LEADER_OR_FOLLOWER',
  MESSAGE_TOO_LARGE: 'ERR_MSG_SIZE_TOO_LARGE',
  RECORD_TOO_LARGE: 'ERR_MSG_SIZE_TOO_LARGE',
  TIMEOUT: 'ERR_REQUEST_TIMED_OUT',
  MESSAGE_TIMED_OUT: 'ERR__MSG_TIMED_OUT',
  BUFFER_EXHAUSTED: 'ERR__QUEUE_FULL',
};

/**
 * Classifies a failed send by its error name: librdkafka's (`ERR__MSG_TIMED_OUT`, `ERR_NOT_ENOUGH_REPLICAS`, …,
 * as `errorName()` in the Kafka driver returns them) or Kafka's protocol name without the `ERR_` prefix
 * (`NOT_LEADER_OR_FOLLOWER`). Case-insensitive; unknown names are `other` (counted, never acted on).
 */
export function classifySendError(reason: string): SendErrorClass {
  const upper = reason.trim().toUpperCase();
  const candidates = [upper, aliases[upper] ?? '', upper.startsWith('ERR') ? '' : `ERR_${upper}`];
  for (const name of candidates) {
    if (name === '') continue;
    if (fatal.has(name)) return 'fatal';
    if (congestion.has(name)) return 'congestion';
    if (topology.has(name)) return 'topology';
  }
  return 'other';
}
