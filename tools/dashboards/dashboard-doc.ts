import { buildDashboard, INSTANCE_VARIABLE_QUERY } from './dashboard-builder.js';
import type { DashboardSpec } from './panel-spec.js';

const HEADER = `# Dashboards

<!-- Generated from tools/dashboards/ by \`node dist/tools/dashboards/gen-dashboards.js\`; edit the code, not this file. -->

soakbench ships two Grafana dashboards in \`grafana/dashboards/\`, provisioned by
\`grafana/provisioning/\` (see docs/docker.md). They are generated from TypeScript in \`tools/dashboards/\`
with Grafana's foundation SDK (\`@grafana/grafana-foundation-sdk\`, the dashboard builders Grafana
generates from its own schema; schemaVersion 42, Grafana 12); a unit test regenerates them and fails when
the committed JSON differs.

The \`$slo\` bound of the "% under the SLO" panels is read from the daemons' configured p99 target
(\`soakbench_slo_p99_target_seconds\`), so it follows \`PUT /controller\` and \`controller.p99TargetMs\`; the
dashed p99 target line of the response-time panel reads the same metric. Annotations mark operator
actions (rate set, pause and resume, workload start or swap) and controller state changes, cuts and
probes, computed from soakbench's metrics with a one-minute step.

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
    for (const variable of dashboard.templating.list ?? []) {
      const detail =
        variable.name === 'instance'
          ? ` Values from \`${INSTANCE_VARIABLE_QUERY}\`; "All" matches \`.+\`.`
          : variable.type === 'custom'
            ? ` Values ${String(variable.query).split(',').join(', ')}; default ${JSON.stringify((variable.current as { value: string }).value)}.`
            : variable.type === 'query'
              ? ` Value from \`${cell(String(variable.definition))}\` (regex \`${cell(String(variable.regex))}\`); ${JSON.stringify((variable.current as { value: string }).value)} until Grafana has run it.`
              : '';
      out.push(`- \`$${variable.name}\` (${variable.label}): ${variable.description}${detail}`);
    }
    out.push('');
    if ((spec.annotations ?? []).length > 0) {
      out.push(
        'Annotations (markers on the time-series panels; toggle them at the top of the dashboard):',
        '',
      );
      out.push('| name | marks | query |', '| --- | --- | --- |');
      for (const a of spec.annotations ?? []) {
        out.push(`| ${cell(a.name)} | ${cell(a.description)} | \`${cell(a.expr)}\` |`);
      }
      out.push('');
    }
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
