/**
 * Every configuration property that librdkafka 2.15.1 (the one bundled by @confluentinc/kafka-javascript
 * 1.10.1) accepts from a properties file: name, client scope, type and range, as listed in
 * deps/librdkafka/CONFIGURATION.md. Properties whose type is "see dedicated API" (callbacks, opaque
 * pointers, interceptors) are left out: they cannot be set from text. Global and topic-level properties
 * are merged, because librdkafka accepts topic-level properties on the global configuration too.
 * test/unit/workload/librdkafka-properties.test.ts checks every name against the real client.
 */

/** What librdkafka knows about one property. */
export interface LibrdkafkaProperty {
  readonly name: string;
  /** CONFIGURATION.md's C/P column: consumer only, producer only, or both (`*`). */
  readonly scope: '*' | 'C' | 'P';
  readonly type: 'integer' | 'float' | 'boolean' | 'enum' | 'flags' | 'string' | 'pattern';
  /** Inclusive range of integer and float properties. */
  readonly min?: number;
  readonly max?: number;
  /** Accepted values of enum and flags properties (librdkafka compares them case-insensitively). */
  readonly values?: readonly string[];
  /** The property this one is an alias for ("Alias for `x`" in CONFIGURATION.md). */
  readonly aliasOf?: string;
}

type Row = readonly [
  name: string,
  scope: '*' | 'C' | 'P',
  type: LibrdkafkaProperty['type'],
  range?: string,
  aliasOf?: string,
];

