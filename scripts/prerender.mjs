// Builds dist/ from web/: fills index.html's tables, FAQ figures and default result with the
// NATIVE CLI's --json output (the same core as the page's wasm), and copies the page's files and
// the two wasm modules (calculator, and the extras loaded on demand) next to it, their Emscripten
// glue minified. Called by scripts/build after both builds.
//
//   node scripts/prerender.mjs [--cli build/vramcalc] [--wasm build-wasm/wasm] [--out dist]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esc, fmtBytes, fmtInt, fmtParams } from '../web/js/format.js';
import { modelKind, modelRows, precisionRows, PRECISIONS, resultHtml, TABLE_CONTEXTS, TABLE_MODELS, TABLE_QUANT } from '../web/js/views.js';
import { deviceOptions, hardwarePrompt } from '../web/js/hardware-view.js';
import { calculatorApi } from '../web/js/engine.js';
import { apiHtml, monitorHtml, presetOptions, routeHtml, selfHostPrompt, volumeRows } from '../web/js/cost-view.js';
import { faqRunHtml } from '../web/js/machine-view.js';

// Style sheets the modules loaded after the first result link themselves.
const LATE_STYLES = ['machine.css', 'quant.css'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return resolve(root, i >= 0 ? args[i + 1] : fallback);
};
const cli = opt('--cli', 'build/vramcalc');
const wasmDir = opt('--wasm', 'build-wasm/wasm');
const out = opt('--out', 'dist');
const web = join(root, 'web');

/** One estimate from the native CLI: {model, quant, context, ...} -> the parsed --json output. */
function estimate({ model, quant = 'Q4_K_M', context = 4096, runtime }) {
  // --suggest-gpu: the planner's smallest device, as the page asks for it (suggest_gpu: true).
  const argv = ['--model', model, '--quant', quant, '--context', String(context), '--suggest-gpu', '--json'];
  if (runtime) argv.push('--runtime', runtime);
  let text;
  try {
    text = execFileSync(cli, argv, { encoding: 'utf8' });
  } catch (e) {
    throw new Error(`prerender: ${cli} ${argv.join(' ')} failed: ${e.stdout || e.message}`);
  }
  return JSON.parse(text);
}

/** The CLI's cost, route or monitor sub-command: ['cost', '--volumes'] -> the parsed --json output. */
function costCli(argv) {
  try {
    return JSON.parse(execFileSync(cli, [...argv, '--json'], { encoding: 'utf8' }));
  } catch (e) {
    throw new Error(`prerender: ${cli} ${argv.join(' ')} failed: ${e.stdout || e.message}`);
  }
}

// The catalog (form options, defaults and the planner's devices) from the native CLI.
const catalog = JSON.parse(execFileSync(cli, ['--catalog-json'], { encoding: 'utf8' }));
const defaults = catalog.defaults;
// The engine version, from the freshly built module (which also shows it loads).
const createModule = createRequire(import.meta.url)(join(wasmDir, 'vramcalc.js'));
const wasm = calculatorApi(await createModule({ wasmBinary: readFileSync(join(wasmDir, 'vramcalc.wasm')) }));
const version = wasm.version();

