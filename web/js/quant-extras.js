// The quantization picker's extras, loaded after the first result: a custom-mix editor over any
// preset, and the user's own GGUF file(s) read locally. Only headers are read (File.slice, grown
// until the tensor infos are complete); nothing is uploaded and no tensor data is touched. The
// core parses the headers, joins the shards and computes every figure.
import { EstimateError, loadExtras } from './engine.js';
import { esc, fmtInt } from './format.js';
import { setValue } from './forms.js';

const $ = (id) => document.getElementById(id);
const GROUPS = [
  ['token_embd', 'Token embeddings'],
  ['output', 'Output head'],
  ['attn', 'Attention'],
  ['ffn', 'Dense FFN layers'],
  ['shexp', 'Shared experts'],
  ['exps.gate_up', 'Routed experts: gate and up'],
  ['exps.down', 'Routed experts: down'],
];
const TYPES = ['F16', 'BF16', 'Q8_0', 'Q6_K', 'Q5_K', 'Q4_K', 'Q3_K', 'Q2_K', 'IQ4_XS', 'IQ4_NL', 'IQ3_S', 'IQ3_XXS',
  'IQ2_S', 'IQ2_XS', 'IQ2_XXS', 'IQ1_M', 'IQ1_S', 'Q5_0', 'Q4_0'];
const FIRST_SLICE = 1 << 18;
const MAX_HEADER = 1 << 30;

let file = null; // {summary, names} of the file(s) in use
let onChange = () => {};

/** The request fields the picker's choice adds: a mix over a preset, or the file's summary. */
export function requestFields(quant) {
  if (quant === 'mix') {
    // Until a group is given a type, the result is the base preset's.
    const mix = $('f-mix').value.trim();
    return mix ? { quant: $('f-mix-base').value, mix } : { quant: $('f-mix-base').value };
  }
  if (quant === 'gguf') {
    if (!file) throw new EstimateError({ code: 'gguf_missing', field: 'gguf', message: 'pick or drop your .gguf file (every shard of a split file) below first' });
    return { gguf: file.summary };
  }
  return {};
}

/** Shows an error about the mix or the file next to its control; true when it was one of those. */
export function showQuantError(e) {
  if (e.field === 'mix') {
    $('e-mix').textContent = e.message;
    $('f-mix').setAttribute('aria-invalid', 'true');
    return true;
  }
  if (e.field === 'gguf' || e.field?.startsWith('gguf.')) {
    $('e-gguf').textContent = e.message;
    return true;
  }
  return false;
}

export function clearQuantErrors() {
  for (const id of ['e-mix', 'e-gguf']) if ($(id)) $(id).textContent = '';
  $('f-mix')?.removeAttribute('aria-invalid');
}

/** Shows the mix editor or the file reader for the picked quantization. */
export function showFor(quant) {
  $('mix-field').hidden = quant !== 'mix';
  $('gguf-field').hidden = quant !== 'gguf';
  if (quant === 'mix') $('h-quant').textContent = 'A type per tensor group over a preset, as ik_llama.cpp’s --custom-q and llama-quantize’s --tensor-type write them.';
  if (quant === 'gguf') $('h-quant').textContent = 'The exact tensors of your own file, read from its header.';
}

function option(value, label) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function groupRow([id, label]) {
  const sel = `<select data-group="${id}" aria-label="${esc(label)}"><option value="">preset</option>` +
    TYPES.map((t) => `<option>${t}</option>`).join('') + '</select>';
  return `<label class="mix-row"><span>${esc(label)}</span>${sel}</label>`;
}

// The mix text stays the source of truth: the rows show and set the plain entries of their groups
// (routed experts as their two parts); layer ranges and other parts (ffn.down, shexp.gate_up)
// are kept as typed.
const ROW_IDS = GROUPS.map(([id]) => id);
const entries = (spec) => spec.split(',').map((e) => e.split('=').map((x) => x.trim())).filter((p) => p.length === 2 && p[0]);