const ROWS: readonly Row[] = [
  ['builtin.features', '*', 'flags'],
  ['client.id', '*', 'string'],
  ['metadata.broker.list', '*', 'string'],
  ['bootstrap.servers', '*', 'string', '', 'metadata.broker.list'],
  ['message.max.bytes', '*', 'integer', '1000..1000000000'],
  ['message.copy.max.bytes', '*', 'integer', '0..1000000000'],
  ['receive.message.max.bytes', '*', 'integer', '1000..2147483647'],
  ['max.in.flight.requests.per.connection', '*', 'integer', '1..1000000'],
  ['max.in.flight', '*', 'integer', '1..1000000', 'max.in.flight.requests.per.connection'],
  ['metadata.recovery.strategy', '*', 'enum', 'none,rebootstrap'],
  ['metadata.recovery.rebootstrap.trigger.ms', '*', 'integer', '0..2147483647'],
  ['topic.metadata.refresh.interval.ms', '*', 'integer', '-1..3600000'],
  ['metadata.max.age.ms', '*', 'integer', '1..86400000'],
  ['topic.metadata.refresh.fast.interval.ms', '*', 'integer', '1..60000'],
  ['topic.metadata.refresh.fast.cnt', '*', 'integer', '0..1000'],
  ['topic.metadata.refresh.sparse', '*', 'boolean'],
  ['topic.metadata.propagation.max.ms', '*', 'integer', '0..3600000'],
  ['topic.blacklist', '*', 'pattern'],
  [
    'debug',
    '*',
    'flags',
    'generic,broker,topic,metadata,feature,queue,msg,protocol,cgrp,security,fetch,interceptor,plugin,consumer,admin,eos,mock,assignor,conf,telemetry,all',
  ],
  ['socket.timeout.ms', '*', 'integer', '10..300000'],
  ['socket.blocking.max.ms', '*', 'integer', '1..60000'],
  ['socket.send.buffer.bytes', '*', 'integer', '0..100000000'],
  ['socket.receive.buffer.bytes', '*', 'integer', '0..100000000'],
  ['socket.keepalive.enable', '*', 'boolean'],
  ['socket.nagle.disable', '*', 'boolean'],
  ['socket.max.fails', '*', 'integer', '0..1000000'],
  ['broker.address.ttl', '*', 'integer', '0..86400000'],
  ['broker.address.family', '*', 'enum', 'any,v4,v6'],
  ['socket.connection.setup.timeout.ms', '*', 'integer', '1000..2147483647'],
  ['connections.max.idle.ms', '*', 'integer', '0..2147483647'],
  ['reconnect.backoff.jitter.ms', '*', 'integer', '0..3600000'],
  ['reconnect.backoff.ms', '*', 'integer', '0..3600000'],
  ['reconnect.backoff.max.ms', '*', 'integer', '0..3600000'],
  ['statistics.interval.ms', '*', 'integer', '0..86400000'],
  ['enabled_events', '*', 'integer', '0..2147483647'],
  ['log_level', '*', 'integer', '0..7'],
  ['log.queue', '*', 'boolean'],
  ['log.thread.name', '*', 'boolean'],
  ['enable.random.seed', '*', 'boolean'],
  ['log.connection.close', '*', 'boolean'],
  ['internal.termination.signal', '*', 'integer', '0..128'],
  ['api.version.request', '*', 'boolean'],
  ['api.version.request.timeout.ms', '*', 'integer', '1..300000'],
  ['api.version.fallback.ms', '*', 'integer', '0..604800000'],
  ['broker.version.fallback', '*', 'string'],
  ['allow.auto.create.topics', '*', 'boolean'],
  ['security.protocol', '*', 'enum', 'plaintext,ssl,sasl_plaintext,sasl_ssl'],
  ['ssl.cipher.suites', '*', 'string'],
  ['ssl.curves.list', '*', 'string'],
  ['ssl.sigalgs.list', '*', 'string'],
  ['ssl.key.location', '*', 'string'],
  ['ssl.key.password', '*', 'string'],
  ['ssl.key.pem', '*', 'string'],
  ['ssl.certificate.location', '*', 'string'],
  ['ssl.certificate.pem', '*', 'string'],
  ['ssl.ca.location', '*', 'string'],
  ['https.ca.location', '*', 'string'],
  ['https.ca.pem', '*', 'string'],
  ['ssl.ca.pem', '*', 'string'],
  ['ssl.ca.certificate.stores', '*', 'string'],
  ['ssl.crl.location', '*', 'string'],
  ['ssl.keystore.location', '*', 'string'],
  ['ssl.keystore.password', '*', 'string'],
  ['ssl.providers', '*', 'string'],
  ['ssl.engine.location', '*', 'string'],
  ['ssl.engine.id', '*', 'string'],
  ['enable.ssl.certificate.verification', '*', 'boolean'],
  ['ssl.endpoint.identification.algorithm', '*', 'enum', 'none,https'],
  ['sasl.mechanisms', '*', 'string'],
  ['sasl.mechanism', '*', 'string', '', 'sasl.mechanisms'],
  ['sasl.kerberos.service.name', '*', 'string'],
  ['sasl.kerberos.principal', '*', 'string'],
  ['sasl.kerberos.kinit.cmd', '*', 'string'],
  ['sasl.kerberos.keytab', '*', 'string'],
  ['sasl.kerberos.min.time.before.relogin', '*', 'integer', '0..86400000'],
  ['sasl.username', '*', 'string'],
  ['sasl.password', '*', 'string'],
  ['sasl.oauthbearer.config', '*', 'string'],
  ['enable.sasl.oauthbearer.unsecure.jwt', '*', 'boolean'],
  ['sasl.oauthbearer.method', '*', 'enum', 'default,oidc'],
  ['sasl.oauthbearer.client.id', '*', 'string'],
  ['sasl.oauthbearer.client.credentials.client.id', '*', 'string', '', 'sasl.oauthbearer.client.id'],
  ['sasl.oauthbearer.client.credentials.client.secret', '*', 'string', '', 'sasl.oauthbearer.client.secret'],
  ['sasl.oauthbearer.client.secret', '*', 'string'],
  ['sasl.oauthbearer.scope', '*', 'string'],
  ['sasl.oauthbearer.extensions', '*', 'string'],
  ['sasl.oauthbearer.token.endpoint.url', '*', 'string'],
  ['sasl.oauthbearer.sub.claim.name', '*', 'string'],
  [
    'sasl.oauthbearer.grant.type',
    '*',
    'enum',
    'client_credentials,urn:ietf:params:oauth:grant-type:jwt-bearer',
  ],
  ['sasl.oauthbearer.assertion.algorithm', '*', 'enum', 'RS256,ES256'],
  ['sasl.oauthbearer.assertion.private.key.file', '*', 'string'],
  ['sasl.oauthbearer.assertion.private.key.passphrase', '*', 'string'],
  ['sasl.oauthbearer.assertion.private.key.pem', '*', 'string'],
  ['sasl.oauthbearer.assertion.file', '*', 'string'],
  ['sasl.oauthbearer.assertion.claim.aud', '*', 'string'],
  ['sasl.oauthbearer.assertion.claim.exp.seconds', '*', 'integer', '1..2147483647'],
  ['sasl.oauthbearer.assertion.claim.iss', '*', 'string'],
  ['sasl.oauthbearer.assertion.claim.jti.include', '*', 'boolean'],
  ['sasl.oauthbearer.assertion.claim.nbf.seconds', '*', 'integer', '0..2147483647'],
  ['sasl.oauthbearer.assertion.claim.sub', '*', 'string'],
  ['sasl.oauthbearer.assertion.jwt.template.file', '*', 'string'],
  ['sasl.oauthbearer.metadata.authentication.type', '*', 'enum', 'none,azure_imds,aws_iam'],
  ['plugin.library.paths', '*', 'string'],
  ['group.id', 'C', 'string'],
  ['group.instance.id', 'C', 'string'],
  ['partition.assignment.strategy', 'C', 'string'],
  ['session.timeout.ms', 'C', 'integer', '1..3600000'],
  ['heartbeat.interval.ms', 'C', 'integer', '1..3600000'],
  ['group.protocol.type', 'C', 'string'],
  ['group.protocol', 'C', 'enum', 'classic,consumer'],
  ['group.remote.assignor', 'C', 'string'],
  ['coordinator.query.interval.ms', 'C', 'integer', '1..3600000'],
  ['max.poll.interval.ms', 'C', 'integer', '1..86400000'],
  ['enable.auto.commit', 'C', 'boolean'],
  ['auto.commit.interval.ms', 'C', 'integer', '0..86400000'],
  ['enable.auto.offset.store', 'C', 'boolean'],
  ['queued.min.messages', 'C', 'integer', '1..10000000'],
  ['queued.max.messages.kbytes', 'C', 'integer', '1..2097151'],
  ['fetch.wait.max.ms', 'C', 'integer', '0..300000'],
  ['fetch.queue.backoff.ms', 'C', 'integer', '0..300000'],
  ['fetch.message.max.bytes', 'C', 'integer', '1..1000000000'],
  ['max.partition.fetch.bytes', 'C', 'integer', '1..1000000000', 'fetch.message.max.bytes'],
  ['fetch.max.bytes', 'C', 'integer', '0..2147483135'],
  ['fetch.min.bytes', 'C', 'integer', '0..2147483647'],
  ['fetch.error.backoff.ms', 'C', 'integer', '0..300000'],
  ['offset.store.method', 'C', 'enum', 'none,file,broker'],
  ['isolation.level', 'C', 'enum', 'read_uncommitted,read_committed'],
  ['enable.partition.eof', 'C', 'boolean'],
  ['check.crcs', 'C', 'boolean'],
  ['client.rack', '*', 'string'],
  ['max.poll.records', 'C', 'integer', '1..2147483647'],
  ['share.acknowledgement.mode', 'C', 'string'],
  ['transactional.id', 'P', 'string'],
  ['transaction.timeout.ms', 'P', 'integer', '1000..2147483647'],
  ['enable.idempotence', 'P', 'boolean'],
  ['enable.gapless.guarantee', 'P', 'boolean'],
  ['queue.buffering.max.messages', 'P', 'integer', '0..2147483647'],
  ['queue.buffering.max.kbytes', 'P', 'integer', '1..2147483647'],
  ['queue.buffering.max.ms', 'P', 'float', '0..900000'],
  ['linger.ms', 'P', 'float', '0..900000', 'queue.buffering.max.ms'],
  ['message.send.max.retries', 'P', 'integer', '0..2147483647'],
  ['retries', 'P', 'integer', '0..2147483647', 'message.send.max.retries'],
  ['retry.backoff.ms', '*', 'integer', '1..300000'],
  ['retry.backoff.max.ms', '*', 'integer', '1..300000'],
  ['queue.buffering.backpressure.threshold', 'P', 'integer', '1..1000000'],
  ['compression.codec', 'P', 'enum', 'none,gzip,snappy,lz4,zstd'],
  ['compression.type', 'P', 'enum', 'none,gzip,snappy,lz4,zstd', 'compression.codec'],
  ['batch.num.messages', 'P', 'integer', '1..1000000'],
  ['batch.size', 'P', 'integer', '1..2147483647'],
  ['delivery.report.only.error', 'P', 'boolean'],
  ['sticky.partitioning.linger.ms', 'P', 'integer', '0..900000'],
  ['client.dns.lookup', '*', 'enum', 'use_all_dns_ips,resolve_canonical_bootstrap_servers_only'],
  ['enable.metrics.push', '*', 'boolean'],
  ['request.required.acks', 'P', 'integer', '-1..1000'],
  ['acks', 'P', 'integer', '-1..1000', 'request.required.acks'],
  ['request.timeout.ms', 'P', 'integer', '1..900000'],
  ['message.timeout.ms', 'P', 'integer', '0..2147483647'],
  ['delivery.timeout.ms', 'P', 'integer', '0..2147483647', 'message.timeout.ms'],
  ['queuing.strategy', 'P', 'enum', 'fifo,lifo'],
  ['produce.offset.report', 'P', 'boolean'],
  ['partitioner', 'P', 'string'],
  ['compression.level', 'P', 'integer', '-1..12'],
  ['auto.commit.enable', 'C', 'boolean'],
  ['auto.offset.reset', 'C', 'enum', 'smallest,earliest,beginning,largest,latest,end,error'],
  ['offset.store.path', 'C', 'string'],
  ['offset.store.sync.interval.ms', 'C', 'integer', '-1..86400000'],
  ['consume.callback.max.messages', 'C', 'integer', '0..1000000'],
];

function toProperty([name, scope, type, range, aliasOf]: Row): LibrdkafkaProperty {
  const property: { -readonly [K in keyof LibrdkafkaProperty]: LibrdkafkaProperty[K] } = {
    name,
    scope,
    type,
  };
  if (aliasOf !== undefined) property.aliasOf = aliasOf;
  if (range === undefined || range === '') return property;
  if (type === 'integer' || type === 'float') {
    const [min, max] = range.split('..').map(Number);
    property.min = min;
    property.max = max;
  } else {
    property.values = range.split(',');
  }
  return property;
}

/** librdkafka's properties by name. */
export const LIBRDKAFKA_PROPERTIES: ReadonlyMap<string, LibrdkafkaProperty> = new Map(
  ROWS.map((row) => [row[0], toProperty(row)]),
);

/** The name librdkafka stores a property under (aliases resolved), so two spellings of one setting meet. */
export function canonicalLibrdkafkaName(name: string): string {
  return LIBRDKAFKA_PROPERTIES.get(name)?.aliasOf ?? name;
}
