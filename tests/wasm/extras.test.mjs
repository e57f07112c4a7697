// The extras WebAssembly module (cost calculators) in Node: the same JSON as the native CLI's
// `cost`, `cost --volumes`, `route` and `monitor` with --json, errors included, as the page
// minifies it (dist/vramcalc-extras.js) and as the build makes it; a heap that does not grow.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'build', 'vramcalc');
const run = promisify(execFile);
const require = createRequire(import.meta.url);

async function load(dir) {
  const js = join(dir, 'vramcalc-extras.js');
  const wasm = join(dir, 'vramcalc-extras.wasm');
  for (const f of [js, wasm]) if (!existsSync(f)) throw new Error(`${f} is missing: run scripts/build first`);
  return require(js)({ wasmBinary: readFileSync(wasm) });
}

let built;
let page;
before(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run scripts/build first`);
  built = await load(join(root, 'build-wasm', 'wasm'));
  page = await load(join(root, 'dist'));
});

const SELF_HOST = ['devices', 'usd_per_device_hour', 'decode_tokens_per_s', 'prefill_tokens_per_s', 'gpu', 'hours_per_month'];
const flag = (field) => `--${field.replaceAll('_', '-')}`;

/** The CLI's --json for a cost request (field values as the strings a form holds). */
async function native(req) {
  const { kind = 'api', metrics, self_host: selfHost, ...rest } = req;
  const argv = kind === 'api' || kind === 'volumes' ? ['cost'] : [kind];
  if (kind === 'volumes') argv.push('--volumes');
  for (const [k, v] of Object.entries(kind === 'monitor' ? metrics ?? {} : rest)) argv.push(flag(k), String(v));
  for (const [k, v] of Object.entries(selfHost ?? {})) {
    assert.ok(SELF_HOST.includes(k), k);
    argv.push(flag(k), String(v));
  }
  argv.push('--json');
  try {
    return (await run(cli, argv)).stdout;
  } catch (e) {
    if (e.code === 2 && e.stdout) return e.stdout;
    throw e;
  }
}

const REQUESTS = [
  { kind: 'api' },
  { kind: 'api', calls_per_day: '1000' },
  { kind: 'api', preset: 'custom', calls_per_day: '250', input_tokens: '8000', output_tokens: '1200' },
  { kind: 'api', input_price: '0.3', output_price: '1.2', cached_input_price: '0.07', cache_hit_percent: '40', retry_percent: '10' },
  { kind: 'api', calls_per_day: '50000', retry_percent: '2.5', input_tokens: '0', output_tokens: '900' },
  { kind: 'api', calls_per_day: '200000', self_host: { gpu: 'h100-sxm', devices: '16', usd_per_device_hour: '2.95',
    decode_tokens_per_s: '503.115', prefill_tokens_per_s: '80802.341' } },
  { kind: 'api', calls_per_day: '3000000', input_tokens: '500', output_tokens: '200', self_host: { devices: '8',
    usd_per_device_hour: '1.5', decode_tokens_per_s: '2400', prefill_tokens_per_s: '90000' } },
  { kind: 'volumes' },
  { kind: 'volumes', input_price: '1', output_price: '4', retry_percent: '10' },
  { kind: 'volumes', preset: 'custom' },
  { kind: 'route', stage: 'prototype', calls_per_day: '200', compliance: 'none' },
  { kind: 'route', stage: 'production', calls_per_day: '50000', compliance: 'none' },
  { kind: 'route', stage: 'production', calls_per_day: '500000', compliance: 'none', latency_flexible: 'yes' },
  { kind: 'route', stage: 'production', calls_per_day: '500', compliance: 'strict' },
  { kind: 'route', stage: 'production', calls_per_day: '5000', compliance: 'none', latency_flexible: 'no' },
  { kind: 'monitor', metrics: {} },
  { kind: 'monitor', metrics: { rate_429_percent: '3' } },
  { kind: 'monitor', metrics: { rate_429_percent: '1', retry_multiplier: '1.2', fallback_percent: '12',
    output_input_ratio: '0.8', output_input_ratio_baseline: '0.4', top_user_spend: '600', median_user_spend: '100',
    cost_per_task: '0.05', cost_per_task_last_week: '0.04', model_error_percent: '4', other_models_error_percent: '2' } },
  // Errors: data naming the field, with the same message on both sides.
  { kind: 'api', calls_per_day: '0' },
  { kind: 'api', input_price: '-1' },
  { kind: 'api', output_price: 'abc' },
  { kind: 'api', retry_percent: '100' },
  { kind: 'api', cache_hit_percent: '101' },
  { kind: 'api', preset: 'nope' },
  { kind: 'api', self_host: { devices: '0', usd_per_device_hour: '2', decode_tokens_per_s: '10', prefill_tokens_per_s: '10' } },
  { kind: 'api', self_host: { devices: '2', usd_per_device_hour: '-2', decode_tokens_per_s: '10', prefill_tokens_per_s: '10' } },
  { kind: 'route', stage: 'launch', calls_per_day: '10', compliance: 'none' },
  { kind: 'route', stage: 'production', calls_per_day: '-5', compliance: 'none' },
  { kind: 'monitor', metrics: { rate_429_percent: '150' } },
  { kind: 'monitor', metrics: { top_user_spend: '10', median_user_spend: '0' } },
];

describe('the extras wasm module', () => {
  test('reports the same version as the calculator build', () => {
    assert.match(built.version(), /^\d+\.\d+\.\d+/);
    assert.equal(page.version(), built.version());
  });

  test('matches the native CLI for API, volume, route and monitor requests and their errors', async () => {
    let errors = 0;
    for (let i = 0; i < REQUESTS.length; i += 6) {
      const batch = REQUESTS.slice(i, i + 6);
      const expected = await Promise.all(batch.map(native));
      batch.forEach((req, j) => {
        const want = JSON.parse(expected[j]);
        if (want.error) errors++;
        assert.deepEqual(JSON.parse(built.cost(JSON.stringify(req))), want, JSON.stringify(req));
        // The minified glue the page serves gives the same answers.
        assert.deepEqual(JSON.parse(page.cost(JSON.stringify(req))), want, `dist: ${JSON.stringify(req)}`);
      });
    }
    assert.ok(errors >= 10, `${errors} error cases`);
  });

  test('errors name the field the page shows them under', () => {
    const cases = [
      [{ kind: 'api', calls_per_day: '0' }, 'calls_per_day'],
      [{ kind: 'api', input_price: '-0.5' }, 'input_price'],
      [{ kind: 'api', retry_percent: '100' }, 'retry_percent'],
      [{ kind: 'api', retry_percent: '250' }, 'retry_percent'],
      [{ kind: 'api', self_host: { devices: '1', usd_per_device_hour: 'x', decode_tokens_per_s: '1', prefill_tokens_per_s: '1' } },
        'usd_per_device_hour'],
      [{ kind: 'route', compliance: 'loose' }, 'compliance'],
      [{ kind: 'monitor', metrics: { retry_multiplier: '0.5' } }, 'retry_multiplier'],
      [{ kind: 'what' }, 'kind'],
    ];
    for (const [req, field] of cases) {
      const out = JSON.parse(built.cost(JSON.stringify(req)));
      assert.ok(out.error, JSON.stringify(req));
      assert.equal(out.error.field, field, JSON.stringify(req));
      assert.doesNotMatch(out.error.message, /NaN|Infinity|undefined/);
    }
    assert.equal(JSON.parse(built.cost('not json')).error.field, 'request');
  });

  test('3,000 calls do not grow the wasm heap', () => {
    const reqs = REQUESTS.map((r) => JSON.stringify(r));
    for (let i = 0; i < 200; i++) built.cost(reqs[i % reqs.length]);
    const warm = built.HEAPU8.buffer.byteLength;
    for (let i = 0; i < 3000; i++) built.cost(reqs[i % reqs.length]);
    assert.equal(built.HEAPU8.buffer.byteLength, warm);
  });
});
