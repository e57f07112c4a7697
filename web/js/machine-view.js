// HTML and SVG for "Your machine" and the calculator's machine panel, from the core's solver JSON
// (fit table, largest context, offload sweep, reasoning budget, launch commands). Pure string
// functions: no memory or speed arithmetic here, only wording, formatting and chart geometry.
import { esc, fmtBytes, fmtInt, fmtNum } from './format.js';

const b = (bytes, unit) => `<span data-bytes="${bytes}">${fmtBytes(bytes, unit)}</span>`;
const tps = (v) => (v == null ? '—' : `${fmtNum(v, v < 10 ? 1 : 0)}`);
const tokens = (n) => (n == null ? 'none' : fmtInt(n));

/** The section's markup: the machine form, then the ranked table. Device and runtime options are
 * the calculator's own (cloned from the page), so they are not sent twice. */
export function machineSectionHtml() {
  return `<h2 id="my-title">Your machine: what can it run?</h2>
<p>Tell the engine what you have. It tries every model of the R1 family (and, if you tick the box, the other open models) in every format the runtime runs, places each the way the runtime would (all on the GPUs, MoE experts in RAM, layers in RAM, or RAM only), finds the largest context that fits and the speed to expect, and recommends one. Choose a row to see it in full in the calculator.</p>
<div class="calc">
<form id="my-form" class="inputs" novalidate>
<div class="row">
<div class="field"><label for="my-gpu">Device</label><select id="my-gpu" name="gpu" aria-describedby="e-my-gpu"></select><p class="err" id="e-my-gpu"></p></div>
<div class="field"><label for="my-gpus">How many</label><input id="my-gpus" name="gpus" type="text" inputmode="numeric" autocomplete="off" value="1" aria-describedby="e-my-gpus"><p class="err" id="e-my-gpus"></p></div>
</div>
<div class="row">
<div class="field"><label for="my-ram">System RAM (GB)</label><input id="my-ram" name="ram" type="text" inputmode="decimal" autocomplete="off" value="64" aria-describedby="h-my-ram e-my-ram"><p class="hint" id="h-my-ram">Empty: RAM is not used.</p><p class="err" id="e-my-ram"></p></div>
<div class="field"><label for="my-rt">Runtime</label><select id="my-rt" name="runtime" aria-describedby="e-my-rt"></select><p class="err" id="e-my-rt"></p></div>
</div>
<div class="row">
<div class="field"><label for="my-ctx">Context needed (tokens)</label><input id="my-ctx" name="context" type="text" inputmode="numeric" autocomplete="off" value="16384" aria-describedby="h-my-ctx e-my-ctx"><p class="hint" id="h-my-ctx">R1 thinks about 12,000 tokens on a hard problem.</p><p class="err" id="e-my-ctx"></p></div>
<div class="field"><label for="my-speed">Minimum speed (tokens/s)</label><input id="my-speed" name="min_speed" type="text" inputmode="decimal" autocomplete="off" value="10" aria-describedby="e-my-speed"><p class="err" id="e-my-speed"></p></div>
</div>
<div class="field check"><label><input id="my-other" name="other_models" type="checkbox"> Also the other open models (Llama, Qwen, Mistral, Gemma, gpt-oss, Phi, GLM, Kimi)</label></div>
</form>
<div class="results">
<p id="my-status" class="status" role="status"></p>
<div id="my-result" class="my-result" aria-live="polite"><p class="verdict none">Computing what fits…</p></div>
</div>
</div>`;
}

const VERDICT_CLASS = { gpu: 'ok', gpu_experts_ram: 'mid', gpu_layers_ram: 'mid', ram_only: 'slow', no_fit: 'bad' };

function rowHtml(r, i, unit, recommended) {
  const label = `${esc(r.model_name)} ${esc(r.quant)}`;
  return `<tr${recommended ? ' class="rec"' : ''}><th scope="row">${esc(r.model_name)}<small>${esc(r.quant)} · ${fmtNum(r.bits_per_weight, 2)} bits/weight</small></th>` +
    `<td data-label="Verdict"><span class="v ${VERDICT_CLASS[r.verdict] ?? 'bad'}">${esc(r.verdict_text)}</span></td>` +
    `<td data-label="Max context">${tokens(r.max_context)}</td>` +
    `<td data-label="Tokens/s">${r.verdict === 'no_fit' ? '—' : tps(r.decode_tokens_per_s)}</td>` +
    `<td data-label="VRAM">${r.verdict === 'no_fit' ? '—' : b(r.vram_bytes, unit)}</td>` +
    `<td data-label="RAM">${r.verdict === 'no_fit' ? '—' : b(r.ram_bytes, unit)}</td>` +
    `<td><button type="button" data-row="${i}" aria-label="Open ${label} in the calculator"${r.verdict === 'no_fit' ? ' disabled' : ''}>Open</button></td></tr>`;
}

