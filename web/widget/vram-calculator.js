// <vram-calculator>: the calculator as an element a blog post can hold, loaded by one script tag
// from the calculator's own site:
//
//   <script type="module" src="https://SITE/widget/vram-calculator.js"></script>
//   <vram-calculator model="deepseek-r1-distill-qwen-7b" quant="Q4_K_M" context="8192">
//     <a href="https://SITE/?ctx=8192">Memory calculator: R1-Distill-Qwen-7B at Q4_K_M</a>
//   </vram-calculator>
//
// It renders into a shadow root, so the host page's CSS does not reach it, and the link inside
// it is what readers without scripts see (it is not shown once the widget runs). The WebAssembly
// core comes from this script's origin, through engine.js and the glue wrapped as a module: no
// global is read or written, so a host's `Module`, `define` or `createVramcalcModule` does not
// matter. One core instance serves every widget on the page; it is loaded when the first widget
// comes near the viewport. Figures are the core's; this file only lays them out.
import createVramcalcModule from './vramcalc-module.js';
import { EstimateError, loadEngine, loadExtras } from '../js/engine.js';
import { count, esc, fmtBytes, fmtInt, fmtParams, short } from '../js/format.js';
import { minimumDevice } from '../js/min-device.js';
import { queryFromState } from '../js/state.js';

const SITE = new URL('../', import.meta.url);
const WASM_URL = new URL('vramcalc.wasm', SITE).href;
const EXTRAS_WASM_URL = new URL('vramcalc-extras.wasm', SITE).href;
// The extras module (hardware planner and solvers) for a widget given a device: its glue wrapped
// as a module by scripts/widget.mjs, fetched only then (a runtime URL, so it is not bundled).
const EXTRAS_MODULE_URL = new URL('vramcalc-extras-module.js', import.meta.url).href;

let enginePromise = null;
let engine = null; // set once loaded, for the synchronous getters

/**
 * Loads the core once per page. The wasm is fetched here (no credentials: the calculator's
 * origin needs no cookies) and instantiated from its bytes rather than streamed, so a host that
 * wraps or polyfills fetch still works.
 */
