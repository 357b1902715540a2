/**
 * Small PromQL builders shared by the dashboards, so every query filters on the `$instance` variable the
 * same way and every percentile is computed the same way.
 */

/** Grafana's rate window: at least four scrape intervals (the data source sets `timeInterval` to 5 s). */
export const RATE_WINDOW = '$__rate_interval';

/** The `instance` matcher that ties a query to the dashboard's instance variable (multi-select). */
export const INSTANCE_MATCHER = 'instance=~"$instance"';

/** `metric{instance=~"$instance", ...matchers}`. */
export function select(metric: string, ...matchers: string[]): string {
  return `${metric}{${[INSTANCE_MATCHER, ...matchers].join(', ')}}`;
}

/** Per-second rate of a counter over Grafana's rate window. */
export function rateOf(metric: string, ...matchers: string[]): string {
  return `rate(${select(metric, ...matchers)}[${RATE_WINDOW}])`;
}

/** Increase of a counter over `window` (default: the rate window). */
export function increaseOf(metric: string, window: string = RATE_WINDOW, ...matchers: string[]): string {
  return `increase(${select(metric, ...matchers)}[${window}])`;
}

/** `sum by (labels) (expr)`. */
export function sumBy(labels: readonly string[], expr: string): string {
  return `sum by (${labels.join(', ')}) (${expr})`;
}

/** `max by (labels) (expr)`. */
export function maxBy(labels: readonly string[], expr: string): string {
  return `max by (${labels.join(', ')}) (${expr})`;
}

/**
 * The q-quantile of a classic histogram per instance. Interpolated inside a bucket, so its resolution is
 * the bucket layout (docs/metrics.md lists the bounds).
 */
export function quantile(q: number, histogram: string): string {
  return quantileBy(q, histogram, ['instance']);
}

/** The q-quantile of a classic histogram per `labels` (plus `le`), over the series `matchers` select. */
export function quantileBy(
  q: number,
  histogram: string,
  labels: readonly string[],
  ...matchers: string[]
): string {
  return `histogram_quantile(${q}, ${sumBy([...labels, 'le'], rateOf(`${histogram}_bucket`, ...matchers))})`;
}

/**
 * For counters whose labelled series appear only once something happened (a decision, a restart): no
 * series means "none happened", so one zero stands in. `or on()` keeps the zero only when the left side
 * is empty; a plain `or vector(0)` would add it next to real series.
 */
export function orZero(expr: string): string {
  return `${expr} or on() vector(0)`;
}
