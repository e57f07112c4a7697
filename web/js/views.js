// HTML for the result panel and the two tables, from the core's JSON. Pure string functions:
// the build pre-renders with them (native CLI output) and the page re-renders with them (wasm
// output), so the first paint and the live page are the same markup.
import { count, esc, fmtBoth, fmtBytes, fmtInt, fmtParams } from './format.js';
import { minimumDevice } from './min-device.js';

/** The model table: every distinct model (R1-Zero has R1's layout) at Q4_K_M. */
export const TABLE_MODELS = [
  'deepseek-r1',
  'deepseek-r1-distill-llama-70b',
  'deepseek-r1-distill-qwen-32b',
  'deepseek-r1-distill-qwen-14b',
  'deepseek-r1-distill-llama-8b',
  'deepseek-r1-distill-qwen-7b',
  'deepseek-r1-distill-qwen-1.5b',
];
export const TABLE_QUANT = 'Q4_K_M';
export const TABLE_CONTEXTS = [4096, 32768, 131072];

/** The 671B model's weights by precision: the naive figure, then a real format of that width. */
export const PRECISIONS = [
  ['FP32', 'FP32', 'FP32'],
  ['FP16 / BF16', 'BF16', 'BF16'],
  ['FP8', 'FP8-block', 'FP8 with a scale per 128×128 block, as released'],
  ['4-bit', 'INT4', 'INT4, groups of 128 (AWQ / GPTQ)'],
  ['4-bit', 'Q4_K_M', 'GGUF Q4_K_M'],
  ['2-bit', 'Q2_K', 'GGUF Q2_K'],
  // The low-bit files most R1 users run at home: llama-quantize's IQ presets (importance matrix).
  ['2-bit', 'IQ2_XXS', 'GGUF IQ2_XXS (importance matrix)'],
  ['1.5-bit', 'IQ1_S', 'GGUF IQ1_S (importance matrix)'],
];

const PARTS = ['weights', 'kv_cache', 'buffers', 'overhead'];

const b = (bytes, unit) => `<span data-bytes="${bytes}">${fmtBytes(bytes, unit)}</span>`;

export function modelKind(model) {
  if (model.family === 'full') return `${esc(model.params_official)} mixture of experts, ${esc(model.params_active_official)} active per token`;
  if (model.family === 'v3') return `${esc(model.params_official)} mixture of experts, ${esc(model.params_active_official)} active per token; R1's architecture, a chat model`;
  if (model.family === 'distill') return `dense ${esc(model.params_official)} distill of ${esc(model.base_model)}; not the 671B model`;
  return `${model.moe ? 'mixture of experts' : 'dense'}, ${esc(model.attention)} attention`;
}

export function modelRows(results, unit) {
  return results.map((r) => {
    return `<tr><th scope="row">${esc(r.model.name)}<small>${modelKind(r.model)}</small></th>` +
      `<td data-label="Total">${b(r.total_bytes, unit)}</td><td data-label="Naive 4-bit">${b(r.naive_weights_bytes, unit)}</td>` +
      `<td data-label="Smallest device">${esc(minimumDevice(r))}</td></tr>`;
  }).join('');
}

export function precisionRows(results, unit) {
  return results.map((r, i) => {
    const [label, , format] = PRECISIONS[i];
    return `<tr><th scope="row">${label}</th><td data-label="Bits">${r.quant.nominal_bits}</td>` +
      `<td data-label="Naive">${b(r.naive_weights_bytes, unit)}</td><td data-label="Real format">${esc(format)}</td>` +
      `<td data-label="Real">${b(r.weights_bytes, unit)}</td><td data-label="Bits per weight">${r.bits_per_weight.toFixed(2)}</td></tr>`;
  }).join('');
}

const pct = (part, total) => (total > 0 ? (100 * part) / total : 0);
const share = (part, total) => {
  const v = pct(part, total);
  return v > 0 && v < 0.05 ? '&lt;0.1%' : `${v.toFixed(1)}%`;
};

