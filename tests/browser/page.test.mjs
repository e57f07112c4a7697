// The calculator page in headless Chromium, served from dist/ on localhost.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectSearch, openBrowser, root } from './harness.mjs';
import { axeViolations, native, openPage, screenshots } from './sections.mjs';

/** The CLI exits 2 on bad input and prints the error object on stdout. */
function nativeError(...args) {
  const out = native(...args);
  if (!out.error) throw new Error(`expected an error from vramcalc ${args.join(' ')}`);
  return out.error;
}

let b;
before(async () => {
  b = await openBrowser();
  mkdirSync(screenshots, { recursive: true });
});
after(async () => {
  await b?.close();
});

/** Opens the page and records every request and every CSP violation or page error. */
const open = (query = '', options = {}) => openPage(b, query, options);

const totalBytes = (page) => page.$eval('#total', (el) => Number(el.dataset.bytes));
const fieldError = (page, field) => page.$eval(`#e-${field}`, (el) => el.textContent);

describe('the calculator page', () => {
  test('the tables, the FAQ and a result are in the HTML before any script runs', async () => {
    const html = readFileSync(join(root, 'dist', 'index.html'), 'utf8');
    assert.ok(!html.includes('{{'), 'no placeholder left');
    const r1 = native('--model', 'deepseek-r1', '--quant', 'Q4_K_M', '--context', '4096');
    assert.ok(html.includes(`data-bytes="${r1.total_bytes}"`), 'R1 total in the model table');
    assert.ok(html.includes(`data-bytes="${r1.naive_weights_bytes}"`), 'naive 4-bit figure beside it');
    const bf16 = native('--model', 'deepseek-r1', '--quant', 'BF16');
    assert.ok(html.includes(`data-bytes="${bf16.weights_bytes}"`), 'BF16 weights in the precision table');
    assert.match(html, /id="total" data-bytes="\d+"/);
    assert.match(html, /not the 671B model/);
    // The device column is the core planner's suggestion, not the page's own arithmetic.
    const d70 = native('--model', 'deepseek-r1-distill-llama-70b', '--suggest-gpu');
    assert.ok(html.includes(`>${d70.suggested_gpu.single.name}</td>`), 'suggested GPU for the 70B distill');
    const r1s = native('--model', 'deepseek-r1', '--suggest-gpu');
    assert.ok(html.includes(`${r1s.suggested_gpu.multi.layout.count} × ${r1s.suggested_gpu.multi.name}`), 'R1 on several GPUs');
  });

  test('the Copy link button copies the current settings', async () => {
    const { page } = await open('?model=deepseek-r1&ctx=8192');
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.origin });
    await page.click('#copy-link');
    await page.waitForFunction(() => document.getElementById('status').textContent !== '');
    const status = await page.$eval('#status', (el) => el.textContent);
    if (status === 'Link copied.') {
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${b.origin}/?model=deepseek-r1&ctx=8192`);
    } else {
      assert.ok(status.includes('?model=deepseek-r1&ctx=8192'), status);
    }
    await page.close();
  });

  test('shows the default model with the native CLI\'s figures, and marks first-result', async () => {
    const { page, problems } = await open();
    const expected = native('--model', 'deepseek-r1-distill-qwen-7b', '--quant', 'Q4_K_M', '--context', '4096');
    assert.equal(await totalBytes(page), expected.total_bytes);
    const marks = await page.evaluate(() => performance.getEntriesByName('first-result').length);
    assert.equal(marks, 1);
    assert.equal(await page.$eval('#status', (el) => el.textContent), '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('updates when inputs change and matches the CLI for each', async () => {
    const { page, problems } = await open();
    await page.selectOption('#f-model', 'deepseek-r1');
    await page.selectOption('#f-quant', 'Q8_0');
    await page.fill('#f-context', '32768');
    let expected = native('--model', 'deepseek-r1', '--quant', 'Q8_0', '--context', '32768');
    assert.equal(await totalBytes(page), expected.total_bytes);
    await expectSearch(page, '?model=deepseek-r1&quant=Q8_0&ctx=32768');

    await page.selectOption('#f-runtime', 'vllm');
    await page.selectOption('#f-quant', 'FP8-block');
    await page.fill('#f-sequences', '4');
    expected = native('--model', 'deepseek-r1', '--quant', 'FP8-block', '--context', '32768',
      '--sequences', '4', '--runtime', 'vllm');
    assert.equal(await totalBytes(page), expected.total_bytes);
    assert.equal(await page.$eval('#needed', (el) => Number(el.dataset.bytes)), expected.gpu_memory_needed_bytes);
    const kvOptions = await page.$$eval('#f-kv option', (os) => os.map((o) => o.value));
    assert.deepEqual(kvOptions, ['bf16', 'fp16', 'fp8']);

    await page.selectOption('#f-kv', 'fp8');
    expected = native('--model', 'deepseek-r1', '--quant', 'FP8-block', '--context', '32768',
      '--sequences', '4', '--runtime', 'vllm', '--kv-type', 'fp8');
    assert.equal(await totalBytes(page), expected.total_bytes);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the slider spans 512 to the model maximum on a log scale', async () => {
    const { page } = await open();
    const set = (v) => page.$eval('#f-context-range', (el, val) => {
      el.value = String(val);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
    await set(0);
    assert.equal(await page.inputValue('#f-context'), '512');
    await set(1000);
    assert.equal(await page.inputValue('#f-context'), '131072');
    await set(500);
    assert.equal(await page.inputValue('#f-context'), '8192');
    await page.close();
  });

  test('restores the result from a link, and the unit toggle switches GB and GiB', async () => {
    const { page } = await open('?model=deepseek-r1-distill-llama-70b&quant=Q2_K&ctx=16384&seq=2&unit=gib');
    const expected = native('--model', 'deepseek-r1-distill-llama-70b', '--quant', 'Q2_K', '--context', '16384',
      '--sequences', '2');
    assert.equal(await page.inputValue('#f-model'), 'deepseek-r1-distill-llama-70b');
    assert.equal(await page.inputValue('#f-context'), '16384');
    assert.equal(await totalBytes(page), expected.total_bytes);
    assert.match(await page.$eval('#total strong', (el) => el.textContent), /GiB$/);
    await page.check('input[name="unit"][value="gb"]');
    assert.match(await page.$eval('#total strong', (el) => el.textContent), / GB$/);
    await expectSearch(page, '?model=deepseek-r1-distill-llama-70b&quant=Q2_K&ctx=16384&seq=2');
    await page.close();
  });

  test('bad values in a link keep what was typed and show the core\'s message', async () => {
    let { page } = await open('?model=no-such-model');
    assert.equal(await page.inputValue('#f-model'), 'no-such-model');
    assert.equal(await fieldError(page, 'model'), nativeError('--model', 'no-such-model').message);
    assert.match(await page.$eval('#status', (el) => el.textContent), /Cannot estimate/);
    await page.close();
    ({ page } = await open('?ctx=abc&seq=-1'));
    assert.equal(await page.inputValue('#f-context'), 'abc');
    assert.equal(await fieldError(page, 'context'), nativeError('--model', 'deepseek-r1', '--context', 'abc').message);
    await page.fill('#f-context', '2048');
    assert.equal(await page.inputValue('#f-sequences'), '-1');
    assert.equal(await fieldError(page, 'sequences'), nativeError('--model', 'deepseek-r1', '--sequences', '-1').message);
    await page.close();
  });

  test('a context of 0 and of 10^12 get a clear message next to the field', async () => {
    const { page } = await open();
    for (const ctx of ['0', '1000000000000']) {
      await page.fill('#f-context', ctx);
      const message = await fieldError(page, 'context');
      const core = nativeError('--model', 'deepseek-r1-distill-qwen-7b', '--context', ctx);
      assert.ok(message.length > 10, `message for ${ctx}`);
      assert.doesNotMatch(message, /NaN|undefined|Infinity/);
      assert.equal(message, core.message);
      assert.equal(await page.getAttribute('#f-context', 'aria-invalid'), 'true');
      assert.equal(await page.inputValue('#f-context'), ctx);
    }
    await page.fill('#f-context', '4096');
    assert.equal(await fieldError(page, 'context'), '');
    await page.close();
  });

  test('a pasted config.json is estimated, and its errors name the field', async () => {
    const { page } = await open();
    await page.selectOption('#f-model', 'custom');
    assert.equal(await page.isVisible('#f-config'), true);
    await page.fill('#f-config', '{"architectures": ["LlamaForCausalLM"], "hidden_size": "x"}');
    assert.notEqual(await fieldError(page, 'config'), '');
    const config = readFileSync(join(root, 'tests', 'browser', 'fixtures', 'llama-3.2-1b.config.json'), 'utf8');
    await page.fill('#f-config', config);
    const expected = native('--config', join(root, 'tests', 'browser', 'fixtures', 'llama-3.2-1b.config.json'));
    assert.equal(await fieldError(page, 'config'), '');
    assert.equal(await totalBytes(page), expected.total_bytes);
    await page.close();
  });

  test('makes no request outside its origin', async () => {
    const { page, requests, problems } = await open('?model=deepseek-r1&quant=Q8_0');
    await page.fill('#f-context', '65536');
    await page.selectOption('#t-ctx', '131072');
    await page.waitForTimeout(200);
    const foreign = requests.filter((u) => !u.startsWith(`${b.origin}/`));
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((u) => u.endsWith('/vramcalc.wasm')), 'the wasm came from the origin');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the model table becomes live and follows its context control', async () => {
    const { page } = await open();
    const before = await page.$eval('#t-models-body tr td', (el) => el.firstElementChild.dataset.bytes);
    await page.selectOption('#t-ctx', '131072');
    await page.waitForFunction((old) =>
      document.querySelector('#t-models-body tr td span').dataset.bytes !== old, before);
    const expected = native('--model', 'deepseek-r1', '--quant', 'Q4_K_M', '--context', '131072');
    assert.equal(Number(await page.$eval('#t-models-body tr td span', (el) => el.dataset.bytes)), expected.total_bytes);
    await page.close();
  });

  test('passes axe-core with no violations, light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { page } = await open('?model=deepseek-r1', { colorScheme });
      const summary = await axeViolations(page);
      assert.deepEqual(summary, [], `${colorScheme}: ${summary.join('\n')}`);
      await page.close();
    }
  });

  test('takes screenshots at 1280 and 375 px, light and dark, without horizontal overflow', async () => {
    for (const width of [1280, 375]) {
      for (const colorScheme of ['light', 'dark']) {
        const { page } = await open('?model=deepseek-r1', { width, height: 900, colorScheme });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        assert.equal(overflow, false, `page wider than ${width} px`);
        await page.screenshot({ path: join(screenshots, `page-${width}-${colorScheme}.png`), fullPage: width === 375 });
        await page.close();
      }
    }
  });

  test('an edit changes the figures in place: the result keeps its nodes and the keyboard focus', async () => {
    const { page, problems } = await open('?model=deepseek-r1');
    await page.waitForFunction(() => document.getElementById('machine-panel'));  // the planner is in
    await page.focus('#result .warnings');
    await page.evaluate(() => { window.__total = document.querySelector('#total strong'); });
    const before = await page.evaluate(() => window.__total.textContent);
    // Typed with the focus elsewhere, as a keyboard user would come back to the panel.
    await page.evaluate(() => {
      const input = document.getElementById('f-context');
      input.value = '65536';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const expected = native('--model', 'deepseek-r1', '--context', '65536');
    await page.waitForFunction((want) => Number(document.getElementById('total').dataset.bytes) === want, expected.total_bytes);
    assert.ok(await page.evaluate(() => window.__total === document.querySelector('#total strong')), 'the total is the same node');
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('warnings')), 'the warnings keep the focus');
    assert.notEqual(await page.evaluate(() => window.__total.textContent), before, 'the figure was redrawn');
    assert.equal(await page.$eval('#needed', (el) => Number(el.dataset.bytes)), expected.gpu_memory_needed_bytes);
    // Another structure (a format with other parts) still draws in full.
    await page.selectOption('#f-runtime', 'vllm');
    await page.selectOption('#f-quant', 'FP8-block');
    const vllm = native('--model', 'deepseek-r1', '--context', '65536', '--runtime', 'vllm', '--quant', 'FP8-block');
    await page.waitForFunction((want) => Number(document.getElementById('total').dataset.bytes) === want, vllm.total_bytes);
    assert.equal(await page.$eval('#needed', (el) => Number(el.dataset.bytes)), vllm.gpu_memory_needed_bytes);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('no layout shift when the result updates', async () => {
    const { page } = await open();
    // "Your machine" and the calculator's machine panel are placed after the first result (below
    // the first screen); the result's updates are measured once they are in.
    await page.waitForFunction(() => document.getElementById('machine') && document.getElementById('machine-panel')
      && document.getElementById('my-result')?.dataset.ms);
    const top = () => page.$eval('#by-model', (el) => el.getBoundingClientRect().top);
    const before = await top();
    await page.selectOption('#f-model', 'deepseek-r1');
    await page.selectOption('#f-runtime', 'vllm');
    await page.selectOption('#f-quant', 'INT4');
    assert.equal(await top(), before);
    const shifts = await page.evaluate(() => new Promise((resolve) => {
      let sum = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => resolve(sum), 300);
    }));
    assert.ok(shifts < 0.01, `cumulative layout shift ${shifts}`);
    await page.close();
  });
});
