// The quantization picker's groups, the custom-mix editor and the user's GGUF file(s) in headless
// Chromium. The GGUF files are written here by a small writer (no binaries in the repository),
// with real tensor data after the header, so the test can check that only headers are read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectSearchMatch, openBrowser } from './harness.mjs';
import { axeViolations, native, openPage, screenshots } from './sections.mjs';

// ggml type ids (ggml.h) and block layouts (ggml-common.h) of the types written here.
const TYPES = { F32: [0, 1, 4], Q8_0: [8, 32, 34], Q4_K: [12, 256, 144], Q6_K: [14, 256, 210] };

/** A GGUF v3 file: key/values, tensor infos, then zero-filled tensor data at 32-byte alignment. */
function gguf({ kv, tensors, data = true }) {
  const parts = [];
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); parts.push(b); };
  const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); parts.push(b); };
  const str = (s) => { const b = Buffer.from(s, 'utf8'); u64(b.length); parts.push(b); };
  parts.push(Buffer.from('GGUF'));
  u32(3);
  u64(tensors.length);
  u64(kv.length);
  for (const [k, type, v] of kv) {
    str(k);
    u32(type);
    if (type === 4) u32(v); // uint32
    else if (type === 8) str(v); // string
    else if (type === 9) { u32(8); u64(v.length); for (const s of v) str(s); } // array of strings
    else if (type === 2) { const b = Buffer.alloc(2); b.writeUInt16LE(v); parts.push(b); } // uint16
    else if (type === 5) { const b = Buffer.alloc(4); b.writeInt32LE(v); parts.push(b); } // int32
  }
  let offset = 0;
  const sizes = [];
  for (const [name, ne, type] of tensors) {
    const [id, block, bytes] = TYPES[type];
    str(name);
    u32(ne.length);
    for (const n of ne) u64(n);
    u32(id);
    u64(offset);
    const size = (ne.reduce((a, b) => a * b, 1) / block) * bytes;
    sizes.push(size);
    offset += Math.ceil(size / 32) * 32;
  }
  let head = Buffer.concat(parts);
  head = Buffer.concat([head, Buffer.alloc((32 - (head.length % 32)) % 32)]);
  return data ? Buffer.concat([head, Buffer.alloc(offset)]) : head;
}

// A small Llama: 4 layers, 512 wide, 8 heads / 2 KV heads, vocabulary of 2048.
const E = 512, FF = 1536, L = 4, V = 2048;
function llamaTensors() {
  const t = [['token_embd.weight', [E, V], 'Q4_K'], ['output_norm.weight', [E], 'F32'], ['output.weight', [E, V], 'Q6_K']];
  for (let i = 0; i < L; i++) {
    const p = `blk.${i}.`;
    t.push([`${p}attn_norm.weight`, [E], 'F32'], [`${p}attn_q.weight`, [E, E], 'Q4_K'], [`${p}attn_k.weight`, [E, E / 4], 'Q4_K'],
      [`${p}attn_v.weight`, [E, E / 4], 'Q6_K'], [`${p}attn_output.weight`, [E, E], 'Q4_K'], [`${p}ffn_norm.weight`, [E], 'F32'],
      [`${p}ffn_gate.weight`, [E, FF], 'Q4_K'], [`${p}ffn_up.weight`, [E, FF], 'Q4_K'], [`${p}ffn_down.weight`, [FF, E], 'Q6_K']);
  }
  return t;
}
const LLAMA_KV = [
  ['general.architecture', 8, 'llama'], ['general.name', 8, 'Tiny Test Llama'], ['general.file_type', 4, 15],
  ['llama.block_count', 4, L], ['llama.embedding_length', 4, E], ['llama.feed_forward_length', 4, FF],
  ['llama.attention.head_count', 4, 8], ['llama.attention.head_count_kv', 4, 2], ['llama.context_length', 4, 8192],
  ['tokenizer.ggml.model', 8, 'gpt2'], ['tokenizer.ggml.tokens', 9, Array.from({ length: V }, (_, i) => `tok${i}`)],
];
const split = (no, count, n) => [['split.no', 2, no], ['split.count', 2, count], ['split.tensors.count', 5, n]];

