import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { loadDaemonConfig } from '../../../src/config/daemon-config.js';
import { refuseForFleet } from '../../../src/fleet/fleet-daemon.js';
import { validateFiles } from '../../../src/workload/validate-files.js';
import { parseWorkloadText } from '../../../src/workload/workload-parser.js';
import { startApi } from '../api/fake-control.js';
import { durationMs } from './duration.js';
import {
  hasModel,
  type K8sObject,
  validateK8sObject,
  validateLabelSelector,
  validateMetadata,
} from './k8s-schema.js';
import { repoPath } from './repo-root.js';

// deploy/k8s/ (docs/kubernetes.md): every object against Kubernetes' own schemas (k8s-schema.ts), then
// against this repository: the daemon's config schema, its HTTP routes, the image and the monitoring files.
// No cluster runs here: nothing is applied.

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field below
type Any = any;

const DIR = repoPath('deploy', 'k8s');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects: { file: string; obj: K8sObject }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`deploy/k8s/${file}: ${doc.errors[0]!.message}`);
    return { file, obj: doc.toJS() as K8sObject };
  }),
);
const one = (kind: string): Any => {
  const found = objects.filter((o) => o.obj.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind} in deploy/k8s/, found ${found.length}`);
  return found[0]!.obj;
};
const deployment = one('Deployment');
const service = one('Service');
const configMap = one('ConfigMap');
const secret = one('Secret');
const podMonitor = one('PodMonitor');
const pod = deployment.spec.template;
const container = pod.spec.containers[0];
const defaults = loadDaemonConfig({ env: {} });
const envValue = (name: string): Any => container.env.find((e: Any) => e.name === name);

/** Bytes in a Kubernetes memory quantity ("512Mi", "1Gi", "300M", "1000"). */
function bytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  assert.ok(m, `not a memory quantity this test reads: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

/** The pod's environment with each Secret or field reference given a stand-in value. */
function podEnv(): Record<string, string> {
  return Object.fromEntries(
    container.env.map((e: Any) => [
      e.name,
      e.value ??
        (e.valueFrom.fieldRef
          ? `stand-in-for-${e.valueFrom.fieldRef.fieldPath}`
          : `stand-in for ${e.valueFrom.secretKeyRef.key}`),
    ]),
  );
}

describe('deploy/k8s manifests', () => {
  test('every object is valid against Kubernetes schemas, with no field the schema lacks', () => {
    for (const { file, obj } of objects) {
      if (!hasModel(obj)) continue;
      assert.doesNotThrow(() => validateK8sObject(obj), `deploy/k8s/${file}: ${obj.kind}`);
      assert.match(String((obj.metadata as Any)?.name), /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, file);
    }
    assert.deepEqual(
      objects.filter((o) => !hasModel(o.obj)).map((o) => o.obj.kind),
      ['PodMonitor'],
    );
  });

  test('kustomization.yaml lists every manifest but the Secret example', () => {
    const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'));
    assert.equal(kustomization.kind, 'Kustomization');
    const expected = files.filter((f) => f !== 'secret.example.yaml').sort();
    assert.deepEqual([...kustomization.resources].sort(), expected);
  });

  test('PodMonitor: the CRD fields it uses, a valid selector, and the scrape setup of prometheus/', () => {
    // @kubernetes-models/prometheus-operator is not installed: these are the PodMonitor CRD's
    // (monitoring.coreos.com/v1) required fields and the types and patterns of the ones used here.
    assert.equal(podMonitor.apiVersion, 'monitoring.coreos.com/v1');
    validateMetadata(podMonitor.metadata);
    const specKeys = ['jobLabel', 'selector', 'podMetricsEndpoints', 'namespaceSelector', 'podTargetLabels'];
    for (const key of Object.keys(podMonitor.spec)) assert.ok(specKeys.includes(key), `spec.${key}`);
    validateLabelSelector(podMonitor.spec.selector);
    const endpoints = podMonitor.spec.podMetricsEndpoints;
    assert.ok(Array.isArray(endpoints) && endpoints.length === 1, 'one podMetricsEndpoints entry');
    const endpoint = endpoints[0];
    for (const key of Object.keys(endpoint)) {
      assert.ok(['port', 'path', 'interval', 'scrapeTimeout'].includes(key), `podMetricsEndpoints[0].${key}`);
    }
    const crdDuration =
      /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
    for (const key of ['interval', 'scrapeTimeout']) assert.match(endpoint[key], crdDuration, key);
    assert.ok(durationMs(endpoint.scrapeTimeout) < durationMs(endpoint.interval), 'scrapeTimeout < interval');
    const prometheus = parse(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8'));
    assert.equal(endpoint.interval, prometheus.global.scrape_interval, 'the interval the rules assume');
    assert.equal(endpoint.path, '/metrics');
    assert.ok(
      container.ports.some((p: Any) => p.name === endpoint.port),
      `port ${endpoint.port}`,
    );
    // job="soakbench" in the alert rules: the value of the pod label named by jobLabel.
    const alerts = readFileSync(repoPath('prometheus', 'rules', 'soakbench-alerts.yml'), 'utf8');
    assert.ok(alerts.includes(`job="${pod.metadata.labels[podMonitor.spec.jobLabel]}"`), 'jobLabel');
  });

  test('selectors: the Deployment, the Service and the PodMonitor all select the pods', () => {
    const labels = pod.metadata.labels;
    for (const [what, selector] of [
      ['Deployment', deployment.spec.selector.matchLabels],
      ['Service', service.spec.selector],
      ['PodMonitor', podMonitor.spec.selector.matchLabels],
    ]) {
      for (const [k, v] of Object.entries(selector)) assert.equal(labels[k], v, `${what} selects ${k}=${v}`);
    }
  });

  test('a fleet of three replicas named after their pods, no surge, the image of this version running `daemon`', () => {
    assert.equal(deployment.spec.replicas, 3, 'three members: the rate splits evenly');
    assert.equal(envValue('SOAKBENCH_FLEET').value, 'soakbench');
    assert.deepEqual(envValue('SOAKBENCH_FLEET_MEMBER_ID').valueFrom, {
      fieldRef: { fieldPath: 'metadata.name' },
    });
    assert.equal(deployment.spec.strategy.rollingUpdate.maxSurge, 0, 'a surge pod would double the load');
    const version = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).version;
    assert.equal(container.image, `soakbench:${version}`);
    assert.deepEqual(container.args, ['daemon']);
  });

  test('the port is the default http.port, in the environment, the container and the Service', () => {
    assert.equal(envValue('SOAKBENCH_HTTP_PORT').value, String(defaults.http.port));
    const http = container.ports.find((p: Any) => p.name === 'http');
    assert.equal(http.containerPort, defaults.http.port);
    assert.deepEqual(
      service.spec.ports.map((p: Any) => [p.port, p.targetPort]),
      [[defaults.http.port, 'http']],
    );
  });

  test('probes: /healthz for startup and liveness, /readyz for readiness, answered without a token', async () => {
    const probes = {
      startupProbe: '/healthz',
      livenessProbe: '/healthz',
      readinessProbe: '/readyz',
    } as const;
    const api = await startApi({ token: 'the pod has one' });
    try {
      for (const [probe, path] of Object.entries(probes)) {
        assert.equal(container[probe].httpGet.path, path, probe);
        assert.equal(container[probe].httpGet.port, 'http', probe);
        // The kubelet sends no Authorization header; the route must exist and not ask for one.
        const answer = await api.request('GET', path);
        assert.equal(answer.status, 200, `${probe}: GET ${path} answered ${answer.status}`);
      }
      assert.equal((await api.request('GET', podMonitor.spec.podMetricsEndpoints[0].path)).status, 200);
    } finally {
      await api.close();
    }
  });

  test('termination grace outlasts shutdown.graceMs and the forced exit 2 s after it (src/main.ts)', () => {
    const graceMs = pod.spec.terminationGracePeriodSeconds * 1000;
    assert.ok(graceMs > defaults.shutdown.graceMs + 2_000, `${graceMs} ms`);
  });

  test('the environment: known settings, a token for the pod address, files from the ConfigMap', () => {
    const source = readFileSync(repoPath('src', 'config', 'daemon-config.ts'), 'utf8');
    const known = new Set([...source.matchAll(/env: '(SOAKBENCH_[A-Z0-9_]+)'/g)].map((m) => m[1]));
    const driverText: string = configMap.data['driver.yaml'];
    for (const { name } of container.env) {
      if (name.startsWith('SOAKBENCH_')) assert.ok(known.has(name), `${name} is not in daemon-config.ts`);
      else assert.ok(driverText.includes(`\${env:${name}}`), `${name}: the driver file does not use it`);
    }
    // A Service named soakbench would inject SOAKBENCH_SERVICE_HOST, SOAKBENCH_PORT… through service links.
    if (service.metadata.name.toUpperCase().startsWith('SOAKBENCH')) {
      assert.equal(pod.spec.enableServiceLinks, false, 'service links would add SOAKBENCH_* variables');
    }
    const config = loadDaemonConfig({ env: podEnv() });
    assert.equal(config.http.host, '0.0.0.0');
    assert.ok(envValue('SOAKBENCH_API_TOKEN').valueFrom.secretKeyRef, 'api.token from the Secret');
    const mount = container.volumeMounts.find((m: Any) => m.name === 'config');
    const volume = pod.spec.volumes.find((v: Any) => v.name === 'config');
    assert.equal(volume.configMap.name, configMap.metadata.name);
    for (const file of [config.driver, config.workload]) {
      const key = file.slice(`${mount.mountPath}/`.length);
      assert.ok(file.startsWith(`${mount.mountPath}/`) && key in configMap.data, `${file} is not mounted`);
    }
    for (const { name, valueFrom } of container.env.filter((e: Any) => e.valueFrom?.secretKeyRef)) {
      const ref = valueFrom.secretKeyRef;
      assert.equal(ref.name, secret.metadata.name, name);
      assert.ok(ref.key in secret.stringData, `${name}: the Secret example has no key ${ref.key}`);
    }
  });

  test("the ConfigMap's driver and workload pass `soakbench validate` with the pod's environment", () => {
    const dir = mkdtempSync(join(tmpdir(), 'soakbench-k8s-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [key, text] of Object.entries(configMap.data)) writeFileSync(join(dir, key), String(text));
    const saved = { ...process.env };
    Object.assign(process.env, podEnv());
    try {
      const result = validateFiles({
        driverPath: join(dir, 'driver.yaml'),
        workloadPaths: [join(dir, 'workload.yaml')],
      });
      assert.deepEqual(result.errors, []);
    } finally {
      for (const name of Object.keys(podEnv())) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
    const shipped = parse(readFileSync(repoPath('config', 'workloads', 'default.yaml'), 'utf8'));
    assert.deepEqual(parse(configMap.data['workload.yaml']), shipped, 'config/workloads/default.yaml');
    // The replicas form a fleet: its workload needs a fixed total rate (src/fleet/fleet-daemon.ts).
    const workload = parseWorkloadText(configMap.data['workload.yaml'], 'configmap.yaml workload.yaml');
    assert.doesNotThrow(() => refuseForFleet(workload, 'configmap.yaml workload.yaml'));
  });

  test('non-root uid 1000 (the Dockerfile USER), read-only root, no privilege escalation', () => {
    assert.match(readFileSync(repoPath('Dockerfile'), 'utf8'), /^USER node$/m, 'uid 1000 is "node"');
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    assert.equal(pod.spec.securityContext.runAsUser, 1000);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
  });

  test('memory: requested for the daemon and its consumer processes (bench/RESULTS.md), limit above', () => {
    // bench/RESULTS.md, "Issue 4: daemon footprint": daemon about 130 MiB, each consumer process about 90 MiB.
    const needed = (130 + 90 * defaults.generator.consumerProcesses) * 2 ** 20;
    const { requests, limits } = container.resources;
    assert.ok(bytes(requests.memory) >= needed, `requests.memory ${requests.memory}`);
    assert.ok(bytes(limits.memory) >= 2 * needed, `limits.memory ${limits.memory}`);
    assert.ok(requests.cpu !== undefined, 'requests.cpu');
  });
});
