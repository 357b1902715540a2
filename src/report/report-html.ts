/**
 * One self-contained HTML file: uPlot's script and style, soakbench's chart helpers and report script, and the
 * data, all inline, so the file opens offline and can be mailed or attached to a ticket.
 */
import { readFileSync } from 'node:fs';
import { REPORT_SCRIPT_PATH, readAsset } from '../web/web-assets.js';
import type { ReportData } from './report-data.js';

/** Keeps `</script>` and friends out of inline text: JSON and JS both read `\u003c` as '<'. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** An inline script body must not close its own element. */
function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

export function reportHtml(data: ReportData): string {
  const css = readAsset('uPlot.min.css') + readAsset('soakbench.css');
  const scripts = [
    readAsset('uPlot.iife.min.js'),
    readAsset('charts.js'),
    readFileSync(REPORT_SCRIPT_PATH, 'utf8'),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="soakbench report">
<title>${escapeHtml(data.title)}</title>
<style>${css}</style>
</head>
<body class="report">
<header><h1>${escapeHtml(data.title)}</h1><p class="muted">generated ${escapeHtml(data.generated)}</p></header>
<main id="report"></main>
<script type="application/json" id="report-data">${inlineJson(data)}</script>
${scripts.map((s) => `<script>${inlineScript(s)}</script>`).join('\n')}
</body>
</html>
`;
}
