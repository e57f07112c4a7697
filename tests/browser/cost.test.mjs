// The cost section in headless Chromium: the extras module loads only when needed; the API cost,
// volume table, self-hosting comparison, route and monitoring answers are the native CLI's; bad
// input gets the core's message next to the field; settings survive a link.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectSearch, openBrowser, root } from './harness.mjs';
import { axeViolations, native, openPage, screenshots } from './sections.mjs';

let b;
before(async () => {
  b = await openBrowser();
  mkdirSync(screenshots, { recursive: true });
});
after(async () => {
  await b?.close();
});

const text = (page, sel) => page.$eval(sel, (el) => el.textContent);
const usd = (page, sel) => page.$eval(sel, (el) => Number(el.dataset.usd));
const ready = (page) => page.waitForSelector('#cost[data-ready="true"]', { state: 'attached' });
const costMark = (page) => page.evaluate(() => performance.getEntriesByName('cost-updated').length);

/** Scrolls to the cost section and waits for the extras module to have computed it. */
async function toCost(page) {
  await page.locator('#cost').scrollIntoViewIfNeeded();
  await ready(page);
}

describe('the cost section', () => {
  test('the cost, the volume table and the route are in the HTML before any script runs', () => {
    const html = readFileSync(join(root, 'dist', 'index.html'), 'utf8');
    const volumes = native('cost', '--volumes');
    for (const row of volumes.rows) {
      assert.ok(html.includes(`data-usd="${row.cost_per_month}"`), `volume row ${row.calls_per_month}`);
      assert.ok(html.includes(`>${row.reading}</td>`));
    }
    const cost = native('cost');
    assert.ok(html.includes(`id="cost-month" data-usd="${cost.api.cost_per_month}"`));
    assert.ok(html.includes(cost.preset.date), 'the preset says when its prices were published');
    const route = native('route', '--stage', 'prototype', '--calls-per-day', '1000', '--compliance', 'none');
    assert.ok(html.includes(`data-route="${route.route}"`));
  });

  test('the extras module is fetched only after the first result is on screen', async () => {
    const { page, requests, problems } = await openPage(b);
    await toCost(page);
    const order = await page.evaluate(() => {
      const first = performance.getEntriesByName('first-result')[0].startTime;
      const extras = performance.getEntriesByType('resource').filter((e) => /vramcalc-extras/.test(e.name));
      return { first, extras: extras.map((e) => e.startTime) };
    });
    assert.ok(order.extras.length >= 1, 'extras fetched');
    assert.ok(order.extras.every((t) => t >= order.first), 'not before the first result');
    assert.ok(requests.some((u) => u.endsWith('/vramcalc-extras.js')));
    assert.ok(requests.some((u) => u.endsWith('/vramcalc-extras.wasm')));
    assert.ok(requests.every((u) => u.startsWith(`${b.origin}/`)), 'nothing outside the origin');
    assert.equal(await page.evaluate(() => 'Module' in globalThis), false, 'no global Module');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the API cost and the volume table follow the form, as the CLI computes them', async () => {
    const { page, problems } = await openPage(b);
    await toCost(page);
    await page.fill('#f-calls', '5000');
    await page.fill('#f-in-tokens', '3000');
    await page.fill('#f-out-tokens', '800');
    await page.fill('#f-retry', '10');
    await page.fill('#f-cache-hit', '25');
    const r = native('cost', '--calls-per-day', '5000', '--input-tokens', '3000', '--output-tokens', '800',
      '--retry-percent', '10', '--cache-hit-percent', '25');
    assert.equal(await usd(page, '#cost-month'), r.api.cost_per_month);
    assert.equal(await usd(page, '#cost-call'), r.api.cost_per_call);
    assert.equal(await usd(page, '#cost-day'), r.api.cost_per_day);
    const v = native('cost', '--volumes', '--retry-percent', '10', '--cache-hit-percent', '25',
      '--calls-per-day', '5000', '--input-tokens', '3000', '--output-tokens', '800');
    const cells = await page.$$eval('#t-volumes-body td[data-usd]', (tds) => tds.map((td) => Number(td.dataset.usd)));
    assert.deepEqual(cells, v.rows.map((row) => row.cost_per_month));

    // The custom preset fills in its own prices; edited prices are used.
    await page.selectOption('#f-preset', 'custom');
    const custom = native('cost', '--preset', 'custom');
    assert.equal(await page.inputValue('#f-in-price'), String(custom.api.input_price));
    assert.equal(await page.inputValue('#f-out-price'), String(custom.api.output_price));
    assert.match(await text(page, '#h-preset'), /Your own prices/);
    await page.fill('#f-out-price', '6');
    const edited = native('cost', '--preset', 'custom', '--calls-per-day', '5000', '--input-tokens', '3000',
      '--output-tokens', '800', '--retry-percent', '10', '--cache-hit-percent', '25', '--input-price',
      String(custom.api.input_price), '--output-price', '6');
    assert.equal(await usd(page, '#cost-month'), edited.api.cost_per_month);
    await expectSearch(page, '?preset=custom&calls=5000&input=3000&output=800&pout=6&hit=25&retry=10');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('self-hosting uses the hardware section\'s devices and speeds, as the CLI does', async () => {
    const q = '?model=deepseek-r1&quant=FP8-block&rt=vllm&gpu=h100-sxm&gpus=16';
    const { page, problems } = await openPage(b, `${q}&calls=200000`);
    await toCost(page);
    assert.match(await text(page, '#sh-verdict'), /Enter an hourly price/);
    await page.fill('#f-hourly', '2.95');
    const est = native('--model', 'deepseek-r1', '--quant', 'FP8-block', '--runtime', 'vllm', '--gpu', 'h100-sxm', '--gpus', '16');
    const r = native('cost', '--calls-per-day', '200000', '--gpu', 'h100-sxm', '--devices', String(est.plan.count),
      '--usd-per-device-hour', '2.95', '--decode-tokens-per-s', String(est.speed.decode_expected_tokens_per_s_aggregate),
      '--prefill-tokens-per-s', String(est.speed.prefill_tokens_per_s));
    assert.equal(await usd(page, '#sh-month'), r.self_host.cost_per_month);
    assert.equal(await page.$eval('#sh-replicas', (el) => Number(el.dataset.replicas)), r.self_host.replicas_needed);
    assert.equal(await page.$eval('#sh-verdict', (el) => el.dataset.never), String(r.self_host.never_cheaper));

    // Fewer devices than fit: no comparison, and why.
    await page.fill('#f-gpus', '8');
    assert.match(await text(page, '#sh-verdict'), /does not fit on 8 × NVIDIA H100.*The fewest that fit: 16/);
    // No device at all.
    await page.selectOption('#f-gpu', '');
    assert.match(await text(page, '#sh-verdict'), /Choose a device/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a break-even volume where self-hosting can be cheaper', async () => {
    const { page } = await openPage(b, '?gpu=rtx-4090&hourly=0.5');
    await ready(page);
    const est = native('--model', 'deepseek-r1-distill-qwen-7b', '--gpu', 'rtx-4090');
    const r = native('cost', '--devices', '1', '--gpu', 'rtx-4090', '--usd-per-device-hour', '0.5', '--decode-tokens-per-s',
      String(est.speed.decode_expected_tokens_per_s_aggregate), '--prefill-tokens-per-s', String(est.speed.prefill_tokens_per_s));
    assert.equal(r.self_host.never_cheaper, false);
    assert.equal(await page.$eval('#sh-break-even', (el) => Number(el.dataset.calls)), r.self_host.break_even_calls_per_day);
    assert.match(await text(page, '#sh-verdict'), /Breaks even at about [\d,]+ calls a day/);
    await page.close();
  });

  test('the route helper names the CLI\'s route and reason', async () => {
    const { page } = await openPage(b);
    await toCost(page);
    const cases = [
      ['prototype', '200', 'none', false],
      ['production', '50000', 'none', false],
      ['production', '500000', 'none', true],
      ['production', '500000', 'strict', true],
      ['production', '5000', 'none', false],
    ];
    for (const [stage, calls, compliance, flexible] of cases) {
      await page.selectOption('#f-stage', stage);
      await page.selectOption('#f-compliance', compliance);
      await page.setChecked('#f-flexible', flexible);
      await page.fill('#f-traffic', calls);
      const r = native('route', '--stage', stage, '--calls-per-day', calls, '--compliance', compliance,
        '--latency-flexible', flexible ? 'yes' : 'no');
      assert.equal(await page.$eval('#route-name', (el) => el.dataset.route), r.route, `${stage} ${calls} ${compliance}`);
      assert.equal(await text(page, '#route-name'), r.name);
      assert.equal(await text(page, '#route-reason'), r.reason);
    }
    await expectSearch(page, '?stage=production&traffic=5000');
    await page.fill('#f-traffic', '-5');
    assert.equal(await text(page, '#e-traffic'),
      native('route', '--stage', 'production', '--calls-per-day', '-5', '--compliance', 'none').error.message);
    await page.close();
  });

  test('the monitoring checklist flags what is past its threshold', async () => {
    const { page } = await openPage(b);
    await toCost(page);
    assert.equal(await page.$eval('#monitor-summary', (el) => el.dataset.alerts), '0');
    await page.fill('#f-m429', '3');
    await page.fill('#f-mretry', '1.05');
    await page.fill('#f-mfallback', '4');
    await page.fill('#f-mratio', '0.9');
    await page.fill('#f-mratio0', '0.3');
    await page.fill('#f-mtop', '700');
    await page.fill('#f-mmedian', '100');
    const r = native('monitor', '--rate-429-percent', '3', '--retry-multiplier', '1.05', '--fallback-percent', '4',
      '--output-input-ratio', '0.9', '--output-input-ratio-baseline', '0.3', '--top-user-spend', '700', '--median-user-spend', '100');
    assert.equal(await page.$eval('#monitor-summary', (el) => Number(el.dataset.alerts)), r.alerts);
    const shown = await page.$$eval('.flags li', (ls) => Object.fromEntries(ls.map((l) => [l.dataset.metric, l.dataset.alert])));
    assert.deepEqual(shown, Object.fromEntries(r.flags.map((f) => [f.metric, String(f.alert)])));
    assert.equal(shown.rate_429_percent, 'true');
    assert.equal(shown.retry_multiplier, 'false');
    assert.equal(shown.user_spend_vs_median, 'true');
    // A zero baseline is named.
    await page.fill('#f-mmedian', '0');
    assert.equal(await text(page, '#e-mmedian'), native('monitor', '--top-user-spend', '700', '--median-user-spend', '0').error.message);
    await page.close();
  });

  test('bad input: negative prices, zero calls, a retry rate of 100% get the core\'s message', async () => {
    const { page, problems } = await openPage(b);
    await toCost(page);
    const cases = [
      ['#f-in-price', '-1', 'in-price', ['--input-price', '-1']],
      ['#f-calls', '0', 'calls', ['--calls-per-day', '0']],
      ['#f-retry', '100', 'retry', ['--retry-percent', '100']],
      ['#f-out-price', 'ten', 'out-price', ['--output-price', 'ten']],
      ['#f-cached-price', '-0.1', 'cached-price', ['--cached-input-price', '-0.1']],
    ];
    for (const [sel, value, err, args] of cases) {
      const before = await page.inputValue(sel);
      await page.fill(sel, value);
      const want = native('cost', ...args).error.message;
      assert.equal(await text(page, `#e-${err}`), want, value);
      assert.doesNotMatch(want, /NaN|Infinity|undefined/);
      assert.equal(await page.getAttribute(sel, 'aria-invalid'), 'true');
      assert.match(await text(page, '#cost-status'), /Cannot compute the cost/);
      assert.equal(await page.$eval('#cost-result', (el) => el.classList.contains('stale')), true);
      await page.fill(sel, before);
      assert.equal(await text(page, `#e-${err}`), '');
    }
    assert.equal(await text(page, '#cost-status'), '');
    // A self-hosting price of its own: its message goes under it.
    await page.selectOption('#f-gpu', 'rtx-4090');
    await page.fill('#f-hourly', '-3');
    assert.match(await text(page, '#e-hourly'), /Self-hosting price per device-hour cannot be negative/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('cost, route and monitoring settings round-trip through the link', async () => {
    const query = '?preset=custom&calls=2500&pin=0.8&hourly=1.2&stage=production&traffic=20000&compliance=strict&flexible=yes&rate429=5';
    const { page } = await openPage(b, query);
    await ready(page);
    assert.equal(await page.inputValue('#f-preset'), 'custom');
    assert.equal(await page.inputValue('#f-in-price'), '0.8');
    const custom = native('cost', '--preset', 'custom');
    assert.equal(await page.inputValue('#f-out-price'), String(custom.api.output_price), 'missing prices are the preset\'s');
    assert.equal(await page.isChecked('#f-flexible'), true);
    const r = native('cost', '--preset', 'custom', '--calls-per-day', '2500', '--input-price', '0.8');
    assert.equal(await usd(page, '#cost-month'), r.api.cost_per_month);
    assert.equal(await page.$eval('#route-name', (el) => el.dataset.route), 'direct_vendor_or_marketplace');
    assert.equal(await page.$eval('#monitor-summary', (el) => el.dataset.alerts), '1');
    assert.ok(await costMark(page) >= 1);
    await expectSearch(page, query);
    await page.close();
  });

  test('passes axe-core once computed, light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { page } = await openPage(b, '?gpu=rtx-4090&hourly=0.5&rate429=3&ratio=2&ratio_base=1', { colorScheme });
      await toCost(page);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${colorScheme}: ${violations.join('\n')}`);
      await page.close();
    }
  });

  test('screenshots of the section at 1280 and 375 px, without horizontal overflow', async () => {
    for (const width of [1280, 375]) {
      for (const colorScheme of ['light', 'dark']) {
        const { page } = await openPage(b, '?gpu=rtx-4090&hourly=0.5&retry=5&rate429=3&top_spend=600&median_spend=100',
          { width, colorScheme });
        await toCost(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
        assert.equal(overflow, false, `page wider than ${width} px`);
        await page.locator('#cost').screenshot({ path: join(screenshots, `cost-${width}-${colorScheme}.png`) });
        await page.close();
      }
    }
  });
});
