/**
 * The browser files of the live page and of run reports: uPlot (resolved from node_modules, so the copy that
 * the package depends on) and soakbench's own page files in web/ at the package root. Nothing comes from a
 * CDN: the daemon serves these files and `soakbench report` inlines them (docs/live-page.md).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** One file a page needs: where it is on disk and the content type to serve it with. */
export interface WebAsset {
  path: string;
  contentType: string;
}

/** This module runs as dist/src/web/web-assets.js: the package root is three levels up. */
const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The assets by the name under which the daemon serves them (GET /assets/<name>). */
export const WEB_ASSETS: Readonly<Record<string, WebAsset>> = {
  'uPlot.iife.min.js': { path: require.resolve('uplot/dist/uPlot.iife.min.js'), contentType: JS },
  'uPlot.min.css': { path: require.resolve('uplot/dist/uPlot.min.css'), contentType: CSS },
  'charts.js': { path: `${WEB_DIR}charts.js`, contentType: JS },
  'live.js': { path: `${WEB_DIR}live.js`, contentType: JS },
  'soakbench.css': { path: `${WEB_DIR}soakbench.css`, contentType: CSS },
};

/** The live page's HTML (GET /). */
export const LIVE_PAGE_PATH = `${WEB_DIR}live.html`;
/** The report's own script, inlined into each report. */
export const REPORT_SCRIPT_PATH = `${WEB_DIR}report.js`;

/** Reads an asset's text (they are small; callers cache what they serve often). */
export function readAsset(name: keyof typeof WEB_ASSETS | string): string {
  const asset = WEB_ASSETS[name];
  if (!asset) throw new Error(`no web asset named ${name}`);
  return readFileSync(asset.path, 'utf8');
}
