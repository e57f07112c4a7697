// The hardware section: device, count, custom device, offload and RAM controls. It adds the
// core's placement fields to the calculator's request (gpu, gpus, custom_gpu, offload,
// gpu_layers, cpu_moe_layers, ram_gb) and renders the core's plan and speed. No placement or
// speed arithmetic here.
import { esc, sentence } from './format.js';
import { clearFieldErrors, fieldDefaults, readFields, setValue, showFieldError } from './forms.js';
// The section's markup (hardware-view.js) is fetched with the planner: until then the prompt
// pre-rendered in the page stands.
let view = null;
export const loadHardwareView = () =>
  import('./hardware-view.js').then((v) => {
    view = v;
  });

const $ = (id) => document.getElementById(id);

/** State keys -> URL parameters (readable, only non-default values end up in the URL). */
export const HW_PARAMS = [
  ['hw_gpu', 'gpu'],
  ['hw_gpus', 'gpus'],
  ['hw_mem', 'mem'],
  ['hw_bw', 'bw'],
  ['hw_offload', 'offload'],
  ['hw_ngl', 'ngl'],
  ['hw_ncmoe', 'ncmoe'],
  ['hw_ram', 'ram'],
];

let F = null;

function fields() {
  F ??= {
    hw_gpu: $('f-gpu'), hw_gpus: $('f-gpus'), hw_mem: $('f-mem'), hw_bw: $('f-bw'), hw_offload: $('f-offload'),
    hw_ngl: $('f-ngl'), hw_ncmoe: $('f-ncmoe'), hw_ram: $('f-ram'),
  };
  return F;
}

/** The core's error fields -> the control that shows the message. */
const ERROR_FIELDS = {
  gpu: 'hw_gpu', host: 'hw_gpu', gpus: 'hw_gpus', custom_gpu: 'hw_mem', 'custom_gpu.memory_gb': 'hw_mem',
  'custom_gpu.bandwidth_gb_per_s': 'hw_bw', 'custom_gpu.fp16_tflops': 'hw_bw', offload: 'hw_offload',
  gpu_layers: 'hw_ngl', cpu_moe_layers: 'hw_ncmoe', ram_gb: 'hw_ram', ram_bytes: 'hw_ram',
};

export const isHardwareField = (field) => field in ERROR_FIELDS;

export const readHardware = () => readFields(fields());
export const hardwareDefaults = () => fieldDefaults(fields());

export function applyHardware(s) {
  for (const [k, el] of Object.entries(fields())) if (k in s) setValue(el, s[k]);
  showControls();
}

/** Only the controls that apply: the custom device's two fields, the offload mode's own count. */
function showControls() {
  const f = fields();
  const chosen = f.hw_gpu.value !== '';
  $('custom-gpu').hidden = f.hw_gpu.value !== 'custom';
  $('ngl-field').hidden = !chosen || f.hw_offload.value !== 'layers';
  $('ncmoe-field').hidden = !chosen || f.hw_offload.value !== 'experts';
}

/** The placement fields to add to the estimate request ({} when no device is chosen). */
export function hardwareRequest(s = readHardware()) {
  if (!s.hw_gpu) return {};
  const req = {};
  if (s.hw_gpu === 'custom') req.custom_gpu = { memory_gb: s.hw_mem, bandwidth_gb_per_s: s.hw_bw };
  else req.gpu = s.hw_gpu;
  if (s.hw_gpus !== '') req.gpus = s.hw_gpus;
  if (s.hw_offload && s.hw_offload !== 'none') req.offload = s.hw_offload;
  if (s.hw_offload === 'layers' && s.hw_ngl !== '') req.gpu_layers = s.hw_ngl;
  if (s.hw_offload === 'experts' && s.hw_ncmoe !== '') req.cpu_moe_layers = s.hw_ncmoe;
  if (s.hw_ram !== '') req.ram_gb = s.hw_ram;
  return req;
}

export function clearHardwareErrors() {
  clearFieldErrors(fields());
  $('hw-status').textContent = '';
}

/** A placement error: the core's message next to the field it names. */
export function showHardwareError(e) {
  showFieldError(fields()[ERROR_FIELDS[e.field] ?? 'hw_gpu'], e.message);
  $('hw-status').textContent = `Cannot place the model: ${sentence(e.message)}`;
  $('hw-result').classList.add('stale');
}

/** The section's result for an estimate (with plan and speed when a device is chosen). */
export function renderHardware(r, unit, compare) {
  const el = $('hw-result');
  const open = el.querySelector('details.assumptions')?.open;
  const compareOpen = el.querySelector('#hw-compare')?.open;
  if (!view) return;
  el.innerHTML = r?.plan ? view.hardwareHtml(r, unit, { ram: fields().hw_ram.value.trim() }) : view.hardwarePrompt();
  if (open) el.querySelector('details.assumptions')?.setAttribute('open', '');
  el.classList.remove('stale');
  const cmp = el.querySelector('#hw-compare');
  if (!cmp) return;
  // Every runtime is placed only while the comparison is open.
  const fill = () => {
    const body = cmp.querySelector('.compare-body');
    try {
      body.innerHTML = compare ? view.compareHtml(compare(), unit, r.runtime?.id) : '';
    } catch (e) {
      body.innerHTML = `<p class="err">Cannot compare the runtimes: ${esc(sentence(e.message ?? String(e)))}</p>`;
    }
  };
  cmp.addEventListener('toggle', () => { if (cmp.open) fill(); });
  if (compareOpen) cmp.open = true;
}

/** Marks the result as not matching the settings (the calculator's own inputs have an error). */
export function staleHardware() {
  $('hw-result').classList.add('stale');
  if (readHardware().hw_gpu) $('hw-status').textContent = 'Cannot place the model until the calculator’s settings above are fixed.';
}

/** Hides the devices (and empty groups) whose name, id or group does not contain every typed word. */
function filterDevices(text) {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  for (const g of $('f-gpu').querySelectorAll('optgroup')) {
    let any = false;
    for (const o of g.querySelectorAll('option')) {
      const hay = `${o.textContent} ${o.value} ${g.label}`.toLowerCase();
      o.hidden = !words.every((w) => hay.includes(w)) && !o.selected;
      any ||= !o.hidden;
    }
    g.hidden = !any;
  }
}

export function initHardware(onChange) {
  const search = $('f-gpu-search');
  search?.addEventListener('input', (ev) => {
    ev.stopPropagation();  // narrowing the list changes no setting
    filterDevices(search.value);
  });
  $('hw-form').addEventListener('input', () => {
    showControls();
    onChange();
  });
  $('hw-form').addEventListener('submit', (ev) => ev.preventDefault());
  showControls();
}