/** The type each row shows: its own entry, else (for the experts' parts) the whole group's. */
function rowValues(spec) {
  const plain = new Map(entries(spec).filter(([g]) => !g.includes('@')));
  return new Map(ROW_IDS.map((id) => [id, plain.get(id) ?? (id.startsWith('exps.') ? plain.get('exps') : undefined) ?? '']));
}

function specFromRows(spec) {
  // Pieces the rows do not stand for (layer ranges, other parts, anything malformed) stay as typed.
  const byRow = (piece) => {
    const [g, t, extra] = piece.split('=').map((x) => x.trim());
    return t !== undefined && extra === undefined && (ROW_IDS.includes(g) || g === 'exps');
  };
  const kept = spec.split(',').map((p) => p.trim()).filter((p) => p && !byRow(p));
  // A type the rows do not list stays as typed (the core names it) until a row replaces it.
  const typed = rowValues(spec);
  const v = new Map([...document.querySelectorAll('#mix-rows select')].map((s) => {
    const t = typed.get(s.dataset.group);
    return [s.dataset.group, s.value || (t && !TYPES.includes(t) ? t : '')];
  }));
  const rows = [];
  for (const id of ROW_IDS) {
    const t = v.get(id);
    if (!t) continue;
    if (id === 'exps.gate_up' && v.get('exps.down') === t) rows.push(['exps', t]);
    else if (!(id === 'exps.down' && v.get('exps.gate_up') === t)) rows.push([id, t]);
  }
  return [...rows.map(([g, t]) => `${g}=${t}`), ...kept].join(',');
}

function rowsFromSpec(spec) {
  const v = rowValues(spec);
  for (const s of document.querySelectorAll('#mix-rows select')) {
    const t = v.get(s.dataset.group);
    s.value = TYPES.includes(t) ? t : '';
  }
}

/** Reads a header: a slice from the start, grown until the core has every tensor info. */
async function readHeader(f, inspect) {
  let size = Math.min(f.size, FIRST_SLICE);
  for (;;) {
    const bytes = new Uint8Array(await f.slice(0, size).arrayBuffer());
    const summary = inspect(bytes);  // {error, need_bytes} when more of the file is needed
    if (summary.error && summary.error.code === 'truncated_gguf' && size < f.size && size < MAX_HEADER) {
      size = Math.min(f.size, MAX_HEADER, Math.max(size * 4, summary.need_bytes ?? 0));
      continue;
    }
    return summary;
  }
}

async function readFiles(list) {
  const status = $('gguf-status');
  $('e-gguf').textContent = '';
  const files = [...list];
  if (!files.length) return;
  status.textContent = `Reading the header${files.length > 1 ? 's' : ''} of ${files.length} file${files.length > 1 ? 's' : ''}…`;
  try {
    const extras = await loadExtras();
    const shards = [];
    for (const f of files) shards.push({ name: f.name, summary: await readHeader(f, extras.inspectGgufRaw) });
    const merged = extras.ggufFiles(shards);
    file = { summary: merged, names: merged.files };
    status.innerHTML = fileText(merged);
    const sel = $('f-quant');
    const o = sel.querySelector('option[value="gguf"]');
    o.textContent = `Your file: ${merged.files.length > 1 ? `${merged.files.length} shards` : merged.files[0]}`;
    sel.value = 'gguf';
    showFor('gguf');
    onChange();
  } catch (e) {
    if (!(e instanceof EstimateError)) throw e;
    // The previous file (and its result) stay; the message says what is wrong with the new one.
    $('e-gguf').textContent = e.message;
    status.textContent = file ? `Still using ${file.names.join(', ')}.` : '';
  }
}

function fileText(s) {
  const types = s.weights_by_type.map((t) => `${fmtInt(t.tensors)} ${esc(t.type)}`).join(', ');
  return `From your file${s.files.length > 1 ? 's' : ''} ${s.files.map((n) => `<code>${esc(n)}</code>`).join(', ')}: ` +
    `${esc(s.architecture)}${s.name ? ` “${esc(s.name)}”` : ''}, ${fmtInt(s.tensors)} tensors (${types}).` +
    (s.mla_legacy ? ' Converted before llama.cpp’s MLA support (attn_kv_b): the full per-head KV cache is used.' : '');
}

