/**
 * Headless Chromium for the page tests (puppeteer-core drives the browser that is installed: Debian's
 * /usr/bin/chromium, or SOAKBENCH_CHROMIUM). Every page records its console errors, uncaught exceptions and
 * failed requests, so a test can assert that a page loaded cleanly.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.SOAKBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** A page and what went wrong on it so far. */
export interface WatchedPage {
  page: Page;
  problems: string[];
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (Debian: apt-get install chromium) or set SOAKBENCH_CHROMIUM`,
    );
  }
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    protocolTimeout: 30_000,
  });
}

export async function openPage(browser: Browser, width = 1200, height = 900): Promise<WatchedPage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${(e as Error).message ?? String(e)}`));
  page.on('requestfailed', (r) =>
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`),
  );
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.setDefaultTimeout(20_000);
  await page.setViewport({ width, height });
  return { page, problems };
}

/** With SOAKBENCH_SCREENSHOTS set to a directory, saves a full-page screenshot there (docs/images/ for README). */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SOAKBENCH_SCREENSHOTS;
  if (!dir) return;
  const path = `${dir}/${name}`;
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
}