function wasmArgs(url, fail) {
  return {
    locateFile: (path) => new URL(path, SITE).href,
    instantiateWasm(imports, receive) {
      fetch(url, { mode: 'cors', credentials: 'omit' })
        .then((r) => {
          if (!r.ok) throw new Error(`${WASM_URL}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((bytes) => WebAssembly.instantiate(bytes, imports))
        .then(({ instance, module }) => receive(instance, module))
        .catch((e) => fail(new EstimateError({ code: 'load_failed', message: `The calculator could not load: ${e?.message ?? e}` })));
      return {}; // Emscripten's signal that instantiation is asynchronous
    },
  };
}

function getEngine() {
  if (enginePromise) return enginePromise;
  let fail;
  const failed = new Promise((_, reject) => { fail = reject; });
  const moduleArgs = wasmArgs(WASM_URL, fail);
  enginePromise = Promise.race([loadEngine({ create: createVramcalcModule, moduleArgs }), failed]).then((e) => {
    engine = e;
    return e;
  });
  return enginePromise;
}

let extrasPromise = null;
/** The extras module, loaded once per page when a widget names a device. */
function getExtras() {
  if (extrasPromise) return extrasPromise;
  let fail;
  const failed = new Promise((_, reject) => { fail = reject; });
  extrasPromise = Promise.race([
    import(EXTRAS_MODULE_URL).then(({ default: create }) => loadExtras({ create, moduleArgs: wasmArgs(EXTRAS_WASM_URL, fail) })),
    failed,
  ]);
  extrasPromise.catch(() => { extrasPromise = null; });
  return extrasPromise;
}

// The smallest device that fits comes from the core's hardware planner; a build of the module
// without the planner says so (needs_planner), and the widget then shows the rest without it.
let withPlanner = true;
function estimate(request) {
  if (withPlanner) {
    try {
      return engine.estimate({ ...request, suggest_gpu: true });
    } catch (e) {
      if (!(e instanceof EstimateError) || e.code !== 'needs_planner') throw e;
      withPlanner = false;
    }
  }
  return engine.estimate(request);
}

const INT = /^\s*\d{1,12}\s*$/;
const ATTRIBUTES = ['model', 'quant', 'context', 'sequences', 'runtime', 'compact', 'theme', 'gpu', 'gpus'];
const THEMES = ['light', 'dark', 'auto'];

const STYLE = `
:host { display: block !important; contain: content; max-width: 100%; }
:host([hidden]) { display: none !important; }
.w {
  all: initial; display: block; box-sizing: border-box; width: 100%; min-height: 396px;
  padding: 14px 16px; border: 1px solid var(--line); border-radius: 10px;
  background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left;
  --bg: #fff; --fg: #1b1d21; --muted: #51565e; --line: #d5d8dd; --panel: #f5f6f8; --accent: #1d5fc9; --err: #b42318;
  --p-weights: #2563c9; --p-kv_cache: #c2410c; --p-buffers: #2f7d4f; --p-overhead: #7c3aed;
  color-scheme: light;
}
.w.compact { min-height: 214px; }
.w.dark {
  --bg: #14161a; --fg: #e7e9ec; --muted: #a9aeb6; --line: #3a3f47; --panel: #1d2026; --accent: #7fb0ff; --err: #ff9a8f;
  --p-weights: #6ea4ff; --p-kv_cache: #fb923c; --p-buffers: #4cc57f; --p-overhead: #b99afc;
  color-scheme: dark;
}
@media (prefers-color-scheme: dark) {
  .w.auto {
    --bg: #14161a; --fg: #e7e9ec; --muted: #a9aeb6; --line: #3a3f47; --panel: #1d2026; --accent: #7fb0ff; --err: #ff9a8f;
    --p-weights: #6ea4ff; --p-kv_cache: #fb923c; --p-buffers: #4cc57f; --p-overhead: #b99afc;
    color-scheme: dark;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
p, h2, table, form, dl, dd { margin: 0; }
h2 { font-size: 15px; font-weight: 600; margin-bottom: 8px; }
form { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px 12px; margin-bottom: 12px; }
label { display: block; font-size: 13px; font-weight: 600; color: var(--muted); min-width: 0; }
select, input {
  display: block; width: 100%; margin-top: 2px; padding: 5px 6px; min-height: 32px;
  font: 14px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: 6px;
}
select:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
.compact form { grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); }
.total { font-size: 14px; color: var(--muted); }
.total strong { font-size: 30px; line-height: 1.15; color: var(--fg); margin-right: 6px; font-weight: 700; }
.what { font-size: 13px; color: var(--muted); margin: 2px 0 8px; }
svg { display: block; width: 100%; height: 22px; border-radius: 4px; background: var(--line); }
rect.p-weights, .sw.p-weights { fill: var(--p-weights); background: var(--p-weights); }
rect.p-kv_cache, .sw.p-kv_cache { fill: var(--p-kv_cache); background: var(--p-kv_cache); }
rect.p-buffers, .sw.p-buffers { fill: var(--p-buffers); background: var(--p-buffers); }
rect.p-overhead, .sw.p-overhead { fill: var(--p-overhead); background: var(--p-overhead); }
table { width: 100%; border-collapse: collapse; margin-top: 8px; font-size: 14px; }
th, td { padding: 3px 2px; border-bottom: 1px solid var(--line); text-align: right; font-weight: normal; white-space: nowrap; }
th { text-align: left; white-space: normal; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.device { font-size: 14px; margin-top: 8px; }
.device span { color: var(--muted); }
.compact table, .compact .runtime, .compact .seq { display: none; }
.err { color: var(--err); font-weight: 600; font-size: 14px; min-height: 20px; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 13px; margin-bottom: 6px; overflow-wrap: anywhere; }
[aria-invalid="true"] { border-color: var(--err); border-width: 2px; }
.foot { margin-top: 10px; font-size: 13px; color: var(--muted); }
a { color: var(--accent); }
.loading { color: var(--muted); font-size: 14px; }
.stale { opacity: .45; }
.fit { font-size: 14px; margin-top: 8px; padding: 4px 8px; border-left: 4px solid var(--line); }
.fit.ok { border-left-color: #1f7a45; }
.fit.bad { border-left-color: var(--err); }
`;

let sheet = null;
/** A constructed stylesheet: shared by every widget, and not blocked by a host CSP on inline styles. */
function adopt(shadow) {
  try {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(STYLE);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = STYLE;
    shadow.append(style);
  }
}

const TEMPLATE = `<div class="w" part="container">
<p class="loading">Loading the memory calculator…</p>
<div class="ui" hidden>
<h2>Memory needed to run a language model</h2>
<form novalidate>
<label>Model <select name="model"></select></label>
<label>Quantization <select name="quant"></select></label>
<label>Context (tokens) <input name="context" type="text" inputmode="numeric" autocomplete="off"></label>
<label class="seq">Sequences <input name="sequences" type="text" inputmode="numeric" autocomplete="off"></label>
<label class="runtime">Runtime <select name="runtime"></select></label>
</form>
<p class="note" role="status" hidden></p>
<div class="out" role="status" aria-live="polite"></div>
<p class="fit" hidden></p>
</div>
<p class="err" role="alert" hidden></p>
<div class="fallback" hidden><slot></slot></div>
<p class="foot"><a class="full" target="_blank" rel="noopener" href="${esc(SITE.href)}">Open the full calculator</a> · computed in your browser</p>
</div>`;

export class VramCalculator extends HTMLElement {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  #shadow;
  #els;
  #scheduled = false;
  #started = false;
  #filled = false;
  #edits = Object.create(null); // what the reader changed in the controls; an attribute change replaces it
  #observer = null;
  #warned = new Set();
  #fitTicket = 0;
  #notes = []; // attributes replaced by defaults in this render, told to the reader
  /** How many times the widget has rendered: attribute changes in one task make one update. */
  updates = 0;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    adopt(this.#shadow);
    this.#shadow.innerHTML += TEMPLATE;
    const q = (s) => this.#shadow.querySelector(s);
    this.#els = { w: q('.w'), loading: q('.loading'), ui: q('.ui'), form: q('form'), out: q('.out'), err: q('.err'),
      note: q('.note'), fallback: q('.fallback'), full: q('.full'), fit: q('.fit') };
    this.#els.form.addEventListener('input', (ev) => {
      this.#edits[ev.target.name] = ev.target.value;
      this.#schedule();
    });
    this.#els.form.addEventListener('submit', (ev) => ev.preventDefault());
  }

  connectedCallback() {
    this.#applyLayout();
    if (this.#started) return;
    // Load the core when the widget is about to be seen (a post may hold it far down the page).
    if ('IntersectionObserver' in globalThis) {
      this.#observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.#start();
      }, { rootMargin: '600px' });
      this.#observer.observe(this);
    } else {
      this.#start();
    }
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#observer = null;
  }

  attributeChangedCallback(name) {
    if (name === 'compact' || name === 'theme') this.#applyLayout();
    else delete this.#edits[name];
    this.#schedule();
  }

  // Attributes mapped to validated getters: a value that is missing or not valid gives the
  // core's default (the catalog's); the widget says so, and the console names the attribute.
  get model() {
    return this.#choice('model', engine?.catalog.models.map((m) => m.id));
  }
  set model(v) { this.setAttribute('model', v); }

  get quant() {
    return this.#choice('quant', engine?.catalog.quants.map((q) => q.name));
  }
  set quant(v) { this.setAttribute('quant', v); }

  get runtime() {
    return this.#choice('runtime', engine?.catalog.runtimes.map((r) => r.id));
  }
  set runtime(v) { this.setAttribute('runtime', v); }

  get context() {
    return this.#count('context', engine?.catalog.limits.context_max);
  }
  set context(v) { this.setAttribute('context', String(v)); }

  get sequences() {
    return this.#count('sequences', engine?.catalog.limits.sequences_max);
  }
  set sequences(v) { this.setAttribute('sequences', String(v)); }

  /** A catalogue device id (the core judges it), or null: then no fit verdict is shown. */
  get gpu() {
    const v = this.getAttribute('gpu')?.trim();
    return v ? v : null;
  }
  set gpu(v) { this.setAttribute('gpu', v); }

  get gpus() {
    const v = this.getAttribute('gpus');
    if (v === null || v.trim() === '') return 1;
    const n = INT.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 64) return n;
    this.#warn('gpus', v, 1);
    return 1;
  }
  set gpus(v) { this.setAttribute('gpus', String(v)); }

  get compact() {
    const v = this.getAttribute('compact');
    return v !== null && v !== 'false';
  }
  set compact(v) { this.toggleAttribute('compact', Boolean(v)); }

  get theme() {
    const v = (this.getAttribute('theme') ?? '').trim().toLowerCase();
    return THEMES.includes(v) ? v : 'light';
  }
  set theme(v) { this.setAttribute('theme', v); }

  #defaultOf(name) {
    return engine?.catalog.defaults[name] ?? null;
  }

  #warn(name, value, fallback) {
    this.#notes.push(`${name}="${short(value)}" is not valid here: showing ${fallback}.`);
    const key = `${name}=${value}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    console.warn(`<vram-calculator>: ignoring ${name}="${value}"; using ${fallback}.`);
  }

  #choice(name, allowed) {
    const v = this.getAttribute(name)?.trim();
    const fallback = this.#defaultOf(name);
    if (!v) return fallback;
    if (!allowed) return v; // the catalog is not loaded yet: judged once it is
    if (allowed.includes(v)) return v;
    this.#warn(name, v, fallback);
    return fallback;
  }

  #count(name, max) {
    const v = this.getAttribute(name);
    const fallback = this.#defaultOf(name);
    if (v === null || v.trim() === '') return fallback;
    const n = INT.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 1 && (!max || n <= max)) return n;
    this.#warn(name, v, fallback);
    return fallback;
  }

  #applyLayout() {
    const cl = this.#els.w.classList;
    cl.toggle('compact', this.compact);
    for (const t of THEMES) cl.toggle(t, this.theme === t);
  }

  async #start() {
    if (this.#started) return;
    this.#started = true;
    this.#observer?.disconnect();
    try {
      await getEngine();
    } catch (e) {
      this.#els.loading.hidden = true;
      this.#els.fallback.hidden = false;
      this.#els.err.hidden = false;
      this.#els.err.textContent = e.message;
      return;
    }
    this.#fillControls();
    this.#els.loading.hidden = true;
    this.#els.ui.hidden = false;
    this.#render();
  }

  /** Changes within one task (several attributes set by a script) make one update. */
  #schedule() {
    if (this.#scheduled || !engine || !this.#filled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#render();
    });
  }

  #fillControls() {
    const c = engine.catalog;
    const opts = (items) => items.map(([v, label]) => `<option value="${esc(v)}">${esc(label)}</option>`).join('');
    const f = this.#els.form.elements;
    f.model.innerHTML = opts(c.models.map((m) => [m.id, `${m.name} (${m.params_official})`]));
    f.quant.innerHTML = opts(c.quants.map((q) => [q.name, q.name]));
    f.runtime.innerHTML = opts(c.runtimes.map((r) => [r.id, r.name]));
    this.#filled = true;
  }

  /** The settings in effect: what the reader typed, else the validated attributes. */
  settings() {
    return {
      model: this.#edits.model ?? this.model,
      quant: this.#edits.quant ?? this.quant,
      context: this.#edits.context ?? this.context,
      sequences: this.#edits.sequences ?? this.sequences,
      runtime: this.#edits.runtime ?? this.runtime,
    };
  }

  #render() {
    if (!engine) return;
    this.updates += 1;
    this.#notes = [];
    const s = this.settings();
    const f = this.#els.form.elements;
    this.#els.note.hidden = !this.#notes.length;
    this.#els.note.textContent = this.#notes.join(' ');
    for (const k of ['model', 'quant', 'runtime', 'context', 'sequences']) {
      if (this.#shadow.activeElement !== f[k] && f[k].value !== String(s[k])) f[k].value = String(s[k]);
    }
    const defaults = engine.catalog.defaults;
    const query = queryFromState({ ...s, context: String(s.context), sequences: String(s.sequences) },
      { ...defaults, context: String(defaults.context), sequences: String(defaults.sequences) });
    this.#els.full.href = new URL(query || './', SITE).href;
    let r;
    const CONTROLS = ['model', 'quant', 'runtime', 'context', 'sequences'];
    for (const k of CONTROLS) f[k].removeAttribute('aria-invalid');
    try {
      r = estimate({ model: s.model, quant: s.quant, context: String(s.context), sequences: String(s.sequences),
        runtime: s.runtime });
    } catch (e) {
      if (!(e instanceof EstimateError)) throw e;
      if (CONTROLS.includes(e.field)) f[e.field].setAttribute('aria-invalid', 'true');
      this.#els.err.hidden = false;
      this.#els.err.textContent = `Cannot estimate: ${e.message}`;
      this.#els.out.classList.add('stale');
      return;
    }
    this.#els.err.hidden = true;
    this.#els.err.textContent = '';
    this.#els.out.classList.remove('stale');
    this.#els.out.innerHTML = resultHtml(r);
    this.dispatchEvent(new CustomEvent('estimate', { detail: r }));
    this.#fit(s);
  }

  /** With a device: the fit verdict and the largest context, from the extras module's solver. */
  async #fit(s) {
    const el = this.#els.fit;
    const gpu = this.gpu;
    if (!gpu) {
      el.hidden = true;
      return;
    }
    const ticket = (this.#fitTicket += 1);
    let r;
    try {
      const x = await getExtras();
      r = x.solve({ model: s.model, quant: s.quant, context: String(s.context), sequences: String(s.sequences),
        runtime: s.runtime, gpu, gpus: String(this.gpus), solve: 'max_context' });
    } catch (e) {
      if (ticket !== this.#fitTicket) return;
      el.hidden = false;
      el.className = 'fit bad';
      el.textContent = e instanceof EstimateError && e.field === 'gpu' ? `Device: ${e.message}` : `No fit verdict: ${e.message}`;
      return;
    }
    if (ticket !== this.#fitTicket) return;
    const on = `${fmtInt(r.plan.count)} × ${r.plan.device.name}`;
    const max = r.max_context == null ? 'no context fits' : `up to ${fmtInt(r.max_context)} tokens of context fit`;
    el.hidden = false;
    el.className = r.plan.fits ? 'fit ok' : 'fit bad';
    el.dataset.fits = String(r.plan.fits);
    el.dataset.maxContext = String(r.max_context ?? '');
    el.innerHTML = `<strong>${r.plan.fits ? 'Fits' : 'Does not fit'}</strong> on ${esc(on)} at ${fmtInt(r.context)} tokens; ${esc(max)}.`;
  }
}

function chart(r) {
  let x = 0;
  const rects = r.breakdown.map((p) => {
    const w = Math.max(4, (1000 * p.bytes) / r.total_bytes); // a small part stays visible
    const rect = `<rect class="p-${esc(p.part)}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="20"></rect>`;
    x += w;
    return rect;
  }).join('');
  const label = r.breakdown.map((p) => `${p.label} ${fmtBytes(p.bytes, 'gb')}`).join(', ');
  return `<svg viewBox="0 0 ${Math.max(1000, x).toFixed(0)} 20" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${rects}</svg>`;
}

function resultHtml(r) {
  const rows = r.breakdown.map((p) => `<tr><th scope="row"><span class="sw p-${esc(p.part)}"></span>${esc(p.label)}</th>` +
    `<td data-bytes="${p.bytes}">${fmtBytes(p.bytes, 'gb')}</td></tr>`).join('');
  return `<p class="total" data-bytes="${r.total_bytes}"><strong>${fmtBytes(r.total_bytes, 'gb')}</strong>` +
    `<span>${fmtBytes(r.total_bytes, 'gib')}</span></p>` +
    `<p class="what">${esc(r.model.name)} · ${esc(r.quant.name)} · ${count(r.context, 'token')} × ${fmtInt(r.sequences)} · ` +
    `${esc(r.runtime.name)} · ${fmtParams(r.params_total)} parameters</p>` +
    chart(r) +
    `<table><caption hidden>Where the memory goes</caption><tbody>${rows}</tbody></table>` +
    (r.suggested_gpu ? `<p class="device"><span>Smallest device that fits:</span> ${esc(minimumDevice(r))}</p>` : '');
}

if (!customElements.get('vram-calculator')) customElements.define('vram-calculator', VramCalculator);
