// The WebAssembly module in Node: the same answers as the native CLI, and a heap that does not
// grow over thousands of calls.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const wasmDir = join(root, 'build-wasm', 'wasm');
const cli = join(root, 'build', 'vramcalc');
const run = promisify(execFile);

let m;
before(async () => {
  for (const f of [join(wasmDir, 'vramcalc.js'), join(wasmDir, 'vramcalc.wasm'), cli]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run scripts/build first`);
  }
  const create = createRequire(import.meta.url)(join(wasmDir, 'vramcalc.js'));
  m = await create({ wasmBinary: readFileSync(join(wasmDir, 'vramcalc.wasm')) });
});

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

describe('the wasm module', () => {
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
        const got = m.estimate(JSON.stringify(req));
        assert.deepEqual(JSON.parse(got), JSON.parse(expected[j]), JSON.stringify(req));
      });
    }
    assert.ok(requests.length >= models.length * MAIN_PRESETS.length * CONTEXTS.length);
  });

  test('numbers may come as the strings a form holds', () => {
    const asNumbers = m.estimate(JSON.stringify({ model: 'deepseek-r1', context: 8192, sequences: 2 }));
    const asStrings = m.estimate(JSON.stringify({ model: 'deepseek-r1', context: '8192', sequences: '2' }));
    assert.equal(asStrings, asNumbers);
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
      const out = JSON.parse(m.estimate(JSON.stringify(req)));
      assert.ok(out.error, JSON.stringify(req));
      assert.equal(typeof out.error.message, 'string');
      assert.ok(out.error.message.length > 0);
      if (field) assert.equal(out.error.field, field);
    }
    assert.equal(JSON.parse(m.estimate('not json')).error.field, 'request');
  });

  test('5,000 calls do not grow the wasm heap', () => {
    assert.ok(m.HEAPU8, 'the module exposes HEAPU8');
    const reqs = [
      JSON.stringify({ model: 'deepseek-r1', quant: 'Q4_K_M', context: 131072, sequences: 4 }),
      JSON.stringify({ model: 'deepseek-r1-distill-llama-70b', quant: 'INT4', runtime: 'vllm' }),
      JSON.stringify({ model: 'deepseek-r1', context: 0 }),
      '{"config_text": "{\\"architectures\\": [\\"LlamaForCausalLM\\"]"}',
    ];
    for (let i = 0; i < 200; i++) m.estimate(reqs[i % reqs.length]);
    m.catalog();
    const warm = m.HEAPU8.buffer.byteLength;
    for (let i = 0; i < 5000; i++) m.estimate(reqs[i % reqs.length]);
    for (let i = 0; i < 100; i++) m.catalog();
    assert.equal(m.HEAPU8.buffer.byteLength, warm);
  });
});