/** The recommendation, then the ranked table (rows that fit first; the rest behind a toggle). */
export function fitHtml(fit, unit, showAll = false) {
  const rec = fit.recommendation;
  const head = rec
    ? `<p class="verdict ok" id="my-rec" data-model="${esc(rec.model)}" data-quant="${esc(rec.quant)}"><strong>Run ${esc(rec.model_name)} at ${esc(rec.quant)}</strong>, ${esc(rec.verdict_text)}: up to ${tokens(rec.max_context)} tokens of context, about ${tps(rec.decode_tokens_per_s)} tokens/s. <button type="button" data-row="0">Open in the calculator</button></p>`
    : `<p class="verdict bad" id="my-rec">${esc(fit.recommendation_reason)}.</p>`;
  // The R1 family first, then the other open models (when asked for) as a group of their own,
  // each in the ranking's order and cut alike (the rows that fit, at most 12, until "Show all");
  // a row's button names its place in the ranking.
  const groups = ['r1', 'other'].map((g) => fit.rows.map((r, i) => [r, i]).filter(([r]) => (r.group ?? 'r1') === g));
  let hidden = 0;
  const body = groups.map((rows) => {
    const fits = rows.filter(([r]) => r.verdict !== 'no_fit').length;
    const shown = showAll ? rows.length : Math.min(rows.length, Math.max(fits, 1), 12);
    hidden += rows.length - shown;
    return rows.slice(0, shown).map(([r, i]) => rowHtml(r, i, unit, rec && i === 0)).join('');
  });
  const rows = groups[1].length ? `${body[0]}</tbody><tbody class="group"><tr><th scope="colgroup" colspan="7">Other open models</th></tr>${body[1]}` : body[0];
  const more = hidden
    ? `<p><button type="button" id="my-more">Show all ${fmtInt(fit.rows.length)} rows (${fmtInt(fit.rows.filter((r) => r.verdict === 'no_fit').length)} do not fit)</button></p>` : '';
  return `${head}
<div class="scroll" tabindex="0" role="region" aria-label="Table: what fits this machine">
<table class="data" id="my-table"><thead><tr><th scope="col">Model and format</th><th scope="col">Verdict at ${fmtInt(fit.context)} tokens</th><th scope="col">Max context</th><th scope="col">Tokens/s</th><th scope="col">VRAM</th><th scope="col">RAM</th><th scope="col"><span class="sr">Open</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>${more}
<details class="rules"><summary>How the rows are ranked</summary><ul>${fit.rules.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
<p>Speeds are expected decode tokens/s for one sequence at the required context; max context is per sequence, to the runtime's cache step.</p></details>`;
}

// Chart geometry.
const W = 560;
const H = 240;
const PAD = { l: 56, r: 12, t: 12, b: 36 };
const niceMax = (v) => {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= v) ?? v;
};

/**
 * Memory against context on a log axis: the estimate's total at each context, the machine's
 * capacity as a line, the model's trained maximum and the largest context that fits marked.
 * points: [{context, total_bytes}], capacity: bytes or null, max: {tokens, binding} or null.
 */
