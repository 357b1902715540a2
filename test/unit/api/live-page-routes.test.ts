/**
 * GET / and GET /assets/<name> (docs/live-page.md): the page and its files come from the package with
 * their content types and caching; nothing else is served under /assets/, and the page needs no token.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { WEB_ASSETS } from '../../../src/web/web-assets.js';
import { type ApiUnderTest, startApi } from './fake-control.js';

describe('HTTP API: the live page and its assets', () => {
  let api: ApiUnderTest;
  before(async () => {
    api = await startApi({ token: 'secret' });
  });
  after(async () => {
    await api.close();
  });

  test('GET / is the page, HTML, asked for again each time, with no token', async () => {
    const a = await api.request('GET', '/');
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.equal(a.headers.get('cache-control'), 'no-cache');
    // Every script and style the page loads is one the daemon serves, by a relative URL.
    const refs = [...a.text.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) =>
      m[1]!.slice('assets/'.length),
    );
    assert.ok(refs.length >= 5, a.text);
    for (const ref of refs) assert.ok(WEB_ASSETS[ref], `the page loads ${ref}, which is not served`);
    assert.doesNotMatch(a.text, /https?:\/\//, 'no CDN');
  });

  test('every asset is served as its file, with its content type and an hour of caching', async () => {
    for (const [name, asset] of Object.entries(WEB_ASSETS)) {
      const a = await api.request('GET', `/assets/${name}`);
      assert.equal(a.status, 200, name);
      assert.equal(a.headers.get('content-type'), asset.contentType, name);
      assert.equal(a.headers.get('cache-control'), 'public, max-age=3600', name);
      assert.equal(a.text, readFileSync(asset.path, 'utf8'), name);
    }
  });

  test('anything else under /assets/ is a JSON 404', async () => {
    for (const path of [
      '/assets/nope.js',
      '/assets/constructor',
      '/assets/%2e%2e%2fpackage.json',
      '/assets/',
    ]) {
      const a = await api.request('GET', path);
      assert.equal(a.status, 404, path);
      assert.equal((a.json as { error: string }).error, 'not_found', path);
    }
  });
});
