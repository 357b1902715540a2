/**
 * What each Java Kafka client key (CommonClientConfigs, ProducerConfig, ConsumerConfig,
 * AdminClientConfig, SslConfigs, SaslConfigs of apache/kafka) becomes in librdkafka. Names that are the
 * same in both clients map to themselves; renamed ones are translated; keys for Java machinery
 * (serializers, JMX metrics, interceptors, blocking timeouts) have no librdkafka equivalent and are
 * dropped. The reasons are in docs/workloads.md; each target is checked against librdkafka 2.15.1's
 * CONFIGURATION.md and, in the tests, against the real client.
 */

/** The three librdkafka clients a driver file configures. */
export type ClientKind = 'producer' | 'consumer' | 'admin';

/** The outcome of translating one Java key for one client. */
export type Translation =
  /** Set these librdkafka properties. */
  | { readonly set: readonly (readonly [string, string])[] }
  /** A Java-only key: dropped, and named in the file's single "ignored" warning. */
  | { readonly drop: 'java-only' }
  /** Dropped for a reason worth its own warning. */
  | { readonly drop: 'notice'; readonly message: string }
  /** The value has no librdkafka equivalent: an error, `expected` says what would work. */
  | { readonly error: string };

/** Translates a Java key's value for a client; `all` holds the client's other Java keys (merged). */
export type JavaKeyRule = (
  value: string,
  client: ClientKind,
  all: ReadonlyMap<string, string>,
) => Translation;

const set = (key: string, value: string): Translation => ({ set: [[key, value]] });
const same =
  (key: string): JavaKeyRule =>
  (value) =>
    set(key, value);
const renamed =
  (to: string): JavaKeyRule =>
  (value) =>
    set(to, value);
const javaOnly: JavaKeyRule = () => ({ drop: 'java-only' });
const notice =
  (message: string): JavaKeyRule =>
  () => ({ drop: 'notice', message });

/** Java says -1 for "the OS default" socket buffer; librdkafka says 0. */
const socketBuffer =
  (to: string): JavaKeyRule =>
  (value) =>
    set(to, value.trim() === '-1' ? '0' : value);

/** buffer.memory is in bytes, queue.buffering.max.kbytes in KiB (rounded up so the limit never shrinks). */
const bufferMemory: JavaKeyRule = (value) => {
  if (!/^\d+$/.test(value)) return { error: 'a number of bytes' };
  return set('queue.buffering.max.kbytes', String(Math.max(1, Math.ceil(Number(value) / 1024))));
};

/** Java's request.timeout.ms bounds every request; librdkafka's only the producer's, socket.timeout.ms the rest. */
const requestTimeout: JavaKeyRule = (value, client) =>
  set(client === 'producer' ? 'request.timeout.ms' : 'socket.timeout.ms', value);

/** KIP-390 levels apply only to their own codec, as in the Java producer. */
const compressionLevel =
  (codec: string): JavaKeyRule =>
  (value, _client, all) => {
    const type = (all.get('compression.type') ?? 'none').trim().toLowerCase();
    if (type === codec) return set('compression.level', value);
    return { drop: 'notice', message: `compression.${codec}.level is ignored: compression.type is ${type}` };
  };

const autoOffsetReset: JavaKeyRule = (value) => {
  const v = value.trim().toLowerCase();
  // Java's "none" throws when there is no committed offset; librdkafka's "error" reports it the same way.
  if (v === 'none') return set('auto.offset.reset', 'error');
  if (v === 'earliest' || v === 'latest') return set('auto.offset.reset', v);
  if (v.startsWith('by_duration:'))
    return { error: 'earliest, latest or none (librdkafka has no by_duration)' };
  return set('auto.offset.reset', value); // librdkafka spellings (smallest, end, ...) are checked later
};

const ASSIGNORS: Readonly<Record<string, string>> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
  range: 'range',
  roundrobin: 'roundrobin',
  'cooperative-sticky': 'cooperative-sticky',
};

const assignmentStrategy: JavaKeyRule = (value) => {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const mapped = names.map((n) => ASSIGNORS[n]);
  if (names.length === 0 || mapped.some((m) => m === undefined)) {
    return {
      error:
        'RangeAssignor, RoundRobinAssignor or CooperativeStickyAssignor (librdkafka has no StickyAssignor or custom assignors)',
    };
  }
  return set('partition.assignment.strategy', mapped.join(','));
};

/** Java leaves host name verification off with an empty value; librdkafka says "none". */
const endpointIdentification: JavaKeyRule = (value) =>
  set('ssl.endpoint.identification.algorithm', value.trim() === '' ? 'none' : value);

/** `dir/name.jks` → `dir/name.<ext>`: where the conversion commands below write. */
const converted = (path: string, ext: string): string =>
  `${path.replace(/\.(jks|p12|pfx|pkcs12|keystore)$/i, '')}.${ext}`;

