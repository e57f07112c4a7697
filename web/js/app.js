// The calculator's UI: reads the form, asks the engine, renders what it returns. No memory math
// here: every byte count comes from the core.
import { EstimateError, loadEngine, nextTask } from './engine.js';
import { fmtBytes, fmtInt, sentence, short } from './format.js';
import { setValue } from './forms.js';
import { patchHtml } from './patch.js';
import { PARAMS, QUANT_PARAMS, queryFromState, stateFromQuery } from './state.js';
import { applyHardware, clearHardwareErrors, hardwareDefaults, hardwareRequest, HW_PARAMS, initHardware,
  isHardwareField, loadHardwareView, readHardware, renderHardware, showHardwareError, staleHardware } from './hardware.js';
import { applyCost, COST_PARAMS, costDefaults, readCost } from './cost-state.js';
import { modelKind, modelRows, precisionRows, PRECISIONS, resultHtml, TABLE_MODELS, TABLE_QUANT } from './views.js';
// Side modules (offline support, the Embed panel) load after the first result; see update().

const $ = (id) => document.getElementById(id);
const F = {
  model: $('f-model'), config_text: $('f-config'), quant: $('f-quant'), context: $('f-context'),
  sequences: $('f-sequences'), runtime: $('f-runtime'), kv_type: $('f-kv'), flash_attn: $('f-fa'),
};
const range = $('f-context-range');
const resultEl = $('result');
const statusEl = $('status');
const CTX_MIN = 512;
const BIG_CONFIG = 100000; // characters
let engine;
let defaults;
let unit = 'gb';
let ctxMax = 131072;
let shownFor = false; // whether the result panel shows settings of this visit (not the pre-rendered defaults)
let firstTried = false;
let lastQuery = null;
let lastHints = '';
const ALL_PARAMS = [...PARAMS, ...QUANT_PARAMS, ...HW_PARAMS, ...COST_PARAMS];
// The custom-mix editor and the GGUF file reader (quant-extras.js) load after the first result.
let quantExtras = null;
let quantExtrasPromise = null;
let startState = {};
function loadQuantExtras() {
  quantExtrasPromise ??= import('./quant-extras.js').then((m) => {
    m.initQuantExtras({ engine, change: update, state: startState });
    quantExtras = m;
  });
  return quantExtrasPromise;
}
const ownQuant = (q) => q === 'mix' || q === 'gguf';
// "Your machine" and the calculator's machine panel load after the first result; until then the
// address bar keeps their parameters (those starting with "my" or "rs") as they came.
let machine = null;
const startQuery = new URLSearchParams(location.search);
const machineQuery = () => {
  const q = new URLSearchParams();
  if (machine) {
    const s = machine.machineState();
    const d = machine.machineDefaults();
    for (const [key, name] of machine.MACHINE_PARAMS) if ((s[key] ?? '') !== '' && s[key] !== d[key]) q.set(name, s[key]);
  } else {
    for (const [k, v] of startQuery) if (/^(my|rs)/.test(k)) q.set(k, v);
  }
  return q.toString();
};

const runtimeOf = (id) => engine.catalog.runtimes.find((r) => r.id === id);

// Context slider: log scale from 512 to the model's maximum; positions snap to powers of two.
const toSlider = (ctx) => Math.round((1000 * Math.log(ctx / CTX_MIN)) / Math.log(ctxMax / CTX_MIN));
function fromSlider(pos) {
  const v = CTX_MIN * (ctxMax / CTX_MIN) ** (pos / 1000);
  const p2 = 2 ** Math.round(Math.log2(v));
  return Math.abs(v - p2) / p2 < 0.05 ? p2 : Math.round(v / 256) * 256;
}
function syncSlider() {
  const n = Number(F.context.value);
  if (Number.isFinite(n) && n > 0) range.value = String(toSlider(Math.min(Math.max(n, CTX_MIN), ctxMax)));
  range.setAttribute('aria-valuetext', `${F.context.value} ${F.context.value === '1' ? 'token' : 'tokens'}`);
}

/** Puts a value in a select (ids are matched regardless of case); one it does not offer is added, so the core can name it. */
const setSelect = setValue;

/**
 * The runtime's KV cache types. A type it does not offer is replaced by its default; when the
 * type was chosen (not the previous runtime's default), the page says so.
 */
