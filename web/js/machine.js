// "Your machine" (devices, RAM, runtime, context and speed -> the ranked fit table of the R1
// family, recommendation first) and the calculator's machine panel (memory against context with
// the largest context that fits, the MoE offload sweep, the reasoning budget, the launch command).
// Loaded after the first result; every figure comes from the core's solvers in the extras module.
import { EstimateError, loadExtras, solveOff } from './engine.js';
import { fmtInt } from './format.js';
import { clearFieldErrors, fieldDefaults, readFields, setValue, showFieldError } from './forms.js';
import { commandsHtml, contextChartSvg, fitHtml, machineSectionHtml, panelHtml, reasoningHtml, sweepChartSvg } from './machine-view.js';

const $ = (id) => document.getElementById(id);

/** State keys -> URL parameters; app.js keeps any parameter starting with "my" or "rs" for us. */
export const MACHINE_PARAMS = [
  ['my_gpu', 'my'], ['my_gpus', 'myn'], ['my_ram', 'myram'], ['my_rt', 'myrt'], ['my_ctx', 'myctx'], ['my_speed', 'myspeed'], ['my_other', 'myother'],
  ['rs_prompt', 'rsp'], ['rs_think', 'rst'], ['rs_answer', 'rsa'],
];

let extras = null;
let F = null;
let defaults = null;
let unit = 'gb';
let fit = null;
let showAll = false;
let onApply = () => {};
let onChange = () => {};
let lastCalc = null;
let panelTimer = 0;

const fitFields = () => ({ gpu: 'my_gpu', gpus: 'my_gpus', ram_gb: 'my_ram', runtime: 'my_rt', context: 'my_ctx', min_speed: 'my_speed' });
const rsFields = { prompt_tokens: 'rs_prompt', thinking_tokens: 'rs_think', answer_tokens: 'rs_answer' };

