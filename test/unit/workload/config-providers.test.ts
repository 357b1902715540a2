import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { permanentConnectFailure } from '../../../src/driver/kafka/kafka-errors.js';
import { isSoakbenchError } from '../../../src/errors.js';
import { resolveConfigReferences } from '../../../src/workload/config-providers.js';
import { OMB_KAFKA_DRIVER_CLASS, parseDriverFile } from '../../../src/workload/driver-file.js';

const dir = mkdtempSync(join(tmpdir(), 'soakbench-providers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'hunter2-very-secret-7f3a';
const passwordFile = join(dir, 'user.password');
writeFileSync(passwordFile, `${SECRET}\n`);
const propsFile = join(dir, 'creds.properties');
writeFileSync(propsFile, `user=soakbench\npassword=${SECRET}\n`);

describe('resolveConfigReferences', () => {
  test('${file:PATH} is the file without its trailing line break, marked as resolved', () => {
    const r = resolveConfigReferences(`password="\${file:${passwordFile}}";`);
    assert.deepEqual(r, { value: `password="${SECRET}";`, resolved: true, problems: [] });
  });

  test('a relative ${file:…} path is relative to the working directory', () => {
    const r = resolveConfigReferences(`\${file:${relative(process.cwd(), passwordFile)}}`);
    assert.equal(r.value, SECRET);
  });

  test('${file:PATH:KEY} reads one key of a properties file (Kafka FileConfigProvider)', () => {
    assert.equal(resolveConfigReferences(`\${file:${propsFile}:password}`).value, SECRET);
  });

  test('${env:NAME} reads the environment; text without references is left alone', () => {
    assert.equal(resolveConfigReferences('a${env:SB_X}b', { SB_X: 'y' }).value, 'ayb');
    assert.deepEqual(resolveConfigReferences('plain $ {x}'), {
      value: 'plain $ {x}',
      resolved: false,
      problems: [],
    });
  });

  test('a missing variable, a missing file, a missing key or an unknown provider is a problem naming it', () => {
    const env = resolveConfigReferences('${env:SB_SURELY_UNSET}', {});
    assert.match(env.problems[0]?.expected ?? '', /SB_SURELY_UNSET to be set/);
    const file = resolveConfigReferences(`\${file:${dir}/nope}`);
    assert.match(file.problems[0]?.expected ?? '', /a readable file .*nope .*ENOENT/);
    const key = resolveConfigReferences(`\${file:${propsFile}:nokey}`);
    assert.match(key.problems[0]?.expected ?? '', /a key nokey/);
    const other = resolveConfigReferences('${vault:x}');
    assert.equal(other.problems[0]?.found, '${vault:x}');
  });
});

describe('parseDriverFile with references', () => {
  const parse = (commonConfig: string) =>
    parseDriverFile({ driverClass: OMB_KAFKA_DRIVER_CLASS, commonConfig }, 'd.yaml');

  test('the JAAS password comes from a file and reaches librdkafka as sasl.password', () => {
    const d = parse(
      `sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="\${file:${passwordFile}}";`,
    );
    assert.equal(d.producer['sasl.password'], SECRET);
    assert.equal(d.admin['sasl.username'], 'u');
  });

  test('an invalid value that came from a reference is reported without the value', () => {
    const err = (() => {
      try {
        parse(`linger.ms=\${file:${passwordFile}}`);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof Error);
    assert.match(err.message, /linger\.ms/);
    assert.doesNotMatch(err.message, new RegExp(SECRET));
  });
});

describe('keystores and truststores', () => {
  const warningsOf = (commonConfig: string) =>
    parseDriverFile({ driverClass: OMB_KAFKA_DRIVER_CLASS, commonConfig }, 'd.yaml').warnings.join('\n');

  test('a JKS truststore is dropped with the exact keytool + openssl conversion command', () => {
    const w = warningsOf('ssl.truststore.location=/etc/kafka/truststore.jks\nssl.truststore.password=x');
    assert.match(
      w,
      /keytool -importkeystore -srckeystore \/etc\/kafka\/truststore\.jks -srcstoretype JKS -destkeystore \/etc\/kafka\/truststore\.p12 -deststoretype PKCS12 && openssl pkcs12 -in \/etc\/kafka\/truststore\.p12 -nokeys -out \/etc\/kafka\/truststore\.pem/,
    );
  });

  test('a JKS keystore gets the keytool command; PKCS12 and PEM keystores are used', () => {
    assert.match(
      warningsOf('ssl.keystore.location=/k/ks.jks'),
      /keytool -importkeystore -srckeystore \/k\/ks\.jks .*-destkeystore \/k\/ks\.p12 -deststoretype PKCS12/,
    );
    const p12 = parseDriverFile(
      { commonConfig: 'ssl.keystore.type=PKCS12\nssl.keystore.location=/k/ks.p12' },
      'd.yaml',
    );
    assert.equal(p12.producer['ssl.keystore.location'], '/k/ks.p12');
    const pem = parseDriverFile(
      { commonConfig: 'ssl.keystore.type=PEM\nssl.keystore.location=/k/ks.pem' },
      'd.yaml',
    );
    assert.equal(pem.producer['ssl.certificate.location'], '/k/ks.pem');
    assert.equal(pem.producer['ssl.key.location'], '/k/ks.pem');
  });

  test('a PKCS12 truststore gets the openssl command; a PEM one becomes ssl.ca.location', () => {
    assert.match(
      warningsOf('ssl.truststore.type=PKCS12\nssl.truststore.location=/t/ts.p12'),
      /openssl pkcs12 -in \/t\/ts\.p12 -nokeys -out \/t\/ts\.pem/,
    );
    const pem = parseDriverFile(
      { commonConfig: 'ssl.truststore.type=PEM\nssl.truststore.location=/t/ca.pem' },
      'd.yaml',
    );
    assert.equal(pem.admin['ssl.ca.location'], '/t/ca.pem');
  });
});

describe('permanentConnectFailure', () => {
  test('a SCRAM rejection is "authentication failed" naming the broker', () => {
    const e = permanentConnectFailure(
      '[thrd:sasl_ssl://127.0.0.1:19592/bootstrap]: sasl_ssl://127.0.0.1:19592/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 326ms in state AUTH_REQ)',
    );
    assert.ok(isSoakbenchError(e));
    assert.equal(e.code, 'KAFKA_AUTH');
    assert.match(e.message, /^authentication failed at broker 127\.0\.0\.1:19592: .*invalid credentials/);
    assert.doesNotMatch(e.message, /after \d+ms/);
  });

  test('an unverifiable certificate is "certificate not trusted" naming the broker by id', () => {
    const e = permanentConnectFailure(
      '[thrd:sasl_ssl://127.0.0.1:19593/2]: sasl_ssl://127.0.0.1:19593/2: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified (after 28ms in state SSL_HANDSHAKE)',
    );
    assert.match(e?.message ?? '', /^certificate not trusted: broker 2 \(127\.0\.0\.1:19593\)/);
  });

  test('a broker that is down is not permanent', () => {
    assert.equal(
      permanentConnectFailure(
        '[thrd:127.0.0.1:19592/bootstrap]: 127.0.0.1:19592/bootstrap: Connect to ipv4#127.0.0.1:19592 failed: Connection refused (after 0ms in state CONNECT)',
      ),
      undefined,
    );
  });
});
