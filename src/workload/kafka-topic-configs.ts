/**
 * Topic-level configuration names a Kafka broker accepts at topic creation (apache/kafka TopicConfig,
 * plus the replication throttles of QuotaConfig). Names removed in Kafka 4.0 are kept so that files
 * written for older clusters still validate; the broker, not soakbench, decides what it supports.
 */
export const KAFKA_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'cleanup.policy',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
]);

/** Vendor topic settings (Confluent Server, Redpanda) pass through unchecked. */
const VENDOR_PREFIXES = ['confluent.', 'redpanda.'];

export function isKnownTopicConfig(key: string): boolean {
  return KAFKA_TOPIC_CONFIGS.has(key) || VENDOR_PREFIXES.some((p) => key.startsWith(p));
}
