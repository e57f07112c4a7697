// Loaded after the first result: the "other open models" group of the model picker (the
// catalogue beyond the R1 family, which only the extras module carries) and the safetensors
// reader (drop .safetensors files and model.safetensors.index.json: only the 8-byte length and
// the JSON header of each file are read, with File.slice). The core does every count; this
// module reads bytes and renders what it returns.
import { loadExtras } from './engine.js';
import { esc, fmtBoth, fmtInt, fmtParams } from './format.js';

const $ = (id) => document.getElementById(id);

/** The other models' listing, fetched once from the extras module. */
let listing = null;
async function otherModels() {
  if (!listing) {
    const x = await loadExtras();
    listing = x.otherModels().models;
  }
  return listing;
}

/**
 * Adds the other models to the picker as their own group after the R1 family's.
 * @param {HTMLSelectElement} select the model picker
 */
async function addGroup(select) {
  if (select.querySelector('optgroup[data-group="other"]')) return;
  const models = await otherModels();
  // The R1 family stays first, in its groups (pre-rendered) or in one of its own.
  if (!select.querySelector('optgroup')) {
    const r1 = document.createElement('optgroup');
    r1.label = 'DeepSeek-R1 family';
    r1.dataset.group = 'r1';
    for (const o of [...select.options]) {
      if (o.value !== 'custom' && !models.some((m) => m.id === o.value)) r1.append(o);
    }
    select.prepend(r1);
  }
  const group = document.createElement('optgroup');
  group.label = 'Other open models';
  group.dataset.group = 'other';
  const wanted = select.value;
  for (const m of models) {
    // A value from the address bar that the first catalogue did not know is one of these.
    for (const o of [...select.options]) if (o.value === m.id && !o.closest('optgroup')) o.remove();
    const kind = m.moe ? `${m.params_official}, ${m.params_active_official} active` : m.params_official;
    group.append(new Option(`${m.name} (${kind})`, m.id));
  }
  // After the R1 family's groups, before the group (or the option) of the custom config.
  const custom = [...select.options].find((o) => o.value === 'custom');
  const before = custom ? (custom.closest('optgroup') ?? custom) : null;
  select.insertBefore(group, before);
  select.value = wanted;
}

/** The hint under the picker for an other model (the R1 family's come from app.js). */
export function otherModelHint(id) {
  const m = listing?.find((x) => x.id === id);
  if (!m) return null;
  const parts = [`${esc(m.name)}: ${m.moe ? 'mixture of experts' : 'dense'}, ${fmtParams(m.params_total)} parameters`];
  if (m.moe) parts.push(`${fmtParams(m.params_active)} active per token`);
  if (m.params_vision) parts.push(`plus a ${fmtParams(m.params_vision)} vision tower`);
  return `${parts.join(', ')}. ${esc(m.checkpoint)}.${m.note ? ` ${esc(m.note)}` : ''} <a href="https://huggingface.co/${esc(m.hf_repo)}" rel="noopener">${esc(m.hf_repo)}</a>`;
}

// ---- safetensors headers -------------------------------------------------------------------

const MAX_HEADER = 100_000_000;  // the format's cap; the core names a longer one as an error

/** One .safetensors file's header, read with two slices: the 8-byte length, then the JSON. */
async function readHeader(file) {
  const prefix = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (prefix.length < 8) return { name: file.name, size: file.size, header_length: 0, header: '' };
  const length = new DataView(prefix.buffer).getBigUint64(0, true);
  const n = length > BigInt(MAX_HEADER) ? 0 : Number(length);
  const bytes = n ? new Uint8Array(await file.slice(8, 8 + n).arrayBuffer()) : new Uint8Array();
  return {
    name: file.name,
    size: file.size,
    header_length: length <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(length) : Number.MAX_SAFE_INTEGER,
    header: new TextDecoder('utf-8').decode(bytes),
  };
}

