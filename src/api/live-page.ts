/**
 * GET / (the live page) and GET /assets/<name> (its scripts and styles), served from the package: web/ and
 * uPlot from node_modules (src/web/web-assets.ts); no CDN. The page polls GET /status and GET /metrics and keeps
 * its own history in the browser, so it adds no work per message (docs/live-page.md).
 */
import { readFileSync } from 'node:fs';
import type { Express, Request, Response } from 'express';
import { LIVE_PAGE_PATH, WEB_ASSETS } from '../web/web-assets.js';

/** The page itself changes with the package; the browser asks again each time (it is small). */
const PAGE_CACHE = 'no-cache';
/** Assets: an hour, so a reload is quick but an upgraded daemon's files arrive within the hour. */
const ASSET_CACHE = 'public, max-age=3600';

/** Paths this module answers, with their methods (for the API's 405 answers). */
export const LIVE_PAGE_PATHS: Record<string, string[]> = { '/': ['GET'] };

export function addLivePageRoutes(app: Express): void {
  // Read once, on first use: the files are part of the package and do not change while it runs.
  const cache = new Map<string, string>();
  const read = (path: string): string => {
    let text = cache.get(path);
    if (text === undefined) {
      text = readFileSync(path, 'utf8');
      cache.set(path, text);
    }
    return text;
  };

  app.get('/', (_req: Request, res: Response) => {
    res.set('Cache-Control', PAGE_CACHE).type('text/html; charset=utf-8').send(read(LIVE_PAGE_PATH));
  });
  app.get('/assets/:name', (req: Request, res: Response, next) => {
    const asset = Object.hasOwn(WEB_ASSETS, String(req.params.name))
      ? WEB_ASSETS[String(req.params.name)]
      : undefined;
    if (!asset) {
      next();
      return;
    }
    res.set('Cache-Control', ASSET_CACHE).set('Content-Type', asset.contentType).send(read(asset.path));
  });
}