/** Adds the "Custom mix" and "From a file" groups to the picker and their controls to the form. */
export function initQuantExtras({ engine, change, state }) {
  onChange = change;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = 'quant.css';
  document.head.append(link);
  const sel = $('f-quant');
  const custom = document.createElement('optgroup');
  custom.label = 'Custom';
  custom.append(option('mix', 'Custom mix over a preset…'));
  const fromFile = document.createElement('optgroup');
  fromFile.label = 'From a file';
  fromFile.append(option('gguf', 'Your .gguf file…'));
  sel.append(custom, fromFile);
  // A link's unknown "mix" option (added by setSelect before this loaded) gives way to the real one.
  for (const o of [...sel.options]) if (o.textContent.endsWith('(not recognised)') && (o.value === 'mix' || o.value === 'gguf')) o.remove();

  const presets = engine.catalog.quants.filter((q) => q.kind === 'gguf');
  const field = sel.closest('.field');
  const mix = document.createElement('div');
  mix.className = 'field sub';
  mix.id = 'mix-field';
  mix.hidden = true;
  mix.innerHTML = `<fieldset><legend>Custom mix</legend>` +
    `<label for="f-mix-base">Start from the preset</label><select id="f-mix-base"></select>` +
    `<div id="mix-rows">${GROUPS.map(groupRow).join('')}</div>` +
    `<label for="f-mix">Mix (GROUP[@FIRST-LAST]=TYPE, comma separated)</label>` +
    `<input id="f-mix" name="mix" type="text" spellcheck="false" autocomplete="off" aria-describedby="h-mix e-mix">` +
    `<p class="hint" id="h-mix">Groups: token_embd, output, attn, ffn (ffn.gate_up, ffn.down), shexp (shexp.gate_up, shexp.down), exps (exps.gate_up, exps.down); ` +
    `@0-2 limits an entry to layers 0 to 2. Tensors not named keep the preset’s rules. Unsloth’s dynamic R1 quants publish no per-tensor recipe: read their file below instead.</p>` +
    `<p class="err" id="e-mix"></p></fieldset>`;
  const gguf = document.createElement('div');
  gguf.className = 'field sub';
  gguf.id = 'gguf-field';
  gguf.hidden = true;
  gguf.innerHTML = `<fieldset><legend>Your GGUF file</legend>` +
    `<div class="drop" id="gguf-drop"><label for="f-gguf">Pick a .gguf file, or every shard of a split one (-00001-of-0000N), or drop them here</label>` +
    `<input id="f-gguf" type="file" accept=".gguf" multiple aria-describedby="gguf-status e-gguf"></div>` +
    `<p class="hint" id="gguf-status">Only the headers are read, here in your browser; nothing is uploaded.</p>` +
    `<p class="err" id="e-gguf" role="alert"></p></fieldset>`;
  field.after(mix, gguf);
  const base = $('f-mix-base');
  base.append(...presets.map((q) => option(q.name, q.name)));
  // A preset from a link that the list lacks is kept (marked), for the core to name.
  setValue(base, state.mix_base || 'Q4_K_M');
  $('f-mix').value = state.mix ?? '';
  rowsFromSpec($('f-mix').value);
  $('mix-rows').addEventListener('change', (ev) => {
    ev.stopPropagation();
    $('f-mix').value = specFromRows($('f-mix').value);
    change();
  });
  $('f-mix').addEventListener('input', (ev) => {
    ev.stopPropagation();
    rowsFromSpec($('f-mix').value);
    change();
  });
  base.addEventListener('change', (ev) => {
    ev.stopPropagation();
    change();
  });
  $('f-gguf').addEventListener('change', (ev) => {
    ev.stopPropagation();
    readFiles(ev.target.files);
  });
  const drop = $('gguf-drop');
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    readFiles(ev.dataTransfer.files);
  });
  if (state.quant === 'mix' || state.quant === 'gguf') sel.value = state.quant;
  showFor(sel.value);
}

/** The settings this module owns, for the address bar (a file cannot be linked). */
export function readQuantExtras() {
  return { mix: $('f-mix')?.value ?? '', mix_base: $('f-mix-base')?.value ?? 'Q4_K_M' };
}
