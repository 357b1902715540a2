import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { allPanelQueries, loadDashboardFiles } from '../../unit/deploy/dashboard-files.js';
import { recordedNames } from '../../unit/deploy/recording-rules.js';
import { waitFor } from './child-process.js';
import { expandVariables } from './grafana-variables.js';
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

  test('every query of every dashboard panel returns data', async () => {
    const files = loadDashboardFiles();
    const queries = files.flatMap((file) =>
      allPanelQueries([file]).map((query) => ({
        ...query,
        expr: expandVariables(query.expr, file.dashboard, daemon!.address),
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