const option = (value, label, selected) =>
  `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
const group = (label, items) => `<optgroup label="${esc(label)}">${items.join('')}</optgroup>`;

const byFamily = (f) => catalog.models.filter((m) => m.family === f);
const modelOptions = [
  group('DeepSeek-R1 — 671B mixture of experts', byFamily('full').map((m) =>
    option(m.id, `${m.name} (${m.params_official} MoE)`, m.id === defaults.model))),
  group('R1-Distill — dense models, not the 671B model', byFamily('distill').map((m) =>
    option(m.id, `${m.name} (${m.params_official} dense)`, m.id === defaults.model))),
  group('DeepSeek-V3 — same 671B architecture, chat models', byFamily('v3').map((m) =>
    option(m.id, `${m.name} (${m.params_official} MoE)`, m.id === defaults.model))),
  group('Your own model', [option('custom', 'Custom: paste a config.json', false)]),
].join('\n');
const quantOptions = [
  group('GGUF K-quants and legacy (llama.cpp, Ollama)', catalog.quants.filter((q) => q.group === 'k').map((q) =>
    option(q.name, q.name, q.name === defaults.quant))),
  group('GGUF IQ presets (llama.cpp; IQ1/IQ2 need an importance matrix)', catalog.quants.filter((q) => q.group === 'iq').map((q) =>
    option(q.name, q.name, q.name === defaults.quant))),
  group('GPU formats (vLLM, SGLang)', catalog.quants.filter((q) => q.kind === 'gpu').map((q) =>
    option(q.name, q.name, q.name === defaults.quant))),
].join('\n');
const runtime = catalog.runtimes.find((r) => r.id === defaults.runtime);
const runtimeOptions = catalog.runtimes.map((r) => option(r.id, r.name, r.id === defaults.runtime)).join('\n');
const kvOptions = runtime.kv_types.map((k) => option(k, k, k === runtime.kv_type_default)).join('\n');
const defaultModel = catalog.models.find((m) => m.id === defaults.model);

const sliderPos = (ctx, max) => Math.round((1000 * Math.log(ctx / 512)) / Math.log(max / 512));

// The figures the page states.
const r1 = estimate({ model: 'deepseek-r1' });
const r1q2 = estimate({ model: 'deepseek-r1', quant: 'Q2_K' });
const r1legacy = estimate({ model: 'deepseek-r1', runtime: 'llama.cpp-legacy' });
const r1long = estimate({ model: 'deepseek-r1', context: 131072 });
const d70 = estimate({ model: 'deepseek-r1-distill-llama-70b' });
const d70long = estimate({ model: 'deepseek-r1-distill-llama-70b', context: 131072 });
const d7 = estimate({ model: 'deepseek-r1-distill-qwen-7b' });
const precision = PRECISIONS.map(([, quant]) => estimate({ model: 'deepseek-r1', quant }));
const weightsOf = (quant) => precision[PRECISIONS.findIndex(([, q]) => q === quant)].weights_bytes;
const tableRows = TABLE_MODELS.map((model) => estimate({ model, quant: TABLE_QUANT, context: TABLE_CONTEXTS[0] }));
const first = estimate({ model: defaults.model, quant: defaults.quant, context: defaults.context });

// The cost section at its defaults: the core's default workload at each price preset, the
// monthly-volume table, the route helper's form defaults and an empty monitoring checklist.
const presetIds = ['deepseek-r1', 'custom'];
const costByPreset = presetIds.map((id) => costCli(['cost', '--preset', id]));
const cost = costByPreset[0];
const volumes = costCli(['cost', '--volumes']);
const route = costCli(['route', '--stage', 'prototype', '--calls-per-day', '1000', '--compliance', 'none', '--latency-flexible', 'no']);
const monitor = costCli(['monitor']);
// Where each preset's prices come from: text for the reader, from the same data file the core
// compiles in (the core's cost JSON carries the date, not the source).
const priceData = JSON.parse(readFileSync(join(root, 'data', 'api_prices.json'), 'utf8'));
const sourceOf = (id) => priceData.presets.find((p) => p.id === id)?.source ?? '';
const presetSourceText = (r) => (r.preset.date
  ? `Published ${r.preset.date}. Source: ${sourceOf(r.preset.id)}`
  : 'Your own prices: edit the fields below.');

// "How do I run it locally?": the launch command for three common setups, from the native CLI.
const runSetups = [
  ['A distill on one consumer GPU: DeepSeek-R1-Distill-Qwen-14B at Q4_K_M on an RTX 4090 with llama.cpp, 32,768 tokens',
    ['--model', 'deepseek-r1-distill-qwen-14b', '--quant', 'Q4_K_M', '--gpu', 'rtx-4090', '--context', '32768']],
  ['The 671B R1 with its experts in RAM: Q2_K on an RTX 4090 and 256 GB of RAM, 16,384 tokens',
    ['--model', 'deepseek-r1', '--quant', 'Q2_K', '--gpu', 'rtx-4090', '--offload', 'experts', '--ram-gb', '256', '--context', '16384']],
  ['R1 on eight datacenter GPUs: FP8 as DeepSeek ships it, on 8 H200 with vLLM, 32,768 tokens',
    ['--model', 'deepseek-r1', '--quant', 'FP8-block', '--runtime', 'vllm', '--gpu', 'h200', '--gpus', '8', '--context', '32768']],
].map(([title, argv]) => ({ title, result: costCli([...argv, '--max-context', '--command']) }));

const gb = (bytes) => fmtBytes(bytes, 'gb');
const values = {
  FAQ_RUN: faqRunHtml(runSetups),
  MODEL_OPTIONS: modelOptions,
  MODEL_HINT: modelKind(defaultModel),
  QUANT_OPTIONS: quantOptions,
  QUANT_HINT: esc(catalog.quants.find((q) => q.name === defaults.quant).description),
  RUNTIME_OPTIONS: runtimeOptions,
  RUNTIME_HINT: esc(runtime.describes),
  KV_OPTIONS: kvOptions,
  FA_DEFAULT: `Default (${runtime.flash_attn_default ? 'on' : 'off'})`,
  CTX: String(defaults.context),
  CTX_TEXT: fmtInt(defaults.context),
  CTX_SLIDER: String(sliderPos(defaults.context, defaultModel.context_max)),
  CTX_MAX_TEXT: fmtInt(defaultModel.context_max),
  SEQ: String(defaults.sequences),
  RESULT: resultHtml(first, 'gb'),
  SUMMARY_TOTAL: gb(first.total_bytes),
  SUMMARY_WHAT: `${esc(first.model.name)} · ${esc(first.quant.name)}`,
  TABLE_CTX_OPTIONS: TABLE_CONTEXTS.map((c, i) => option(String(c), `${fmtInt(c)} tokens`, i === 0)).join('\n'),
  MODEL_ROWS: modelRows(tableRows, 'gb'),
  PRECISION_ROWS: precisionRows(precision, 'gb'),
  R1_PARAMS: fmtParams(r1.params_total),
  R1_ACTIVE: fmtParams(r1.params_active),
  R1_MTP: fmtParams(r1.params_mtp),
  R1_Q4_TOTAL: gb(r1.total_bytes),
  R1_Q4_TOTAL_GIB: fmtBytes(r1.total_bytes, 'gib'),
  R1_Q4_WEIGHTS: gb(r1.weights_bytes),
  R1_Q4_KV: gb(r1.kv_cache_bytes),
  R1_FP8_WEIGHTS: gb(weightsOf('FP8-block')),
  R1_BF16_WEIGHTS: gb(weightsOf('BF16')),
  R1_Q2_TOTAL: gb(r1q2.total_bytes),
  D70_Q4_TOTAL: gb(d70.total_bytes),
  R1_KVPT: fmtBytes(r1.kv_bytes_per_token, 'gb'),
  R1_LEGACY_KVPT: fmtBytes(r1legacy.kv_bytes_per_token, 'gb'),
  D70_KVPT: fmtBytes(d70.kv_bytes_per_token, 'gb'),
  D7_KVPT: fmtBytes(d7.kv_bytes_per_token, 'gb'),
  R1_KV128K: gb(r1long.kv_cache_bytes),
  D70_KV128K: gb(d70long.kv_cache_bytes),
  VERSION: esc(version),
  DEVICE_OPTIONS: deviceOptions(catalog.devices),
  HW_RESULT: hardwarePrompt(),
  PRESET_OPTIONS: presetOptions(costByPreset, cost.preset.id, costByPreset.map(presetSourceText)),
  PRESET_SOURCE: esc(presetSourceText(cost)),
  COST_CALLS: String(cost.api.calls_per_day),
  COST_IN: String(cost.api.input_tokens),
  COST_OUT: String(cost.api.output_tokens),
  COST_PIN: String(cost.api.input_price),
  COST_POUT: String(cost.api.output_price),
  COST_PCACHE: cost.api.cached_input_price == null ? '' : String(cost.api.cached_input_price),
  COST_HIT: String(cost.api.cache_hit_percent),
  COST_RETRY: String(cost.api.retry_percent),
  COST_RESULT: apiHtml(cost),
  SELFHOST_RESULT: selfHostPrompt('Choose a device in the hardware section above: the self-hosting cost uses its placement and speed.'),
  VOLUME_ROWS: volumeRows(volumes),
  ROUTE_RESULT: routeHtml(route),
  MONITOR_RESULT: monitorHtml(monitor),
};

let html = readFileSync(join(web, 'index.html'), 'utf8');
html = html.replace(/\{\{([A-Z0-9_]+)\}\}/g, (whole, key) => {
  if (!(key in values)) throw new Error(`prerender: index.html uses {{${key}}}, which has no value`);
  return values[key];
});
if (html.includes('{{')) throw new Error('prerender: a placeholder was left in index.html');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'js'), { recursive: true });
await writeScriptsAndStyles();
writeFileSync(join(out, 'index.html'), html);
for (const name of ['vramcalc', 'vramcalc-extras']) {
  await writeGlue(join(wasmDir, `${name}.js`), join(out, `${name}.js`));
  cpSync(join(wasmDir, `${name}.wasm`), join(out, `${name}.wasm`));
}
// The solvers' worker, a classic script next to the extras glue it loads.
await writeGlue(join(web, 'solve-worker.js'), join(out, 'solve-worker.js'));
console.log(`prerender: wrote ${out} (engine ${version})`);

/**
 * An Emscripten glue file, minified by esbuild when it is installed: whitespace, syntax and local
 * names only (no bundling, no format change), so it stays a classic script that defines its
 * factory (createVramcalcModule, createVramcalcExtras) and still loads in Node through require.
 */
async function writeGlue(from, to) {
  const code = readFileSync(from, 'utf8');
  let esbuild = null;
  try {
    esbuild = await import('esbuild');
  } catch {
    cpSync(from, to);
    return;
  }
  const min = await esbuild.transform(code, { minify: true, legalComments: 'none', logLevel: 'warning' });
  const factory = /\bvar (create\w+)\s*=/.exec(code)?.[1];
  if (factory && !new RegExp(`\\bvar ${factory}\\b`).test(min.code)) {
    throw new Error(`prerender: minifying ${from} lost its factory ${factory}`);
  }
  writeFileSync(to, min.code);
}

/**
 * dist/js/app.js and dist/style.css: bundled and minified by esbuild when it is installed
 * (npm ci), which turns the module graph into one request; otherwise the modules are copied as
 * they are, and the page works the same.
 */
async function writeScriptsAndStyles() {
  let esbuild = null;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.log('prerender: esbuild not installed (npm ci): copying the modules unbundled');
  }
  if (!esbuild) {
    cpSync(join(web, 'style.css'), join(out, 'style.css'));
    for (const css of LATE_STYLES) cpSync(join(web, css), join(out, css));
    cpSync(join(web, 'js'), join(out, 'js'), { recursive: true });
    return;
  }
  const css = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning' };
  const common = { ...css, format: 'esm', target: 'es2020' };
  const js = join(web, 'js');
  // The first result's script is one file: app.js with every module it imports, so the page
  // needs no request after it (a chunk it imported would cost a round trip after app.js, 560 ms
  // on the mobile profile). What it imports dynamically (the sections, offline support, the
  // Embed panel) stays a file of its own, fetched after the first result.
  const late = new Set();
  const sectionsApart = {
    name: 'sections-apart',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (a) => {
        if (a.kind !== 'dynamic-import') return undefined;
        late.add(resolve(a.resolveDir, a.path));
        return { path: a.path, external: true };
      });
    },
  };
  const probe = await esbuild.build({ ...common, entryPoints: [join(js, 'app.js')], write: false, metafile: true,
    outdir: join(out, 'js'), plugins: [sectionsApart] });
  const firstModules = Object.keys(probe.metafile.inputs).map((f) => resolve(f)).filter((f) => f !== join(js, 'app.js'));
  // The later files take the modules app.js holds from app.js itself (one instance each: the
  // engine's module and worker are loaded once), through the namespaces it exports as __shared.
  const key = (f) => relative(js, f).split('\\').join('/');
  const exportsOf = async (f) => {
    const r = await esbuild.build({ entryPoints: [f], bundle: false, write: false, metafile: true, format: 'esm', outdir: out, logLevel: 'warning' });
    return Object.values(r.metafile.outputs)[0].exports;
  };
  const names = new Map(await Promise.all(firstModules.map(async (f) => [f, await exportsOf(f)])));
  // What the later files import from each of those modules: app.js exports only that.
  const used = new Map(firstModules.map((f) => [f, new Set()]));
  const importedNames = (importer, spec) => {
    const quoted = spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`).exec(readFileSync(importer, 'utf8'));
    if (!m) throw new Error(`prerender: ${key(importer)} must import from ${spec} by name ({ ... }): app.js shares it`);
    return m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean);
  };
  const fromApp = {
    name: 'from-app',
    setup(b) {
      b.onResolve({ filter: /^\.\/app\.js$/, namespace: 'app' }, () => ({ path: './app.js', external: true }));
      b.onResolve({ filter: /.*/ }, (a) => {
        if (a.kind !== 'import-statement' || a.namespace !== 'file') return undefined;
        const f = resolve(a.resolveDir, a.path);
        if (!names.has(f)) return undefined;
        for (const n of importedNames(a.importer, a.path)) used.get(f).add(n);
        return { path: f, namespace: 'app' };
      });
      b.onLoad({ filter: /.*/, namespace: 'app' }, (a) => ({
        contents: `import { __shared } from './app.js';\nexport const { ${names.get(a.path).join(', ')} } = __shared[${JSON.stringify(key(a.path))}];`,
        loader: 'js',
      }));
    },
  };
  // Each later file is one request too: built on its own, the little modules that read app.js's
  // namespaces go into each file instead of chunks of their own (a chunk would cost another round
  // trip before the section starts). A module two of them would both hold is an error: it would
  // run twice, with two states.
  const holders = new Map();
  for (const f of late) {
    const r = await esbuild.build({ ...common, entryPoints: [f], outfile: join(out, 'js', key(f)), metafile: true, plugins: [fromApp] });
    for (const input of Object.keys(r.metafile.inputs)) {
      if (input.startsWith('app:')) continue;
      const m = resolve(input);
      if (holders.has(m)) throw new Error(`prerender: ${key(m)} would be in both ${holders.get(m)} and ${key(f)}`);
      holders.set(m, key(f));
    }
  }
  const shared = firstModules.filter((f) => used.get(f).size);
  const entry = ["import './app.js';",
    ...shared.map((f, i) => `import { ${[...used.get(f)].map((n, j) => `${n} as m${i}_${j}`).join(', ')} } from './${key(f)}';`),
    `export const __shared = {${shared.map((f, i) => `${JSON.stringify(key(f))}: { ${[...used.get(f)].map((n, j) => `${n}: m${i}_${j}`).join(', ')} }`).join(', ')}};`].join('\n');
  await esbuild.build({ ...common, stdin: { contents: entry, resolveDir: js, sourcefile: 'entry.js' },
    outfile: join(out, 'js', 'app.js'), plugins: [sectionsApart] });
  await esbuild.build({ ...css, entryPoints: [join(web, 'style.css')], outfile: join(out, 'style.css') });
  for (const sheet of LATE_STYLES) await esbuild.build({ ...css, entryPoints: [join(web, sheet)], outfile: join(out, sheet) });
}
