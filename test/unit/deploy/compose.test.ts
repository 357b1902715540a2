import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { durationMs } from './duration.js';
import { repoPath } from './repo-root.js';

// Static checks only: no Docker engine runs where the tests run, so nothing here starts a container.

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: {
    test: string | string[];
    interval: string;
    timeout: string;
    retries: number;
    start_period: string;
  };
  stop_grace_period?: string;
  command?: string[];
  init?: boolean;
}

const compose = parse(readFileSync(repoPath('docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const soakbench = services.soakbench!;
const env = (service: Service) => service.environment ?? {};

/** Default shutdown.graceMs of the daemon (the lead's config schema). */
const DAEMON_SHUTDOWN_GRACE_MS = 30_000;

describe('docker-compose.yml', () => {
  test('runs kafka, soakbench, prometheus and grafana', () => {
    assert.deepEqual(Object.keys(services).sort(), ['grafana', 'kafka', 'prometheus', 'soakbench']);
  });

  test('every image is pinned to a version, never latest', () => {
    for (const [name, service] of Object.entries(services)) {
      assert.ok(service.image !== undefined, `${name}: no image`);
      const tag = /:([^/:]+)$/.exec(service.image)?.[1];
      assert.ok(tag !== undefined && tag !== 'latest', `${name}: image ${service.image} is not pinned`);
      if (service.build === undefined) {
        assert.match(tag, /^v?\d+\.\d+\.\d+$/, `${name}: ${service.image} should name an exact release`);
      }
    }
  });

  test('kafka is the official apache/kafka 4.x image at the version of the local broker', () => {
    const version = /^apache\/kafka:(4\.\d+\.\d+)$/.exec(services.kafka!.image ?? '')?.[1];
    assert.ok(version !== undefined, `kafka image: ${services.kafka!.image}`);
    const pom = readFileSync(repoPath('kafka', 'pom.xml'), 'utf8');
    assert.equal(
      version,
      /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1],
      'kafka/pom.xml kafka.version',
    );
  });

  test('kafka is a single KRaft node configured explicitly through the environment', () => {
    const kafka = env(services.kafka!);
    const expected: Record<string, string> = {
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
      KAFKA_MIN_INSYNC_REPLICAS: '1',
    };
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(String(kafka[key]), value, key);
    }
    for (const key of [
      'CLUSTER_ID',
      'KAFKA_LISTENERS',
      'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP',
      'KAFKA_LOG_DIRS',
    ]) {
      assert.ok(kafka[key] !== undefined && String(kafka[key]) !== '', `${key} unset`);
    }
    assert.match(String(kafka.CLUSTER_ID), /^[A-Za-z0-9_-]{22}$/, 'CLUSTER_ID is a base64 UUID');
    assert.ok(String(kafka.KAFKA_ADVERTISED_LISTENERS).split(',').includes('PLAINTEXT://kafka:9092'));
    const volumes = services.kafka!.volumes ?? [];
    assert.ok(
      volumes.some((v) => v.endsWith(`:${kafka.KAFKA_LOG_DIRS}`)),
      'log dir is on a volume',
    );
  });

  test('soakbench is built from the Dockerfile and configured through SOAKBENCH_* variables', () => {
    assert.deepEqual(soakbench.build, { context: '.', dockerfile: 'Dockerfile' });
    assert.ok(existsSync(repoPath('Dockerfile')));
    const vars = env(soakbench);
    assert.equal(vars.SOAKBENCH_HTTP_HOST, '0.0.0.0');
    assert.equal(vars.SOAKBENCH_BOOTSTRAP_SERVERS, 'kafka:9092');
    assert.equal(vars.SOAKBENCH_DRIVER, '/app/config/drivers/kafka-local.yaml');
    assert.equal(vars.SOAKBENCH_WORKLOAD, '/app/config/workloads/default.yaml');
    // Non-loopback listening needs a token; `${VAR:?message}` makes compose refuse to start without one.
    assert.match(String(vars.SOAKBENCH_API_TOKEN), /^\$\{SOAKBENCH_API_TOKEN:\?[^}]+\}$/);
    assert.equal(soakbench.init, true, 'an init process forwards signals to node');
  });

  test('the driver and workload files soakbench is pointed at exist in config/ (copied to /app/config)', () => {
    const vars = env(soakbench);
    for (const key of ['SOAKBENCH_DRIVER', 'SOAKBENCH_WORKLOAD']) {
      const inRepo = String(vars[key]).replace(/^\/app\//, '');
      assert.ok(existsSync(repoPath(inRepo)), `${key}: ${inRepo} is not in the repository`);
    }
  });

  test('stop_grace_period of soakbench is longer than its shutdown grace', () => {
    assert.ok(soakbench.stop_grace_period !== undefined);
    assert.ok(
      durationMs(soakbench.stop_grace_period) > DAEMON_SHUTDOWN_GRACE_MS,
      soakbench.stop_grace_period,
    );
  });

  test('every service has a health check, and dependants wait for it', () => {
    for (const [name, service] of Object.entries(services)) {
      const check = service.healthcheck;
      assert.ok(check !== undefined, `${name}: no healthcheck`);
      assert.ok(Array.isArray(check.test) ? check.test.length > 1 : check.test !== '', `${name}: empty test`);
      for (const field of ['interval', 'timeout', 'start_period'] as const) {
        assert.ok(durationMs(check[field]) > 0, `${name}: healthcheck ${field}`);
      }
      assert.ok(check.retries > 0, `${name}: healthcheck retries`);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        assert.ok(dependency in services, `${name} depends on unknown ${dependency}`);
        assert.equal(condition, 'service_healthy', `${name} -> ${dependency}`);
      }
    }
    assert.ok(String(soakbench.healthcheck!.test).includes('/readyz'), 'soakbench health is /readyz');
    assert.ok('kafka' in (soakbench.depends_on ?? {}));
    assert.ok('prometheus' in (services.grafana!.depends_on ?? {}));
  });

  test('ports are published on loopback only, to the expected container ports', () => {
    const expected: Record<string, string[]> = {
      kafka: ['19092'],
      soakbench: [String(env(soakbench).SOAKBENCH_HTTP_PORT)],
      prometheus: ['9090'],
      grafana: ['3000'],
    };
    for (const [name, service] of Object.entries(services)) {
      const ports = service.ports ?? [];
      for (const port of ports) assert.match(port, /^127\.0\.0\.1:\d+:\d+$/, `${name}: ${port}`);
      assert.deepEqual(
        ports.map((p) => p.split(':')[2]),
        expected[name],
        `${name} ports`,
      );
    }
    assert.equal(env(soakbench).SOAKBENCH_HTTP_PORT, 8080);
  });

  test('every bind-mounted path exists in the repository and named volumes are declared', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.startsWith('.') || source!.startsWith('/')) {
          assert.ok(source!.startsWith('./'), `${name}: ${volume} should be relative to the repository`);
          assert.ok(existsSync(repoPath(source!)), `${name}: ${source} does not exist`);
        } else {
          assert.ok(source! in compose.volumes, `${name}: volume ${source} is not declared`);
        }
      }
    }
  });

  test('prometheus loads our configuration directory; grafana our provisioning and dashboards', () => {
    const prometheus = services.prometheus!;
    assert.ok(prometheus.volumes?.includes('./prometheus:/etc/prometheus:ro'));
    assert.ok(prometheus.command?.includes('--config.file=/etc/prometheus/prometheus.yml'));
    const grafana = services.grafana!;
    assert.ok(grafana.volumes?.includes('./grafana/provisioning:/etc/grafana/provisioning:ro'));
    const dashboardsMount = grafana.volumes?.find((v) => v.startsWith('./grafana/dashboards:'));
    assert.ok(dashboardsMount !== undefined);
    const home = String(env(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    const mountTarget = dashboardsMount.split(':')[1]!;
    assert.ok(home.startsWith(`${mountTarget}/`), home);
    assert.ok(existsSync(repoPath('grafana', 'dashboards', home.slice(mountTarget.length + 1))), home);
  });

  test('prometheus finds every replica of the soakbench service by DNS, each its own instance', () => {
    const config = parse(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
      }[];
    };
    const job = config.scrape_configs.find((j) => j.job_name === 'soakbench');
    assert.deepEqual(job?.dns_sd_configs?.[0]?.names, ['soakbench']);
    assert.equal(job?.dns_sd_configs?.[0]?.type, 'A');
    assert.equal(job?.dns_sd_configs?.[0]?.port, env(soakbench).SOAKBENCH_HTTP_PORT);
  });
});

