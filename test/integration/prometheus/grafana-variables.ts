import type { Dashboard } from '../../unit/deploy/dashboard-json.js';

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
export function expandVariables(
  expr: string,
  dashboard: Dashboard,
  instance: string,
  resolved: Record<string, string> = {},
): string {
  const values: Record<string, string> = { ...BUILTINS, instance: regexEscape(instance) };
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'custom') values[variable.name] = (variable.current as { value: string }).value;
    if (variable.type === 'query' && resolved[variable.name] !== undefined) {
      values[variable.name] = resolved[variable.name]!;
    }
  }
  const expanded = expr.replace(/\$\{(\w+)\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a, b, c) => {
    const value = values[(a ?? b ?? c) as string];
    if (value === undefined) throw new Error(`no value for ${whole} in ${expr}`);
    return value;
  });
  return expanded;
}

/** One sample of an instant query's answer. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * The values Grafana would give the dashboard's `query_result(...)` variables: it runs the inner PromQL,
 * writes each sample as `<name>{labels} <value> <timestamp ms>` and keeps the regex's first group.
 * Returns the value of each such variable (first matching line), or nothing for a variable without one.
 */
export async function resolveQueryVariables(
  dashboard: Dashboard,
  instance: string,
  run: (expr: string) => Promise<Sample[]>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const variable of dashboard.templating.list) {
    if (variable.type !== 'query' || variable.name === 'instance') continue;
    const definition = String(variable.definition);
    const inner = /^query_result\((.*)\)$/s.exec(definition)?.[1];
    if (inner === undefined)
      throw new Error(`$${variable.name}: not a query_result(...) variable: ${definition}`);
    const regexText = String(variable.regex);
    const regex = new RegExp(regexText.replace(/^\/(.*)\/$/s, '$1'));
    for (const sample of await run(expandVariables(inner, dashboard, instance))) {
      const { __name__: name = '', ...labels } = sample.metric;
      const labelText = Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ');
      const line = `${name}{${labelText}} ${sample.value[1]} ${Math.round(sample.value[0] * 1000)}`;
      const match = regex.exec(line)?.[1];
      if (match !== undefined) {
        out[variable.name] = match;
        break;
      }
    }
  }
  return out;
}
