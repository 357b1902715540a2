import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { isExportedSeries, PROMETHEUS_SYNTHETIC } from './known-metrics.js';
import { promqlMetricNames } from './promql-metric-names.js';
import { allRules, recordedNames } from './recording-rules.js';
import { repoPath } from './repo-root.js';

const readYaml = (...path: string[]) =>
  parse(readFileSync(repoPath(...path), 'utf8')) as Record<string, unknown>;

interface ScrapeConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[];
}

const config = readYaml('prometheus', 'prometheus.yml') as unknown as ScrapeConfig;

describe('prometheus/', () => {
  test('scrapes every soakbench:8080 container (DNS) as job soakbench every 5 s and loads rules/*.yml', () => {
    assert.equal(config.global.scrape_interval, '5s');
    assert.deepEqual(config.rule_files, ['rules/*.yml']);
    const jobs = config.scrape_configs;
    assert.deepEqual(
      jobs.map((j) => j.job_name),
      ['soakbench'],
    );
    assert.deepEqual(jobs[0]!.dns_sd_configs, [
      { names: ['soakbench'], type: 'A', port: 8080, refresh_interval: '15s' },
    ]);
  });

  test('the Grafana data source declares the same scrape interval (it sets $__rate_interval)', () => {
    const provisioning = readYaml('grafana', 'provisioning', 'datasources', 'prometheus.yml') as {
      datasources: { type: string; url: string; jsonData: { timeInterval: string } }[];
    };
    const [datasource] = provisioning.datasources;
    assert.equal(datasource?.type, 'prometheus');
    assert.equal(datasource?.url, 'http://prometheus:9090');
    assert.equal(datasource?.jsonData.timeInterval, config.global.scrape_interval);
  });

  test('the Grafana dashboard provider reads the directory compose mounts the dashboards at', () => {
    const provider = readYaml('grafana', 'provisioning', 'dashboards', 'soakbench.yml') as {
      providers: { type: string; options: { path: string } }[];
    };
    const compose = readYaml('docker-compose.yml') as { services: { grafana: { volumes: string[] } } };
    const mount = compose.services.grafana.volumes.find((v) => v.startsWith('./grafana/dashboards:'));
    assert.equal(provider.providers[0]?.type, 'file');
    assert.equal(provider.providers[0]?.options.path, mount?.split(':')[1]);
  });

  test('rules use only exported metrics, Prometheus target series and our recording rules', () => {
    const known = new Set([...PROMETHEUS_SYNTHETIC, ...recordedNames()]);
    for (const rule of allRules()) {
      for (const name of promqlMetricNames(rule.expr)) {
        assert.ok(
          isExportedSeries(name) || known.has(name),
          `${rule.alert ?? rule.record}: unknown metric ${name}`,
        );
      }
    }
  });

  test('the alerts the issue asks for exist, with severity, summary and description', () => {
    const alerts = new Map(allRules().flatMap((r) => (r.alert === undefined ? [] : [[r.alert, r] as const])));
    for (const name of [
      'SoakbenchDown',
      'SoakbenchMessagesLost',
      'SoakbenchP99OverSlo',
      'SoakbenchSendErrorRateHigh',
      'SoakbenchGeneratorSaturated',
      'SoakbenchSloFailing',
    ]) {
      assert.ok(alerts.has(name), `missing alert ${name}`);
    }
    for (const [name, rule] of alerts) {
      assert.match(rule.labels?.severity ?? '', /^(critical|warning)$/, `${name}: severity`);
      assert.ok(rule.annotations?.summary, `${name}: summary`);
      assert.ok(rule.annotations?.description, `${name}: description`);
    }
    const p99 = alerts.get('SoakbenchP99OverSlo')!;
    assert.ok(
      p99.expr.includes('soakbench_slo_p99_target_seconds'),
      'p99 alert compares with the exported SLO',
    );
    assert.ok(p99.for !== undefined, 'p99 alert waits N minutes');
  });

  test('every alert has a promtool unit test that expects it to fire', () => {
    const tests = readdirSync(repoPath('prometheus', 'tests'))
      .filter((f) => f.endsWith('.yml'))
      .flatMap((f) => (readYaml('prometheus', 'tests', f) as { tests: unknown[] }).tests) as {
      alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
    }[];
    const firing = new Set(
      tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    for (const rule of allRules()) {
      if (rule.alert !== undefined) assert.ok(firing.has(rule.alert), `no test makes ${rule.alert} fire`);
    }
  });
});
