import type { Dashboard } from '../../../tools/dashboards/grafana-model.js';

/**
 * Grafana's built-in intervals for the dashboards' default 30-minute range: `$__rate_interval` is
 * max(4 × the data source's 5 s scrape interval, step + scrape interval) = 20 s at normal widths.
 */
const BUILTINS: Record<string, string> = { __rate_interval: '20s', __range: '30m', __interval: '5s' };

/** Grafana's escaping of a multi-value variable inside a PromQL regex string (a "\\." per "."). */
function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, (c) => `\\\\${c}`);
}

/**
 * Replaces `$name`, `${name}` and `[[name]]` the way Grafana would with `instance` selected and every
 * custom variable at its default, so the query text is what Prometheus would receive.
 */
export function expandVariables(expr: string, dashboard: Dashboard, instance: string): string {
  const values: Record<string, string> = { ...BUILTINS, instance: regexEscape(instance) };
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'custom') values[variable.name] = (variable.current as { value: string }).value;
  }
  const expanded = expr.replace(/\$\{(\w+)\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a, b, c) => {
    const value = values[(a ?? b ?? c) as string];
    if (value === undefined) throw new Error(`no value for ${whole} in ${expr}`);
    return value;
  });
  return expanded;
}