function fillKvTypes(runtimeId, wanted, chosen = true) {
  const rt = runtimeOf(runtimeId);
  const types = rt ? rt.kv_types : [];
  F.kv_type.replaceChildren(...types.map((k) => new Option(k, k)));
  const offered = !wanted || !rt || types.some((k) => k.toLowerCase() === wanted.toLowerCase());
  setSelect(F.kv_type, wanted && offered ? wanted : rt?.kv_type_default ?? wanted);
  $('n-kv').textContent = offered || !chosen ? '' : `${rt.name} has no ${short(wanted)} KV cache: ${rt.kv_type_default} is used.`;
  F.flash_attn.options[0].text = `Default (${rt?.flash_attn_default === false ? 'off' : 'on'})`;
}

function readForm() {
  const s = {};
  for (const [k, el] of Object.entries(F)) s[k] = k === 'context' || k === 'sequences' ? el.value.trim() : el.value;
  if (s.model !== 'custom') s.config_text = '';
  s.unit = unit;
  return s;
}

function request(s, suggest = true) {
  const req = { quant: s.quant, context: s.context, sequences: s.sequences, runtime: s.runtime, kv_type: s.kv_type };
  // The smallest device that fits comes from the hardware planner, which loads after the first
  // result (the first-result module leaves it out to stay small).
  if (engine.hasPlanner && suggest) req.suggest_gpu = true;
  if (s.model === 'custom') req.config_text = s.config_text;
  else req.model = s.model;
  // on/off as a boolean; anything else (from a link) as it is, for the core to name.
  if (s.flash_attn) req.flash_attn = s.flash_attn === 'on' ? true : s.flash_attn === 'off' ? false : s.flash_attn;
  if (ownQuant(s.quant)) {
    if (!quantExtras) throw new EstimateError({ code: 'loading', field: 'quant', message: 'loading' });
    Object.assign(req, quantExtras.requestFields(s.quant));
  }
  return req;
}

function showHints(s) {
  const m = engine.catalog.models.find((x) => x.id === s.model);
  $('h-model').innerHTML = m ? modelKind(m) : s.model === 'custom' ? 'Your model, from its config.json below.'
    : moreModels?.otherModelHint(s.model) ?? '';
  $('config-field').hidden = s.model !== 'custom';
  $('h-quant').textContent = engine.catalog.quants.find((q) => q.name === s.quant)?.description ?? '';
  $('h-runtime').textContent = runtimeOf(s.runtime)?.describes ?? '';
}

function clearErrors() {
  for (const el of $('calc-form').querySelectorAll('.err')) el.textContent = '';
  for (const el of Object.values(F)) el.removeAttribute('aria-invalid');
  quantExtras?.clearQuantErrors();
}

/** Shows the core's message next to the field it names; otherwise above the result. */
function showError(e, s) {
  const own = quantExtras?.showQuantError(e);
  let field = own ? '' : e.field in F ? e.field : s.model === 'custom' && e.code !== 'load_failed' ? 'config_text' : '';
  if (e.field === 'config') field = 'config_text';
  if (field) {
    $(`e-${field === 'config_text' ? 'config' : field}`).textContent = e.message;
    F[field].setAttribute('aria-invalid', 'true');
  }
  statusEl.textContent = `Cannot estimate: ${sentence(e.message)} ${shownFor ? 'The result below is for earlier settings.'
    : 'The result below is for the default settings, not these.'}`;
  resultEl.classList.add('stale');
  summary(null);
}

let shownHtml = '';
/** The memory result, its summary and the context's maximum; the figures are redrawn only when they change. */
function showResult(r) {
  const html = resultHtml(r, unit, resultEl.querySelector('details')?.open);
  if (html !== shownHtml || resultEl.classList.contains('stale')) {
    patchHtml(resultEl, html);  // the figures that changed, not the whole panel
    shownHtml = html;
  }
  resultEl.classList.remove('stale');
  statusEl.textContent = '';
  if (r.model.context_max && r.model.context_max !== ctxMax) {
    ctxMax = r.model.context_max;
    $('ctx-max').textContent = fmtInt(ctxMax);
  }
  syncSlider();
  summary(r);
  if (!shownFor) {
    shownFor = true;
    performance.mark('first-result');
  }
}