/**
 * librdkafka reads a PKCS#12 keystore (ssl.keystore.location) or PEM files (ssl.certificate.location
 * and ssl.key.location; one file holding both is fine, as Java's PEM keystore). A Java keystore (JKS)
 * must be converted: the warning gives the command.
 */
const keystoreLocation: JavaKeyRule = (value, _client, all) => {
  const type = (all.get('ssl.keystore.type') ?? 'JKS').trim().toUpperCase();
  if (type === 'PKCS12') return set('ssl.keystore.location', value);
  if (type === 'PEM')
    return {
      set: [
        ['ssl.certificate.location', value],
        ['ssl.key.location', value],
      ],
    };
  const p12 = converted(value, 'p12');
  return {
    drop: 'notice',
    message: `ssl.keystore.location is ignored: librdkafka reads PKCS12 or PEM keystores, not ${type}; convert it with \`keytool -importkeystore -srckeystore ${value} -srcstoretype ${type} -destkeystore ${p12} -deststoretype PKCS12\` and set ssl.keystore.type=PKCS12 and ssl.keystore.location=${p12}`,
  };
};

/** librdkafka trusts CA certificates from a PEM file only; JKS and PKCS#12 truststores are converted. */
const truststoreLocation: JavaKeyRule = (value, _client, all) => {
  const type = (all.get('ssl.truststore.type') ?? 'JKS').trim().toUpperCase();
  if (type === 'PEM') return set('ssl.ca.location', value);
  const pem = converted(value, 'pem');
  const command =
    type === 'PKCS12'
      ? `openssl pkcs12 -in ${value} -nokeys -out ${pem}`
      : `keytool -importkeystore -srckeystore ${value} -srcstoretype ${type} -destkeystore ${converted(value, 'p12')} -deststoretype PKCS12 && openssl pkcs12 -in ${converted(value, 'p12')} -nokeys -out ${pem}`;
  return {
    drop: 'notice',
    message: `ssl.truststore.location is ignored: librdkafka reads CA certificates as PEM only (ssl.truststore.type is ${type}); convert it with \`${command}\` and set ssl.truststore.type=PEM and ssl.truststore.location=${pem}`,
  };
};

/** PLAIN and SCRAM logins carry their credentials in the JAAS line; librdkafka takes them as two properties. */
const jaasConfig: JavaKeyRule = (value) => {
  if (!/(PlainLoginModule|ScramLoginModule)/.test(value)) {
    return {
      drop: 'notice',
      message:
        'sasl.jaas.config is ignored: only PLAIN and SCRAM credentials translate (to sasl.username/sasl.password)',
    };
  }
  const username = /\busername\s*=\s*"([^"]*)"/.exec(value)?.[1];
  const password = /\bpassword\s*=\s*"([^"]*)"/.exec(value)?.[1];
  if (username === undefined || password === undefined)
    return { error: 'a login module line with username="…" password="…"' };
  return {
    set: [
      ['sasl.username', username],
      ['sasl.password', password],
    ],
  };
};

const groupId: JavaKeyRule = (value, client) =>
  client === 'consumer'
    ? {
        drop: 'notice',
        message: 'group.id is ignored: each subscription gets its own consumer group, as in OMB',
      }
    : set('group.id', value);

const SAME = [
  'bootstrap.servers',
  'client.dns.lookup',
  'client.id',
  'client.rack',
  'connections.max.idle.ms',
  'enable.metrics.push',
  'group.instance.id',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'metadata.max.age.ms',
  'metadata.recovery.strategy',
  'metadata.recovery.rebootstrap.trigger.ms',
  'reconnect.backoff.ms',
  'reconnect.backoff.max.ms',
  'retries',
  'retry.backoff.ms',
  'retry.backoff.max.ms',
  'security.protocol',
  'session.timeout.ms',
  'socket.connection.setup.timeout.ms',
  'acks',
  'batch.size',
  'compression.type',
  'enable.idempotence',
  'linger.ms',
  'max.in.flight.requests.per.connection',
  'transaction.timeout.ms',
  'allow.auto.create.topics',
  'auto.commit.interval.ms',
  'check.crcs',
  'enable.auto.commit',
  'fetch.max.bytes',
  'fetch.min.bytes',
  'group.protocol',
  'group.remote.assignor',
  'isolation.level',
  'max.partition.fetch.bytes',
  'ssl.cipher.suites',
  'ssl.key.password',
  'ssl.keystore.password',
  'sasl.mechanism',
  'sasl.kerberos.service.name',
  'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.min.time.before.relogin',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.oauthbearer.sub.claim.name',
];