function chart(r) {
  let x = 0;
  const rects = r.breakdown.map((p) => {
    // At least 4 of 1000 units wide so a small part stays visible; the table has the figures.
    const w = Math.max(4, (1000 * p.bytes) / r.total_bytes);
    const rect = `<rect class="p-${esc(p.part)}" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="40"/>`;
    x += w;
    return rect;
  }).join('');
  const label = r.breakdown.map((p) => `${p.label} ${pct(p.bytes, r.total_bytes).toFixed(1)}%`).join(', ');
  return `<svg class="chart" viewBox="0 0 ${Math.max(1000, x).toFixed(0)} 40" preserveAspectRatio="none" role="img" aria-label="Breakdown: ${esc(label)}">${rects}</svg>`;
}

/** The result panel for one estimate. */
export function resultHtml(r, unit, open = false) {
  const other = unit === 'gb' ? 'gib' : 'gb';
  const naive = r.naive_weights_bytes !== r.weights_bytes
    ? `Naive figure for the weights (parameters × ${r.quant.nominal_bits} bits ÷ 8): ${b(r.naive_weights_bytes, unit)}. ` +
      `The real ${esc(r.quant.name)} weights take ${b(r.weights_bytes, unit)}, ${r.bits_per_weight.toFixed(2)} bits per weight.`
    : r.quant.nominal_bits > 0 ? `The weights take ${b(r.weights_bytes, unit)}, the same as parameters × ${r.quant.nominal_bits} bits ÷ 8.`
      : `The weights take ${b(r.weights_bytes, unit)}, ${r.bits_per_weight.toFixed(2)} bits per weight.`;
  const rows = PARTS.map((part) => {
    const p = r.breakdown.find((x) => x.part === part);
    if (!p) return '';
    return `<tr><th scope="row"><span class="sw p-${part}"></span>${esc(p.label)}</th>` +
      `<td>${b(p.bytes, unit)}</td><td>${share(p.bytes, r.total_bytes)}</td></tr>`;
  }).join('');
  const assumptions = Object.values(r.assumptions ?? {}).map((a) => `<li>${esc(a)}</li>`).join('');
  const warnings = (r.warnings ?? []).map((w) => `<li>${esc(w)}</li>`).join('');
  return `<p class="total" id="total" data-bytes="${r.total_bytes}">` +
    `<strong>${fmtBytes(r.total_bytes, unit)}</strong> <span>${fmtBytes(r.total_bytes, other)}</span></p>` +
    `<p class="what">${esc(r.model.name)} · ${esc(r.quant.name)} · ${count(r.context, 'token')} × ${count(r.sequences, 'sequence')} · ${esc(r.runtime.name)}</p>` +
    chart(r) +
    `<table class="parts"><caption>Where the memory goes</caption><thead><tr><th scope="col">Part</th>` +
    `<th scope="col">Memory</th><th scope="col">Share</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p class="naive">${naive}</p>` +
    `<dl class="facts">` +
    `<div><dt>GPU memory to reserve</dt><dd id="needed" data-bytes="${r.gpu_memory_needed_bytes}">${fmtBoth(r.gpu_memory_needed_bytes, unit)}</dd></div>` +
    `<div><dt>Smallest device that fits</dt><dd>${esc(minimumDevice(r))}</dd></div>` +
    `<div><dt>Parameters</dt><dd>${fmtParams(r.params_total)} total, ${fmtParams(r.params_active)} active per token</dd></div>` +
    `<div><dt>KV cache per token</dt><dd>${b(r.kv_bytes_per_token, unit)} (${esc(r.kv_type)}, ${esc(r.model.attention)})</dd></div>` +
    `<div><dt>Download size</dt><dd>${r.file_bytes == null ? 'not a single file format' : b(r.file_bytes, unit)}</dd></div>` +
    `</dl>` +
    `<div class="warnings" tabindex="0" role="region" aria-label="Warnings">` +
    (warnings ? `<h3>Warnings</h3><ul>${warnings}</ul>` : '<p>No warnings for these settings.</p>') + `</div>` +
    `<details class="assumptions"${open ? ' open' : ''}><summary>Assumptions (${r.assumptions ? Object.keys(r.assumptions).length : 0})</summary>` +
    `<ul>${assumptions}</ul></details>`;
}