export function contextChartSvg(points, { capacity = null, maxContext = null, modelMax, unit = 'gb' }) {
  const x0 = Math.log2(points[0].context);
  const x1 = Math.log2(points[points.length - 1].context);
  const top = niceMax(Math.max(...points.map((p) => p.total_bytes), capacity ?? 0) * 1.05);
  const X = (c) => PAD.l + ((Math.log2(c) - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const Y = (v) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${X(p.context).toFixed(1)},${Y(p.total_bytes).toFixed(1)}`).join('');
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const xTicks = points.map((p) => p.context).filter((c) => Number.isInteger(Math.log2(c)) && Math.log2(c) % 2 === 1);
  const kfmt = (c) => (c >= 1024 ? `${fmtInt(c / 1024)}K` : fmtInt(c));
  let marks = '';
  if (capacity != null) {
    marks += `<line class="cap" x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(capacity).toFixed(1)}" y2="${Y(capacity).toFixed(1)}"/>` +
      `<text class="lbl" x="${W - PAD.r}" y="${(Y(capacity) - 4).toFixed(1)}" text-anchor="end">machine: ${esc(fmtBytes(capacity, unit))}</text>`;
  }
  if (modelMax && modelMax <= points[points.length - 1].context) {
    marks += `<line class="max" x1="${X(modelMax).toFixed(1)}" x2="${X(modelMax).toFixed(1)}" y1="${PAD.t}" y2="${H - PAD.b}"/>` +
      `<text class="lbl" x="${(X(modelMax) - 4).toFixed(1)}" y="${PAD.t + 12}" text-anchor="end">trained max</text>`;
  }
  if (maxContext) {
    marks += `<line class="fit" x1="${X(maxContext).toFixed(1)}" x2="${X(maxContext).toFixed(1)}" y1="${PAD.t}" y2="${H - PAD.b}"/>` +
      `<text class="lbl fit" x="${(X(maxContext) + 4).toFixed(1)}" y="${H - PAD.b - 6}">fits up to ${kfmt(maxContext)}</text>`;
  }
  return `<svg class="mchart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="mc-title mc-desc" preserveAspectRatio="xMidYMid meet">` +
    `<title id="mc-title">Memory against context</title><desc id="mc-desc">Total memory from ${kfmt(points[0].context)} to ${kfmt(points[points.length - 1].context)} tokens, log scale` +
    `${capacity != null ? `; the machine holds ${esc(fmtBytes(capacity, unit))}` : ''}${maxContext ? `; the largest context that fits is ${fmtInt(maxContext)} tokens` : ''}.</desc>` +
    yTicks.map((v) => `<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}"/>` +
      `<text class="tick" x="${PAD.l - 4}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end">${esc(fmtBytes(v, unit))}</text>`).join('') +
    xTicks.map((c) => `<text class="tick" x="${X(c).toFixed(1)}" y="${H - PAD.b + 14}" text-anchor="middle">${kfmt(c)}</text>`).join('') +
    `<text class="tick" x="${(PAD.l + W - PAD.r) / 2}" y="${H - 4}" text-anchor="middle">context, tokens per sequence (log scale)</text>` +
    `<path class="line" d="${path}"/>${marks}</svg>`;
}

/** The offload sweep: expected tokens/s against GPU memory, one dot per --n-cpu-moe (or -ngl). */
export function sweepChartSvg(sweep, { capacity = null, unit = 'gb' }) {
  const pts = sweep.points.filter((p) => p.decode_tokens_per_s != null);
  if (!pts.length) return '';
  const xmax = niceMax(Math.max(...pts.map((p) => p.vram_bytes), capacity ?? 0) * 1.05);
  const ymax = niceMax(Math.max(...pts.map((p) => p.decode_tokens_per_s)) * 1.1);
  const X = (v) => PAD.l + (v / xmax) * (W - PAD.l - PAD.r);
  const Y = (v) => H - PAD.b - (v / ymax) * (H - PAD.t - PAD.b);
  const axis = sweep.axis === 'n_cpu_moe' ? '--n-cpu-moe' : '-ngl';
  const best = sweep.fastest == null ? null : sweep.points[sweep.fastest];
  const dots = pts.map((p) => `<circle class="${p.fits ? 'dot ok' : 'dot'}" cx="${X(p.vram_bytes).toFixed(1)}" cy="${Y(p.decode_tokens_per_s).toFixed(1)}" r="${p === best ? 5 : 3}"><title>${axis} ${sweep.axis === 'n_cpu_moe' ? p.cpu_moe_layers : p.gpu_layers}: ${esc(fmtBytes(p.vram_bytes, unit))} on the GPUs, ${tps(p.decode_tokens_per_s)} tokens/s${p.fits ? '' : ', does not fit'}</title></circle>`).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return `<svg class="mchart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="sw-title sw-desc">` +
    `<title id="sw-title">Offload sweep: speed against GPU memory</title><desc id="sw-desc">${pts.length} settings of ${axis}; ` +
    `${best ? `the fastest that fits uses ${esc(fmtBytes(best.vram_bytes, unit))} of GPU memory at ${tps(best.decode_tokens_per_s)} tokens/s` : 'none fits'}.</desc>` +
    ticks.map((f) => `<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(f * ymax).toFixed(1)}" y2="${Y(f * ymax).toFixed(1)}"/>` +
      `<text class="tick" x="${PAD.l - 4}" y="${(Y(f * ymax) + 4).toFixed(1)}" text-anchor="end">${fmtNum(f * ymax, 1)}</text>` +
      `<text class="tick" x="${X(f * xmax).toFixed(1)}" y="${H - PAD.b + 14}" text-anchor="middle">${esc(fmtBytes(f * xmax, unit))}</text>`).join('') +
    `<text class="tick" x="${(PAD.l + W - PAD.r) / 2}" y="${H - 4}" text-anchor="middle">GPU memory used (tokens/s up the side)</text>` +
    (capacity != null ? `<line class="cap" x1="${X(capacity).toFixed(1)}" x2="${X(capacity).toFixed(1)}" y1="${PAD.t}" y2="${H - PAD.b}"/>` : '') +
    `${dots}</svg>`;
}

