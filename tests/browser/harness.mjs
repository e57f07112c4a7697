import assert from 'node:assert/strict';
// Shared by the browser tests and bench/page-bench.mjs: serves dist/ on a free localhost port and
// drives Debian's Chromium through playwright-core (no browser download).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/static-server.mjs';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const dist = join(root, 'dist');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function chromiumPath() {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
    .find((p) => p && existsSync(p));
  if (!found) throw new Error('Chromium not found: run scripts/setup (or set CHROMIUM_PATH)');
  return found;
}

/**
 * A persistent Chromium context with a fresh profile (deleted by close()), and no server.
 * @param {{serviceWorkers?: 'allow'|'block'}} [options] 'block' keeps the page's service worker
 *   out, for measurements that must hit the network every time.
 */
export async function launchChromium({ serviceWorkers = 'allow' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'vramcalc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    serviceWorkers,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Starts the server and a persistent Chromium context with a fresh profile. */
export async function openBrowser(options = {}) {
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/ is missing: run scripts/build first');
  const server = await startServer({ root: dist, port: 0 });
  const browser = await launchChromium(options);
  return {
    server,
    context: browser.context,
    origin: server.url.replace(/\/$/, ''),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Checks the query the page wrote to the address bar. The page writes it when idle after an
 * input, so this waits (up to 5 s) for it to equal `expected` before comparing.
 */
export async function expectSearch(page, expected) {
  await page.waitForFunction((q) => location.search === q, expected, { timeout: 5000 }).catch(() => {});
  assert.equal(new URL(page.url()).search, expected);
}

/** Like expectSearch, for a query that matches `re` (a RegExp). */
export async function expectSearchMatch(page, re) {
  await page.waitForFunction(([src, flags]) => new RegExp(src, flags).test(location.search), [re.source, re.flags],
    { timeout: 5000 }).catch(() => {});
  assert.match(new URL(page.url()).search, re);
}

/** Like expectSearch, for one parameter of the query (null: absent). */
export async function expectParam(page, key, value) {
  await page.waitForFunction(([k, v]) => new URLSearchParams(location.search).get(k) === v, [key, value],
    { timeout: 5000 }).catch(() => {});
  assert.equal(new URL(page.url()).searchParams.get(key), value);
}

/**
 * What a cold visit requests before performance.mark('first-result'): each response started
 * before the mark, with its size as served and as gzip -9 would send it (how a static host
 * compresses text; the wasm is compressed the same way). Also what was fetched after the mark.
 * Needs a browser from openBrowser({ serviceWorkers: 'block' }), so nothing comes from a cache.
 */
export async function firstResultBytes(b, path = '/') {
  const page = await b.context.newPage();
  const bodies = [];
  page.on('response', async (r) => {
    try {
      bodies.push({ url: r.url(), body: await r.body() });
    } catch { /* redirects have no body */ }
  });
  await page.goto(`${b.origin}${path}`);
  await page.waitForFunction(() => performance.getEntriesByName('first-result').length > 0);
  await page.waitForTimeout(100);
  const started = new Set(await page.evaluate(() => {
    const mark = performance.getEntriesByName('first-result')[0].startTime;
    return performance.getEntriesByType('resource').filter((e) => e.startTime <= mark).map((e) => e.name);
  }));
  started.add(`${b.origin}${path}`);
  await page.close();
  const size = ({ url, body }) => ({ path: new URL(url).pathname, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  const before = bodies.filter(({ url }) => started.has(url)).map(size);
  return {
    files: before,
    raw: before.reduce((s, f) => s + f.raw, 0),
    gzip: before.reduce((s, f) => s + f.gzip, 0),
    after: bodies.filter(({ url }) => !started.has(url)).map(size),
  };
}