// After an edit of the calculator's form, the memory result comes from the calculator module at
// once, and the full estimate (placement, speed, and the sections that follow them) in the next
// task: an input shows its figure without waiting for the planner.
let fullPending = 0;
function edited() {
  clearTimeout(fullPending);
  if (engine.hasPlanner) {
    let r = null;
    try {
      // Without the device suggestion, which only the planner makes: with it, every request
      // needs the extras module and no input would get its figure before the planner ran.
      r = engine.quick(request(readForm(), false));
    } catch {
      // A request the form cannot make yet (a file still to pick): update() says so.
    }
    if (r) {
      showResult(r);
      fullPending = setTimeout(update, 0);
      return;
    }
  }
  update();
}

function update() {
  clearTimeout(fullPending);
  const s = readForm();
  clearErrors();
  const hintKey = `${s.model}|${s.quant}|${s.runtime}`;
  if (hintKey !== lastHints) {
    lastHints = hintKey;
    showHints(s);
  }
  quantExtras?.showFor(s.quant);
  clearHardwareErrors();
  try {
    // The hardware section's placement rides on the same estimate; when only its fields are
    // wrong, the memory result is still shown and the error goes next to the hardware field.
    const hwReq = hardwareRequest();
    let r;
    let hwError = null;
    try {
      r = engine.estimate({ ...request(s), ...hwReq });
    } catch (e) {
      if (!(e instanceof EstimateError) || !isHardwareField(e.field)) throw e;
      hwError = e;
      r = engine.estimate(request(s));
    }
    if (hwError?.code === 'needs_planner') {
      // The planner arrives with the extras module: fetch it, then place the model.
      $('hw-status').textContent = 'Loading the hardware planner…';
      withPlanner(update);
    } else if (hwError) {
      showHardwareError(hwError);
      setCostHardware({ error: hwError });
    } else {
      const compareReq = { ...request(s, false), ...hwReq, compare_runtimes: true };
      renderHardware(r, unit, () => engine.estimate(compareReq).compare_runtimes);
      setCostHardware(r.plan ? { plan: r.plan, speed: r.speed } : null);
    }
    machine?.calcChanged(request(s, false), hwError ? {} : hwReq, unit);
    showResult(r);
    performance.mark('result-updated');
  } catch (e) {
    if (e instanceof EstimateError && e.code === 'loading') {
      statusEl.textContent = 'Loading…';
      loadQuantExtras().then(update);
    } else if (e instanceof EstimateError && e.code === 'needs_planner') {
      // A pasted config.json is read by the extras module: fetch it, then estimate.
      statusEl.textContent = 'Loading the full calculator…';
      withPlanner(update);
    } else if (e.code === 'unknown_model' && !engine.hasPlanner) {
      // An other model (from a link): its catalogue comes with the extras module.
      statusEl.textContent = 'Loading the other models…';
      withPlanner(() => loadMoreModels().then((mm) => mm.show()).then(update));
    } else {
      // Not the core's error: a fault of this page. The settings are kept and the rest still works.
      const err = e instanceof EstimateError ? e : new EstimateError({ code: 'internal', message: `the page failed (${e?.message ?? e})` });
      showError(err, s);
      staleHardware();
      setCostHardware({ error: err });
    }
  }
  scheduleUrl(s);
  if (!firstTried) {
    firstTried = true;
    startSections();
  }
}

// The address bar follows the settings once the page is idle: history.replaceState costs
// 0.7-2 ms, which would delay every redraw of the result.
let urlPending = null;
function scheduleUrl(s) {
  const idle = urlPending === null;
  urlPending = s;
  if (!idle) return;
  const write = () => {
    const latest = urlPending;
    urlPending = null;
    if (latest) writeUrl(latest);
  };
  if (globalThis.requestIdleCallback) requestIdleCallback(write, { timeout: 500 });
  else setTimeout(write, 50);
}

/**
 * After the first estimate, whether it worked or not: the offline support, the Embed panel, the
 * cost section and the planner (device suggestion, hardware section, live tables), each on its own.
 */
