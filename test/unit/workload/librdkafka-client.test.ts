// Proves against the real client (librdkafka inside @confluentinc/kafka-javascript) that every property
// name soakbench may hand it exists and that translated driver files are accepted. Creating a
// Producer or KafkaConsumer only builds its configuration: nothing connects.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Kafka from '@confluentinc/kafka-javascript';
import { parse as parseYaml } from 'yaml';
import { type DriverFile, loadDriverFile, parseDriverFile } from '../../../src/workload/driver-file.js';
import { JAVA_CLIENT_KEYS } from '../../../src/workload/java-client-keys.js';
import {
  LIBRDKAFKA_PROPERTIES,
  type LibrdkafkaProperty,
} from '../../../src/workload/librdkafka-properties.js';
import { OMB_DIR, REPO_ROOT } from './paths.js';

/** The client's complaint about a configuration, or undefined when it takes it. */
function rejection(create: () => unknown): string | undefined {
  try {
    create();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const producerRejects = (conf: Record<string, string>) => rejection(() => new Kafka.Producer(conf));
const consumerRejects = (conf: Record<string, string>) =>
  rejection(() => new Kafka.KafkaConsumer({ ...conf, 'group.id': 'soakbench-config-check' }, {}));

function sampleValue(p: LibrdkafkaProperty): string {
  if (p.type === 'integer' || p.type === 'float') return String(p.min ?? 1);
  if (p.type === 'boolean') return 'false';
  if (p.type === 'enum' || p.type === 'flags') return p.values?.[0] ?? '';
  return '';
}

/** A driver using every Java key that translates, with values a Java client would accept. */
const RICH_DRIVER = {
  name: 'every translatable Java key',
  replicationFactor: 3,
  topicConfig: 'min.insync.replicas=2\nretention.ms=3600000',
  commonConfig: `bootstrap.servers=127.0.0.1:9092
client.dns.lookup=use_all_dns_ips
client.id=soakbench
client.rack=rack-a
connections.max.idle.ms=540000
enable.metrics.push=false
metadata.max.age.ms=300000
metadata.recovery.strategy=rebootstrap
metadata.recovery.rebootstrap.trigger.ms=300000
reconnect.backoff.ms=50
reconnect.backoff.max.ms=1000
retry.backoff.ms=100
retry.backoff.max.ms=1000
security.protocol=SASL_SSL
socket.connection.setup.timeout.ms=10000
send.buffer.bytes=131072
receive.buffer.bytes=-1
request.timeout.ms=30000
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
sasl.kerberos.service.name=kafka
sasl.kerberos.kinit.cmd=kinit -k
sasl.kerberos.min.time.before.relogin=60000
sasl.oauthbearer.token.endpoint.url=https://idp.invalid/token
sasl.oauthbearer.sub.claim.name=sub
ssl.endpoint.identification.algorithm=https
ssl.key.password=secret
ssl.keystore.type=PKCS12
ssl.keystore.location=/nonexistent/keystore.p12
ssl.keystore.password=secret
ssl.truststore.type=PEM
ssl.truststore.location=/nonexistent/ca.pem
default.api.timeout.ms=60000`,
  producerConfig: `acks=all
batch.size=16384
buffer.memory=33554432
compression.type=zstd
compression.zstd.level=3
delivery.timeout.ms=120000
enable.idempotence=true
linger.ms=5
max.in.flight.requests.per.connection=5
max.request.size=1048576
retries=2147483647
transaction.timeout.ms=60000
key.serializer=org.apache.kafka.common.serialization.StringSerializer`,
  consumerConfig: `allow.auto.create.topics=false
auto.commit.interval.ms=5000
auto.offset.reset=latest
check.crcs=true
enable.auto.commit=false
fetch.max.bytes=52428800
fetch.max.wait.ms=500
fetch.min.bytes=1
group.protocol=classic
heartbeat.interval.ms=3000
isolation.level=read_committed
max.partition.fetch.bytes=1048576
max.poll.interval.ms=300000
partition.assignment.strategy=org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.RoundRobinAssignor
session.timeout.ms=45000`,
};

/** A second one for PEM-inline TLS keys, which librdkafka will not combine with keystore files. */
const PEM_DRIVER = {
  commonConfig: `security.protocol=SSL
ssl.keystore.type=PEM
ssl.keystore.certificate.chain=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----
ssl.keystore.key=-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----
ssl.truststore.certificates=-----BEGIN CERTIFICATE-----\\nMIIC\\n-----END CERTIFICATE-----`,
};

function assertAccepted(driver: DriverFile): void {
  assert.equal(producerRejects({ ...driver.producer }), undefined, `${driver.file} producer`);
  assert.equal(consumerRejects({ ...driver.consumer }), undefined, `${driver.file} consumer`);
  // The admin configuration holds global properties only, which a producer configuration takes too.
  assert.equal(producerRejects({ ...driver.admin }), undefined, `${driver.file} admin`);
}

describe('the real librdkafka client accepts what soakbench produces', () => {
  test(`it knows every one of the ${LIBRDKAFKA_PROPERTIES.size} property names in soakbench's librdkafka table`, () => {
    assert.equal(
      Kafka.librdkafkaVersion,
      '2.15.1',
      'the table was taken from this version; refresh it if this changes',
    );
    const unknown: string[] = [];
    for (const property of LIBRDKAFKA_PROPERTIES.values()) {
      const message = producerRejects({ [property.name]: sampleValue(property) });
      if (message !== undefined && /No such configuration property|not settable/.test(message))
        unknown.push(property.name);
    }
    assert.deepEqual(unknown, []);
  });

  test('it rejects a name that is not in the table (the check above can fail)', () => {
    assert.match(producerRejects({ 'lingr.ms': '5' }) ?? '', /No such configuration property/);
  });

  test(`every target of the ${JAVA_CLIENT_KEYS.size} Java key translations is a librdkafka property`, () => {
    for (const [key, rule] of JAVA_CLIENT_KEYS) {
      for (const client of ['producer', 'consumer', 'admin'] as const) {
        const all = new Map([
          ['compression.type', 'zstd'],
          ['ssl.keystore.type', 'PKCS12'],
          ['ssl.truststore.type', 'PEM'],
        ]);
        const t = rule(
          key === 'sasl.jaas.config' ? 'PlainLoginModule username="u" password="p";' : '1',
          client,
          all,
        );
        if (!('set' in t)) continue;
        for (const [target] of t.set) assert.ok(LIBRDKAFKA_PROPERTIES.has(target), `${key} -> ${target}`);
      }
    }
  });

  const files = [
    ...readdirSync(join(OMB_DIR, 'driver-kafka')).map((f) => join(OMB_DIR, 'driver-kafka', f)),
    ...readdirSync(join(REPO_ROOT, 'config', 'drivers')).map((f) => join(REPO_ROOT, 'config', 'drivers', f)),
  ].filter((f) => /\.ya?ml$/.test(f));

  test(`producer, consumer and admin configurations of all ${files.length} OMB and soakbench driver files are accepted`, () => {
    assert.ok(files.length >= 16);
    for (const file of files) {
      // A ${file:…} reference names a secret that exists only on a set-up machine (the shipped
      // kafka-local-sasl-ssl.yaml reads .kafka/secrets/, made by `make kafka-up KAFKA_SECURITY=sasl_ssl`).
      const text = readFileSync(file, 'utf8');
      if (text.includes('${file:')) {
        assertAccepted(parseDriverFile(parseYaml(text.replace(/\$\{file:[^}]*\}/g, 'placeholder')), file));
      } else assertAccepted(loadDriverFile(file));
    }
  });

  test('a driver using every translatable Java key is accepted (keystore/truststore files and inline PEM)', () => {
    const rich = parseDriverFile(RICH_DRIVER, 'rich.yaml');
    assert.ok(Object.keys(rich.producer).length >= 30, JSON.stringify(rich.producer));
    assert.ok(Object.keys(rich.consumer).length >= 35, JSON.stringify(rich.consumer));
    assertAccepted(rich);
    const pem = parseDriverFile(PEM_DRIVER, 'pem.yaml');
    assert.deepEqual(Object.keys(pem.producer).sort(), [
      'security.protocol',
      'ssl.ca.pem',
      'ssl.certificate.pem',
      'ssl.key.pem',
    ]);
    assertAccepted(pem);
  });
});