/** Java keys with no librdkafka equivalent. */
export const JAVA_ONLY_KEYS: readonly string[] = [
  'default.api.timeout.ms',
  'default.list.key.serde.inner',
  'default.list.key.serde.type',
  'default.list.value.serde.inner',
  'default.list.value.serde.type',
  'metric.reporters',
  'metrics.num.samples',
  'metrics.recording.level',
  'metrics.sample.window.ms',
  'auto.include.jmx.reporter',
  'rebalance.timeout.ms',
  'socket.connection.setup.timeout.max.ms',
  'key.serializer',
  'value.serializer',
  'key.deserializer',
  'value.deserializer',
  'interceptor.classes',
  'max.block.ms',
  'metadata.max.idle.ms',
  'partitioner.class',
  'partitioner.adaptive.partitioning.enable',
  'partitioner.availability.timeout.ms',
  'partitioner.ignore.keys',
  'exclude.internal.topics',
  'internal.leave.group.on.close',
  'internal.throw.on.fetch.stable.offset.unsupported',
  'max.poll.records',
  'bootstrap.controllers',
  'ssl.enabled.protocols',
  'ssl.protocol',
  'ssl.provider',
  'ssl.engine.factory.class',
  'ssl.keymanager.algorithm',
  'ssl.trustmanager.algorithm',
  'ssl.secure.random.implementation',
  'ssl.keystore.type',
  'ssl.truststore.type',
  'ssl.truststore.password',
  'security.providers',
  'sasl.client.callback.handler.class',
  'sasl.login.callback.handler.class',
  'sasl.login.class',
  'sasl.login.connect.timeout.ms',
  'sasl.login.read.timeout.ms',
  'sasl.login.refresh.buffer.seconds',
  'sasl.login.refresh.min.period.seconds',
  'sasl.login.refresh.window.factor',
  'sasl.login.refresh.window.jitter',
  'sasl.login.retry.backoff.max.ms',
  'sasl.login.retry.backoff.ms',
  'sasl.kerberos.ticket.renew.jitter',
  'sasl.kerberos.ticket.renew.window.factor',
  'sasl.oauthbearer.clock.skew.seconds',
  'sasl.oauthbearer.expected.audience',
  'sasl.oauthbearer.expected.issuer',
  'sasl.oauthbearer.header.urlencode',
  'sasl.oauthbearer.jwks.endpoint.refresh.ms',
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms',
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms',
  'sasl.oauthbearer.jwks.endpoint.url',
  'sasl.oauthbearer.scope.claim.name',
];

/** Every Java client key soakbench knows, with its translation. */
export const JAVA_CLIENT_KEYS: ReadonlyMap<string, JavaKeyRule> = new Map<string, JavaKeyRule>([
  ...SAME.map((k): [string, JavaKeyRule] => [k, same(k)]),
  ...JAVA_ONLY_KEYS.map((k): [string, JavaKeyRule] => [k, javaOnly]),
  ['send.buffer.bytes', socketBuffer('socket.send.buffer.bytes')],
  ['receive.buffer.bytes', socketBuffer('socket.receive.buffer.bytes')],
  ['request.timeout.ms', requestTimeout],
  ['group.id', groupId],
  ['buffer.memory', bufferMemory],
  ['delivery.timeout.ms', renamed('message.timeout.ms')],
  ['max.request.size', renamed('message.max.bytes')],
  ['compression.gzip.level', compressionLevel('gzip')],
  ['compression.lz4.level', compressionLevel('lz4')],
  ['compression.zstd.level', compressionLevel('zstd')],
  [
    'transactional.id',
    notice(
      "transactional.id is ignored: soakbench producers do not use transactions (OMB's Kafka driver does not either)",
    ),
  ],
  ['auto.offset.reset', autoOffsetReset],
  ['fetch.max.wait.ms', renamed('fetch.wait.max.ms')],
  ['partition.assignment.strategy', assignmentStrategy],
  ['ssl.endpoint.identification.algorithm', endpointIdentification],
  ['ssl.keystore.location', keystoreLocation],
  ['ssl.keystore.certificate.chain', renamed('ssl.certificate.pem')],
  ['ssl.keystore.key', renamed('ssl.key.pem')],
  ['ssl.truststore.location', truststoreLocation],
  ['ssl.truststore.certificates', renamed('ssl.ca.pem')],
  ['sasl.jaas.config', jaasConfig],
]);

/** Java keys dropped by prefix (metrics.context.<name> labels every JMX metric). */
export function isJavaOnlyPrefix(key: string): boolean {
  return key.startsWith('metrics.context.');
}

/** Keys whose values must never be shown in messages. */
export function isSecretKey(key: string): boolean {
  return /password|secret|jaas|\.key$|\.key\.pem$|key\.pem$/.test(key);
}
