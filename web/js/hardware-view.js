// HTML for the hardware section, from the core's `plan` and `speed` objects (an estimate asked
// with gpu / custom_gpu). Pure string functions, like views.js: the verdict, the fewest devices
// that fit and why, RAM, the per-device breakdown and the speeds all come from the core; this
// file only words and formats them.
import { esc, fixed, fmtBoth, fmtBytes, fmtInt, fmtNum, sentence, short } from './format.js';

/** Device classes in the order the picker shows them, with their group labels. */
export const DEVICE_CLASSES = [
  ['consumer', 'Desktop GPUs'],
  ['laptop', 'Laptop GPUs'],
  ['workstation', 'Workstation GPUs'],
  ['datacenter', 'Datacenter GPUs'],
  ['apple', 'Apple unified memory'],
  ['unified', 'Other unified memory'],
  ['cpu', 'CPU only (system RAM)'],
];

const b = (bytes, unit) => `<span data-bytes="${bytes}">${fmtBytes(bytes, unit)}</span>`;
const tps = (v) => {
  if (v == null) return 'not estimated';
  if (v < 0.1) return 'under 0.1 tokens/s';
  const digits = v < 100 ? 1 : 0;
  return `${fixed(v, digits)} tokens/s`;
};

/** The picker's <option>s grouped by class and family ("Desktop GPUs · GeForce RTX 40"), plus the custom device. */
export function deviceOptions(devices, selected = '') {
  const opt = (value, label) => `<option value="${esc(value)}"${value === selected ? ' selected' : ''}>${esc(label)}</option>`;
  const groups = DEVICE_CLASSES.flatMap(([cls, label]) => {
    const inClass = devices.filter((d) => d.class === cls);
    const families = [...new Set(inClass.map((d) => d.family || ''))];
    return families.map((fam) => {
      const items = inClass.filter((d) => (d.family || '') === fam).map((d) =>
        opt(d.id, d.memory_gb == null ? d.name : `${d.name} · ${fmtNum(d.memory_gb)} GB`));
      return `<optgroup label="${esc(fam ? `${label} · ${fam}` : label)}">${items.join('')}</optgroup>`;
    });
  });
  return [opt('', 'None: memory only'), ...groups,
    `<optgroup label="Other">${opt('custom', 'Custom device: enter its memory and bandwidth')}</optgroup>`].join('\n');
}

/** What to show before a device is chosen. */
export function hardwarePrompt() {
  return '<p class="verdict none" id="hw-verdict">Choose a device to see whether the model fits on it, ' +
    'how it is split across several, what goes to system RAM, and how fast it can generate.</p>';
}

/** The least headroom over the devices (negative: short by that much), or null without devices. */
function deviceHeadroom(plan) {
  const rooms = plan.devices.map((d) => d.headroom_bytes).filter((h) => h != null);
  return rooms.length ? Math.min(...rooms) : null;
}

/** "256 GB (256.0 GiB)": the RAM as the reader typed it, and what the core took it for. */
const ramGiven = (plan, typed) =>
  `${typed ? `${esc(short(typed, 20))} GB` : fmtBytes(plan.ram_bytes, 'gb')} (${fmtBytes(plan.ram_bytes, 'gib')})`;

/** Whether the plan is known not to fit (a CPU plan without a RAM size is unknown, not short). */
const isShort = (plan) => (plan.device.class === 'cpu' ? plan.host.fits === false : !plan.fits);

function ramShortText(plan, unit, typed) {
  return `<strong>Does not fit in RAM:</strong> it needs <span id="hw-ram-needed" data-bytes="${plan.host.total_bytes}">` +
    `${fmtBoth(plan.host.total_bytes, unit)}</span> of system RAM; you have ${ramGiven(plan, typed)}.`;
}