function startSections() {
  setTimeout(() => {
    import('./offline.js');
    import('./embed-panel.js');
    import('./machine.js').then((m) => m.initMachine({ query: startQuery, onApply: applyRow, onChange: () => writeUrl() })
      .then(() => {
        machine = m;
        update();
      }, () => {
        // No extras module: the hardware section says why; "Your machine" is not built.
      }));
    import('./cost.js').then((m) => {
      costSection = m;
      m.initCost({ onChange: () => writeUrl() });
      m.setCostHardware(costHardware);
    });
    loadQuantExtras();
    import('./page-extras.js').then((m) => m.init({ range, context: F.context, min: CTX_MIN, max: () => ctxMax, update }));
  }, 0);
  setTimeout(() => withPlanner(() => {
    update();
    renderTables();
  }), 0);
}

/** The compact total that stays in view on a phone while the form is scrolled (#summary). */
function summary(r) {
  const el = $('summary');
  if (!el) return;
  el.classList.toggle('stale', !r);
  el.firstElementChild.textContent = r ? fmtBytes(r.total_bytes, unit) : 'Cannot estimate';
  el.lastElementChild.textContent = r ? `${r.model.name} · ${r.quant.name}` : 'see the message under the field';
}

// Longer links are cut by mail and chat programs and refused by many servers; writing one into
// the address bar on every keystroke also stalls the page. A config.json past this stays out.
const LINK_MAX = 8000;
const tooLong = (text) => {
  if (text.length > LINK_MAX) return true;
  try {
    return encodeURIComponent(text).length > LINK_MAX;
  } catch {
    return true; // a lone surrogate cannot be put in a link at all
  }
};

/** The settings of every section in the address bar, only those that differ from the defaults. */
function writeUrl(s = readForm()) {
  const all = { ...s, ...(quantExtras?.readQuantExtras() ?? { mix: startState.mix, mix_base: startState.mix_base }),
    ...readHardware(), ...readCost() };
  if (all.quant !== 'mix') all.mix = all.mix_base = '';
  if (all.quant === 'gguf') all.quant = defaults.quant; // a file cannot travel in a link
  const unlinked = s.config_text !== '' && tooLong(s.config_text);
  if (unlinked) all.config_text = '';
  $('n-config').textContent = unlinked
    ? `Too long for a link (${fmtInt(s.config_text.length)} characters): the address and “Copy link” leave this config.json out.`
    : '';
  const q = queryFromState(all, { ...defaults, kv_type: runtimeOf(s.runtime)?.kv_type_default ?? '', ...hardwareDefaults(),
    ...costDefaults(all) }, ALL_PARAMS);
  const late = machineQuery();
  const full = late ? (q ? `${q}&${late}` : `?${late}`) : q;
  if (full !== lastQuery) {
    lastQuery = full;
    history.replaceState(null, '', `${location.pathname}${full}${location.hash}`);
  }
}

// The other models' group and the safetensors reader load after the first result.
let moreModels = null;
let moreModelsPromise = null;
function loadMoreModels() {
  moreModelsPromise ??= import('./more-models.js').then((m) => {
    const api = m.initMoreModels({
      select: F.model,
      unit: () => unit,
      configText: () => F.config_text.value,
      onConfig: (text) => {
        F.config_text.value = text;
        update();
      },
      onModels: () => {
        lastHints = '';
        update();
      },
    });
    moreModels = { ...m, ...api };
    return moreModels;
  });
  return moreModelsPromise;
}

// The cost section's computing loads after the first result; until then it is told nothing.
let costSection = null;
let costHardware = null;
function setCostHardware(h) {
  costHardware = h;
  costSection?.setCostHardware(h);
}

/** Loads the extras module (with the hardware planner) once, then runs then(). */
function withPlanner(then) {
  Promise.all([engine.upgrade(), loadHardwareView()])
    .then(then)
    .catch((e) => {
      $('hw-status').textContent = e.message;
    });
}

// One estimate per step, with a yield between steps, so the tables' thirteen estimates never make
// one long task; a newer call (another context or unit) makes an older one stop.
let tablesRun = 0;
async function renderTables() {
  // The smallest-device column needs the planner; until it is loaded the pre-rendered tables stay.
  if (!engine.hasPlanner) return;
  const run = ++tablesRun;
  const ctx = $('t-ctx').value;
  const each = async (requests) => {
    const out = [];
    for (const req of requests) {
      await nextTask();
      if (run !== tablesRun) return null;
      out.push(engine.estimate(req));
    }
    return out;
  };
  try {
    const rows = await each(TABLE_MODELS.map((model) => ({ model, quant: TABLE_QUANT, context: ctx, suggest_gpu: true })));
    if (!rows) return;
    $('t-models-body').innerHTML = modelRows(rows, unit);
    const prec = await each(PRECISIONS.map(([, quant]) => ({ model: 'deepseek-r1', quant })));
    if (!prec) return;
    $('t-prec-body').innerHTML = precisionRows(prec, unit);
  } catch (e) {
    if (!(e instanceof EstimateError)) throw e;
  }
}

