// The WebAssembly modules in Node: the same estimates as the native CLI, from the calculator
// module (the first result: a catalogue model's form fields, through the page's own mapping in
// engine.js) and from the extras module (the JSON request: options the form does not send, a
// pasted config.json), and a heap that does not grow over thousands of calls.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { calculatorApi, fieldArgs } from '../../web/js/engine.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const wasmDir = join(root, 'build-wasm', 'wasm');
const cli = join(root, 'build', 'vramcalc');
const run = promisify(execFile);

let raw;
let m;
let x;
let defaults;
before(async () => {
  const load = (name) => {
    for (const f of [join(wasmDir, `${name}.js`), join(wasmDir, `${name}.wasm`), cli]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run scripts/build first`);
    }
    const create = createRequire(import.meta.url)(join(wasmDir, `${name}.js`));
    return create({ wasmBinary: readFileSync(join(wasmDir, `${name}.wasm`)) });
  };
  raw = await load('vramcalc');
  m = calculatorApi(raw);
  x = await load('vramcalc-extras');
  defaults = JSON.parse(m.catalog()).defaults;
});

/** The calculator module's answer for a request the page would send it (text in, text out). */
function calculator(req) {
  const { args, needs } = fieldArgs(req, defaults);
  assert.equal(needs, undefined, `the calculator module takes ${JSON.stringify(req)}`);
  return m.estimateFields(...args);
}
/** Whichever module the page would use: the calculator when it can, the extras otherwise. */
const either = (req) => (fieldArgs(req, defaults).needs ? x.estimate(JSON.stringify(req)) : calculator(req));

/** The CLI's --json for the same request; bad input exits 2 with the error object on stdout. */
async function native(req) {
  const flags = {
    model: '--model', quant: '--quant', context: '--context', sequences: '--sequences',
    kv_type: '--kv-type', runtime: '--runtime', ubatch: '--ubatch',
  };
  const argv = [];
  for (const [key, flag] of Object.entries(flags)) if (key in req) argv.push(flag, String(req[key]));
  if ('flash_attn' in req) argv.push('--flash-attn', req.flash_attn ? 'on' : 'off');
  if ('imatrix' in req) argv.push('--imatrix', req.imatrix ? 'on' : 'off');
  argv.push('--json');
  try {
    return (await run(cli, argv, { maxBuffer: 1 << 24 })).stdout;
  } catch (e) {
    if (e.code === 2 && e.stdout) return e.stdout;
    throw e;
  }
}

const MAIN_PRESETS = ['Q4_K_M', 'Q8_0', 'Q2_K', 'BF16', 'FP8-block', 'INT4'];
const CONTEXTS = [512, 4096, 32768, 131072];

describe('the wasm modules', () => {
  test('reports a version and a catalog with the R1 family', () => {
    assert.match(m.version(), /^\d+\.\d+\.\d+/);
    const catalog = JSON.parse(m.catalog());
    assert.equal(catalog.models.length >= 8, true);
    for (const key of ['models', 'quants', 'runtimes', 'defaults', 'limits']) assert.ok(key in catalog, key);
  });

  test('matches the native CLI for every catalog model x main presets x contexts', async () => {
    const models = JSON.parse(m.catalog()).models.map((x) => x.id);
    const requests = [];
    for (const model of models) {
      for (const quant of MAIN_PRESETS) for (const context of CONTEXTS) requests.push({ model, quant, context });
    }
    // Runtimes, cache types and the other options, on the models that differ most.
    for (const model of ['deepseek-r1', 'deepseek-r1-distill-llama-70b', 'deepseek-r1-distill-qwen-1.5b']) {
      for (const runtime of ['llama.cpp-2025', 'llama.cpp-legacy', 'ollama', 'vllm', 'sglang']) {
        requests.push({ model, runtime, context: 16384, sequences: 4 });
      }
      requests.push({ model, kv_type: 'q8_0', context: 65536, flash_attn: true });
      requests.push({ model, kv_type: 'q4_0', flash_attn: false, ubatch: 1024 });
      requests.push({ model, runtime: 'vllm', kv_type: 'fp8', quant: 'FP8' });
      requests.push({ model, quant: 'IQ4_XS', imatrix: true });
      requests.push({ model, quant: 'Q4_0', imatrix: false, sequences: 8 });
    }
    // Errors are data on both sides, with the same message (as strings, which is what the CLI
    // receives and what the message quotes back).
    requests.push({ model: 'deepseek-r1', context: '0' }, { model: 'deepseek-r1', context: '1000000000000' },
      { model: 'no-such-model' }, { model: 'deepseek-r1', quant: 'Q9' }, { model: 'deepseek-r1', sequences: '-1' });

    for (let i = 0; i < requests.length; i += 8) {
      const batch = requests.slice(i, i + 8);
      const expected = await Promise.all(batch.map(native));
      batch.forEach((req, j) => {
        // Byte for byte: the same writer prints both (numbers included).
        assert.equal(either(req), expected[j].trimEnd(), JSON.stringify(req));
        // The extras module's JSON reader agrees with the calculator's fields.
        assert.equal(x.estimate(JSON.stringify(req)), expected[j].trimEnd(), JSON.stringify(req));
      });
    }
    assert.ok(requests.length >= models.length * MAIN_PRESETS.length * CONTEXTS.length);
    assert.ok(requests.filter((r) => !fieldArgs(r, defaults).needs).length >= models.length * MAIN_PRESETS.length * CONTEXTS.length);
  });

  test('the calculator module leaves the JSON reader and the planner to the extras module', () => {
    assert.equal(typeof raw.estimate, 'undefined');
    assert.equal(typeof raw._vc_estimate_fields, 'function');
    for (const [req, field] of [[{ config_text: '{}' }, 'config_text'], [{ model: 'deepseek-r1', gpu: 'rtx-4090' }, 'gpu'],
      [{ model: 'deepseek-r1', ubatch: 1024 }, 'ubatch'], [{ model: 'deepseek-r1', context: -1 }, 'context'],
      [{ model: 'deepseek-r1', context: 1.5 }, 'context'], [{ model: 'deepseek-r1', suggest_gpu: true }, 'suggest_gpu']]) {
      assert.equal(fieldArgs(req, defaults).needs, field, JSON.stringify(req));
    }
  });

  test('numbers may come as the strings a form holds', () => {
    const asNumbers = calculator({ model: 'deepseek-r1', context: 8192, sequences: 2 });
    const asStrings = calculator({ model: 'deepseek-r1', context: '8192', sequences: '2' });
    assert.equal(asStrings, asNumbers);
    assert.equal(x.estimate(JSON.stringify({ model: 'deepseek-r1', context: 8192, sequences: 2 })), asNumbers);
  });

  test('errors come back as data naming the field', () => {
    const cases = [
      [{ model: 'deepseek-r1', context: '0' }, 'context'],
      [{ model: 'deepseek-r1', context: 'abc' }, 'context'],
      [{ model: 'deepseek-r1', sequences: '' }, 'sequences'],
      [{ model: 'x' }, 'model'],
      [{ config_text: '{"architectures": ["LlamaForCausalLM"], "hidden_size": "x"}' }, null],
    ];
    for (const [req, field] of cases) {
      const out = JSON.parse(either(req));
      assert.ok(out.error, JSON.stringify(req));
      assert.equal(typeof out.error.message, 'string');
      assert.ok(out.error.message.length > 0);
      if (field) assert.equal(out.error.field, field);
    }
    assert.equal(JSON.parse(x.estimate('not json')).error.field, 'request');
    // The same message from either module for what a form holds.
    for (const req of [{ model: 'deepseek-r1', context: 'abc' }, { model: 'deepseek-r1', sequences: '' },
      { model: 'x' }, { model: 'deepseek-r1', flash_attn: 'maybe' }, { model: 'deepseek-r1', quant: 'Q9' }]) {
      assert.equal(calculator(req), x.estimate(JSON.stringify(req)), JSON.stringify(req));
    }
  });

  test('5,000 calls do not grow the wasm heap', () => {
    assert.ok(raw.HEAPU8, 'the module exposes HEAPU8');
    const reqs = [
      fieldArgs({ model: 'deepseek-r1', quant: 'Q4_K_M', context: 131072, sequences: 4 }, defaults).args,
      fieldArgs({ model: 'deepseek-r1-distill-llama-70b', quant: 'INT4', runtime: 'vllm' }, defaults).args,
      fieldArgs({ model: 'deepseek-r1', context: 0 }, defaults).args,
      fieldArgs({ model: 'deepseek-r1', context: 'x' }, defaults).args,
    ];
    for (let i = 0; i < 200; i++) m.estimateFields(...reqs[i % reqs.length]);
    m.catalog();
    const warm = raw.HEAPU8.buffer.byteLength;
    for (let i = 0; i < 5000; i++) m.estimateFields(...reqs[i % reqs.length]);
    for (let i = 0; i < 100; i++) m.catalog();
    assert.equal(raw.HEAPU8.buffer.byteLength, warm);
  });
});
