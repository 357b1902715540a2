/**
 * `soakbench report` from outside: one soakbench result, one result of OMB's own Java tool, and the two
 * together become HTML that renders in headless Chromium with no request beyond the file itself (offline),
 * every chart drawn, and both runs in the overlaid charts and the side-by-side table. Bad input: exit 2 with
 * the file and field named and no stack trace.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { launchBrowser, maybeScreenshot, openPage } from '../../helpers/browser.js';
import { describeOutput, REPO_ROOT, removeDir, runCli, tempDir } from '../../helpers/cli.js';

const OMB = join(REPO_ROOT, 'test/fixtures/omb-results/1-topic-8-partitions-1kb-20k-Kafka-omb-java.json');
const SOAK = join(REPO_ROOT, 'test/fixtures/soakbench-results/report-fixture-Kafka-2026-12-06-02-22-42.json');
const OMB_LABEL = '1-topic-8-partitions-1kb-20k-Kafka-omb-java';
const SOAK_LABEL = 'report-fixture-Kafka-2026-12-06-02-22-42';
const STACK_LINE = /^\s+at .+/m;

/** What the rendered report shows, read in the page. */
interface Rendered {
  ready: string | undefined;
  charts: Record<string, string>;
  columns: string[];
  requests: string[];
  problems: string[];
}

describe('soakbench report', { timeout: 120_000 }, () => {
  let dir: string;
  let browser: Browser;

  before(async () => {
    dir = tempDir('report');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    removeDir(dir);
  });

  async function report(name: string, files: string[]): Promise<string> {
    const out = join(dir, name);
    const run = await runCli(['report', '-o', out, ...files], 30_000);
    assert.equal(run.code, 0, describeOutput(run.stdout, run.stderr));
    assert.match(run.stdout, new RegExp(`wrote ${out}`));
    return out;
  }

  async function render(path: string, screenshot?: string): Promise<Rendered> {
    const { page, problems } = await openPage(browser);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const seen = (await page.evaluate(`({
      ready: document.body.dataset.ready,
      charts: Object.fromEntries([...document.querySelectorAll('section.chart[data-chart]')]
        .filter((s) => s.querySelector('.uplot canvas'))
        .map((s) => [s.dataset.chart, s.querySelector('.u-legend').textContent])),
      columns: [...document.querySelectorAll('#summary thead th')].slice(1).map((th) => th.textContent),
    })`)) as Omit<Rendered, 'requests' | 'problems'>;
    if (screenshot) await maybeScreenshot(page, screenshot);
    await page.close();
    return { ...seen, requests, problems };
  }

  const offline = (r: Rendered, path: string): void => {
    assert.deepEqual(
      r.requests.filter((u) => u !== pathToFileURL(path).href),
      [],
      'the report asks for nothing beyond itself',
    );
    assert.deepEqual(r.problems, []);
  };

  test("one soakbench result: every chart, soakbench's response time included", async () => {
    const path = await report('soakbench.html', [SOAK]);
    const r = await render(path);
    offline(r, path);
    assert.deepEqual(Object.keys(r.charts).sort(), [
      'backlog',
      'end-to-end-latency',
      'end-to-end-quantiles',
      'publish-latency',
      'publish-quantiles',
      'rates',
      'response-time',
      'response-time-quantiles',
    ]);
    assert.deepEqual(r.columns, [SOAK_LABEL]);
  });

  test("one OMB result: OMB's charts (no response time, which OMB does not record)", async () => {
    const path = await report('omb.html', [OMB]);
    const r = await render(path);
    offline(r, path);
    assert.deepEqual(Object.keys(r.charts).sort(), [
      'backlog',
      'end-to-end-latency',
      'end-to-end-quantiles',
      'publish-latency',
      'publish-quantiles',
      'rates',
    ]);
    assert.deepEqual(r.columns, [OMB_LABEL]);
  });

  test('two results: both in every shared chart and side by side in the table', async () => {
    const path = await report('both.html', [SOAK, OMB]);
    const r = await render(path, 'report.png');
    offline(r, path);
    assert.deepEqual(r.columns, [SOAK_LABEL, OMB_LABEL]);
    for (const chart of [
      'publish-quantiles',
      'end-to-end-quantiles',
      'rates',
      'publish-latency',
      'backlog',
    ]) {
      assert.ok(r.charts[chart], `chart ${chart} drawn`);
      assert.ok(r.charts[chart]!.includes(SOAK_LABEL), `${chart} shows the soakbench run`);
      assert.ok(r.charts[chart]!.includes(OMB_LABEL), `${chart} shows the OMB run`);
    }
  });

  test('bad input: exit 2, the file and the field named, no stack trace, nothing written', async () => {
    const out = join(dir, 'bad.html');
    const bad = await runCli(['report', '-o', out, SOAK, join(REPO_ROOT, 'package.json')], 30_000);
    assert.equal(bad.code, 2, describeOutput(bad.stdout, bad.stderr));
    assert.match(bad.stderr, /package\.json: workload: expected a string, found nothing/);
    assert.doesNotMatch(bad.stderr, STACK_LINE);
    assert.equal(existsSync(out), false, 'a bad file fails before anything is written');
    const missing = await runCli(['report', '-o', out, join(dir, 'missing.json')], 30_000);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing\.json: cannot read the result file \(ENOENT\)/);
    const none = await runCli(['report'], 30_000);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing required argument/);
  });

  test('--help documents the command', async () => {
    const help = await runCli(['report', '--help'], 30_000);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: soakbench report \[options\] <result\.\.\.>/);
    assert.match(help.stdout, /-o, --output <file>/);
    assert.match(help.stdout, /OMB/);
  });
});
