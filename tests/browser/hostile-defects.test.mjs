// Defects found by using the page as a demanding new user and as an attacker would, each pinned
// by a test: settings no device count can hold, speeds of placements that do not fit, too little
// RAM, long input, a failed first estimate, the slider's keys, a huge pasted config.json, the
// phone layout, ids in another case, errors the screen reader never hears, silent replacements.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectParam, openBrowser } from './harness.mjs';
import { native, openPage, screenshots } from './sections.mjs';

let b;
before(async () => {
  b = await openBrowser();
});
after(async () => {
  await b?.close();
});

const text = (page, sel) => page.$eval(sel, (el) => el.textContent);
const dataNum = (page, sel, key = 'bytes') => page.$eval(sel, (el, k) => Number(el.dataset[k]), key);
const overflows = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
/** Waits until the hardware planner has loaded and the section shows a verdict. */
const hwVerdict = (page) => page.waitForSelector('#hw-verdict[data-fits]').then(() => text(page, '#hw-verdict'));

describe('defects found by hostile use of the page', () => {
  test('no device count up to 64 holds the model: the right total, "none up to 64 devices", the link follows', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1-distill-llama-70b&gpu=h100-sxm&gpus=8');
    await hwVerdict(page);
    await page.fill('#f-sequences', '2048');
    const want = native('--model', 'deepseek-r1-distill-llama-70b', '--sequences', '2048', '--suggest-gpu');
    assert.equal(want.suggested_gpu.multi.layout, null, 'the CLI finds no count either');
    await page.waitForFunction((t) => document.getElementById('total').dataset.bytes === String(t), want.total_bytes);
    assert.match(await text(page, '#result'), /none up to 64 devices/);
    await expectParam(page, 'seq', '2048');
    assert.equal(await text(page, '#status'), '');
    assert.doesNotMatch(await text(page, '#hw-status'), /Cannot read/);
    assert.deepEqual(problems, []);
    await page.close();

    const { page: p2, problems: pr2 } = await openPage(b, '?seq=4096');
    await p2.waitForFunction(() => /none up to 64/.test(document.getElementById('result').textContent));
    assert.equal(await dataNum(p2, '#total'), native('--model', 'deepseek-r1-distill-qwen-7b', '--sequences', '4096').total_bytes);
    assert.deepEqual(pr2, []);
    await p2.close();
  });

  test('a placement that does not fit shows no speed, and says how many devices would', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1&gpu=rtx-4090');
    const plan = native('--model', 'deepseek-r1', '--gpu', 'rtx-4090').plan;
    assert.equal(plan.fits, false);
    assert.match(await hwVerdict(page), /Does not fit on 1 × NVIDIA GeForce RTX 4090/);
    assert.equal(await page.$('#hw-speed'), null, 'no speed table');
    assert.doesNotMatch(await text(page, '#hw-result'), /tokens\/s/);
    const none = await text(page, '#hw-speed-none');
    assert.match(none, /No speed estimate/);
    if (plan.minimum) assert.ok(none.includes(`${plan.minimum.count} ×`), none);
    // The fewest that fit: the speeds come back.
    await page.fill('#f-gpus', String(plan.minimum.count));
    await page.waitForSelector('#hw-speed');
    assert.equal(await page.$('#hw-speed-none'), null);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('too little RAM is a verdict quoting the RAM as typed, and no green "Fits" stays', async () => {
    const query = '?model=deepseek-r1&gpu=rtx-4090&offload=experts';
    const { page, problems } = await openPage(b, query);
    assert.match(await hwVerdict(page), /^Fits/);
    await page.fill('#f-ram', '256');
    const r = native('--model', 'deepseek-r1', '--gpu', 'rtx-4090', '--offload', 'experts', '--ram-gb', '256');
    assert.equal(r.error, undefined, 'the CLI gives a plan, not an error');
    assert.equal(r.plan.fits, false);
    assert.equal(r.plan.host.fits, false);
    await page.waitForFunction(() => document.getElementById('hw-verdict').dataset.fits === 'false');
    const verdict = await text(page, '#hw-verdict');
    assert.match(verdict, /^Does not fit in RAM: it needs .* you have 256 GB \(256\.0 GiB\)\./);
    assert.doesNotMatch(verdict, /274\.88/);
    assert.equal(await dataNum(page, '#hw-ram-needed'), r.plan.host.total_bytes);
    assert.equal(await page.$eval('#hw-verdict', (el) => el.classList.contains('ok')), false);
    assert.equal(await text(page, '#e-ram'), '', 'not an input error');
    assert.equal(await page.getAttribute('#f-ram', 'aria-invalid'), null);
    assert.doesNotMatch(await text(page, '#hw-result'), /tokens\/s/, 'no speed for a plan that cannot run');
    await expectParam(page, 'ram', '256');
    // Enough RAM: it fits again.
    await page.fill('#f-ram', '1024');
    await page.waitForFunction(() => document.getElementById('hw-verdict').dataset.fits === 'true');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('long input never widens the page at 375 px: a 300-character model id, a 10,000-character context', async () => {
    const { page, problems } = await openPage(b, `?model=${'m'.repeat(300)}`, { width: 375 });
    assert.notEqual(await text(page, '#e-model'), '');
    assert.equal(await overflows(page), false, 'page wider than 375 px');
    const option = await page.$eval('#f-model', (el) => el.selectedOptions[0].textContent);
    assert.ok(option.length < 80, `the select shows a short prefix: ${option.length} characters`);
    await page.selectOption('#f-model', 'deepseek-r1');
    await page.fill('#f-context', '9'.repeat(10000));
    assert.notEqual(await text(page, '#e-context'), '');
    assert.equal(await overflows(page), false, 'page wider than 375 px with a 10,000-character context');
    assert.equal(await page.inputValue('#f-context'), '9'.repeat(10000), 'what was typed is kept');
    await page.screenshot({ path: join(screenshots, 'hostile-long-input-375.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a failed first estimate (?ctx=abc) leaves every other section working, and claims no earlier result', async () => {
    const { page, problems } = await openPage(b, '?ctx=abc');
    const status = await text(page, '#status');
    assert.match(status, /^Cannot estimate/);
    assert.doesNotMatch(status, /earlier settings/);
    // Embed panel, service worker, hardware planner and cost section each started.
    await page.waitForFunction(() => document.getElementById('embed-code').value.includes('<vram-calculator'));
    await page.waitForFunction(() => /Ready to work offline/.test(document.getElementById('pwa').textContent));
    await page.selectOption('#f-gpu', 'rtx-4090');
    await page.waitForFunction(() => /settings above/.test(document.getElementById('hw-status').textContent));
    await page.fill('#f-calls', '2000');
    await page.waitForFunction(() => document.getElementById('cost').dataset.ready === 'true');
    await page.waitForFunction(() => Number(document.getElementById('cost-month').dataset.usd) > 0);
    // Fixing the context brings the result; a later error then does speak of earlier settings.
    await page.fill('#f-context', '8192');
    assert.equal(await dataNum(page, '#total'), native('--model', 'deepseek-r1-distill-qwen-7b', '--context', '8192').total_bytes);
    await page.waitForSelector('#hw-verdict[data-fits]');
    await page.fill('#f-context', 'abc');
    assert.match(await text(page, '#status'), /earlier settings/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the context slider moves with the arrow keys, Page Up/Down, Home and End', async () => {
    const { page } = await openPage(b);
    await page.waitForTimeout(100); // the keys are handled by a module loaded after the first result
    await page.focus('#f-context-range');
    const ctx = () => page.inputValue('#f-context');
    assert.equal(await ctx(), '4096');
    await page.keyboard.press('ArrowRight');
    assert.equal(await ctx(), '6144');
    await page.keyboard.press('ArrowRight');
    assert.equal(await ctx(), '8192');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowDown');
    assert.equal(await ctx(), '4096');
    await page.keyboard.press('PageUp');
    assert.equal(await ctx(), '8192');
    await page.keyboard.press('End');
    assert.equal(await ctx(), '131072');
    await page.keyboard.press('ArrowUp');
    assert.equal(await ctx(), '131072', 'stays at the maximum');
    await page.keyboard.press('Home');
    assert.equal(await ctx(), '512');
    await page.keyboard.press('PageDown');
    assert.equal(await ctx(), '512');
    await page.keyboard.press('ArrowRight');
    assert.equal(await ctx(), '768');
    assert.equal(await page.getAttribute('#f-context-range', 'aria-valuetext'), '768 tokens');
    assert.equal(await dataNum(page, '#total'), native('--model', 'deepseek-r1-distill-qwen-7b', '--context', '768').total_bytes);
    await expectParam(page, 'ctx', '768');
    await page.close();
  });

  test('a config.json of megabytes stays out of the link, the page says so, and typing does not stall', async () => {
    const { page, problems } = await openPage(b);
    await page.selectOption('#f-model', 'custom');
    // A valid config (Llama 3.2 1B's fields) padded to 5.5 million characters.
    const big = JSON.stringify({
      architectures: ['LlamaForCausalLM'], hidden_size: 2048, intermediate_size: 8192, num_attention_heads: 32,
      num_hidden_layers: 16, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 131072,
      tie_word_embeddings: true, notes: 'x'.repeat(5_500_000),
    });
    await page.$eval('#f-config', (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, big);
    await page.waitForFunction(() => document.getElementById('n-config').textContent !== '');
    assert.match(await text(page, '#n-config'), /^Too long for a link \(5,500,\d{3} characters\)/);
    assert.ok(page.url().length < 2000, `the address holds ${page.url().length} characters`);
    await expectParam(page, 'model', 'custom');
    // A keystroke's handler returns at once; the estimate follows when typing pauses.
    const ms = await page.$eval('#f-config', (el) => {
      el.value += ' ';
      const t0 = performance.now();
      el.dispatchEvent(new Event('input', { bubbles: true }));
      return performance.now() - t0;
    });
    assert.ok(ms < 30, `a keystroke's handlers took ${ms.toFixed(0)} ms`);
    await page.waitForFunction(() => Number(document.getElementById('total').dataset.bytes) > 0 &&
      document.getElementById('e-config').textContent === '');
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.origin });
    await page.click('#copy-link');
    assert.match(await text(page, '#status'), /leaves out the pasted config\.json/);
    // A small config does go into the link, and the note goes away.
    await page.fill('#f-config', big.replace(/"notes":"x+"/, '"notes":""'));
    await page.waitForFunction(() => document.getElementById('n-config').textContent === '');
    assert.ok(new URL(page.url()).searchParams.get('config').includes('LlamaForCausalLM'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('on a 375 px phone the total stays in view while the form is scrolled', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1', { width: 375, height: 740 });
    const total = native('--model', 'deepseek-r1');
    const inView = () => page.$eval('#summary', (el) => {
      const r = el.getBoundingClientRect();
      return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 0.5;
    });
    await page.locator('#f-runtime').scrollIntoViewIfNeeded();
    await page.selectOption('#f-quant', 'Q8_0');
    assert.equal(await inView(), true, 'summary visible beside the quantization field');
    const q8 = native('--model', 'deepseek-r1', '--quant', 'Q8_0');
    const shown = await text(page, '#summary strong');
    assert.equal(shown, await page.$eval('#total strong', (el) => el.textContent));
    assert.notEqual(q8.total_bytes, total.total_bytes);
    await page.evaluate(() => window.scrollTo(0, 0));
    assert.equal(await inView(), true, 'summary visible at the top of the page');
    await page.screenshot({ path: join(screenshots, 'summary-375.png') });
    // A bad value: the summary says so rather than showing the old total.
    await page.fill('#f-context', 'abc');
    assert.match(await text(page, '#summary'), /Cannot estimate/);
    // Not on a wide screen, where the result is beside the form.
    await page.setViewportSize({ width: 1280, height: 900 });
    assert.equal(await page.$eval('#summary', (el) => getComputedStyle(el).display), 'none');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('ids in another case select the right options (?model=DEEPSEEK-R1&quant=q4_k_m&rt=LLAMA.CPP&gpu=RTX-4090)', async () => {
    const { page, problems } = await openPage(b, '?model=DEEPSEEK-R1&quant=q4_k_m&gpu=RTX-4090');
    assert.equal(await page.inputValue('#f-model'), 'deepseek-r1');
    assert.equal(await page.inputValue('#f-quant'), 'Q4_K_M');
    assert.equal(await page.inputValue('#f-gpu'), 'rtx-4090');
    for (const id of ['#f-model', '#f-quant', '#f-gpu']) {
      assert.doesNotMatch(await page.$eval(id, (el) => el.selectedOptions[0].textContent), /not recognised/);
    }
    assert.equal(await dataNum(page, '#total'), native('--model', 'deepseek-r1', '--quant', 'Q4_K_M').total_bytes);
    await hwVerdict(page);
    await expectParam(page, 'model', 'deepseek-r1');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('errors of the self-hosting price, the route helper and the monitoring checklist reach a live region', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1-distill-qwen-7b&gpu=rtx-4090&hourly=1');
    await page.waitForFunction(() => document.getElementById('cost').dataset.ready === 'true');
    const live = (sel) => page.$eval(sel, (el) => {
      const region = el.closest('[role="status"], [role="alert"], [aria-live]');
      return region && region.getAttribute('aria-live') !== 'off' ? el.textContent : null;
    });
    const cases = [['#f-hourly', '-3', '#sh-status'], ['#f-traffic', 'abc', '#route-status'], ['#f-m429', '1e309', '#monitor-status']];
    for (const [field, bad, region] of cases) {
      await page.fill(field, bad);
      const said = await live(region);
      assert.ok(said && said.length > 10, `${field}: live region ${region} says "${said}"`);
      const err = await text(page, `#e-${field.slice(3)}`);
      assert.ok(said.includes(err), `${said} / ${err}`);
      assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true');
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a KV cache type the runtime lacks (?rt=vllm&kv=q4_0) is replaced, and the page says so', async () => {
    const { page, problems } = await openPage(b, '?rt=vllm&kv=q4_0&quant=BF16');
    assert.equal(await page.inputValue('#f-kv'), 'bf16');
    assert.match(await text(page, '#n-kv'), /vLLM.* no q4_0 KV cache: bf16 is used/);
    await page.selectOption('#f-kv', 'fp8');
    assert.equal(await text(page, '#n-kv'), '');
    // Switching runtime replaces it too.
    await page.selectOption('#f-runtime', 'llama.cpp');
    await page.selectOption('#f-kv', 'q4_0');
    await page.selectOption('#f-runtime', 'vllm');
    assert.match(await text(page, '#n-kv'), /no q4_0 KV cache/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the iframe snippet is as tall as the widget it shows, for every model, full and compact', async () => {
    const { page } = await openPage(b);
    await page.waitForFunction(() => document.getElementById('embed-code').value !== '');
    await page.check('input[name="embed-kind"][value="iframe"]');
    const models = (await page.$$eval('#f-model option', (os) => os.map((o) => o.value))).filter((m) => m !== 'custom');
    const host = await b.context.newPage();
    await host.setViewportSize({ width: 1280, height: 900 });
    for (const compact of [false, true]) {
      await page.setChecked('#embed-compact', compact);
      for (const model of models) {
        await page.selectOption('#f-model', model);
        // The panel follows the form once the page is idle.
        await page.waitForFunction((m) => document.getElementById('embed-code').value.includes(`model=${m}`), model);
        const snippet = await page.inputValue('#embed-code');
        const height = Number(/height="(\d+)"/.exec(snippet)[1]);
        await host.setContent(snippet.replace('loading="lazy"', ''));
        const frame = await (await host.waitForSelector('iframe')).contentFrame();
        await frame.waitForFunction(() => document.querySelector('vram-calculator')?.shadowRoot?.querySelector('.total'));
        const need = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
        const what = `${model}${compact ? ', compact' : ''}`;
        assert.ok(need <= height, `${what}: the widget needs ${need} px, the snippet gives ${height}`);
        assert.ok(height - need < 40, `${what}: ${height - need} px of empty frame`);
      }
    }
    await host.close();
    await page.close();
  });

  test('the widget says which attributes it replaced, and a bad value it is given is marked invalid and announced', async () => {
    const page = await b.context.newPage();
    await page.goto(`${b.origin}/widget/frame.html?quant=Q4_K_MM&ctx=-5`);
    const w = page.locator('vram-calculator');
    await page.waitForFunction(() => document.querySelector('vram-calculator')?.shadowRoot?.querySelector('.total'));
    const note = await w.locator('.note').textContent();
    assert.match(note, /quant="Q4_K_MM" is not valid here: showing Q4_K_M/);
    assert.match(note, /context="-5" is not valid here/);
    assert.equal(await w.locator('.note').getAttribute('role'), 'status');
    await w.locator('input[name="context"]').fill('abc');
    await page.waitForFunction(() => document.querySelector('vram-calculator').shadowRoot.querySelector('.err').textContent !== '');
    assert.equal(await w.locator('input[name="context"]').getAttribute('aria-invalid'), 'true');
    assert.equal(await w.locator('.err').getAttribute('role'), 'alert');
    assert.match(await w.locator('.err').textContent(), /^Cannot estimate: .*context/i);
    await w.locator('input[name="context"]').fill('8192');
    await page.waitForFunction(() => document.querySelector('vram-calculator').shadowRoot.querySelector('.err').hidden);
    assert.equal(await w.locator('input[name="context"]').getAttribute('aria-invalid'), null);
    await page.close();
  });

  test('small texts: "1 token", no "?." after a message that asks, a tiny bandwidth is not "0.0 tokens/s"', async () => {
    const { page, problems } = await openPage(b, '?ctx=1');
    assert.match(await text(page, '#result .what'), / 1 token × 1 sequence · /);
    await page.selectOption('#f-model', 'custom');
    await page.fill('#f-config', '{"a":');
    const status = await text(page, '#status');
    assert.match(status, /missing a brace/);
    assert.doesNotMatch(status, /\?\./);
    // A bandwidth no memory has is refused, naming the field; the slowest one accepted (1 GB/s)
    // with a 70B model gives a speed far below 0.1 tokens/s.
    await page.selectOption('#f-model', 'deepseek-r1-distill-llama-70b');
    await page.selectOption('#f-gpu', 'custom');
    await page.fill('#f-mem', '64');
    await page.fill('#f-bw', '0.000000001');
    await page.waitForFunction(() => document.getElementById('e-bw')?.textContent.includes('GPU bandwidth'));
    await page.fill('#f-bw', '1');
    await page.waitForSelector('#hw-speed');
    const speed = await text(page, '#hw-speed');
    assert.doesNotMatch(speed, /\b0\.0 tokens\/s/);
    assert.match(speed, /under 0\.1 tokens\/s/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the update offer does not cover the footer', async () => {
    for (const width of [1280, 375]) {
      const { page } = await openPage(b, '', { width, height: 700 });
      // The state offline.js puts the page in when a new version waits (the flow is in pwa.test.mjs).
      await page.evaluate(() => {
        const el = document.getElementById('pwa');
        el.classList.add('update');
        el.innerHTML = '<span>A new version of the calculator is ready. </span><button type="button">Reload to update</button>';
      });
      // Sections are laid out when they near the viewport and drop back to their placeholder
      // size when they leave it (content-visibility), so the end moves as the page scrolls:
      // scroll until the viewport reaches it.
      await page.evaluate(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const root = document.documentElement;
        for (let i = 0; i < 30 && Math.ceil(scrollY + innerHeight) < root.scrollHeight; i++) {
          window.scrollTo(0, root.scrollHeight);
          await frame();
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      const [footerBottom, toastTop] = await page.evaluate(() => [
        document.querySelector('footer p').getBoundingClientRect().bottom,
        document.getElementById('pwa').getBoundingClientRect().top]);
      assert.ok(footerBottom <= toastTop, `${width} px: footer text ends at ${footerBottom}, the offer starts at ${toastTop}`);
      await page.close();
    }
  });
});