/** A row of "Your machine": the calculator and the hardware section take its settings. */
function applyRow(row, loaded = false) {
  const { model, quant, runtime, context, hw } = row;
  // A row of the other open models: their group joins the model picker first.
  if (!loaded && ![...F.model.options].some((o) => o.value === model)) {
    loadMoreModels().then((mm) => mm.show()).then(() => applyRow(row, true));
    return;
  }
  setSelect(F.model, model);
  setSelect(F.quant, quant);
  setSelect(F.runtime, runtime);
  fillKvTypes(runtime, '');
  F.flash_attn.value = '';
  F.context.value = context;
  F.sequences.value = '1';
  applyHardware(hw);
  update();
  $('calculator').scrollIntoView({ block: 'start' });
  $('f-model').focus({ preventScroll: true });
}

function applyState(s) {
  setSelect(F.model, s.model);
  F.config_text.value = s.config_text ?? '';
  setSelect(F.quant, s.quant);
  F.context.value = s.context;
  F.sequences.value = s.sequences;
  setSelect(F.runtime, s.runtime);
  fillKvTypes(s.runtime, s.kv_type);
  setSelect(F.flash_attn, s.flash_attn);
  unit = s.unit === 'gib' ? 'gib' : 'gb';
  document.querySelector(`input[name="unit"][value="${unit}"]`).checked = true;
}

async function start() {
  try {
    engine = await loadEngine();
  } catch (e) {
    statusEl.textContent = `${e.message} The figures shown were computed when the page was built.`;
    return;
  }
  $('version').textContent = engine.version;
  defaults = { ...engine.catalog.defaults, kv_type: '', flash_attn: '', unit: 'gb', config_text: '', mix: '', mix_base: 'Q4_K_M' };
  const state = stateFromQuery(location.search, { ...defaults, ...hardwareDefaults(), ...costDefaults() }, ALL_PARAMS);
  startState = state;
  applyState(state);
  applyHardware(state);
  applyCost(state);
  initHardware(update);
  update();
  // The other models and the safetensors reader, also when the first estimate was an error.
  setTimeout(loadMoreModels, 0);

  let pending = 0;
  let runtime = F.runtime.value;
  $('calc-form').addEventListener('input', (ev) => {
    if (ev.target === range) F.context.value = String(fromSlider(Number(range.value)));
    if (ev.target === F.runtime) {
      fillKvTypes(F.runtime.value, F.kv_type.value, F.kv_type.value !== runtimeOf(runtime)?.kv_type_default);
      runtime = F.runtime.value;
    }
    if (ev.target === F.kv_type) $('n-kv').textContent = '';
    clearTimeout(pending);
    // A config.json of megabytes takes a while to read: typing in it estimates once it pauses.
    if (ev.target === F.config_text && F.config_text.value.length > BIG_CONFIG) pending = setTimeout(update, 300);
    else edited();
  });
  $('calc-form').addEventListener('submit', (ev) => ev.preventDefault());
  for (const radio of document.querySelectorAll('input[name="unit"]')) {
    radio.addEventListener('change', () => {
      unit = radio.value;
      update();
      renderTables();
    });
  }
  $('t-ctx').addEventListener('change', renderTables);
  $('copy-link').addEventListener('click', async () => {
    writeUrl();  // the link as the form stands, even before an idle moment wrote it
    const note = $('n-config').textContent ? ' It leaves out the pasted config.json, too long for a link.' : '';
    try {
      await navigator.clipboard.writeText(location.href);
      statusEl.textContent = `Link copied.${note}`;
    } catch {
      statusEl.textContent = `Copy this link: ${location.href}${note}`;
    }
  });
  // The tables were pre-rendered by the native build; they become live when their context or the
  // unit changes (which loads the planner).
}

start();
