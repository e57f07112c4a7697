// Property test of the page's URL-state parser (web/js/state.js is JavaScript, so it is fuzzed
// here rather than by libFuzzer): seeded random query strings, hostile and well-formed, must
// parse without throwing, give text values or the defaults, survive a round trip through the
// link the page writes, and the request the page then builds must get an answer object (a
// result or an error naming a field) from the WebAssembly module.
//   FUZZ_URL_RUNS=10000000 node --test tests/fuzz/url-state.test.mjs   (a long campaign)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { PARAMS, queryFromState, stateFromQuery } from '../../web/js/state.js';
import { rng } from './rng.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const runs = Number(process.env.FUZZ_URL_RUNS ?? 200000);
const seed = Number(process.env.FUZZ_URL_SEED ?? 20261201);

const defaults = { model: 'deepseek-r1-distill-qwen-7b', quant: 'Q4_K_M', context: 4096, sequences: 1, runtime: 'llama.cpp',
  kv_type: '', flash_attn: '', unit: 'gb', config_text: '' };
const names = PARAMS.map(([, name]) => name);
const pieces = ['=', '&', '?', '#', '%', '%2', '%ZZ', '%00', '%FF', '%E2%82', '+', ' ', '\0', '\n', '\uD800', '\uDC00', '\u2028',
  '😀', 'é', '<script>', '"', "'", '\\', '1e309', '-1', 'NaN', '4096', '0x10', 'deepseek-r1', 'Q4_K_M', 'on', 'off', 'vllm',
  '{"architectures":["LlamaForCausalLM"]}', 'a'.repeat(300)];

function randomQuery(next) {
  const parts = [];
  const n = next() % 8;
  for (let i = 0; i < n; i++) {
    const key = next() % 4 === 0 ? pieces[next() % pieces.length] : names[next() % names.length];
    let value = '';
    const m = next() % 5;
    for (let j = 0; j < m; j++) {
      value += next() % 3 === 0 ? String.fromCharCode(next() % 0x10000) : pieces[next() % pieces.length];
    }
    parts.push(next() % 7 === 0 ? key : `${key}=${value}`);
  }
  return (next() % 2 ? '?' : '') + parts.join(next() % 9 === 0 ? '&&' : '&');
}

// What a value becomes in a link: URLSearchParams writes well-formed UTF-16 (a lone surrogate
// turns into U+FFFD), and an empty value is left out, so it reads back as the default.
function normalized(s) {
  const out = {};
  for (const [key] of PARAMS) {
    const v = s[key];
    out[key] = typeof v === 'string' ? (v === '' ? String(defaults[key]) : v.toWellFormed()) : String(v);
  }
  return out;
}

test(`${runs} random query strings parse, keep text values and survive the page's round trip`, () => {
  const next = rng(seed);
  for (let i = 0; i < runs; i++) {
    const q = randomQuery(next);
    let s;
    try {
      s = stateFromQuery(q, defaults);
      for (const [key] of PARAMS) {
        assert.ok(typeof s[key] === 'string' || s[key] === defaults[key], `${key} is ${typeof s[key]}`);
      }
      const link = queryFromState(s, defaults);
      assert.ok(link === '' || link.startsWith('?'));
      assert.deepEqual(normalized(stateFromQuery(link, defaults)), normalized(s));
    } catch (e) {
      throw new Error(`case ${i} (seed ${seed}): ${JSON.stringify(q)}: ${e.message}`);
    }
  }
});

test('the requests built from random links get an answer object from the WebAssembly module', async (t) => {
  // The extras module takes the JSON request (the first-result module takes the form's fields).
  const wasmDir = join(root, 'build-wasm', 'wasm');
  if (!existsSync(join(wasmDir, 'vramcalc-extras.js'))) {
    t.skip('build-wasm is missing: run scripts/build first');
    return;
  }
  const create = createRequire(import.meta.url)(join(wasmDir, 'vramcalc-extras.js'));
  const m = await create({ wasmBinary: readFileSync(join(wasmDir, 'vramcalc-extras.wasm')) });
  const next = rng(seed + 1);
  const n = Math.min(runs, 3000);
  for (let i = 0; i < n; i++) {
    const s = stateFromQuery(randomQuery(next), defaults);
    // As web/js/app.js builds it.
    const req = { quant: s.quant, context: String(s.context).trim(), sequences: String(s.sequences).trim(), runtime: s.runtime,
      kv_type: s.kv_type };
    if (s.model === 'custom' || next() % 4 === 0) req.config_text = s.config_text;
    else req.model = s.model;
    if (s.flash_attn) req.flash_attn = s.flash_attn === 'on';
    const out = JSON.parse(m.estimate(JSON.stringify(req)));
    assert.equal(typeof out, 'object');
    if (out.error) {
      assert.ok(out.error.field, `no field for ${JSON.stringify(req)}: ${out.error.message}`);
      assert.ok(out.error.message.length < 400, out.error.message);
      assert.notEqual(out.error.code, 'internal', out.error.message);
    } else {
      assert.ok(Number.isFinite(out.total_bytes), JSON.stringify(req));
    }
  }
});
