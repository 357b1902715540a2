import { buildDashboard } from './dashboard-builder.js';
import { dashboardDoc } from './dashboard-doc.js';
import { internalsDashboard } from './internals-dashboard.js';
import { overviewDashboard } from './overview-dashboard.js';
import type { DashboardSpec } from './panel-spec.js';

/** Every dashboard soakbench ships, in the order docs/dashboards.md lists them. */
export const DASHBOARDS: readonly DashboardSpec[] = [overviewDashboard, internalsDashboard];

/** A file the generator owns: path relative to the repository root, and its exact content. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** The dashboard JSON files and docs/dashboards.md, exactly as they must be committed. */
export function generatedFiles(): GeneratedFile[] {
  return [
    ...DASHBOARDS.map((spec) => ({
      path: `grafana/dashboards/${spec.fileName}`,
      content: `${JSON.stringify(buildDashboard(spec), null, 2)}\n`,
    })),
    { path: 'docs/dashboards.md', content: dashboardDoc(DASHBOARDS) },
  ];
}
