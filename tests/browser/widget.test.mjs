// The embeddable widget on other sites: a hostile host page (CSS resets, hidden divs, huge fonts,
// a global Module, an AMD define, a wrapped fetch), two widgets on one page, the iframe embed,
// and the main page's Embed panel. The calculator is served from dist/ on 127.0.0.1 and the host
// pages from a temporary directory on localhost: two origins, as on the web.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/static-server.mjs';
import { openBrowser, root } from './harness.mjs';

const cli = join(root, 'build', 'vramcalc');
const native = (...args) => JSON.parse(execFileSync(cli, [...args, '--json'], { encoding: 'utf8' }));
const fixture = (name) => readFileSync(join(root, 'tests', 'browser', 'fixtures', name), 'utf8');

let b;
let host;
let hostDir;
let calc; // the calculator's origin with a trailing slash
let hostOrigin;

before(async () => {
  b = await openBrowser();
  calc = `${b.origin}/`;
  hostDir = mkdtempSync(join(tmpdir(), 'vramcalc-host-'));
  writeFileSync(join(hostDir, 'hostile.html'), fixture('hostile-host.html').replaceAll('{{CALC}}', calc));
  host = await startServer({ root: hostDir, port: 0 });
  hostOrigin = `http://localhost:${host.port}`;
});
after(async () => {
  await b?.close();
  await host?.close();
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

/** Writes a host page and opens it; records requests, page errors and console warnings. */
async function openHost(name, html) {
  if (html) writeFileSync(join(hostDir, name), html);
  const page = await b.context.newPage();
  const requests = [];
  const problems = [];
  const warnings = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
    if (m.type() === 'error' && !/favicon|404/.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${hostOrigin}/${name}`);
  return { page, requests, problems, warnings };
}

/** Waits until the widget with this id shows a result; returns its total in bytes. */
async function widgetTotal(page, id) {
  const handle = await page.waitForFunction((wid) => {
    const el = document.getElementById(wid)?.shadowRoot?.querySelector('.total');
    return el ? Number(el.dataset.bytes) : false;
  }, id);
  return handle.jsonValue();
}

describe('the embeddable widget', () => {
  test('works on a hostile page: CSS resets and huge fonts do not reach it, its scripts do not break it', async () => {
    const { page, requests, problems, warnings } = await openHost('hostile.html');
    assert.equal(await widgetTotal(page, 'a'),
      native('--model', 'deepseek-r1', '--quant', 'Q8_0', '--context', '8192').total_bytes);
    // "Q4_K_MM" is not a quantization: the default is used, and the console says why.
    const defaults = native('--model', 'deepseek-r1-distill-qwen-7b', '--quant', 'Q4_K_M', '--context', '4096');
    assert.equal(await widgetTotal(page, 'b'), defaults.total_bytes);
    assert.ok(warnings.some((w) => w.includes('quant="Q4_K_MM"')), warnings.join('\n'));

    // Visible and laid out by its own styles, whatever the host's say.
    const look = await page.evaluate(() => ['a', 'b'].map((id) => {
      const el = document.getElementById(id);
      const s = el.shadowRoot;
      const box = el.getBoundingClientRect();
      const total = getComputedStyle(s.querySelector('.total strong'));
      const select = s.querySelector('select');
      return {
        display: getComputedStyle(el).display,
        width: box.width,
        height: box.height,
        totalFont: total.fontSize,
        totalColour: total.color,
        textTransform: total.textTransform,
        letterSpacing: total.letterSpacing,
        bodyFont: getComputedStyle(s.querySelector('.what')).fontSize,
        selectShown: select.getBoundingClientRect().height > 20,
        chartShown: s.querySelector('svg').getBoundingClientRect().height > 10,
        background: getComputedStyle(s.querySelector('.w')).backgroundColor,
      };
    }));
    for (const l of look) {
      assert.equal(l.display, 'block');
      assert.ok(l.width > 600 && l.height > 150, `size ${l.width} x ${l.height}`);
      assert.equal(l.totalFont, '30px');
      assert.equal(l.bodyFont, '13px');
      assert.equal(l.totalColour, 'rgb(27, 29, 33)');
      assert.equal(l.textTransform, 'none');
      assert.equal(l.letterSpacing, 'normal');
      assert.equal(l.background, 'rgb(255, 255, 255)');
      assert.ok(l.selectShown, 'the controls are shown');
      assert.ok(l.chartShown, 'the chart is shown');
    }

    // The host's globals are untouched and unused; the widget added none of its own.
    const globals = await page.evaluate(() => ({
      log: { moduleUsed: window.hostLog.moduleUsed, defineCalls: window.hostLog.defineCalls },
      create: window.createVramcalcModule,
      moduleIsHosts: typeof window.Module.locateFile === 'function' && Object.keys(window.Module).join(','),
      added: Object.getOwnPropertyNames(window).filter((n) => !window.hostGlobalsAfterSetup.includes(n)),
    }));
    assert.deepEqual(globals.log, { moduleUsed: 0, defineCalls: 0 });
    assert.equal(globals.create, 'the host owns this name');
    assert.equal(globals.moduleIsHosts, 'locateFile,preRun');
    assert.deepEqual(globals.added, []);

    // One wasm download for both widgets, from the calculator's origin, not the host's.
    const wasm = requests.filter((u) => u.endsWith('.wasm'));
    assert.deepEqual(wasm, [`${calc}vramcalc.wasm`]);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: join(root, 'tests', 'browser', 'screenshots', 'widget-hostile.png'), fullPage: true });
    await page.close();
  });

  test('two widgets on one page work independently; attribute changes in one task make one update', async () => {
    const { page } = await openHost('hostile.html');
    const a0 = await widgetTotal(page, 'a');
    const b0 = await widgetTotal(page, 'b');
    // The reader changes the model in the first widget only.
    await page.evaluate(() => {
      const select = document.getElementById('a').shadowRoot.querySelector('select[name="model"]');
      select.value = 'deepseek-r1-distill-llama-70b';
      select.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const a1 = native('--model', 'deepseek-r1-distill-llama-70b', '--quant', 'Q8_0', '--context', '8192').total_bytes;
    await page.waitForFunction((want) =>
      Number(document.getElementById('a').shadowRoot.querySelector('.total').dataset.bytes) === want, a1);
    assert.notEqual(a1, a0);
    assert.equal(await widgetTotal(page, 'b'), b0);

    // A script sets three attributes of the second widget in one go: one update, the right result.
    const updates = await page.evaluate(async () => {
      const el = document.getElementById('b');
      const before = el.updates;
      el.setAttribute('model', 'deepseek-r1-distill-qwen-32b');
      el.quant = 'Q5_K_M';
      el.context = 32768;
      await new Promise((r) => setTimeout(r, 50));
      return el.updates - before;
    });
    assert.equal(updates, 1);
    assert.equal(await widgetTotal(page, 'b'),
      native('--model', 'deepseek-r1-distill-qwen-32b', '--quant', 'Q5_K_M', '--context', '32768').total_bytes);
    assert.equal(await widgetTotal(page, 'a'), a1);
    await page.close();
  });

  test('attributes are read through validated getters with the core\'s defaults', async () => {
    const { page } = await openHost('hostile.html');
    await widgetTotal(page, 'b');
    const got = await page.evaluate(() => {
      const el = document.getElementById('b');
      const out = {};
      for (const [name, value] of [['context', 'abc'], ['context', '0'], ['sequences', '-3'], ['model', 'no-such-model'],
        ['runtime', 'made-up'], ['theme', 'purple']]) {
        el.setAttribute(name, value);
        out[`${name}=${value}`] = el[name];
      }
      el.removeAttribute('compact');
      out.compactRemoved = el.compact;
      el.setAttribute('compact', '');
      out.compactSet = el.compact;
      return out;
    });
    assert.deepEqual(got, {
      'context=abc': 4096, 'context=0': 4096, 'sequences=-3': 1, 'model=no-such-model': 'deepseek-r1-distill-qwen-7b',
      'runtime=made-up': 'llama.cpp', 'theme=purple': 'light', compactRemoved: false, compactSet: true,
    });
    await page.close();
  });

  test('passes axe-core inside its shadow root, light and dark, full and compact', async () => {
    const axeSource = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    const { page } = await openHost('plain.html', `<!doctype html><html lang="en"><meta charset="utf-8"><title>A post</title>
<script type="module" src="${calc}widget/vram-calculator.js"></script>
<main><h1>A post</h1>
<vram-calculator id="l" model="deepseek-r1"></vram-calculator>
<vram-calculator id="d" theme="dark" compact></vram-calculator></main></html>`);
    await widgetTotal(page, 'l');
    await widgetTotal(page, 'd');
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => globalThis.axe.run({ include: [['#l'], ['#d']] }, { resultTypes: ['violations'] }));
    const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(summary, [], summary.join('\n'));
    await page.close();
  });

  test('without its script, the element shows its fallback link with the same settings', async () => {
    const page = await b.context.newPage();
    await page.route('**/widget/vram-calculator.js', (route) => route.abort());
    await page.goto(`${hostOrigin}/hostile.html`);
    // The hostile page hides nothing inside <a>; the link is the element's only content.
    const link = await page.$eval('#a a', (a) => ({ href: a.href, shown: a.getBoundingClientRect().width > 0 }));
    assert.equal(link.href, `${calc}?model=deepseek-r1&quant=Q8_0&ctx=8192`);
    assert.ok(link.shown);
    await page.close();
  });

  test('the iframe embed computes in the frame and reports its height to the host', async () => {
    const src = `${calc}widget/frame.html?model=deepseek-r1-distill-llama-70b&quant=Q4_K_M&ctx=16384`;
    const { page, problems } = await openHost('iframe.html', `<!doctype html><meta charset="utf-8"><title>iframe host</title>
<style>body { font-size: 40px; } iframe { border: 0; width: 100%; }</style>
<iframe id="f" src="${src}" title="LLM memory calculator" height="100"></iframe>
<script>
  window.heights = [];
  addEventListener('message', (e) => {
    if (e.data?.type !== 'vram-calculator:height') return;
    for (const f of document.querySelectorAll('iframe')) if (f.contentWindow === e.source) {
      f.height = e.data.height;
      window.heights.push(e.data.height);
    }
  });
</script>`);
    const frame = page.frame({ url: (u) => u.href.startsWith(`${calc}widget/frame.html`) }) ??
      await (await page.waitForSelector('#f')).contentFrame();
    const total = await (await frame.waitForFunction(() =>
      Number(document.querySelector('vram-calculator')?.shadowRoot?.querySelector('.total')?.dataset.bytes) || false)).jsonValue();
    assert.equal(total, native('--model', 'deepseek-r1-distill-llama-70b', '--quant', 'Q4_K_M', '--context', '16384').total_bytes);
    await page.waitForFunction(() => window.heights.length > 0 && document.getElementById('f').height > 300);
    const sizes = await page.evaluate(() => ({
      frame: Number(document.getElementById('f').height),
      last: window.heights[window.heights.length - 1],
    }));
    const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    assert.equal(sizes.frame, sizes.last);
    assert.equal(sizes.frame, content);
    // The link inside the frame opens the full calculator with the same settings.
    assert.equal(await frame.evaluate(() => document.querySelector('vram-calculator').shadowRoot.querySelector('a.full').href),
      `${calc}?model=deepseek-r1-distill-llama-70b&ctx=16384`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the main page\'s Embed panel gives a snippet for its settings that works when pasted', async () => {
    const page = await b.context.newPage();
    await page.goto(`${calc}?model=deepseek-r1-distill-qwen-14b&quant=Q6_K&ctx=16384`);
    await page.waitForFunction(() => document.getElementById('embed-code').value.includes('qwen-14b'));
    const snippet = await page.inputValue('#embed-code');
    assert.match(snippet, new RegExp(`^<script type="module" src="${calc}widget/vram-calculator.js"></script>`));
    assert.match(snippet, /<vram-calculator model="deepseek-r1-distill-qwen-14b" quant="Q6_K" context="16384" runtime="llama.cpp">/);
    assert.match(snippet, /<a href="[^"]*\?model=deepseek-r1-distill-qwen-14b&amp;quant=Q6_K&amp;ctx=16384/);

    // Following the form: a new choice changes the snippet.
    await page.selectOption('#f-quant', 'Q8_0');
    await page.waitForFunction(() => document.getElementById('embed-code').value.includes('quant="Q8_0"'));
    const element = await page.inputValue('#embed-code');
    await page.check('input[name="embed-kind"][value="iframe"]');
    const iframe = await page.inputValue('#embed-code');
    assert.match(iframe, /^<iframe src="[^"]*widget\/frame\.html\?model=deepseek-r1-distill-qwen-14b&amp;quant=Q8_0&amp;ctx=16384/);

    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.origin });
    await page.click('#embed-copy');
    await page.waitForFunction(() => document.getElementById('embed-status').textContent !== '');
    if (await page.textContent('#embed-status') === 'Snippet copied.') {
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), iframe);
    }
    await page.close();

    // The element snippet, pasted into a post, shows those settings.
    const { page: post, problems } = await openHost('post.html',
      `<!doctype html><meta charset="utf-8"><title>A post</title><h1>My GPU</h1>\n${element.replace('<vram-calculator ', '<vram-calculator id="w" ')}\n`);
    assert.equal(await widgetTotal(post, 'w'),
      native('--model', 'deepseek-r1-distill-qwen-14b', '--quant', 'Q8_0', '--context', '16384').total_bytes);
    assert.deepEqual(problems, []);
    await post.close();
  });
});