function verdict(plan, unit, typed) {
  const on = `${fmtInt(plan.count)} × ${esc(plan.device.name)}`;
  const layout = plan.layout?.description ? ` (${esc(plan.layout.description)})` : '';
  const ramShort = plan.ram_bytes != null && plan.host.fits === false;
  if (plan.device.class === 'cpu') {
    const host = plan.host;
    if (host.fits === true) {
      return `<p class="verdict ok" id="hw-verdict" data-fits="true"><strong>Fits in RAM.</strong> ${on}${layout} ` +
        `runs the model from system RAM with ${b(host.headroom_bytes, unit)} to spare.</p>`;
    }
    if (host.fits === false) {
      return `<p class="verdict bad" id="hw-verdict" data-fits="false">${ramShortText(plan, unit, typed)} ` +
        `Short by ${b(-host.headroom_bytes, unit)}.</p>`;
    }
    return `<p class="verdict none" id="hw-verdict" data-fits="unknown"><strong>Runs from system RAM.</strong> ` +
      `It needs ${b(plan.ram_needed_bytes, unit)}; enter your RAM size to check it fits.</p>`;
  }
  if (plan.fits) {
    return `<p class="verdict ok" id="hw-verdict" data-fits="true"><strong>Fits</strong> on ${on}${layout}, ` +
      `with <span id="hw-headroom" data-bytes="${plan.headroom_bytes}">${fmtBytes(plan.headroom_bytes, unit)}</span> ` +
      'to spare on the fullest device.</p>';
  }
  const room = deviceHeadroom(plan);
  if (room != null && room >= 0 && ramShort) {
    return `<p class="verdict bad" id="hw-verdict" data-fits="false">${ramShortText(plan, unit, typed)} ` +
      `What goes on ${on}${layout} fits there.</p>`;
  }
  const gpuShort = room != null && room < 0 ? -room : plan.shortfall_bytes;
  return `<p class="verdict bad" id="hw-verdict" data-fits="false"><strong>Does not fit</strong> on ${on}${layout}: ` +
    `short by <span id="hw-shortfall" data-bytes="${gpuShort}">${fmtBytes(gpuShort, unit)}</span> ` +
    `on the fullest device.${ramShort ? ` Nor does the rest fit in RAM: it needs ${fmtBoth(plan.host.total_bytes, unit)}; ` +
      `you have ${ramGiven(plan, typed)}.` : ''}</p>`;
}

function minimum(plan) {
  if (plan.minimum) {
    const m = plan.minimum;
    return `<span id="hw-minimum" data-count="${m.count}">${fmtInt(m.count)} × ${esc(plan.device.name)}` +
      `${m.description ? ` (${esc(m.description)})` : ''}</span>`;
  }
  return '<span id="hw-minimum" data-count="">none: see the reason</span>';
}

function ram(plan, unit, typed) {
  if (!plan.ram_needed_bytes) return 'none: everything is on the device' + (plan.count === 1 ? '' : 's');
  const needed = `<span id="hw-ram" data-bytes="${plan.ram_needed_bytes}">${fmtBoth(plan.ram_needed_bytes, unit)}</span>`;
  if (plan.ram_bytes == null) return `${needed}; enter your RAM size to check it`;
  const h = plan.host;
  return h.fits === false
    ? `${needed}: short by ${b(-h.headroom_bytes, unit)} of the ${ramGiven(plan, typed)} given`
    : `${needed}, of ${ramGiven(plan, typed)} (${b(h.headroom_bytes, unit)} to spare)`;
}

/** Identical devices side by side (tensor-parallel ranks) become one row. */
function groupDevices(devices) {
  const groups = [];
  for (const d of devices) {
    const { label, ...rest } = d;
    const key = JSON.stringify(rest);
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.labels.push(label);
    else groups.push({ key, labels: [label], d });
  }
  return groups;
}

function bufferLines(d, unit) {
  const parts = [
    ['compute', d.compute_buffer_bytes],
    ['CUDA graphs', d.cuda_graph_bytes],
    ['output', d.output_buffer_bytes],
    ['runtime', d.runtime_reserved_bytes],
  ].filter(([, v]) => v > 0);
  return parts.length ? parts.map(([name, v]) => `${name} ${b(v, unit)}`).join('<br>') : '—';
}

