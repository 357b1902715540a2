import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { allPanelQueries, loadDashboardFiles, queryPanels } from '../../unit/deploy/dashboard-files.js';
import { recordedNames } from '../../unit/deploy/recording-rules.js';
import { waitFor } from './child-process.js';
import { expandVariables, resolveQueryVariables, type Sample } from './grafana-variables.js';
import {
  instantQuery,
  type PrometheusServer,
  scrapeConfigFor,
  startPrometheus,
} from './prometheus-server.js';
import { type Daemon, startDaemon } from './soakbench-daemon.js';

// Debian's Prometheus scrapes a real daemon (which needs the broker at SOAKBENCH_TEST_BOOTSTRAP) with a
// copy of the shipped scrape config and rules; every dashboard query must then parse and return data.

describe('dashboards and rules against a real Prometheus scraping a running daemon', {
  timeout: 240_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-prometheus-'));
  let daemon: Daemon | undefined;
  let prometheus: PrometheusServer | undefined;

  before(async () => {
    daemon = await startDaemon();
    prometheus = await startPrometheus(dir, scrapeConfigFor(daemon.address));
  });

  after(async () => {
    // Every stop runs even if another failed; the temp dir goes last.
    await Promise.allSettled([prometheus?.stop(), daemon?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const samples = async (expr: string): Promise<Sample[]> => {
    const result = await instantQuery(prometheus!.url, expr);
    if (result.status !== 'success') throw new Error(`${expr}: ${result.error}`);
    return (result.data?.result ?? []) as Sample[];
  };

  /** The query variables of each dashboard as Grafana would resolve them, once the daemon is scraped. */
  const resolvedVariables = async (): Promise<Map<string, Record<string, string>>> => {
    const out = new Map<string, Record<string, string>>();
    for (const file of loadDashboardFiles()) {
      const wanted = file.dashboard.templating.list.filter(
        (v) => v.type === 'query' && v.name !== 'instance',
      );
      const values = await waitFor(
        `the query variables of ${file.fileName}`,
        async () => {
          const got = await resolveQueryVariables(file.dashboard, daemon!.address, samples);
          return wanted.every((v) => got[v.name] !== undefined) ? got : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1_000, child: daemon!.child },
      );
      out.set(file.fileName, values);
    }
    return out;
  };

  test('the SLO bound variable follows the p99 target the daemon is configured with', async () => {
    const overview = (await resolvedVariables()).get('soakbench-overview.json')!;
    const [target] = await samples('soakbench_slo_p99_target_seconds');
    assert.ok(target, 'soakbench_slo_p99_target_seconds is scraped');
    assert.equal(overview.slo, target.value[1]);
    // The "% under the SLO" panels count the bucket of that bound: it must exist.
    // (One series per broker label: summed, as the panels do.)
    const bucket = await samples(
      `sum(soakbench_publish_response_time_seconds_bucket{le=~"${overview.slo}(\\\\.0)?"})`,
    );
    assert.equal(bucket.length, 1, `a bucket with le=${overview.slo}`);
  });

  test('every annotation query is accepted by Prometheus', async () => {
    for (const file of loadDashboardFiles()) {
      const annotations = file.dashboard.annotations.list.filter((a) => a.expr !== undefined);
      assert.ok(annotations.length >= 5, `${file.fileName}: soakbench's annotations`);
      for (const a of annotations) {
        const expr = expandVariables(String(a.expr), file.dashboard, daemon!.address);
        const result = await instantQuery(prometheus!.url, expr);
        assert.equal(result.status, 'success', `${file.fileName} annotation "${a.name}": ${result.error}`);
      }
    }
    // A daemon that just started is a new soakbench_info series: the "workload" marker has data.
    const overview = loadDashboardFiles().find((f) => f.fileName === 'soakbench-overview.json')!;
    const started = overview.dashboard.annotations.list.find((a) => /Workload/.test(a.name))!;
    // Evaluated just after the first scrape, when the series was new (later it is no longer new).
    const [first] = (await samples('soakbench_info[10m]')) as unknown as { values: [number, string][] }[];
    const firstAt = first!.values[0]![0];
    const body = new URLSearchParams({
      query: expandVariables(String(started.expr), overview.dashboard, daemon!.address),
      time: String(firstAt + 1),
    });
    const atStart = (await (
      await fetch(`${prometheus!.url}/api/v1/query`, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(10_000),
      })
    ).json()) as { data: { result: unknown[] } };
    assert.equal(atStart.data.result.length, 1, 'the daemon start is marked');
  });

  test('every query of every dashboard panel returns data', async () => {
    const files = loadDashboardFiles();
    const resolved = await resolvedVariables();
    const queries = files.flatMap((file) =>
      allPanelQueries([file]).map((query) => ({
        ...query,
        expr: expandVariables(query.expr, file.dashboard, daemon!.address, resolved.get(file.fileName)),
      })),
    );
    assert.ok(queries.length > 40, `only ${queries.length} queries found`);
    let empty = queries;
    // Rates need two scrapes in their 20 s window and histograms their first samples: poll, bounded.
    // A query Prometheus rejects ends the wait at once: that does not go away by waiting.
    const rejected = await waitFor(
      'every panel query returning data',
      async () => {
        const still: typeof queries = [];
        const errors: string[] = [];
        for (const query of empty) {
          const result = await instantQuery(prometheus!.url, query.expr);
          if (result.status !== 'success') errors.push(`${query.where}: ${result.error}\n  ${query.expr}`);
          else if ((result.data?.result.length ?? 0) === 0) still.push(query);
        }
        empty = still;
        if (errors.length > 0) return errors;
        if (empty.length > 0)
          throw new Error(`no data yet for:${empty.map((q) => `\n  ${q.where}: ${q.expr}`).join('')}`);
        return [];
      },
      { timeoutMs: 120_000, intervalMs: 2_000, child: daemon!.child },
    );
    assert.deepEqual(rejected, [], 'Prometheus rejected queries');
  });

  test('the Brokers row shows the one broker: up, with its p99, acks and librdkafka gauges', async () => {
    const overview = loadDashboardFiles().find((f) => f.fileName === 'soakbench-overview.json')!;
    const panel = (title: string) => {
      const found = queryPanels(overview.dashboard).find((p) => p.title === title);
      assert.ok(found, `overview panel "${title}"`);
      return expandVariables(found.targets[0]!.expr, overview.dashboard, daemon!.address);
    };
    // The local broker is node 1 (scripts/kafka.sh); "unknown" is left out of the p99s.
    const byBroker = async (title: string): Promise<Map<string, number>> =>
      waitFor(
        `"${title}" has broker 1`,
        async () => {
          const got = new Map(
            (await samples(panel(title))).map((s) => [s.metric.broker!, Number(s.value[1])]),
          );
          return got.has('1') ? got : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 2_000, child: daemon!.child },
      );
    for (const title of ['Publish response time p99 by broker', 'Publish latency p99 by broker']) {
      const p99 = await byBroker(title);
      assert.deepEqual([...p99.keys()], ['1'], `${title}: one series, broker 1`);
      assert.ok(p99.get('1')! > 0, `${title}: broker 1's p99 is ${p99.get('1')}`);
    }
    // The state comes from the librdkafka gauge (1 = up), not from the "absent" fallback (0).
    assert.equal((await byBroker('Broker connections')).get('1'), 1, 'broker 1 is up');
    assert.ok((await byBroker('Acknowledgements by broker')).get('1')! > 0, 'broker 1 acknowledges');
    assert.equal((await byBroker('Send errors by broker')).get('1'), 0, 'no send errors');
    assert.ok((await byBroker('Request round-trip time p99 by broker')).get('1')! > 0, 'a round-trip time');
    await byBroker('Throttle time by broker');
    const waiting = await samples(panel('Requests waiting by broker'));
    assert.deepEqual(waiting.map((s) => `${s.metric.broker} ${s.metric.queue}`).sort(), [
      '1 outbuf',
      '1 waitresp',
    ]);
  });

  test('the instance variable finds the daemon', async () => {
    const result = await instantQuery(prometheus!.url, 'soakbench_info');
    const instances = ((result.data?.result ?? []) as { metric: { instance: string } }[]).map(
      (s) => s.metric.instance,
    );
    assert.deepEqual(instances, [daemon!.address]);
  });

  test('recording and alerting rules evaluate without errors, and the recording rules have data', async () => {
    type RuleState = { name: string; health: string; lastError?: string; lastEvaluation: string };
    const rules = await waitFor(
      'every rule evaluated once',
      async () => {
        const body = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as {
          data: { groups: { rules: RuleState[] }[] };
        };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => !r.lastEvaluation.startsWith('0001-')) ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    for (const rule of rules) {
      assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
    }
    for (const name of recordedNames()) {
      await waitFor(
        `${name} has data`,
        async () => {
          const result = await instantQuery(prometheus!.url, name);
          return (result.data?.result.length ?? 0) > 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
    }
  });

  test('no alert fires against a healthy daemon', async () => {
    const body = (await (await fetch(`${prometheus!.url}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: { alertname: string }; state: string }[] };
    };
    const firing = body.data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
    assert.deepEqual(firing, []);
  });
});
