// The page under hostile input, in headless Chromium at phone width: links with bad, absurd,
// malformed and script-bearing settings; every number field of every section filled with bad
// values; hostile config.json texts; hostile widget attributes. For each it checks what a user
// must never see: NaN, Infinity or "undefined" in a figure, a blank result, script that runs, a
// page wider than the screen, an error that is not beside the field it is about, or the rest of
// the page stopping. Bounded in time: each case is a field change or a page load.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openBrowser } from './harness.mjs';
import { openPage } from './sections.mjs';

const WIDTH = 375;
let b;
before(async () => {
  b = await openBrowser();
});
after(async () => {
  await b?.close();
});

// Script payloads set window.__pwned (or open a dialog) if they ever run.
const XSS = '"><img src=x onerror="window.__pwned=1">';
const SCRIPT = '<script>window.__pwned=1</script>';
const BAD_VALUES = ['', '-1', '0', '1e309', 'NaN', 'abc', '1e15', '9'.repeat(10000), 'a\u0000b', SCRIPT];

/** Runs fn over the items, `n` at a time (pages load in parallel; each case is independent). */
async function inParallel(items, n, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

/** Opens a page at phone width with a dialog trap; returns it with its problems list. */
async function open(query) {
  const { page, problems } = await openPage(b, query, { width: WIDTH, height: 800 });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return { page, problems };
}

/** Everything a user must never see, for the page as it is now; returns a list of findings. */
function findings(page, where = 'main') {
  return page.evaluate((sel) => {
    const out = [];
    // The figures, and the messages with what they quote of the user's input ("…") left out.
    const figures = ['#result', '#summary', '#hw-result', '#cost-result', '#selfhost-result', '#t-volumes', '#route-result',
      '#monitor-result', '#t-models', '#t-prec'].map((id) => document.querySelector(`${sel} ${id}`)?.innerText ?? '');
    const messages = [...document.querySelectorAll(`${sel} .err, ${sel} .status, ${sel} .note`)]
      .map((el) => el.textContent.replace(/"[^"]*"|“[^”]*”/g, '""'));
    const shown = [...figures, ...messages].join('\n');
    for (const bad of ['NaN', 'Infinity', 'undefined', '[object Object]']) {
      const at = shown.indexOf(bad);
      if (at >= 0) out.push(`"${bad}" shown: …${shown.slice(Math.max(0, at - 60), at + 40)}…`);
    }
    if (window.__pwned) out.push('an injected script ran');
    if (document.querySelector('img[src="x"], main script')) out.push('injected markup was inserted');
    if (document.documentElement.scrollWidth > window.innerWidth) out.push(`page ${document.documentElement.scrollWidth} px wide`);
    const total = document.querySelector('#total strong');
    if (!total || !/\d/.test(total.textContent)) out.push('the total is blank');
    for (const el of document.querySelectorAll('.err')) {
      if (el.textContent.length > 600) out.push(`a message of ${el.textContent.length} characters`);
    }
    return out;
  }, where);
}

/** A field's error text and whether the field is marked invalid. */
const errorOf = (page, id) => page.evaluate((fid) => {
  const el = document.getElementById(fid);
  // The field's own message element: the .err among those that describe it.
  const err = (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id))
    .find((x) => x?.classList.contains('err'));
  return { message: err?.textContent ?? '', invalid: el.getAttribute('aria-invalid') === 'true' };
}, id);

// Links: [query, the field whose message must show (or '' for none / a verdict), a notice that must show].
const URLS = [
  ['?model=no-such-model', 'f-model'],
  [`?model=${'m'.repeat(300)}`, 'f-model'],
  [`?model=${encodeURIComponent(XSS)}`, 'f-model'],
  ['?quant=Q4_K_MM', 'f-quant'],
  [`?quant=${encodeURIComponent(SCRIPT)}`, 'f-quant'],
  ['?ctx=abc', 'f-context'],
  ['?ctx=-1', 'f-context'],
  ['?ctx=0', 'f-context'],
  ['?ctx=1e309', 'f-context'],
  ['?ctx=NaN', 'f-context'],
  ['?ctx=1e15', 'f-context'],
  [`?ctx=${'9'.repeat(10000)}`, 'f-context'],
  ['?ctx=12%0034', 'f-context'],
  ['?seq=-5', 'f-sequences'],
  ['?seq=4096', ''],
  ['?rt=nope', 'f-runtime'],
  ['?rt=vllm&kv=q4_0', '', '#n-kv'],
  ['?kv=zz', '', '#n-kv'],
  ['?fa=maybe', 'f-fa'],
  ['?fa=constructor', 'f-fa'],
  [`?unit=${encodeURIComponent(SCRIPT)}`, ''],
  ['?model=custom&config=%7B', 'f-config'],
  [`?model=custom&config=${encodeURIComponent(SCRIPT)}`, 'f-config'],
  ['?model=custom', 'f-config'],
  ['?gpu=rtx-4090&gpus=0', 'f-gpus'],
  ['?gpu=rtx-4090&gpus=1e309', 'f-gpus'],
  [`?gpu=${encodeURIComponent(XSS)}`, 'f-gpu'],
  ['?gpu=custom&mem=-1&bw=900', 'f-mem'],
  ['?gpu=custom&mem=24&bw=abc', 'f-bw'],
  ['?gpu=rtx-4090&offload=layers&ngl=1e15', 'f-ngl'],
  ['?model=deepseek-r1&gpu=rtx-4090', ''],
  ['?model=deepseek-r1&gpu=rtx-4090&offload=experts&ram=256', ''],
  ['?model=deepseek-r1-distill-llama-70b&gpu=h100-sxm&gpus=8&seq=2048', ''],
  ['?calls=-1&pin=NaN', 'f-calls'],
  ['?calls=1e12&output=1000000&gpu=h100-sxm&hourly=2', ''],
  ['?traffic=abc&rate429=1e309', 'f-traffic'],
  ['?%ZZ=%E0%A4%A&ctx=%', 'f-context'],
  [`?model=deepseek-r1#${encodeURIComponent(SCRIPT)}`, ''],
];

// Every number field: [section selector, field id, what must be set first (a query), result selector].
const NUMBER_FIELDS = [
  ['f-context', ''], ['f-sequences', ''],
  ['f-gpus', 'gpu=rtx-4090'], ['f-mem', 'gpu=custom&mem=24&bw=900'], ['f-bw', 'gpu=custom&mem=24&bw=900'],
  ['f-ngl', 'model=deepseek-r1&gpu=rtx-4090&offload=layers'], ['f-ncmoe', 'model=deepseek-r1&gpu=rtx-4090&offload=experts'],
  ['f-ram', 'model=deepseek-r1&gpu=rtx-4090&offload=experts'],
  ['f-calls', 'gpu=rtx-4090'], ['f-in-tokens', 'gpu=rtx-4090'], ['f-out-tokens', 'gpu=rtx-4090'], ['f-in-price', 'gpu=rtx-4090'],
  ['f-out-price', 'gpu=rtx-4090'], ['f-cached-price', 'gpu=rtx-4090'], ['f-cache-hit', 'gpu=rtx-4090'], ['f-retry', 'gpu=rtx-4090'],
  ['f-hourly', 'gpu=rtx-4090'], ['f-traffic', ''],
  ['f-m429', ''], ['f-mfallback', ''], ['f-mretry', ''], ['f-mratio', ''], ['f-mratio0', ''], ['f-mtop', ''],
  ['f-mmedian', ''], ['f-mtask', ''], ['f-mtask0', ''], ['f-merr', ''], ['f-merr0', ''],
];

/** Waits for the sections that load after the first result: the planner's verdict (when a device is set) and the cost section. */
async function sectionsReady(page, query, cost = true) {
  if (/gpu=/.test(query)) await page.waitForSelector('#hw-verdict[data-fits], #hw-status:not(:empty)');
  if (!cost) return;
  await page.evaluate(() => document.getElementById('cost').scrollIntoView());
  await page.waitForFunction(() => document.getElementById('cost').dataset.ready === 'true');
}

describe('the page under hostile input', () => {
  test(`${URLS.length} hostile links: no bad figure, no script, no overflow, the message at its field, the rest working`, async () => {
    await inParallel(URLS, 3, async ([url, field, notice]) => {
      const { page, problems } = await open(url);
      const query = url.length > 80 ? `${url.slice(0, 80)}…` : url;
      // The cost section is computed for links with cost settings (and checked in the field test).
      await sectionsReady(page, url, /calls=|traffic=|hourly=/.test(url));
      assert.deepEqual(await findings(page), [], query);
      if (notice) assert.ok((await page.$eval(notice, (el) => el.textContent)).length > 10, `${query}: ${notice} says what was replaced`);
      if (field) {
        // An unknown model id is first looked up in the other models' catalogue, which loads
        // after the first result: wait for the field's message rather than read it at once.
        await page.waitForFunction((fid) => {
          const el = document.getElementById(fid);
          return (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id))
            .some((x) => x?.classList.contains('err') && x.textContent.length > 5);
        }, field, { timeout: 10000 }).catch(() => {});
        const e = await errorOf(page, field);
        assert.ok(e.message.length > 5, `${query}: a message at ${field}`);
        assert.ok(e.invalid, `${query}: ${field} marked invalid`);
      }
      // The rest still works: the Embed panel has a snippet, another model gives a figure.
      await page.waitForFunction(() => /vram-calculator|iframe/.test(document.getElementById('embed-code').value));
      if (!field || !['f-context', 'f-sequences', 'f-quant', 'f-runtime', 'f-kv', 'f-fa'].includes(field)) {
        await page.selectOption('#f-model', 'deepseek-r1-distill-qwen-1.5b');
        assert.equal(await page.$eval('#status', (el) => el.textContent), '', `${query}: another model is estimated`);
        assert.deepEqual(await findings(page), [], `${query}, then another model`);
      }
      assert.deepEqual(problems, [], `${query}: page errors`);
      await page.close();
    });
  });

  test(`${NUMBER_FIELDS.length} number fields x ${BAD_VALUES.length} bad values: a message at the field, never a bad figure`, async () => {
    const byQuery = new Map();
    for (const [id, query] of NUMBER_FIELDS) byQuery.set(query, [...(byQuery.get(query) ?? []), id]);
    await inParallel(byQuery, 1, async ([query, ids]) => {
      const { page, problems } = await open(query ? `?${query}` : '');
      await sectionsReady(page, query);
      for (const id of ids) {
        const before = await page.inputValue(`#${id}`);
        for (const bad of BAD_VALUES) {
          await page.fill(`#${id}`, bad);
          const label = `${id} = ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 20)}…` : bad)}`;
          assert.deepEqual(await findings(page), [], label);
          const e = await errorOf(page, id);
          // Each of these values is wrong for every one of these fields, except an empty optional one.
          if (bad !== '' && bad !== '0') {
            assert.ok(e.message.length > 5 || (await fieldAccepts(page, id, bad)), `${label}: no message`);
          }
          if (e.message) assert.ok(e.invalid, `${label}: not marked invalid`);
          assert.equal(await page.inputValue(`#${id}`), bad, `${label}: what was typed is kept`);
        }
        // Back to its value: the message goes, the section computes again.
        await page.fill(`#${id}`, before);
        assert.equal((await errorOf(page, id)).message, '', `${id} restored`);
        assert.deepEqual(await findings(page), [], `${id} restored`);
      }
      assert.deepEqual(problems, [], query);
      await page.close();
    });
  });

  test('hostile config.json texts: a message at the field, never a crash', async () => {
    const { page, problems } = await open('?model=custom');
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const cfg = (extra) => JSON.stringify({
      architectures: ['LlamaForCausalLM'], hidden_size: 2048, intermediate_size: 8192, num_attention_heads: 32,
      num_hidden_layers: 16, num_key_value_heads: 8, vocab_size: 128256, ...extra,
    });
    const configs = [
      '', '{', '[]', 'null', '"text"', deep, SCRIPT, '{"a":'.repeat(2000),
      cfg({ hidden_size: 1e309 }).replace('null', '1e309'), cfg({ num_hidden_layers: -1 }), cfg({ num_hidden_layers: 1e15 }),
      cfg({ hidden_size: 'abc' }), cfg({ num_attention_heads: 0 }), cfg({ architectures: [XSS] }),
      cfg({ architectures: ['x'.repeat(10000)] }), cfg({ model_type: 'a\u0000b' }), cfg({ vocab_size: 2 ** 53 }),
      '{"hidden_size": 4096, "hidden_size": "dup"}', '\ufeff{}', '{"a": "\\ud800"}',
    ];
    for (const text of configs) {
      await page.$eval('#f-config', (el, v) => {
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, text);
      const label = `config ${JSON.stringify(text.slice(0, 40))}`;
      assert.deepEqual(await findings(page), [], label);
      const e = await errorOf(page, 'f-config');
      assert.ok(e.message.length > 5, `${label}: a message`);
      assert.ok(e.invalid, `${label}: marked invalid`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('hostile widget attributes: defaults shown and told, no script, nothing wider than the frame', async () => {
    const cases = [
      { model: XSS }, { quant: 'Q4_K_MM' }, { ctx: '-1' }, { ctx: '1e309' }, { ctx: 'abc' }, { ctx: '9'.repeat(10000) },
      { seq: '0' }, { seq: 'NaN' }, { rt: 'x'.repeat(10000) }, { theme: '</style><b>' }, { model: SCRIPT, compact: '' },
      { ctx: 'a\u0000b' },
    ];
    await inParallel(cases, 3, async (attrs) => {
      const q = new URLSearchParams(attrs).toString();
      const page = await b.context.newPage();
      await page.setViewportSize({ width: WIDTH, height: 700 });
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        d.dismiss().catch(() => {});
      });
      await page.goto(`${b.origin}/widget/frame.html?${q}`);
      const shown = await page.waitForFunction(() => {
        const s = document.querySelector('vram-calculator')?.shadowRoot;
        const total = s?.querySelector('.total strong');
        return total ? { total: total.textContent, note: s.querySelector('.note').textContent, text: s.querySelector('.out').innerText } : false;
      }).then((h) => h.jsonValue());
      const label = JSON.stringify(q.slice(0, 60));
      assert.match(shown.total, /^\d[\d.,]* GB$/, label);
      assert.doesNotMatch(shown.text, /NaN|Infinity|undefined/, label);
      if (!('theme' in attrs) && !('compact' in attrs && Object.keys(attrs).length === 1)) {
        assert.match(shown.note, /is not valid here: showing/, `${label}: the replacement is told`);
        assert.ok(shown.note.length < 300, `${label}: a short note (${shown.note.length})`);
      }
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth || Boolean(window.__pwned));
      assert.equal(wide, false, `${label}: wider than ${WIDTH} px, or a script ran`);
      assert.deepEqual(problems, [], label);
      await page.close();
    });
  });
});

/** Values a field may accept as given (e.g. 1e15 calls a day is absurd but a number). */
async function fieldAccepts(page, id, value) {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && !['f-gpus', 'f-context', 'f-sequences'].includes(id);
}