function deviceRow(labels, d, unit, isHost = false) {
  const name = labels.length > 1
    ? `${esc(labels[0])} to ${esc(labels[labels.length - 1])}<small>${labels.length} devices, each</small>`
    : esc(labels[0]);
  const layers = d.layer_first == null
    ? (d.expert_layers ? `experts of ${fmtInt(d.expert_layers)} layers` : (d.input_layer ? 'input embedding' : '—'))
    : `${fmtInt(d.layer_first)}–${fmtInt(d.layer_last)}` + (d.expert_layers && !isHost ? `<small>experts of ${fmtInt(d.expert_layers)}</small>` : '');
  const replicated = d.weights_replicated_bytes > 0 ? `<small>${fmtBytes(d.weights_replicated_bytes, unit)} replicated</small>` : '';
  const duplicated = d.weights_duplicated_bytes > 0 ? `<small>${fmtBytes(d.weights_duplicated_bytes, unit)} duplicated</small>` : '';
  const kv = d.kv_cache_bytes > 0 ? `${b(d.kv_cache_bytes, unit)}${d.kv_replicated ? '<small>whole, on each</small>' : ''}` : '—';
  const usable = d.budget_bytes == null ? '' : `<small>of ${fmtBytes(d.budget_bytes, unit)} usable</small>`;
  const room = d.headroom_bytes == null
    ? ''
    : d.headroom_bytes >= 0 ? `<small>${fmtBytes(d.headroom_bytes, unit)} free</small>`
      : `<small class="short">short by ${fmtBytes(-d.headroom_bytes, unit)}</small>`;
  return `<tr${d.fits === false ? ' class="over"' : ''}><th scope="row">${name}</th>` +
    `<td data-label="Layers">${layers}</td>` +
    `<td data-label="Weights">${b(d.weights_bytes, unit)}${replicated}${duplicated}</td>` +
    `<td data-label="KV cache">${kv}</td>` +
    `<td data-label="Buffers">${bufferLines(d, unit)}</td>` +
    `<td data-label="Total">${b(d.total_bytes, unit)}${usable}${room}</td></tr>`;
}

