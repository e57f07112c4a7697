// "Your machine" and the calculator's machine panel in headless Chromium: the fit table and its
// recommendation are the native CLI's, a row sets the calculator, settings survive a link, the
// section works by keyboard, at 375 px and passes axe; the solvers' time on a throttled CPU.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectSearchMatch, openBrowser } from './harness.mjs';
import { axeViolations, native, openPage, screenshots } from './sections.mjs';

let b;
// Without service workers: the tests that replace the solvers' worker script (a service worker
// would answer that request from its cache, past the test's route).
let nosw;
before(async () => {
  b = await openBrowser();
  nosw = await openBrowser({ serviceWorkers: 'block' });
  mkdirSync(screenshots, { recursive: true });
});
after(async () => {
  await b?.close();
  await nosw?.close();
});

const waitFit = (page) => page.waitForSelector('#my-result[data-ms]');

describe('your machine', () => {
  test('the ranked table and the recommendation are the CLI\'s, and a row sets the calculator', async () => {
    const { page, requests, problems } = await openPage(b);
    await waitFit(page);
    // Defaults: an RTX 4090, 64 GB of RAM, llama.cpp, 16,384 tokens, 10 tokens/s.
    const cli = native('fit', '--gpu', 'rtx-4090', '--ram-gb', '64', '--context', '16384', '--min-speed', '10');
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.model), cli.recommendation.model);
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.quant), cli.recommendation.quant);
    const first = await page.$$eval('#my-table tbody tr', (trs) => trs.slice(0, 3).map((tr) => tr.querySelector('th').firstChild.textContent));
    assert.deepEqual(first, cli.rows.slice(0, 3).map((r) => r.model_name));
    // Change the machine: two RTX 3090s; the table follows, as the CLI says.
    await page.selectOption('#my-gpu', 'rtx-3090');
    await page.fill('#my-gpus', '2');
    const two = native('fit', '--gpu', 'rtx-3090', '--gpus', '2', '--ram-gb', '64', '--context', '16384', '--min-speed', '10');
    await page.waitForFunction((m) => document.querySelector('#my-rec')?.dataset.quant === m, two.recommendation.quant);
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.model), two.recommendation.model);
    await expectSearchMatch(page, /my=rtx-3090/);
    await expectSearchMatch(page, /myn=2/);
    // Open the recommendation: the calculator and the hardware section take its settings.
    await page.click('#my-rec button');
    await page.waitForFunction((m) => document.getElementById('f-model').value === m, two.recommendation.model);
    assert.equal(await page.inputValue('#f-quant'), two.recommendation.quant);
    assert.equal(await page.inputValue('#f-gpu'), 'rtx-3090');
    assert.equal(await page.inputValue('#f-gpus'), '2');
    assert.equal(await page.inputValue('#f-context'), '16384');
    // The machine panel: the largest context read off the core, marked on the chart.
    await page.waitForSelector('#mp-chart svg');
    await page.waitForFunction(() => document.getElementById('mp-chart').dataset.maxContext);
    const mc = native('--model', two.recommendation.model, '--quant', two.recommendation.quant, '--gpu', 'rtx-3090', '--gpus', '2',
      '--ram-gb', '64', '--context', '16384', '--offload', two.recommendation.offload, '--max-context');
    assert.equal(await page.$eval('#mp-chart', (el) => Number(el.dataset.maxContext)), mc.max_context);
    // A horizontal line has an empty bounding box, so it is checked by its place in the chart.
    const cap = await page.$eval('#mp-chart line.cap', (l) => [Number(l.getAttribute('y1')), Number(l.getAttribute('y2'))]);
    assert.ok(cap[0] === cap[1] && cap[0] > 0, 'capacity line');
    // The launch command is the CLI's, with a copy button.
    const cmd = native('--model', two.recommendation.model, '--quant', two.recommendation.quant, '--gpu', 'rtx-3090', '--gpus', '2',
      '--ram-gb', '64', '--context', '16384', '--offload', two.recommendation.offload, '--command');
    await page.waitForSelector('#lc-result pre');
    assert.equal(await page.textContent('#lc-result pre'), cmd.launch_commands['llama.cpp']);
    // Nothing was fetched from elsewhere.
    assert.ok(requests.every((u) => u.startsWith(b.origin)), 'same origin only');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the other open models join as a group of their own, as the CLI ranks them, and a row of theirs opens in the calculator', async () => {
    const { page, problems, requests } = await openPage(b, '?my=rtx-3090&myram=32&myctx=8192');
    await waitFit(page);
    // Computed in the solvers' worker, off the page's thread.
    assert.ok(requests.some((u) => new URL(u).pathname.endsWith('/solve-worker.js')), 'the worker was started');
    // The worker was handed the module the page compiled: the extras are fetched once.
    assert.equal(requests.filter((u) => new URL(u).pathname.endsWith('/vramcalc-extras.wasm')).length, 1, requests.join(' '));
    assert.equal(await page.$$eval('#my-table tbody.group', (g) => g.length), 0, 'the R1 family alone by default');
    await page.check('#my-other');
    await page.waitForSelector('#my-table tbody.group');
    await expectSearchMatch(page, /myother=yes/);
    const cli = native('fit', '--gpu', 'rtx-3090', '--ram-gb', '32', '--context', '8192', '--min-speed', '10', '--other-models');
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.model), cli.recommendation.model);
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.quant), cli.recommendation.quant);
    const shown = await page.$$eval('#my-table tbody tr button[data-row]', (bs) => bs.map((x) => Number(x.dataset.row)));
    const others = await page.$$eval('#my-table tbody.group tr button[data-row]', (bs) => bs.map((x) => Number(x.dataset.row)));
    assert.ok(others.length > 0, 'rows of the other models');
    for (const i of others) assert.equal(cli.rows[i].group, 'other');
    for (const i of shown.filter((x) => !others.includes(x))) assert.equal(cli.rows[i].group, 'r1');
    assert.ok(shown.some((i) => cli.rows[i].group === 'r1'), 'the R1 family stays first, with its own rows');
    // The first of them, in the calculator: the other models' group joins the picker.
    const row = cli.rows[others[0]];
    const cell = await page.$eval(`#my-table button[data-row="${others[0]}"]`, (x) => x.closest('tr').querySelector('td[data-label="Max context"]').textContent);
    assert.ok(cell.replace(/\D/g, '') === String(row.max_context ?? '').replace(/\D/g, '') || row.max_context == null, `max context ${cell}`);
    await page.click(`#my-table button[data-row="${others[0]}"]`);
    await page.waitForFunction((m) => document.getElementById('f-model').value === m, row.model);
    assert.equal(await page.inputValue('#f-quant'), row.quant);
    const est = native('--model', row.model, '--quant', row.quant, '--context', '8192');
    await page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, est.total_bytes);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('where the worker cannot start, the page computes the same table itself', async () => {
    const { page, problems } = await openPage(nosw, '?my=rtx-3090&myn=2&myctx=32768', { block: '**/solve-worker.js' });
    await waitFit(page);
    const cli = native('fit', '--gpu', 'rtx-3090', '--gpus', '2', '--ram-gb', '64', '--context', '32768', '--min-speed', '10');
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.model), cli.recommendation.model);
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.quant), cli.recommendation.quant);
    const rows = await page.$$eval('#my-table tbody tr', (trs) => trs.length);
    assert.ok(rows > 0);
    // A change after the failure is answered too.
    await page.fill('#my-ctx', '8192');
    const small = native('fit', '--gpu', 'rtx-3090', '--gpus', '2', '--ram-gb', '64', '--context', '8192', '--min-speed', '10');
    await page.waitForFunction((q) => document.querySelector('#my-rec')?.dataset.quant === q, small.recommendation.quant);
    assert.deepEqual(problems.filter((p) => !/solve-worker|ERR_FAILED/.test(p)), []);
    await page.close();
  });

  test('a worker that answers garbage is replaced by the page itself; a fault of the page is a message, not a frozen table', async () => {
    // Not JSON: the page answers the same request from its own module.
    const garbled = 'onmessage = ({ data }) => postMessage({ id: data.id, text: "{not json", ms: 1 });';
    let { page, problems } = await openPage(nosw, '?my=rtx-3090&myn=2&myctx=32768', { serve: ['**/solve-worker.js', garbled] });
    await waitFit(page);
    const cli = native('fit', '--gpu', 'rtx-3090', '--gpus', '2', '--ram-gb', '64', '--context', '32768', '--min-speed', '10');
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.quant), cli.recommendation.quant);
    assert.deepEqual(problems, []);
    await page.close();
    // JSON of the wrong shape: the table cannot be drawn; the status says so, and a change is answered.
    const wrong = 'onmessage = ({ data }) => postMessage({ id: data.id, text: JSON.stringify({ rows: 5 }), ms: 1 });';
    ({ page, problems } = await openPage(nosw, '?my=rtx-3090', { serve: ['**/solve-worker.js', wrong] }));
    await page.waitForFunction(() => /the page failed/.test(document.getElementById('my-status')?.textContent ?? ''));
    assert.match(await page.textContent('#my-status'), /^Cannot answer: the page failed \(.+\)\.$/);
    assert.equal(await page.$eval('#my-result', (el) => el.classList.contains('stale')), true);
    await page.$eval('#my-status', (el) => { el.textContent = ''; });
    await page.fill('#my-ctx', '8192');
    await page.waitForFunction(() => /the page failed/.test(document.getElementById('my-status')?.textContent ?? ''));
    // The rest of the page works on.
    await page.fill('#f-context', '8192');
    const want = native('--model', 'deepseek-r1-distill-qwen-7b', '--context', '8192').total_bytes;
    await page.waitForFunction((t) => document.getElementById('total').dataset.bytes === String(t), want);
    assert.deepEqual(problems, [], 'no uncaught error or unhandled rejection');
    await page.close();
  });

  test('a link restores the machine; bad input names its field; the reasoning panel answers', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1-distill-qwen-7b&gpu=rtx-4090&my=rtx-4070-ti-super&myram=32&myctx=32768&rst=20000');
    await waitFit(page);
    assert.equal(await page.inputValue('#my-gpu'), 'rtx-4070-ti-super');
    assert.equal(await page.inputValue('#my-ram'), '32');
    assert.equal(await page.inputValue('#my-ctx'), '32768');
    const cli = native('fit', '--gpu', 'rtx-4070-ti-super', '--ram-gb', '32', '--context', '32768', '--min-speed', '10');
    assert.equal(await page.$eval('#my-rec', (el) => el.dataset.quant ?? ''), cli.recommendation?.quant ?? '');
    // Reasoning: 20,000 thinking tokens from the link.
    await page.waitForSelector('#rs-verdict');
    assert.equal(await page.inputValue('#rs-think'), '20000');
    const rs = native('reasoning', '--model', 'deepseek-r1-distill-qwen-7b', '--gpu', 'rtx-4090', '--thinking-tokens', '20000');
    assert.match(await page.textContent('#rs-verdict'), new RegExp(rs.context_needed.toLocaleString('en-US')));
    // Bad input: one message, next to the field, and the typed value stays.
    await page.fill('#my-speed', '0');
    await page.waitForFunction(() => document.getElementById('e-my-speed').textContent !== '');
    assert.match(await page.textContent('#e-my-speed'), /min_speed must be more than 0/);
    assert.equal(await page.getAttribute('#my-speed', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#my-speed'), '0');
    await page.fill('#rs-think', '99999999');
    await page.waitForFunction(() => document.getElementById('e-rs-think').textContent !== '');
    assert.match(await page.textContent('#e-rs-think'), /beyond/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('keyboard, 375 px, axe, and an MoE offload sweep', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1&quant=Q2_K&gpu=rtx-4090&offload=experts&ram=256&my=rtx-4090&myram=256', { width: 375, height: 800 });
    await waitFit(page);
    await page.waitForSelector('#mp-sweep svg circle');
    // Keyboard: tab into the table's first Open button and press Enter.
    await page.focus('#my-speed');
    let tries = 0;
    while (!(await page.evaluate(() => document.activeElement?.matches('#my-result button'))) && tries++ < 40) await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement?.matches('#my-result button')), 'an Open button takes the focus');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'f-model');
    // No sideways scroll at 375 px.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 375, `page is ${wide} px wide`);
    await page.waitForSelector('#mp-chart svg');
    await page.screenshot({ path: join(screenshots, 'machine-375.png'), fullPage: false });
    await page.$eval('#machine', (el) => el.scrollIntoView());
    await page.screenshot({ path: join(screenshots, 'machine-375-table.png') });
    assert.deepEqual(await axeViolations(page, '#machine'), []);
    assert.deepEqual(await axeViolations(page, '#machine-panel'), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the widget given a device shows the fit verdict and the largest context, as the CLI says', async () => {
    const { page, problems } = await openPage(b);
    await page.evaluate(async () => {
      await import('/widget/vram-calculator.js');
      const w = document.createElement('vram-calculator');
      w.id = 'wd';
      w.setAttribute('model', 'deepseek-r1-distill-qwen-32b');
      w.setAttribute('quant', 'Q4_K_M');
      w.setAttribute('context', '8192');
      w.setAttribute('gpu', 'rtx-4090');
      document.querySelector('header').append(w);
    });
    await page.waitForFunction(() => document.getElementById('wd')?.shadowRoot?.querySelector('.fit[data-max-context]'), null, { timeout: 20000 });
    const got = await page.evaluate(() => document.getElementById('wd').shadowRoot.querySelector('.fit').dataset);
    const cli = native('--model', 'deepseek-r1-distill-qwen-32b', '--quant', 'Q4_K_M', '--context', '8192', '--gpu', 'rtx-4090', '--max-context');
    assert.equal(Number(got.maxContext), cli.max_context);
    assert.equal(got.fits, String(cli.plan.fits));
    // Two of them: the count is an attribute too.
    await page.evaluate(() => document.getElementById('wd').setAttribute('gpus', '2'));
    const two = native('--model', 'deepseek-r1-distill-qwen-32b', '--quant', 'Q4_K_M', '--context', '8192', '--gpu', 'rtx-4090', '--gpus', '2', '--max-context');
    await page.waitForFunction((m) => document.getElementById('wd').shadowRoot.querySelector('.fit').dataset.maxContext === m, String(two.max_context));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the fit table and a max-context solve on a 4x slower CPU (figures, with a loose bound)', async () => {
    const { page } = await openPage(b, '?gpu=rtx-4090');
    await waitFit(page);
    await page.waitForFunction(() => document.getElementById('mp-chart')?.dataset.ms);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const fit = [];
    const mc = [];
    for (const [gpu, ram] of [['rtx-3090', '96'], ['rtx-4090', '64'], ['rtx-5090', '128'], ['rtx-4090', '64'], ['h100-sxm', '']]) {
      await page.selectOption('#my-gpu', gpu);
      await page.fill('#my-ram', ram);
      await page.waitForFunction((g) => document.getElementById('my-gpu').value === g, gpu);
      fit.push(await page.$eval('#my-result', (el) => Number(el.dataset.ms)));
    }
    for (const ctx of ['8192', '16384', '32768', '4096', '65536']) {
      await page.fill('#f-context', ctx);
      await page.waitForFunction((c) => document.getElementById('mp-chart').dataset.ctx === c, ctx);
      mc.push(await page.$eval('#mp-chart', (el) => Number(el.dataset.ms)));
    }
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    console.log(`# 4x CPU throttle: fit table ${med(fit).toFixed(1)} ms (median of ${fit.join(', ')}), max-context solve ${med(mc).toFixed(1)} ms (median of ${mc.join(', ')})`);
    // A figure for the closing note, not a timed assertion: the solvers answered each change.
    assert.equal(fit.length, 5);
    assert.equal(mc.length, 5);
    await page.close();
  });
});
