/**
 * The live page (GET /, docs/live-page.md) in headless Chromium against a real daemon: it loads with no
 * console error or failed request, its charts fill with data, and its controls reach the daemon with the
 * API token pasted into the page (rate, pause, resume, checked through GET /status).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { launchBrowser, maybeScreenshot, openPage, type WatchedPage } from '../../helpers/browser.js';
import { type DaemonProcess, describeDaemon, startDaemon } from '../../helpers/daemon.js';
import { waitFor } from '../../helpers/wait.js';

const TOKEN = 'live-page-test-token';

describe('soakbench daemon: the live page in Chromium', { timeout: 240_000 }, () => {
  let d: DaemonProcess;
  let browser: Browser;
  let w: WatchedPage;

  before(async () => {
    d = await startDaemon({
      label: 'livepage',
      workload: { producerRate: 800, partitionsPerTopic: 2 },
      env: { SOAKBENCH_API_TOKEN: TOKEN },
    });
    await d.waitReady();
    browser = await launchBrowser();
    w = await openPage(browser);
  });
  after(async () => {
    await browser?.close();
    await d?.dispose();
  });

  const status = async (): Promise<Record<string, unknown>> => (await d.getJson('/status')).body;
  /** Points with a value in each series of each chart (uPlot's data, as the page drew it). */
  const pointsPerSeries = async (): Promise<number[][]> =>
    (await w.page.evaluate(
      'window.soakLive.charts.map((c) => c.data.slice(1).map((s) => s.filter((v) => v != null).length))',
    )) as number[][];
  /** Sets an input's value as a user clearing the field would (the test then types into it). */
  const setValue = (selector: string, value: string): Promise<unknown> =>
    w.page.evaluate(`document.querySelector(${JSON.stringify(selector)}).value = ${JSON.stringify(value)}`);
  const textOf = async (selector: string): Promise<string> =>
    String(await w.page.evaluate(`document.querySelector(${JSON.stringify(selector)}).textContent`));

  test('GET / answers HTML; its assets come from the daemon with content types and caching', async () => {
    const page = await d.request('GET', '/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers.get('content-type')), /^text\/html/);
    for (const [asset, type] of [
      ['uPlot.iife.min.js', /^text\/javascript/],
      ['live.js', /^text\/javascript/],
      ['uPlot.min.css', /^text\/css/],
    ] as const) {
      const a = await d.request('GET', `/assets/${asset}`);
      assert.equal(a.status, 200, asset);
      assert.match(String(a.headers.get('content-type')), type, asset);
      assert.match(String(a.headers.get('cache-control')), /max-age=\d+/, asset);
    }
    assert.equal((await d.request('GET', '/assets/../package.json')).status, 404);
    assert.equal((await d.request('GET', '/assets/nothing.js')).status, 404);
  });

  test('loads with no console error, and every chart has data after a few seconds of load', async () => {
    await w.page.goto(`${d.baseUrl}/`, { waitUntil: 'load' });
    // Latency quantiles need two scrapes with acknowledgements in between: a few polls of 2 s.
    await waitFor(
      'every series of every chart to have data',
      async () => (await pointsPerSeries()).every((chart) => chart.every((n) => n >= 2)),
      30_000,
      500,
    );
    const text = await textOf('#counters');
    assert.match(text, /messages sent/);
    assert.deepEqual(w.problems, [], describeDaemon(d));
  });

  test("the page's rate control reaches the daemon, with the pasted token", async () => {
    await setValue('#token', '');
    await w.page.type('#token', TOKEN);
    await setValue('#rate', '');
    await w.page.type('#rate', '1234');
    await w.page.click('#set-rate');
    await waitFor(
      'GET /status to show the new rate',
      async () => (await status()).targetRate === 1234,
      10_000,
      100,
    );
    await waitFor(
      'the page to say so',
      async () => /rate set to 1,234/.test(await textOf('#message')),
      5_000,
      100,
    );
    // The token is kept for this tab only.
    const kept = await w.page.evaluate("sessionStorage.getItem('soakbench.apiToken')");
    assert.equal(kept, TOKEN);
  });

  test('pause and resume buttons work; a wrong token is shown, not swallowed', async () => {
    await w.page.click('#pause');
    await waitFor('GET /status to show paused', async () => (await status()).paused === true, 10_000, 100);
    await w.page.click('#resume');
    await waitFor('GET /status to show resumed', async () => (await status()).paused === false, 10_000, 100);

    await setValue('#token', 'wrong');
    await w.page.click('#pause');
    await waitFor(
      'the page to show the refusal',
      async () => /Bearer/.test(await textOf('#message')),
      5_000,
      100,
    );
    assert.equal((await status()).paused, false, 'a refused pause changed nothing');
    // The 401 is the one expected problem; nothing else went wrong on the page.
    assert.deepEqual(
      w.problems.filter((p) => !/401/.test(p)),
      [],
    );
    await setValue('#token', '');
    await w.page.evaluate("document.querySelector('#message').textContent = ''");
    if (process.env.SOAKBENCH_SCREENSHOTS) {
      // For the README picture only: a minute more of history, so the charts show more than a few points.
      await new Promise((r) => setTimeout(r, 60_000));
      await maybeScreenshot(w.page, 'live-page.png');
    }
  });
});
