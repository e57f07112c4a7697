// Offline and installable: the build's precache list and hash, the manifest and icons, Chromium's
// own installability check, a reload with the network off, and the move to a new version (a
// changed build served on the same origin) with no file from the old one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pngInfo } from '../../scripts/png.mjs';
import { listFiles, precacheManifest, writeServiceWorker } from '../../scripts/pwa.mjs';
import { startServer } from '../../scripts/static-server.mjs';
import { dist, launchChromium, root } from './harness.mjs';

const cli = join(root, 'build', 'vramcalc');
const native = (...args) => JSON.parse(execFileSync(cli, [...args, '--json'], { encoding: 'utf8' }));
const READY = 'Ready to work offline';

let work; // a private copy of dist/, so a build running meanwhile cannot change what is served
before(() => {
  work = mkdtempSync(join(tmpdir(), 'vramcalc-pwa-'));
  cpSync(dist, join(work, 'v1'), { recursive: true });
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A browser and a server for `dir`; `serve(dir)` swaps what the same origin serves. */
async function openApp(dir) {
  const browser = await launchChromium();
  let server = await startServer({ root: dir, port: 0 });
  const port = server.port;
  return {
    context: browser.context,
    origin: `http://127.0.0.1:${port}`,
    async serve(newDir) {
      await server?.close();
      server = newDir ? await startServer({ root: newDir, port }) : null;
    },
    async close() {
      await browser.close();
      await server?.close();
    },
  };
}

async function openPage(app, path = '/') {
  const page = await app.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${app.origin}${path}`);
  await page.waitForFunction(() => performance.getEntriesByName('first-result').length > 0);
  return { page, problems };
}

const totalBytes = (page) => page.$eval('#total', (el) => Number(el.dataset.bytes));
const pwaText = (page) => page.$eval('#pwa', (el) => el.textContent);
const cacheNames = (page) => page.evaluate(() => caches.keys());

describe('offline and installable', () => {
  test('the service worker precaches exactly the built files, by content hash', () => {
    const dir = join(work, 'v1');
    const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
    const build = precacheManifest(dir);
    assert.ok(sw.includes(JSON.stringify(build, null, 1)), 'sw.js holds the list and hashes of the files it ships with');
    assert.deepEqual(Object.keys(build.files), listFiles(dir).filter((p) => p !== 'sw.js'));
    for (const f of ['index.html', 'vramcalc.js', 'vramcalc.wasm', 'js/app.js', 'style.css', 'manifest.webmanifest',
      'icons/icon-192.png', 'widget/vram-calculator.js', 'widget/frame.html']) {
      assert.ok(f in build.files, `${f} is precached`);
    }
    assert.match(build.hash, /^[0-9a-f]{16}$/);
    assert.match(sw, /const CACHE = `\$\{PREFIX\}\$\{BUILD\.hash\}`/);
    // Any change to any file changes the hash, and so the cache name and sw.js.
    const copy = join(work, 'hash-check');
    cpSync(dir, copy, { recursive: true });
    writeFileSync(join(copy, 'style.css'), `${readFileSync(join(copy, 'style.css'), 'utf8')}\n`);
    assert.notEqual(precacheManifest(copy).hash, build.hash);
    rmSync(copy, { recursive: true, force: true });
  });

  test('the manifest, icons and CSP meet the install criteria', () => {
    const dir = join(work, 'v1');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, './');
    assert.ok(manifest.name && manifest.short_name && manifest.theme_color && manifest.background_color);
    const sizes = (purpose) => manifest.icons.filter((i) => i.purpose === purpose).map((i) => i.sizes).sort();
    assert.deepEqual(sizes('any'), ['192x192', '512x512']);
    assert.deepEqual(sizes('maskable'), ['192x192', '512x512']);
    for (const icon of manifest.icons) {
      const info = pngInfo(readFileSync(join(dir, icon.src)));
      assert.equal(`${info.width}x${info.height}`, icon.sizes, icon.src);
      assert.equal(info.colorType, 6, `${icon.src} is RGBA`);
    }
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<link rel="manifest" href="manifest.webmanifest">/);
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
    assert.match(csp, /worker-src 'self'/);
    assert.match(csp, /manifest-src 'self'/);
    assert.match(csp, /default-src 'self'/);
  });

  test('Chromium finds the page installable', async () => {
    const app = await openApp(join(work, 'v1'));
    try {
      const { page, problems } = await openPage(app);
      await page.waitForFunction((t) => document.getElementById('pwa').textContent.startsWith(t), READY);
      const cdp = await app.context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
      assert.deepEqual(problems, []);
    } finally {
      await app.close();
    }
  });

  test('after one visit the calculator opens and computes with no network', async () => {
    const app = await openApp(join(work, 'v1'));
    try {
      const { page, problems } = await openPage(app, '/?model=deepseek-r1');
      await page.waitForFunction((t) => document.getElementById('pwa').textContent.startsWith(t), READY);
      await app.context.setOffline(true);
      await app.serve(null); // and nothing listens on the port any more
      await page.reload();
      await page.waitForFunction(() => performance.getEntriesByName('first-result').length > 0);
      assert.equal(await totalBytes(page), native('--model', 'deepseek-r1').total_bytes);
      await page.selectOption('#f-quant', 'Q2_K');
      await page.fill('#f-context', '65536');
      assert.equal(await totalBytes(page), native('--model', 'deepseek-r1', '--quant', 'Q2_K', '--context', '65536').total_bytes);
      assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
      // A new tab, at another setting, opens too.
      const { page: other } = await openPage(app, '/?model=deepseek-r1-distill-llama-8b&ctx=8192');
      assert.equal(await totalBytes(other), native('--model', 'deepseek-r1-distill-llama-8b', '--context', '8192').total_bytes);
      assert.deepEqual(problems, []);
    } finally {
      await app.context.setOffline(false);
      await app.close();
    }
  });

  test('a new version is offered, taken only when accepted, and served whole; a half-deployed one is refused', async () => {
    const v1 = join(work, 'v1');
    // Version 2: a changed page and a changed wasm (a custom section appended: valid, different bytes).
    const v2 = join(work, 'v2');
    cpSync(v1, v2, { recursive: true });
    const marker = 'Estimates for planning, not guarantees (version 2).';
    const html = readFileSync(join(v2, 'index.html'), 'utf8');
    assert.ok(html.includes('Estimates for planning, not guarantees.'));
    writeFileSync(join(v2, 'index.html'), html.replace('Estimates for planning, not guarantees.', marker));
    const name = Buffer.from('vramcalc-test');
    const payload = Buffer.concat([Buffer.from([name.length]), name, Buffer.from('version 2')]);
    writeFileSync(join(v2, 'vramcalc.wasm'), Buffer.concat([readFileSync(join(v2, 'vramcalc.wasm')),
      Buffer.from([0, payload.length]), payload]));
    const build2 = writeServiceWorker(v2);
    // A half-finished deploy: version 2's sw.js, but one file still the old one.
    const half = join(work, 'half');
    cpSync(v2, half, { recursive: true });
    cpSync(join(v1, 'vramcalc.wasm'), join(half, 'vramcalc.wasm'));
    const build1 = precacheManifest(v1);

    const app = await openApp(v1);
    try {
      const { page } = await openPage(app);
      await page.waitForFunction((t) => document.getElementById('pwa').textContent.startsWith(t), READY);
      await page.reload(); // now controlled by version 1's worker
      await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
      assert.deepEqual(await cacheNames(page), [`vramcalc:/:${build1.hash}`]);
      const fetchBytes = (path) => page.evaluate(async (p) => {
        const r = await fetch(p);
        return [...new Uint8Array(await r.arrayBuffer())];
      }, path).then((a) => Buffer.from(a));

      // The half deploy: the install fails on the hash check; nothing is offered, version 1 stays.
      await app.serve(half);
      const halfResult = await page.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        const found = new Promise((r) => reg.addEventListener('updatefound', () => r(reg.installing), { once: true }));
        await reg.update();
        const worker = await found;
        await new Promise((r) => {
          worker.addEventListener('statechange', () => worker.state === 'redundant' && r());
          if (worker.state === 'redundant') r();
        });
        return { waiting: Boolean(reg.waiting), state: worker.state };
      });
      assert.deepEqual(halfResult, { waiting: false, state: 'redundant' });
      assert.equal(await page.$('#pwa-reload'), null);
      assert.deepEqual(await cacheNames(page), [`vramcalc:/:${build1.hash}`]);

      // Version 2: offered; until accepted the page still gets version 1's files.
      await app.serve(v2);
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
      await page.waitForSelector('#pwa-reload');
      assert.match(await pwaText(page), /new version/);
      assert.ok((await fetchBytes('vramcalc.wasm')).equals(readFileSync(join(v1, 'vramcalc.wasm'))), 'old wasm while waiting');
      assert.ok((await fetchBytes('index.html')).equals(readFileSync(join(v1, 'index.html'))), 'old page while waiting');

      // Accepted: the page reloads into version 2, every file from version 2.
      const responses = [];
      page.on('response', (r) => responses.push(r));
      await Promise.all([page.waitForEvent('load'), page.click('#pwa-reload')]);
      await page.waitForFunction(() => performance.getEntriesByName('first-result').length > 0);
      assert.equal(await page.$eval('footer p', (el) => el.textContent.startsWith('Estimates for planning, not guarantees (version 2).')), true);
      for (const r of responses) {
        const path = new URL(r.url()).pathname.slice(1) || 'index.html';
        if (!(path in build2.files)) continue;
        assert.ok((await r.body()).equals(readFileSync(join(v2, path))), `${path} is version 2's`);
      }
      assert.ok(responses.some((r) => r.url().endsWith('/vramcalc.wasm')), 'the wasm was loaded after the update');
      for (const path of Object.keys(build2.files)) {
        assert.ok((await fetchBytes(path)).equals(readFileSync(join(v2, path))), `${path} served from version 2`);
      }
      // Activation removed version 1's cache and nothing else.
      await page.waitForFunction((want) => caches.keys().then((k) => k.length === 1 && k[0] === want), `vramcalc:/:${build2.hash}`);
      assert.equal(await totalBytes(page), native('--model', 'deepseek-r1-distill-qwen-7b').total_bytes);
    } finally {
      await app.close();
    }
  });
});