/** The reasoning budget's answer. */
export function reasoningHtml(r, unit) {
  const fit = r.fits
    ? `<p class="verdict ok" id="rs-verdict"><strong>The trace fits:</strong> ${fmtInt(r.context_needed)} tokens of context needed, up to ${tokens(r.max_context)} fit.</p>`
    : `<p class="verdict bad" id="rs-verdict"><strong>The trace does not fit:</strong> it needs ${fmtInt(r.context_needed)} tokens of context; ${r.max_context ? `${fmtInt(r.max_context)} fit` : 'nothing fits'}.</p>`;
  const s = (v) => (v == null ? 'not estimated' : `${fmtNum(v, v < 10 ? 1 : 0)} s`);
  return `${fit}<dl class="kv">
<dt>KV cache at the end of the answer</dt><dd>${b(r.kv_cache_bytes_at_end, unit)}</dd>
<dt>Reading the prompt</dt><dd>${s(r.prefill_s)}</dd>
<dt>Thinking (${fmtInt(r.thinking_tokens)} tokens)</dt><dd>${s(r.thinking_s)}</dd>
<dt>First answer token after</dt><dd id="rs-ttft">${s(r.time_to_first_answer_token_s)}</dd>
<dt>Whole answer after</dt><dd id="rs-total">${s(r.time_total_s)}</dd>
<dt>Decode speed, start to end</dt><dd>${tps(r.decode_tokens_per_s_start)} → ${tps(r.decode_tokens_per_s_end)} tokens/s</dd>
</dl><details><summary>Assumptions</summary><ul>${r.assumptions.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></details>`;
}

/** Launch commands with a copy button each. */
export function commandsHtml(r) {
  const entries = Object.entries(r.launch_commands ?? {});
  if (!entries.length) return '<p>No launch command for this runtime.</p>';
  return entries.map(([rt, cmd], i) => `<figure class="cmd"><figcaption>${esc(rt)}</figcaption>` +
    `<pre id="cmd-${i}" tabindex="0">${esc(cmd)}</pre><button type="button" data-copy="cmd-${i}">Copy command</button>` +
    `${(r.launch_command_notes?.[rt] ?? []).map((n) => `<p class="hint">${esc(n)}</p>`).join('')}</figure>`).join('');
}

/** The calculator's machine panel: chart, sweep, reasoning form and output, commands. */
export function panelHtml() {
  return `<h3 id="mp-title">On your machine</h3>
<p id="mp-status" class="status" role="status"></p>
<div id="mp-chart"></div>
<div id="mp-sweep"></div>
<h4 id="rs-title">Reasoning budget</h4>
<p class="hint">R1 and its distills think before they answer, and the whole trace stays in the context.</p>
<form id="rs-form" novalidate><div class="row3">
<div class="field"><label for="rs-prompt">Prompt tokens</label><input id="rs-prompt" type="text" inputmode="numeric" autocomplete="off" placeholder="1024" aria-describedby="e-rs-prompt"><p class="err" id="e-rs-prompt"></p></div>
<div class="field"><label for="rs-think">Thinking tokens</label><input id="rs-think" type="text" inputmode="numeric" autocomplete="off" placeholder="12000" aria-describedby="e-rs-think"><p class="err" id="e-rs-think"></p></div>
<div class="field"><label for="rs-answer">Answer tokens</label><input id="rs-answer" type="text" inputmode="numeric" autocomplete="off" placeholder="4096" aria-describedby="e-rs-answer"><p class="err" id="e-rs-answer"></p></div>
</div></form>
<div id="rs-result" aria-labelledby="rs-title"></div>
<h4 id="lc-title">Launch command</h4>
<div id="lc-result" aria-labelledby="lc-title"></div>`;
}

/** The FAQ's answer: one generated command per common setup (used by the build's pre-render). */
export function faqRunHtml(setups) {
  return setups.map(({ title, result }) => {
    const cmds = Object.values(result.launch_commands ?? {});
    const mc = result.max_context;
    return `<p>${esc(title)}${mc ? ` (the largest context that fits: ${fmtInt(mc)} tokens)` : ''}:</p>` +
      cmds.map((c) => `<p><code class="faq-cmd">${esc(c).replace(/\n/g, '<br>')}</code></p>`).join('');
  }).join('\n');
}
