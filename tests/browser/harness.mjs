// Shared by the browser tests and bench/page-bench.mjs: serves dist/ on a free localhost port and
// drives Debian's Chromium through playwright-core (no browser download).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
