import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { promqlMetricNames } from './promql-metric-names.js';

describe('promqlMetricNames', () => {
  test('finds selectors and skips functions, aggregations, labels and ranges', () => {
    assert.deepEqual(
      promqlMetricNames(
        'histogram_quantile(0.99, sum by (instance, le) (rate(soakbench_publish_latency_seconds_bucket{instance=~"$instance"}[$__rate_interval])))',
      ),
      ['soakbench_publish_latency_seconds_bucket'],
    );
  });

  test('finds both sides of binary operators and ignores on()/group_left label lists', () => {
    assert.deepEqual(
      promqlMetricNames(
        'instance:x:p99 > on (job, instance) group_left (version) max by (job, instance) (soakbench_slo_p99_target_seconds)',
      ),
      ['instance:x:p99', 'soakbench_slo_p99_target_seconds'],
    );
  });

  test('ignores strings, numbers, durations, keywords and Grafana variables', () => {
    assert.deepEqual(
      promqlMetricNames(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
        'sum(increase(a_total{le=~"${slo}(\\\\.0)?", x="up"}[5m] offset 1h)) / 1e3 or on() vector(0) and b unless c',
      ),
      ['a_total', 'b', 'c'],
    );
  });

  test('a name without a selector is still a name', () => {
    assert.deepEqual(promqlMetricNames('up == 0'), ['up']);
  });
});
