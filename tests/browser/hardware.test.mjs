// The hardware section in headless Chromium: the verdict, fewest devices, RAM and speeds are the
// native CLI's; errors sit next to their field with the core's message; settings survive a link.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dist, expectSearch, openBrowser } from './harness.mjs';
import { axeViolations, native, openPage, screenshots } from './sections.mjs';

let b;
before(async () => {
  b = await openBrowser();
  mkdirSync(screenshots, { recursive: true });
});
after(async () => {
  await b?.close();
});

const R1_FP8 = ['--model', 'deepseek-r1', '--quant', 'FP8-block', '--runtime', 'vllm'];
const R1_FP8_QUERY = '?model=deepseek-r1&quant=FP8-block&rt=vllm';
const dataNum = (page, sel, key) => page.$eval(sel, (el, k) => Number(el.dataset[k]), key);
const text = (page, sel) => page.$eval(sel, (el) => el.textContent);
// The verdict carries data-fits once the hardware planner (in the extras module) has loaded.
const fits = async (page) => {
  await page.waitForSelector('#hw-verdict[data-fits]');
  return page.$eval('#hw-verdict', (el) => el.dataset.fits);
};

describe('the hardware section', () => {
  test('the planner loads where the server gives its module another content type, and says so where it is missing', async () => {
    // Compiled as it streams only when served as application/wasm: otherwise from its bytes.
    const bytes = readFileSync(join(dist, 'vramcalc-extras.wasm'));
    // No service worker, which would answer from its cache what the test changes.
    const nosw = await openBrowser({ serviceWorkers: 'block' });
    try {
      const page = await nosw.context.newPage();
      await page.route('**/vramcalc-extras.wasm', (r) => r.fulfill({ contentType: 'application/octet-stream', body: bytes }));
      await page.goto(`${nosw.origin}/?gpu=rtx-4090`);
      assert.equal(await fits(page), 'true');
      await page.close();
      // Missing: a message in the hardware section, and the memory result stays.
      const missing = await openPage(nosw, '?gpu=rtx-4090', { block: '**/vramcalc-extras.wasm' });
      await missing.page.waitForFunction(() => /did not start/.test(document.getElementById('hw-status').textContent));
      assert.match(await text(missing.page, '#hw-status'), /^The cost calculator module did not start: \S/);
      assert.equal(await missing.page.$eval('#total', (el) => el.dataset.bytes), String(native('--model', 'deepseek-r1-distill-qwen-7b').total_bytes));
      assert.deepEqual(missing.problems.filter((p) => !/vramcalc-extras\.wasm|ERR_FAILED/.test(p)), []);
    } finally {
      await nosw.close();
    }
  });

  test('the device picker groups the catalog by class, with a custom device', async () => {
    const { page, problems } = await openPage(b);
    const groups = await page.$$eval('#f-gpu optgroup', (gs) => gs.map((g) => [g.label, g.children.length]));
    const labels = groups.map(([l]) => l);
    for (const want of ['Desktop GPUs', 'Laptop GPUs', 'Workstation', 'Datacenter', 'Apple', 'CPU']) {
      assert.ok(labels.some((l) => l.startsWith(want)), `${want} in ${labels}`);
    }
    const ids = await page.$$eval('#f-gpu option', (os) => os.map((o) => o.value));
    assert.ok(ids.includes('h100-sxm') && ids.includes('rtx-4090') && ids.includes('m3-ultra-512gb'));
    assert.ok(ids.includes('custom'));
    assert.equal(ids[0], '', 'no device by default');
    assert.equal(await page.isVisible('#f-mem'), false, 'custom fields hidden until chosen');
    await expectSearch(page, '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('R1 FP8 on vLLM: 8 H100s do not fit, 16 do, as the CLI says', async () => {
    const { page, problems } = await openPage(b, R1_FP8_QUERY);
    await page.selectOption('#f-gpu', 'h100-sxm');
    await page.fill('#f-gpus', '8');
    const eight = native(...R1_FP8, '--gpu', 'h100-sxm', '--gpus', '8').plan;
    assert.equal(eight.fits, false);
    assert.equal(await fits(page), 'false');
    assert.equal(await dataNum(page, '#hw-shortfall', 'bytes'), eight.shortfall_bytes);
    assert.equal(await dataNum(page, '#hw-minimum', 'count'), eight.minimum.count);
    assert.equal(await text(page, '#hw-reason'), eight.minimum_reason);
    assert.match(await text(page, '#hw-verdict'), /Does not fit on 8 × NVIDIA H100/);

    await page.fill('#f-gpus', '16');
    const sixteen = native(...R1_FP8, '--gpu', 'h100-sxm', '--gpus', '16');
    assert.equal(sixteen.plan.fits, true);
    assert.equal(await fits(page), 'true');
    assert.equal(await dataNum(page, '#hw-headroom', 'bytes'), sixteen.plan.headroom_bytes);
    assert.equal(await dataNum(page, '#hw-minimum', 'count'), 16);
    assert.match(await text(page, '#hw-verdict'), new RegExp(sixteen.plan.layout.description.replace(/[x()]/g, '.')));
    // Speeds: the core's figures, labelled as upper bounds, with their assumptions.
    assert.equal(await dataNum(page, '#hw-decode-expected', 'tps'), sixteen.speed.decode_expected_tokens_per_s_aggregate);
    assert.equal(await dataNum(page, '#hw-prefill', 'tps'), sixteen.speed.prefill_tokens_per_s);
    assert.match(await text(page, '#hardware'), /upper-bound estimates/i);
    const assumptions = await page.$$eval('#hw-result details li', (ls) => ls.map((l) => l.textContent));
    assert.deepEqual(assumptions, sixteen.speed.assumptions);
    // Tensor-parallel ranks that are alike are one row; the split and replicated parts are listed.
    const rows = await page.$$eval('#hw-devices tbody tr', (trs) => trs.length);
    assert.equal(rows, 2, 'one row per pipeline stage');
    const listed = await text(page, '#hw-result .split-rep');
    for (const line of [...sixteen.plan.split, ...sixteen.plan.replicated]) assert.ok(listed.includes(line), line);
    await expectSearch(page, `${R1_FP8_QUERY}&gpu=h100-sxm&gpus=16`);
    // The memory result above is unchanged by the device.
    const mem = native(...R1_FP8);
    assert.equal(await dataNum(page, '#total', 'bytes'), mem.total_bytes);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('MoE experts in RAM on one RTX 4090: the CLI\'s split, RAM and speed', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1');
    await page.selectOption('#f-gpu', 'rtx-4090');
    await page.selectOption('#f-offload', 'experts');
    assert.equal(await page.isVisible('#f-ncmoe'), true);
    assert.equal(await page.isVisible('#f-ngl'), false);
    await page.fill('#f-ram', '512');
    const r = native('--model', 'deepseek-r1', '--quant', 'Q4_K_M', '--gpu', 'rtx-4090', '--offload', 'experts', '--ram-gb', '512');
    assert.equal(await fits(page), String(r.plan.fits));
    assert.equal(await dataNum(page, '#hw-ram', 'bytes'), r.plan.ram_needed_bytes);
    assert.equal(await dataNum(page, '#hw-decode-expected', 'tps'), r.speed.decode_expected_tokens_per_s_aggregate);
    assert.match(await text(page, '#hw-prefill'), /not estimated/);
    const ramRow = await page.$$eval('#hw-devices tbody tr th', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(ramRow, ['GPU 0', 'RAM']);
    assert.match(await text(page, '#hw-result'), new RegExp(`--n-cpu-moe ${r.plan.offload.cpu_moe_layers}`));
    await expectSearch(page, '?model=deepseek-r1&gpu=rtx-4090&offload=experts&ram=512');

    // An explicit --n-cpu-moe count.
    await page.fill('#f-ncmoe', '61');
    const all = native('--model', 'deepseek-r1', '--gpu', 'rtx-4090', '--offload', 'experts', '--cpu-moe-layers', '61', '--ram-gb', '512');
    assert.equal(await dataNum(page, '#hw-ram', 'bytes'), all.plan.ram_needed_bytes);
    // Layers instead: -ngl.
    await page.selectOption('#f-offload', 'layers');
    await page.fill('#f-ngl', '10');
    const layers = native('--model', 'deepseek-r1', '--gpu', 'rtx-4090', '--offload', 'layers', '--gpu-layers', '10', '--ram-gb', '512');
    assert.equal(await dataNum(page, '#hw-ram', 'bytes'), layers.plan.ram_needed_bytes);
    assert.equal(await fits(page), String(layers.plan.fits));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('bad input: the core\'s message next to the field, and the memory result stays', async () => {
    const mem = native('--model', 'deepseek-r1');
    const cases = [
      ['?model=deepseek-r1&gpu=nope', 'gpu', ['--gpu', 'nope']],
      ['?model=deepseek-r1&gpu=h100-sxm&gpus=0', 'gpus', ['--gpu', 'h100-sxm', '--gpus', '0']],
      ['?model=deepseek-r1&gpu=custom&mem=24&bw=0', 'bw', ['--custom-gpu', '24:0']],
      ['?model=deepseek-r1&gpu=rtx-4090&offload=experts&ram=abc', 'ram', ['--gpu', 'rtx-4090', '--offload', 'experts', '--ram-gb', 'abc']],
      ['?model=deepseek-r1-distill-qwen-7b&gpu=rtx-4090&offload=experts', 'offload',
        ['--gpu', 'rtx-4090', '--offload', 'experts'], 'deepseek-r1-distill-qwen-7b'],
    ];
    for (const [query, field, args, model = 'deepseek-r1'] of cases) {
      const { page, problems } = await openPage(b, query);
      const want = native('--model', model, ...args).error;
      assert.ok(want, query);
      assert.equal(await text(page, `#e-${field}`), want.message, query);
      assert.equal(await page.getAttribute(`#f-${field}`, 'aria-invalid'), 'true', query);
      assert.doesNotMatch(want.message, /NaN|undefined|Infinity/);
      assert.match(await text(page, '#hw-status'), /Cannot place the model/);
      assert.equal(await text(page, '#status'), '', 'the memory result is not affected');
      if (model === 'deepseek-r1') assert.equal(await dataNum(page, '#total', 'bytes'), mem.total_bytes);
      assert.deepEqual(problems, []);
      await page.close();
    }
  });

  test('a fixed field clears its message; a custom device is estimated', async () => {
    const { page } = await openPage(b, '?model=deepseek-r1-distill-llama-70b&gpu=h100-sxm&gpus=0');
    assert.notEqual(await text(page, '#e-gpus'), '');
    await page.fill('#f-gpus', '1');
    assert.equal(await text(page, '#e-gpus'), '');
    assert.equal(await page.getAttribute('#f-gpus', 'aria-invalid'), null);
    await page.selectOption('#f-gpu', 'custom');
    assert.equal(await page.isVisible('#f-mem'), true);
    await page.fill('#f-mem', '48');
    await page.fill('#f-bw', '960');
    const r = native('--model', 'deepseek-r1-distill-llama-70b', '--custom-gpu', '48:960');
    assert.equal(await fits(page), String(r.plan.fits));
    assert.equal(await dataNum(page, '#hw-decode-expected', 'tps'), r.speed.decode_expected_tokens_per_s_aggregate);
    await expectSearch(page, '?model=deepseek-r1-distill-llama-70b&gpu=custom&mem=48&bw=960');
    await page.close();
  });

  test('settings round-trip through the link', async () => {
    const { page } = await openPage(b, '?model=deepseek-r1');
    await page.selectOption('#f-gpu', 'm3-ultra-512gb');
    await page.fill('#f-gpus', '2');
    await page.check('input[name="unit"][value="gib"]');
    await expectSearch(page, '?model=deepseek-r1&unit=gib&gpu=m3-ultra-512gb&gpus=2');
    const url = page.url();
    const verdict = await text(page, '#hw-verdict');
    await page.close();
    const { page: again } = await openPage(b, new URL(url).search);
    assert.equal(await again.inputValue('#f-gpu'), 'm3-ultra-512gb');
    assert.equal(await again.inputValue('#f-gpus'), '2');
    assert.equal(await text(again, '#hw-verdict'), verdict);
    assert.match(await text(again, '#hw-result'), /GiB/);
    // Back to no device: the placement parameters leave the link.
    await again.selectOption('#f-gpu', '');
    await expectSearch(again, '?model=deepseek-r1&unit=gib&gpus=2');
    assert.match(await text(again, '#hw-verdict'), /Choose a device/);
    await again.close();
  });

  test('compare runtimes: each runtime\'s memory, fit and expected speed are the CLI\'s, the chosen one marked', async () => {
    const { page, problems } = await openPage(b, '?model=deepseek-r1&quant=Q2_K&gpu=rtx-4090&offload=experts&ram=256');
    await page.waitForSelector('#hw-compare');
    assert.equal(await page.$('#hw-compare-table'), null, 'placed only when opened');
    await page.click('#hw-compare summary');
    await page.waitForSelector('#hw-compare-table');
    const rows = native('--model', 'deepseek-r1', '--quant', 'Q2_K', '--gpu', 'rtx-4090', '--offload', 'experts',
      '--ram-gb', '256', '--compare-runtimes').compare_runtimes;
    assert.ok(rows.length >= 5, `${rows.length} runtimes`);
    const shown = await page.$$eval('#hw-compare-table tbody tr', (trs) => trs.map((tr) => ({
      runtime: tr.dataset.runtime,
      total: Number(tr.children[3]?.firstElementChild?.dataset.bytes),
      kv: Number(tr.children[1]?.firstElementChild?.dataset.bytes),
      fit: (tr.children[4] ?? tr.children[1]).textContent,
      speed: tr.children[5]?.textContent ?? '',
      current: tr.classList.contains('current'),
    })));
    assert.deepEqual(shown.map((r) => r.runtime), rows.map((r) => r.runtime));
    for (const [i, r] of rows.entries()) {
      if (r.error) {
        assert.match(shown[i].fit, /./);
        continue;
      }
      assert.equal(shown[i].total, r.total_bytes, r.runtime);
      assert.equal(shown[i].kv, r.kv_cache_bytes, r.runtime);
      assert.equal(shown[i].fit, r.fits ? 'fits' : 'does not fit', r.runtime);
      if (r.fits) assert.ok(Math.abs(Number.parseFloat(shown[i].speed.replace(/,/g, '')) - r.decode_expected_tokens_per_s) < 0.051, `${r.runtime}: ${shown[i].speed}`);
      assert.equal(shown[i].current, r.runtime === 'llama.cpp', r.runtime);
    }
    // It stays open, and follows the settings.
    await page.fill('#f-context', '32768');
    await page.waitForFunction(() => document.querySelector('#hw-compare')?.open && document.querySelector('#hw-compare-table'));
    const kv32k = native('--model', 'deepseek-r1', '--quant', 'Q2_K', '--gpu', 'rtx-4090', '--offload', 'experts',
      '--ram-gb', '256', '--context', '32768', '--compare-runtimes').compare_runtimes[0].kv_cache_bytes;
    await page.waitForFunction((want) => Number(document.querySelector('#hw-compare-table tbody tr td span')?.dataset.bytes) === want, kv32k);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('passes axe-core with a placement shown, light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { page } = await openPage(b, `${R1_FP8_QUERY}&gpu=h100-sxm&gpus=8&ram=1024`, { colorScheme });
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${colorScheme}: ${violations.join('\n')}`);
      await page.close();
    }
  });

  test('screenshots of the section at 1280 and 375 px, without horizontal overflow', async () => {
    for (const width of [1280, 375]) {
      for (const colorScheme of ['light', 'dark']) {
        const { page } = await openPage(b, '?model=deepseek-r1&gpu=rtx-4090&gpus=2&offload=experts&ram=512', { width, colorScheme });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        assert.equal(overflow, false, `page wider than ${width} px`);
        await page.locator('#hardware').screenshot({ path: join(screenshots, `hardware-${width}-${colorScheme}.png`) });
        await page.close();
      }
    }
  });
});
