import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadDashboardFiles, queryPanels } from './dashboard-files.js';
import type { GridPos } from './dashboard-json.js';
import { isExportedSeries } from './known-metrics.js';
import { promqlMetricNames } from './promql-metric-names.js';
import { recordedNames } from './recording-rules.js';

const files = loadDashboardFiles();
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const BUILTIN_VARIABLES = new Set(['__rate_interval', '__range', '__interval']);

function variablesUsed(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)[^}]*\}|\$(\w+)|\[\[(\w+)\]\]/g)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('dashboard lint', () => {
  test('there is an overview and an internals dashboard', () => {
    assert.deepEqual(files.map((file) => file.dashboard.uid).sort(), [
      'soakbench-internals',
      'soakbench-overview',
    ]);
  });

  for (const { fileName, dashboard } of files) {
    describe(fileName, () => {
      const panels = queryPanels(dashboard);
      const variables = dashboard.templating.list;

      test('has a datasource variable and a multi-select instance variable', () => {
        const datasource = variables.find((v) => v.name === 'datasource');
        assert.equal(datasource?.type, 'datasource');
        assert.equal(datasource?.query, 'prometheus');
        const instance = variables.find((v) => v.name === 'instance');
        assert.equal(instance?.type, 'query');
        assert.equal(instance?.multi, true);
        assert.equal(instance?.includeAll, true);
        assert.deepEqual(instance?.datasource, DATASOURCE);
      });

      test('every panel has a title, a description, a unit and the datasource variable', () => {
        assert.ok(panels.length > 0);
        for (const panel of panels) {
          const where = `${fileName} panel ${panel.id}`;
          assert.ok(panel.title.trim() !== '', `${where}: no title`);
          assert.ok(panel.description.trim() !== '', `${where} "${panel.title}": no description`);
          assert.ok(panel.fieldConfig.defaults.unit.trim() !== '', `${where} "${panel.title}": no unit`);
          assert.deepEqual(panel.datasource, DATASOURCE, where);
          assert.ok(panel.targets.length > 0, `${where} "${panel.title}": no query`);
          for (const target of panel.targets) {
            assert.deepEqual(target.datasource, DATASOURCE, where);
            assert.ok(target.expr.trim() !== '', `${where} ${target.refId}: empty query`);
          }
          assert.equal(
            new Set(panel.targets.map((t) => t.refId)).size,
            panel.targets.length,
            `${where}: refIds`,
          );
        }
      });

      test('queries use only exported metrics and our recording rules', () => {
        const recorded = new Set(recordedNames());
        for (const panel of panels) {
          for (const target of panel.targets) {
            const names = promqlMetricNames(target.expr);
            assert.ok(names.length > 0, `"${panel.title}" ${target.refId}: selects no metric`);
            for (const name of names) {
              assert.ok(
                isExportedSeries(name) || recorded.has(name),
                `"${panel.title}" ${target.refId}: unknown metric ${name} in ${target.expr}`,
              );
            }
          }
        }
      });

      test('every selector filters on the instance variable', () => {
        for (const panel of panels) {
          for (const target of panel.targets) {
            for (const name of promqlMetricNames(target.expr)) {
              const all = target.expr.match(new RegExp(`(?<![\\w:])${name}(?![\\w:])`, 'g'))?.length ?? 0;
              const filtered = target.expr.split(`${name}{instance=~"$instance"`).length - 1;
              assert.equal(
                filtered,
                all,
                `"${panel.title}" ${target.refId}: ${name} without the instance matcher`,
              );
            }
          }
        }
      });

      test('only defined variables are used', () => {
        const defined = new Set([...variables.map((v) => v.name), ...BUILTIN_VARIABLES]);
        for (const panel of panels) {
          const texts = [panel.title, ...panel.targets.flatMap((t) => [t.expr, t.legendFormat])];
          for (const name of texts.flatMap(variablesUsed)) {
            assert.ok(defined.has(name), `"${panel.title}": undefined variable $${name}`);
          }
        }
      });

      test('panel ids are unique and panels fit the 24-column grid without overlapping', () => {
        const ids = dashboard.panels.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length);
        const boxes = dashboard.panels.map((p) => ({ title: p.title, pos: p.gridPos }));
        for (const [i, a] of boxes.entries()) {
          assert.ok(a.pos.x >= 0 && a.pos.w > 0 && a.pos.x + a.pos.w <= 24, `"${a.title}" outside the grid`);
          for (const b of boxes.slice(i + 1)) {
            assert.ok(!overlaps(a.pos, b.pos), `"${a.title}" overlaps "${b.title}"`);
          }
        }
      });
    });
  }

  test('the overview covers every panel the issue asks for', () => {
    const overview = files.find((f) => f.dashboard.uid === 'soakbench-overview')!.dashboard;
    const exprs = queryPanels(overview).flatMap((p) => p.targets.map((t) => t.expr));
    const uses = (metric: string) => exprs.some((e) => e.includes(metric));
    for (const metric of [
      'soakbench_target_rate',
      'soakbench_messages_sent_total',
      'soakbench_messages_received_total',
      'soakbench_publish_latency_seconds_bucket',
      'soakbench_publish_response_time_seconds_bucket',
      'soakbench_end_to_end_latency_seconds_bucket',
      'soakbench_publish_delay_seconds_bucket',
      'soakbench_generator_saturated',
      'soakbench_send_errors_total',
      'soakbench_consumer_backlog_messages',
      'soakbench_controller_state',
      'soakbench_controller_decisions_total',
      'soakbench_messages_lost_total',
      'soakbench_messages_duplicated_total',
      'soakbench_messages_out_of_order_total',
      'soakbench_messages_late_total',
    ]) {
      assert.ok(uses(metric), `no overview panel uses ${metric}`);
    }
    // The Brokers row (issue 12): which broker hurt the p99.
    for (const metric of [
      'soakbench_librdkafka_broker_rtt_seconds',
      'soakbench_librdkafka_broker_throttle_seconds',
      'soakbench_librdkafka_broker_requests_waiting',
      'soakbench_librdkafka_broker_state',
    ]) {
      assert.ok(uses(metric), `no overview panel uses ${metric}`);
    }
    for (const histogram of [
      'soakbench_publish_response_time_seconds',
      'soakbench_publish_latency_seconds',
    ]) {
      assert.ok(
        exprs.some(
          (e) =>
            e.startsWith('histogram_quantile(0.99, sum by (instance, broker, le)') &&
            e.includes(`${histogram}_bucket{instance=~"$instance", broker!="unknown"}`),
        ),
        `no p99 by broker of ${histogram}`,
      );
    }
    assert.ok(
      exprs.some((e) => e.startsWith('sum by (instance, broker) (rate(soakbench_send_errors_total')),
      'no send errors by broker',
    );
    for (const q of ['0.5', '0.99', '0.999']) {
      assert.ok(
        exprs.some((e) => e.startsWith(`histogram_quantile(${q},`)),
        `no p${Number(q) * 100} panel`,
      );
    }
  });
});
