import { buildDashboard, INSTANCE_VARIABLE_QUERY } from './dashboard-builder.js';
import type { DashboardSpec } from './panel-spec.js';

const HEADER = `# Dashboards

<!-- Generated from tools/dashboards/ by \`node dist/tools/dashboards/gen-dashboards.js\`; edit the code, not this file. -->

soakbench ships two Grafana dashboards in \`grafana/dashboards/\`, provisioned by
\`grafana/provisioning/\` (see docs/docker.md). They are generated from TypeScript in \`tools/dashboards/\`;
a unit test regenerates them and fails when the committed JSON differs.

Every query filters on the \`instance\` variable and keeps \`instance\` as a label, so several daemons
show side by side. Grafana replaces \`$__rate_interval\` with at least four scrape intervals (the
provisioned data source declares the 5 s scrape interval) and \`$__range\` with the selected time range.
The queries use only soakbench's own metrics and prom-client's Node.js defaults (docs/metrics.md), not
the recording rules, so the dashboards work against any Prometheus that scrapes soakbench.
`;

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Markdown listing every panel of the dashboards with the queries it runs. */
export function dashboardDoc(specs: readonly DashboardSpec[]): string {
  const out: string[] = [HEADER];
  for (const spec of specs) {
    const dashboard = buildDashboard(spec);
    out.push(`## ${spec.title}`, '');
    out.push(`\`grafana/dashboards/${spec.fileName}\`, uid \`${spec.uid}\`. ${spec.description}`, '');
    out.push('Variables:', '');
    for (const variable of dashboard.templating.list) {
      const detail =
        variable.name === 'instance'
          ? ` Values from \`${INSTANCE_VARIABLE_QUERY}\`; "All" matches \`.+\`.`
          : variable.type === 'custom'
            ? ` Values ${String(variable.query).split(',').join(', ')}; default ${JSON.stringify((variable.current as { value: string }).value)}.`
            : '';
      out.push(`- \`$${variable.name}\` (${variable.label}): ${variable.description}${detail}`);
    }
    out.push('');
    for (const row of spec.rows) {
      out.push(`### ${row.title}`, '');
      for (const panel of row.panels) {
        const mode = panel.instant === true ? ', evaluated at the end of the range' : '';
        out.push(`#### ${panel.title}`, '');
        out.push(`${panel.kind}, unit \`${panel.unit}\`${mode}. ${panel.description}`, '');
        out.push('| legend | query |', '| --- | --- |');
        for (const query of panel.queries) {
          const legend = query.legend === '' ? '(table columns)' : `\`${cell(query.legend)}\``;
          out.push(`| ${legend} | \`${cell(query.expr)}\` |`);
        }
        out.push('');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