function timed(fn) {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

function solve(request) {
  return extras.solve(request);
}

/** The machine as a request for the core. */
function machineRequest(s) {
  const req = { gpu: s.my_gpu, gpus: s.my_gpus, runtime: s.my_rt, context: s.my_ctx, min_speed: s.my_speed };
  if (s.my_other) req.other_models = true;
  if (s.my_ram !== '') req.ram_gb = s.my_ram;
  return req;
}

/** The machine form's own fields (the reasoning inputs live in the panel). */
const machineFields = () => ({ my_gpu: F.my_gpu, my_gpus: F.my_gpus, my_ram: F.my_ram, my_rt: F.my_rt, my_ctx: F.my_ctx, my_speed: F.my_speed,
  my_other: F.my_other });

// The table is computed in a worker (engine.js solveOff): one request at a time, and when the
// form changes meanwhile, one more with its latest values once the answer is in.
let fitBusy = false;
let fitAgain = false;

async function renderFit() {
  if (fitBusy) {
    fitAgain = true;
    return;
  }
  fitBusy = true;
  try {
    do {
      fitAgain = false;
      await renderFitOnce();
    } while (fitAgain);
  } finally {
    fitBusy = false;
  }
}

async function renderFitOnce() {
  const s = readFields(machineFields());
  const el = $('my-result');
  // A slow answer (the other models, a slow device) says so after a moment; a quick one does not.
  const slow = setTimeout(() => {
    $('my-status').textContent = F.my_other.checked ? 'Computing every model and format…' : 'Computing…';
    el.classList.add('stale');
  }, 150);
  const t0 = performance.now();
  try {
    const [out, ms] = await solveOff({ solve: 'fit', ...machineRequest(s) });
    clearFieldErrors(machineFields());
    $('my-status').textContent = '';
    fit = out;
    el.innerHTML = fitHtml(fit, unit, showAll);
    el.dataset.ms = ms.toFixed(2);
    el.dataset.wait = (performance.now() - t0).toFixed(2);
    el.classList.remove('stale');
  } catch (e) {
    if (!(e instanceof EstimateError)) {
      // Not the core's error: a fault of this page. The fields are kept, the table is marked old,
      // and the next change tries again.
      $('my-status').textContent = `Cannot answer: the page failed (${e?.message ?? e}).`;
      el.classList.add('stale');
      return;
    }
    clearFieldErrors(machineFields());
    const key = fitFields()[e.field] ?? 'my_gpu';
    showFieldError(F[key], e.message);
    $('my-status').textContent = `Cannot answer: ${e.message}.`;
    el.classList.add('stale');
  } finally {
    clearTimeout(slow);
  }
}

/** Settings for the calculator and the hardware section that reproduce a row. */
function rowSettings(row) {
  const s = readFields(machineFields());
  const ramOnly = row.verdict === 'ram_only';
  return {
    model: row.model,
    quant: row.quant,
    runtime: row.runtime,
    context: s.my_ctx,
    hw: {
      hw_gpu: ramOnly ? fit.machine.host : s.my_gpu,
      hw_gpus: ramOnly ? '1' : s.my_gpus,
      hw_offload: row.offload,
      hw_ram: s.my_ram,
      hw_ngl: '',
      hw_ncmoe: '',
      hw_mem: '',
      hw_bw: '',
    },
  };
}

function initSection() {
  const sec = document.createElement('section');
  sec.id = 'machine';
  sec.setAttribute('aria-labelledby', 'my-title');
  sec.innerHTML = machineSectionHtml();
  $('calculator').after(sec);
  // The calculator's own device and runtime lists, without "none" and the custom device.
  const gpu = $('my-gpu');
  for (const g of $('f-gpu').querySelectorAll('optgroup')) {
    const copy = g.cloneNode(true);
    for (const o of copy.querySelectorAll('option[value="custom"]')) o.remove();
    if (copy.children.length) gpu.append(copy);
  }
  gpu.value = 'rtx-4090';
  for (const o of gpu.options) o.defaultSelected = o.value === 'rtx-4090';
  const rt = $('my-rt');
  for (const o of $('f-runtime').options) rt.add(new Option(o.text, o.value, o.defaultSelected, o.defaultSelected));
  F = {
    my_gpu: gpu, my_gpus: $('my-gpus'), my_ram: $('my-ram'), my_rt: rt, my_ctx: $('my-ctx'), my_speed: $('my-speed'), my_other: $('my-other'),
    rs_prompt: null, rs_think: null, rs_answer: null,
  };
  $('my-form').addEventListener('input', () => {
    renderFit();
    onChange();
  });
  $('my-form').addEventListener('submit', (ev) => ev.preventDefault());
  $('my-result').addEventListener('click', (ev) => {
    const btn = ev.target.closest('button');
    if (!btn) return;
    if (btn.id === 'my-more') {
      showAll = true;
      $('my-result').innerHTML = fitHtml(fit, unit, showAll);
      $('my-table').querySelector('tbody tr:last-child button')?.focus();
      return;
    }
    const i = Number(btn.dataset.row);
    if (fit && Number.isInteger(i) && fit.rows[i]) onApply(rowSettings(fit.rows[i]));
  });
}

function initPanel() {
  const panel = document.createElement('div');
  panel.id = 'machine-panel';
  panel.className = 'machine-panel';
  panel.innerHTML = panelHtml();
  $('calculator').append(panel);
  F.rs_prompt = $('rs-prompt');
  F.rs_think = $('rs-think');
  F.rs_answer = $('rs-answer');
  $('rs-form').addEventListener('input', () => {
    renderReasoning();
    onChange();
  });
  $('rs-form').addEventListener('submit', (ev) => ev.preventDefault());
  panel.addEventListener('click', async (ev) => {
    const btn = ev.target.closest('button[data-copy]');
    if (!btn) return;
    const text = $(btn.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      $('mp-status').textContent = 'Command copied.';
    } catch {
      $('mp-status').textContent = 'Select the command and copy it.';
    }
  });
}

const CONTEXTS = (max) => {
  const out = [];
  for (let c = 512; c < max; c = Math.round(c * Math.SQRT2)) out.push(c);
  out.push(max);
  return out;
};

function renderChart(calc, r) {
  const max = r.model.context_max || 131072;
  const base = { ...calc.estimate };
  const points = CONTEXTS(max).map((context) => {
    const e = extras.estimate({ ...base, context });
    return { context, total_bytes: e.total_bytes };
  });
  let capacity = null;
  let maxContext = null;
  if (r.plan) {
    const budgets = r.plan.devices.map((d) => d.budget_bytes ?? 0);
    capacity = budgets.reduce((a, x) => a + x, 0) + (r.plan.offload.mode !== 'none' && r.plan.ram_bytes ? r.plan.ram_bytes : 0);
    if (r.plan.device.class === 'cpu') capacity = r.plan.ram_bytes ?? null;
    const [mc, ms] = timed(() => solve({ ...calc.estimate, ...calc.hardware, solve: 'max_context' }));
    maxContext = mc.max_context;
    $('mp-chart').dataset.ms = ms.toFixed(2);
    $('mp-chart').dataset.ctx = String(calc.estimate.context);
    $('mp-chart').dataset.maxContext = String(mc.max_context ?? '');
    $('mp-status').textContent = mc.max_context
      ? `Up to ${fmtInt(mc.max_context)} tokens per sequence fit: ${mc.max_context_detail.explanation}.`
      : `Nothing fits: ${mc.max_context_detail.explanation}.`;
  } else {
    $('mp-status').textContent = 'Choose a device in the hardware section below, or open a row of “Your machine”, to see the largest context that fits, the offload sweep and the launch command.';
  }
  $('mp-chart').innerHTML = contextChartSvg(points, { capacity, maxContext, modelMax: r.model.context_max, unit });
}

function renderSweep(calc, r) {
  const el = $('mp-sweep');
  const llama = r.runtime.id.startsWith('llama') || r.runtime.id === 'ollama';
  if (!r.plan || !r.model.moe || !llama || r.plan.device.class === 'cpu') {
    el.innerHTML = '';
    return;
  }
  const hw = { ...calc.hardware, offload: 'experts' };
  delete hw.cpu_moe_layers;
  delete hw.gpu_layers;
  try {
    const out = solve({ ...calc.estimate, ...hw, solve: 'sweep' });
    const cap = r.plan.devices.reduce((a, d) => a + (d.budget_bytes ?? 0), 0);
    el.innerHTML = `<h4>Experts in RAM: speed against GPU memory</h4>${sweepChartSvg(out.sweep, { capacity: cap, unit })}`;
  } catch (e) {
    if (!(e instanceof EstimateError)) throw e;
    el.innerHTML = `<p class="hint">Offload sweep: ${e.message}.</p>`;
  }
}

function renderReasoning() {
  const calc = lastCalc;
  const el = $('rs-result');
  clearFieldErrors({ a: F.rs_prompt, b: F.rs_think, c: F.rs_answer });
  if (!calc?.hardware || !Object.keys(calc.hardware).length) {
    el.innerHTML = '';
    return;
  }
  const s = readFields({ rs_prompt: F.rs_prompt, rs_think: F.rs_think, rs_answer: F.rs_answer });
  const req = { ...calc.estimate, ...calc.hardware, solve: 'reasoning' };
  if (s.rs_prompt !== '') req.prompt_tokens = s.rs_prompt;
  if (s.rs_think !== '') req.thinking_tokens = s.rs_think;
  if (s.rs_answer !== '') req.answer_tokens = s.rs_answer;
  try {
    el.innerHTML = reasoningHtml(solve(req), unit);
  } catch (e) {
    if (!(e instanceof EstimateError)) throw e;
    const key = rsFields[e.field];
    if (key) showFieldError(F[key], e.message);
    el.innerHTML = `<p class="verdict bad">Cannot work out the budget: ${e.message}.</p>`;
  }
}

function renderCommands(calc) {
  const el = $('lc-result');
  if (!calc.hardware || !Object.keys(calc.hardware).length) {
    el.innerHTML = '<p class="hint">A command needs a device: choose one in the hardware section.</p>';
    return;
  }
  try {
    el.innerHTML = commandsHtml(solve({ ...calc.estimate, ...calc.hardware, launch_commands: true }));
  } catch (e) {
    if (!(e instanceof EstimateError)) throw e;
    el.innerHTML = `<p class="hint">No command: ${e.message}.</p>`;
  }
}

function renderPanel() {
  const calc = lastCalc;
  if (!calc || !extras) return;
  let r;
  try {
    r = extras.estimate({ ...calc.estimate, ...calc.hardware });
  } catch (e) {
    if (!(e instanceof EstimateError)) throw e;
    $('mp-status').textContent = `Fix the settings above: ${e.message}.`;
    return;
  }
  renderChart(calc, r);
  renderSweep(calc, r);
  renderReasoning();
  renderCommands(calc);
}

/** The calculator's request changed (estimate fields and the hardware section's). */
export function calcChanged(estimate, hardware, newUnit = unit) {
  lastCalc = { estimate, hardware };
  const unitChanged = newUnit !== unit;
  unit = newUnit;
  if (unitChanged && fit) $('my-result').innerHTML = fitHtml(fit, unit, showAll);
  // After the calculator's own redraw, so typing in it stays quick.
  clearTimeout(panelTimer);
  panelTimer = setTimeout(renderPanel, 60);
}

/** This module's settings, for the address bar. */
export function machineState() {
  return F ? readFields(Object.fromEntries(Object.entries(F).filter(([, el]) => el))) : {};
}
export const machineDefaults = () => defaults ?? {};

/**
 * Builds the section and the panel, applies settings from the address bar, and draws.
 * @param {{query: URLSearchParams, onApply: Function, onChange: Function}} options
 */
export async function initMachine({ query, onApply: apply, onChange: changed }) {
  onApply = apply;
  onChange = changed;
  // The section's style sheet loads beside the extras module, not after it.
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = 'machine.css';
  document.head.append(link);
  extras = await loadExtras();
  initSection();
  initPanel();
  defaults = fieldDefaults(Object.fromEntries(Object.entries(F).filter(([, el]) => el)));
  for (const [key, name] of MACHINE_PARAMS) if (query.has(name) && F[key]) setValue(F[key], query.get(name));
  renderFit();
  if (lastCalc) renderPanel();
}