let b;
let dir;
const files = {};
before(async () => {
  b = await openBrowser();
  mkdirSync(screenshots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'vramcalc-gguf-'));
  const all = llamaTensors();
  files.whole = gguf({ kv: LLAMA_KV, tensors: all });
  // gguf-split layout: the first shard holds the metadata, every shard its split.* keys.
  const cut = 20;
  files.shard1 = gguf({ kv: [...LLAMA_KV, ...split(0, 2, all.length)], tensors: all.slice(0, cut) });
  files.shard2 = gguf({ kv: split(1, 2, all.length), tensors: all.slice(cut) });
  files.other2 = gguf({ kv: split(1, 2, all.length + 3), tensors: all.slice(cut) });
  for (const [k, buf] of Object.entries(files)) writeFileSync(join(dir, `${k}.gguf`), buf);
});
after(async () => {
  await b?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pick = (page, list) => page.setInputFiles('#f-gguf', list.map(([name, buffer]) => ({ name, mimeType: 'application/octet-stream', buffer })));
const total = (page) => page.$eval('#total', (el) => Number(el.dataset.bytes));
const text = (page, sel) => page.$eval(sel, (el) => el.textContent);

async function openWithExtras(query = '') {
  const o = await openPage(b, query);
  await o.page.waitForSelector('#f-quant option[value="gguf"]', { state: 'attached' });
  return o;
}

/** Records every Blob.slice the page makes (start, end), to check that only headers are read. */
async function recordSlices(page) {
  await page.evaluate(() => {
    globalThis.slices = [];
    const orig = Blob.prototype.slice;
    Blob.prototype.slice = function (start, end, type) {
      globalThis.slices.push([start ?? 0, end ?? this.size, this.size]);
      return orig.call(this, start, end, type);
    };
  });
}

describe('the quantization picker', () => {
  test('groups K-quants, IQ presets, GPU formats, a custom mix and a file', async () => {
    const { page, problems } = await openWithExtras();
    const groups = await page.$$eval('#f-quant optgroup', (gs) => gs.map((g) => g.label));
    for (const want of ['K-quants', 'IQ', 'GPU formats', 'Custom', 'From a file']) {
      assert.ok(groups.some((l) => l.includes(want)), `${want} in ${groups}`);
    }
    const iq = await page.$$eval('#f-quant optgroup', (gs) => [...gs.find((g) => g.label.includes('IQ')).children].map((o) => o.value));
    for (const q of ['IQ1_S', 'IQ1_M', 'IQ2_XXS', 'IQ2_XS', 'IQ2_S', 'IQ2_M', 'IQ3_XXS', 'IQ3_XS', 'IQ3_S', 'IQ3_M', 'IQ4_NL', 'IQ4_XS']) {
      assert.ok(iq.includes(q), `${q} in the IQ group`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('an IQ1_S preset shows the CLI\'s figure and warns about the importance matrix', async () => {
    const { page, problems } = await openWithExtras('?model=deepseek-r1&quant=IQ1_S');
    const cli = native('--model', 'deepseek-r1', '--quant', 'IQ1_S');
    await page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, cli.total_bytes);
    assert.match(await text(page, '.warnings'), /importance matrix/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('the custom mix editor', () => {
  const MIX = 'token_embd=Q4_K,output=Q6_K,attn=Q4_K,ffn=Q6_K,shexp=Q6_K,exps=IQ1_S,exps.down=Q2_K,exps.down@0-2=Q3_K';
  test('a mix typed over a preset gives the CLI\'s --mix figures, and the link keeps it', async () => {
    const { page, problems } = await openWithExtras('?model=deepseek-r1');
    await page.selectOption('#f-quant', 'mix');
    assert.equal(await page.isVisible('#f-mix'), true);
    await page.selectOption('#f-mix-base', 'IQ1_S');
    await page.fill('#f-mix', MIX);
    const cli = native('--model', 'deepseek-r1', '--quant', 'IQ1_S', '--mix', MIX);
    await page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, cli.total_bytes);
    assert.match(await text(page, '.what'), /mix/);
    await expectSearchMatch(page, /mix=/);
    const url = page.url();
    await page.screenshot({ path: join(screenshots, 'quant-mix-1280.png'), fullPage: false });
    assert.deepEqual(await axeViolations(page, '#mix-field'), []);
    const again = await openWithExtras(new URL(url).search);
    await again.page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, cli.total_bytes);
    assert.equal(await again.page.inputValue('#f-mix'), MIX);
    await again.page.close();
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a group select writes the mix text; a wrong group or type is named next to the field', async () => {
    const { page } = await openWithExtras('?model=deepseek-r1');
    await page.selectOption('#f-quant', 'mix');
    await page.selectOption('#mix-rows select[data-group="exps.down"]', 'Q2_K');
    assert.equal(await page.inputValue('#f-mix'), 'exps.down=Q2_K');
    await page.waitForFunction(() => /mix/.test(document.querySelector('.what').textContent));
    const before = await total(page);
    await page.fill('#f-mix', 'expz=Q2_K');
    await page.waitForFunction(() => document.getElementById('e-mix').textContent !== '');
    assert.match(await text(page, '#e-mix'), /unknown group "expz"/);
    assert.equal(await total(page), before, 'the previous result stays');
    await page.fill('#f-mix', 'exps=Q9_K');
    await page.waitForFunction(() => /unknown type/.test(document.getElementById('e-mix').textContent));
    assert.match(await text(page, '#e-mix'), /exps/);
    // A row's change keeps what the rows cannot show: a type they do not list, layer ranges, the
    // rest of the text as typed.
    await page.selectOption('#mix-rows select[data-group="attn"]', 'Q4_K');
    assert.equal(await page.inputValue('#f-mix'), 'attn=Q4_K,exps=Q9_K');
    await page.fill('#f-mix', 'exps=IQ1_S,exps.down@0-2=Q3_K,ffn.down=Q5_K');
    assert.equal(await page.inputValue('#mix-rows select[data-group="exps.gate_up"]'), 'IQ1_S');
    assert.equal(await page.inputValue('#mix-rows select[data-group="exps.down"]'), 'IQ1_S');
    await page.selectOption('#mix-rows select[data-group="exps.down"]', 'Q2_K');
    assert.equal(await page.inputValue('#f-mix'), 'exps.gate_up=IQ1_S,exps.down=Q2_K,exps.down@0-2=Q3_K,ffn.down=Q5_K');
    const cli = native('--model', 'deepseek-r1', '--mix', 'exps.gate_up=IQ1_S,exps.down=Q2_K,exps.down@0-2=Q3_K,ffn.down=Q5_K');
    await page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, cli.total_bytes);
    await page.close();
  });
});

describe('the user\'s GGUF file', () => {
  test('one file: exact weights from its header, named with its tensor types, as the CLI reads it', async () => {
    const { page, problems } = await openWithExtras();
    await recordSlices(page);
    await page.selectOption('#f-quant', 'gguf');
    await pick(page, [['tiny-llama.gguf', files.whole]]);
    await page.waitForFunction(() => /tiny-llama\.gguf/.test(document.getElementById('gguf-status').textContent));
    const cli = native('--gguf', join(dir, 'whole.gguf'));
    await page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, cli.total_bytes);
    const status = await text(page, '#gguf-status');
    assert.match(status, /Tiny Test Llama/);
    assert.match(status, /9 F32/);
    assert.match(status, /Q4_K/);
    const slices = await page.evaluate(() => globalThis.slices);
    assert.ok(slices.length > 0);
    for (const [start, end, size] of slices) {
      assert.equal(start, 0);
      assert.ok(end < size / 4, `read ${end} of ${size} bytes: only the header`);
    }
    assert.match(await text(page, '.assumptions'), /tiny-llama\.gguf/);
    await page.screenshot({ path: join(screenshots, 'quant-gguf-1280.png'), fullPage: false });
    assert.deepEqual(await axeViolations(page, '#gguf-field'), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('every shard of a split file: the same weights as the whole file; one shard alone names the missing one', async () => {
    const { page, problems } = await openWithExtras();
    await page.selectOption('#f-quant', 'gguf');
    await pick(page, [['tiny-00001-of-00002.gguf', files.shard1], ['tiny-00002-of-00002.gguf', files.shard2]]);
    await page.waitForFunction(() => /00002-of-00002/.test(document.getElementById('gguf-status').textContent));
    const whole = native('--gguf', join(dir, 'whole.gguf'));
    await page.waitForFunction((t) => Number(document.getElementById('total').dataset.bytes) === t, whole.total_bytes);
    const kept = await total(page);
    await pick(page, [['tiny-00001-of-00002.gguf', files.shard1]]);
    await page.waitForFunction(() => document.getElementById('e-gguf').textContent !== '');
    assert.match(await text(page, '#e-gguf'), /missing: tiny-00002-of-00002\.gguf/);
    assert.equal(await total(page), kept, 'the previous result stays');
    await pick(page, [['tiny-00001-of-00002.gguf', files.shard1], ['other-00002-of-00002.gguf', files.other2]]);
    await page.waitForFunction(() => /different models/.test(document.getElementById('e-gguf').textContent));
    assert.equal(await total(page), kept);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('truncated, malformed and non-GGUF files get one clear message and the result stays', async () => {
    const { page, problems } = await openWithExtras();
    await page.selectOption('#f-quant', 'gguf');
    await pick(page, [['tiny.gguf', files.whole]]);
    await page.waitForFunction(() => /tiny\.gguf/.test(document.getElementById('gguf-status').textContent));
    const kept = await total(page);
    const cases = [
      ['cut.gguf', files.whole.subarray(0, 600), /truncated/],
      ['notes.gguf', Buffer.from('just some text, not a model'), /does not start with "GGUF"/],
      ['bad.gguf', Buffer.concat([files.whole.subarray(0, 4), Buffer.from([9, 0, 0, 0]), files.whole.subarray(8)]), /version 9/],
    ];
    for (const [name, buf, re] of cases) {
      await pick(page, [[name, buf]]);
      await page.waitForFunction((n) => document.getElementById('e-gguf').textContent.includes(n), name);
      assert.match(await text(page, '#e-gguf'), re);
      assert.equal(await total(page), kept, `${name}: the previous result stays`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
});