describe('docker-compose.fleet.yml', () => {
  const text = readFileSync(repoPath('docker-compose.fleet.yml'), 'utf8');
  // `!override` is Compose's merge tag (Compose 2.24.4+): parse it as a plain sequence here.
  const fleet = parse(text, {
    customTags: [{ tag: '!override', collection: 'seq', resolve: (v: unknown) => v }],
  } as never) as {
    services: Record<
      string,
      { deploy?: { replicas: number }; environment?: Record<string, string>; ports?: unknown }
    >;
  };

  test('only changes the soakbench service: three replicas in one fleet', () => {
    assert.deepEqual(Object.keys(fleet.services), ['soakbench']);
    const s = fleet.services.soakbench!;
    assert.equal(s.deploy?.replicas, 3);
    assert.equal(s.environment?.SOAKBENCH_FLEET, 'soakbench');
  });

  test('replaces the single published port by one loopback port per replica', () => {
    assert.match(text, /ports: !override\n/);
    const ports = fleet.services.soakbench!.ports as { items?: { value: string }[] } | string[];
    const list = Array.isArray(ports) ? ports : (ports.items ?? []).map((i) => i.value);
    assert.equal(list.length, 1);
    const m = /^127\.0\.0\.1:(\d+)-(\d+):(\d+)$/.exec(String(list[0]));
    assert.ok(m, String(list[0]));
    assert.equal(Number(m[2]) - Number(m[1]) + 1, fleet.services.soakbench!.deploy!.replicas);
    assert.equal(Number(m[3]), env(soakbench).SOAKBENCH_HTTP_PORT);
  });
});
