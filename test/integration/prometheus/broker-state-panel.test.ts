import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { loadDashboardFiles, queryPanels } from '../../unit/deploy/dashboard-files.js';
import { PROMTOOL_BIN } from './prometheus-server.js';

// The overview's "Broker connections" panel (docs/dashboards.md, Brokers row) on the states a single
// local broker cannot show: down, idle, and absent (a cleanly stopped broker, whose librdkafka gauges
// vanish while its response-time series stay; docs/metrics.md). promtool evaluates the committed query.

const run = promisify(execFile);

const STATES = ['up', 'idle', 'down'] as const;
const stateSeries = (broker: string, now: (typeof STATES)[number]) =>
  STATES.map((state) => ({
    series: `soakbench_librdkafka_broker_state{instance="a:8080", broker="${broker}", state="${state}"}`,
    values: state === now ? '1x3' : '0x3',
  }));
const ackSeries = (broker: string) => ({
  series: `soakbench_publish_response_time_seconds_count{instance="a:8080", broker="${broker}"}`,
  values: '0+10x3',
});

describe('the Broker connections panel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soakbench-broker-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('codes up 1, idle 2, down 3, and 0 (absent) for a broker gone from the statistics', async () => {
    const overview = loadDashboardFiles().find((f) => f.fileName === 'soakbench-overview.json')!;
    const panel = queryPanels(overview.dashboard).find((p) => p.title === 'Broker connections');
    assert.ok(panel, 'the overview has a Broker connections panel');
    const expr = panel.targets[0]!.expr.replaceAll('$instance', '.+');
    const rules = { groups: [{ name: 'panel', rules: [{ record: 'panel_value', expr }] }] };
    const tests = {
      rule_files: ['rules.json'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            ...stateSeries('1', 'up'),
            ...stateSeries('3', 'down'),
            ...stateSeries('4', 'idle'),
            // Broker 2 led partitions (response-time series) but was stopped: no librdkafka gauges.
            ...['1', '2', '3', 'unknown'].map(ackSeries),
          ],
          promql_expr_test: [
            {
              expr: 'panel_value',
              eval_time: '2m',
              exp_samples: [
                ['1', 1],
                ['2', 0],
                ['3', 3],
                ['4', 2],
              ].map(([broker, value]) => ({
                labels: `panel_value{instance="a:8080", broker="${broker}"}`,
                value,
              })),
            },
          ],
        },
      ],
    };
    // promtool reads YAML, and JSON is YAML.
    writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules));
    writeFileSync(join(dir, 'test.json'), JSON.stringify(tests));
    const { stdout, stderr } = await run(PROMTOOL_BIN, ['test', 'rules', 'test.json'], {
      cwd: dir,
      timeout: 60_000,
    }).catch((err: { stdout?: string; stderr?: string; message: string }) =>
      assert.fail(`promtool test rules failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`),
    );
    assert.match(stdout + stderr, /SUCCESS/);
  });
});
