import { readdirSync, readFileSync } from 'node:fs';
import type { Dashboard, Panel, QueryPanel } from './dashboard-json.js';
import { repoPath } from './repo-root.js';

/** A committed dashboard file, parsed. */
export interface DashboardFile {
  fileName: string;
  dashboard: Dashboard;
}

/** One query of one panel, with where it came from (for failure messages). */
export interface PanelQuery {
  where: string;
  expr: string;
  instant: boolean;
}

/** Every dashboard JSON committed under grafana/dashboards/. */
export function loadDashboardFiles(): DashboardFile[] {
  const dir = repoPath('grafana', 'dashboards');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((fileName) => ({
      fileName,
      dashboard: JSON.parse(readFileSync(`${dir}/${fileName}`, 'utf8')) as Dashboard,
    }));
}

/** Panels that run queries (rows excluded). */
export function queryPanels(dashboard: Dashboard): QueryPanel[] {
  return dashboard.panels.filter((panel: Panel): panel is QueryPanel => panel.type !== 'row');
}

/** Every query of every panel of the committed dashboards. */
export function allPanelQueries(files: readonly DashboardFile[] = loadDashboardFiles()): PanelQuery[] {
  return files.flatMap(({ fileName, dashboard }) =>
    queryPanels(dashboard).flatMap((panel) =>
      panel.targets.map((target) => ({
        where: `${fileName} / "${panel.title}" / ${target.refId}`,
        expr: target.expr,
        instant: target.instant,
      })),
    ),
  );
}