function deviceTable(plan, unit) {
  const rows = groupDevices(plan.devices).map((g) => deviceRow(g.labels, g.d, unit));
  if (plan.host && plan.host.total_bytes > 0) rows.push(deviceRow([plan.host.label], plan.host, unit, true));
  return '<div class="scroll devices" tabindex="0" role="region" aria-label="Table: memory on each device">' +
    '<table class="data" id="hw-devices"><caption>On each device</caption><thead><tr>' +
    '<th scope="col">Device</th><th scope="col">Layers</th><th scope="col">Weights</th><th scope="col">KV cache</th>' +
    '<th scope="col">Buffers</th><th scope="col">Total</th>' +
    `</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

const list = (items) => (items?.length ? `<ul>${items.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '<p>—</p>');

function speedBlock(speed, sequences) {
  const seq = sequences === 1 ? 'one sequence' : `each of ${fmtInt(sequences)} sequences`;
  return '<h3 class="sub">Speed <span class="tag">upper-bound estimates</span></h3>' +
    '<table class="parts speed" id="hw-speed"><thead><tr><th scope="col">Phase</th>' +
    '<th scope="col">Upper bound</th><th scope="col">Expected</th></tr></thead><tbody>' +
    `<tr><th scope="row">Decode, ${seq}</th><td data-tps="${speed.decode_tokens_per_s_per_sequence}">${tps(speed.decode_tokens_per_s_per_sequence)}</td>` +
    `<td>${tps(speed.decode_expected_tokens_per_s_per_sequence)}</td></tr>` +
    `<tr><th scope="row">Decode, all sequences</th><td data-tps="${speed.decode_tokens_per_s_aggregate}">${tps(speed.decode_tokens_per_s_aggregate)}</td>` +
    `<td id="hw-decode-expected" data-tps="${speed.decode_expected_tokens_per_s_aggregate}">${tps(speed.decode_expected_tokens_per_s_aggregate)}</td></tr>` +
    `<tr><th scope="row">Prefill (prompt)</th><td id="hw-prefill" data-tps="${speed.prefill_tokens_per_s ?? ''}">${tps(speed.prefill_tokens_per_s)}</td><td>—</td></tr>` +
    '</tbody></table>' +
    (speed.similar_setups ? `<p class="hint" id="hw-similar">Expected speed: ${esc(speed.similar_setups.text)}.</p>` : '') +
    `<p class="hint">${speed.compute_bound ? 'Decode is limited by compute here.' : 'Decode is limited by memory bandwidth: each generated token reads the active weights and the KV cache.'} ` +
    'Real runs are slower: these bounds leave out kernel launches, synchronisation and communication.</p>' +
    `<details class="assumptions"><summary>How the speeds are estimated (${speed.assumptions.length})</summary>${list(speed.assumptions)}</details>`;
}

/**
 * Instead of speeds for a placement that does not fit (it would not run at all): what to change
 * to see them.
 */
function noSpeed(plan) {
  const on = `${fmtInt(plan.count)} × ${esc(plan.device.name)}`;
  const room = deviceHeadroom(plan);
  const where = room != null && room >= 0 && plan.host.fits === false ? 'in the system RAM given' : `on ${on}`;
  const fewest = plan.minimum && plan.minimum.count !== plan.count
    ? ` The fewest that hold the whole model are ${fmtInt(plan.minimum.count)} × ${esc(plan.device.name)}: set “How many” to ${fmtInt(plan.minimum.count)} to see their speed.`
    : '';
  return '<h3 class="sub">Speed</h3>' +
    `<p class="hint" id="hw-speed-none">No speed estimate: the model does not fit ${where}, so it would not run.${fewest}</p>`;
}

/**
 * The hardware result for one estimate that carries `plan` and `speed`.
 * @param {{ram?: string}} [typed] the RAM size as the reader typed it, quoted back as typed
 */
export function hardwareHtml(r, unit, typed = {}) {
  const plan = r.plan;
  if (!plan) return hardwarePrompt();
  return verdict(plan, unit, typed.ram) +
    '<dl class="facts">' +
    `<div><dt>Fewest devices that hold the whole model</dt><dd>${minimum(plan)}</dd></div>` +
    `<div><dt>System RAM needed</dt><dd>${ram(plan, unit, typed.ram)}</dd></div>` +
    `<div><dt>Offload</dt><dd>${offloadText(plan.offload)}</dd></div>` +
    '</dl>' +
    `<p class="reason" id="hw-reason">${esc(plan.minimum_reason)}</p>` +
    (plan.notes?.length ? `<div class="notes">${list(plan.notes)}</div>` : '') +
    (plan.devices.length || plan.host?.total_bytes ? deviceTable(plan, unit) : '') +
    '<div class="split-rep">' +
    `<div><h3 class="sub">Split across devices</h3>${list(plan.split)}</div>` +
    `<div><h3 class="sub">Replicated on each device</h3>${list(plan.replicated)}</div>` +
    '</div>' +
    (isShort(plan) ? noSpeed(plan) : r.speed ? speedBlock(r.speed, r.sequences) : '') +
    '<details class="compare" id="hw-compare"><summary>Compare runtimes: this model and format on each one</summary>' +
    '<div class="compare-body"></div></details>';
}

/**
 * The same model and format on each runtime that runs it (the core's compare_runtimes rows): its
 * KV cache, buffers, total, fit on the chosen devices and expected decode speed.
 * @param {string} current the runtime of the calculator, marked in the table
 */
export function compareHtml(rows, unit, current) {
  if (!rows?.length) return '<p class="hint">No runtime profile runs this model in this format.</p>';
  const body = rows.map((c) => {
    const mine = c.runtime === current;
    if (c.error) {
      return `<tr data-runtime="${esc(c.runtime)}"><th scope="row">${esc(c.name)}</th>` +
        `<td colspan="5" class="muted">Cannot run this: ${esc(sentence(c.error.message))}</td></tr>`;
    }
    const fit = c.fits ? 'fits' : 'does not fit';
    const speed = c.fits ? tps(c.decode_expected_tokens_per_s) : '—';
    return `<tr${mine ? ' class="current"' : ''} data-runtime="${esc(c.runtime)}">` +
      `<th scope="row">${esc(c.name)}${mine ? ' <span class="tag">chosen</span>' : ''}</th>` +
      `<td data-label="KV cache">${b(c.kv_cache_bytes, unit)} <span class="muted">${esc(c.kv_type)}</span></td>` +
      `<td data-label="Buffers and overhead">${b(c.buffers_bytes + c.overhead_bytes, unit)}</td>` +
      `<td data-label="Total">${b(c.total_bytes, unit)}</td>` +
      `<td data-label="On these devices">${fit}</td>` +
      `<td data-label="Expected decode">${speed}</td></tr>`;
  }).join('');
  return '<div class="scroll" tabindex="0" role="region" aria-label="Table: the runtimes compared">' +
    '<table class="data" id="hw-compare-table"><caption>Each runtime with the same model, format, context and devices</caption>' +
    '<thead><tr><th scope="col">Runtime</th><th scope="col">KV cache</th><th scope="col">Buffers and overhead</th>' +
    '<th scope="col">Total</th><th scope="col">On these devices</th><th scope="col">Expected decode</th></tr></thead>' +
    `<tbody>${body}</tbody></table></div>` +
    '<p class="hint">Each runtime keeps its own defaults (KV type, flash attention, buffers); expected speeds are for one sequence.</p>';
}

function offloadText(o) {
  if (!o || o.mode === 'none') return 'none';
  if (o.mode === 'layers') return `layers: ${fmtInt(o.gpu_layers)} on the GPU (-ngl ${fmtInt(o.gpu_layers)}), the rest in RAM`;
  return `MoE experts: the routed experts of the first ${fmtInt(o.cpu_moe_layers)} layers in RAM (--n-cpu-moe ${fmtInt(o.cpu_moe_layers)})`;
}