function summaryHtml(s, unit) {
  const rows = s.parts
    .map((p) => `<tr><th scope="row">${esc(p.label)}</th><td>${p.params ? fmtParams(p.params) : '—'}</td><td>${fmtInt(p.tensors)}</td><td>${fmtBoth(p.bytes, unit)}</td></tr>`)
    .join('');
  const dtypes = s.by_dtype
    .map((d) => `<tr><th scope="row">${esc(d.dtype)}</th><td>${fmtInt(d.tensors)}</td><td>${fmtBoth(d.bytes, unit)}</td></tr>`)
    .join('');
  const notes = (s.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
  return `<p><strong>${fmtInt(s.params)}</strong> parameters (${fmtParams(s.params)}) in the language model${
    s.params_mtp ? `, ${fmtParams(s.params_mtp)} in the multi-token-prediction layer` : ''}${
    s.params_vision ? `, ${fmtParams(s.params_vision)} in the vision tower` : ''}; ${fmtInt(s.tensors)} tensors in ${fmtInt(s.files.length)} file(s), ${esc(s.format)}.</p>
<div class="scroll" tabindex="0" role="region" aria-label="Table: safetensors contents by part">
<table class="data"><thead><tr><th scope="col">Part</th><th scope="col">Parameters</th><th scope="col">Tensors</th><th scope="col">Bytes</th></tr></thead>
<tbody>${rows}<tr><th scope="row">Total</th><td></td><td>${fmtInt(s.tensors)}</td><td>${fmtBoth(s.bytes, unit)}</td></tr></tbody></table></div>
<div class="scroll" tabindex="0" role="region" aria-label="Table: safetensors bytes by dtype">
<table class="data"><thead><tr><th scope="col">dtype</th><th scope="col">Tensors</th><th scope="col">Bytes</th></tr></thead><tbody>${dtypes}</tbody></table></div>
${notes ? `<ul class="notes">${notes}</ul>` : ''}`;
}

async function readFiles(files, { unit, configText, onConfig }) {
  const out = $('st-result');
  const err = $('e-safetensors');
  err.textContent = '';
  out.textContent = 'Reading the headers…';
  try {
    const req = { files: [] };
    for (const f of files) {
      if (/\.json$/i.test(f.name)) {
        const text = await f.text();
        let parsed = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null;
        }
        if (parsed && parsed.weight_map) req.index = text;
        else if (parsed && (parsed.architectures || parsed.model_type)) onConfig(text);
        else req.index = text;  // the core says what is wrong with it
      } else {
        req.files.push(await readHeader(f));
      }
    }
    try {
      const cfg = JSON.parse(configText());
      if (cfg && typeof cfg === 'object') req.config = cfg;
    } catch {
      // no config pasted: the counts do without it
    }
    if (!req.files.length && !req.index) {
      out.textContent = '';
      return;
    }
    const x = await loadExtras();
    out.innerHTML = summaryHtml(x.inspectSafetensors(JSON.stringify(req)), unit());
  } catch (e) {
    out.textContent = '';
    err.textContent = e.message;
  }
}

/**
 * Wires the picker's "other models" button and the safetensors reader.
 * @param {{select: HTMLSelectElement, unit: () => string, configText: () => string,
 *   onConfig: (text: string) => void, onModels: () => void}} opts
 */
export function initMoreModels({ select, unit, configText, onConfig, onModels }) {
  const button = $('more-models');
  const show = () =>
    addGroup(select)
      .then(() => {
        button.hidden = true;
        onModels();
      })
      .catch((e) => {
        $('e-model').textContent = e.message;
      });
  button?.addEventListener('click', show);
  // The page is built with the button in place but disabled (shown only now, it would push the
  // form down as the page starts): it works once this module is in.
  if (button) button.disabled = false;
  const input = $('f-safetensors');
  input?.addEventListener('change', () => readFiles([...input.files], { unit, configText, onConfig }));
  const zone = $('st-drop');
  zone?.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone?.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone?.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    readFiles([...(ev.dataTransfer?.files ?? [])], { unit, configText, onConfig });
  });
  return { show };
}
