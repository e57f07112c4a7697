// HTML for the cost section, from the core's cost JSON (kinds api, volumes, route, monitor).
// Pure string functions, shared by the build's pre-render (native CLI output) and the page (the
// extras wasm module's output). Every figure is the core's; this file words and formats them.
import { esc, fmtInt, fmtNum, fmtShort, fmtUsd } from './format.js';

const usd = (v, id = '') => `<span${id ? ` id="${id}"` : ''} data-usd="${v}">${fmtUsd(v)}</span>`;
const pct = (v) => `${fmtNum(v, 2)}%`;

/**
 * Preset <option>s: each carries the core's prices for it, so choosing one can fill the fields,
 * and a note on where they come from (notes[i], shown under the picker).
 */
export function presetOptions(results, selected, notes = []) {
  return results.map((r, i) => {
    const p = r.preset;
    const a = r.api;
    const label = p.date ? `${p.name} (published ${p.date})` : p.name;
    return `<option value="${esc(p.id)}" data-input="${a.input_price}" data-output="${a.output_price}" ` +
      `data-cached="${a.cached_input_price ?? ''}" data-note="${esc(notes[i] ?? '')}"${p.id === selected ? ' selected' : ''}>${esc(label)}</option>`;
  }).join('\n');
}

/** The API cost for one workload. */
export function apiHtml(r) {
  const a = r.api;
  const retries = a.retry_percent > 0
    ? `Retries multiply the price by ${fmtNum(a.retry_multiplier, 3)}: ${usd(a.retry_cost_per_month)} of the monthly cost is re-sent calls.`
    : 'No retries counted: every call succeeds the first time.';
  const cached = a.cached_input_price == null
    ? 'No cached-input price: all input is billed at the input price.'
    : `${pct(a.cache_hit_percent)} of input tokens billed at the cached price, ${fmtUsd(a.cached_input_price)} per million.`;
  return `<p class="total"><strong id="cost-month" data-usd="${a.cost_per_month}">${fmtUsd(a.cost_per_month)}</strong> a month</p>` +
    `<p class="what">${fmtInt(a.calls_per_day)} calls a day × ${fmtInt(a.input_tokens)} input and ${fmtInt(a.output_tokens)} output tokens, ` +
    `at ${fmtUsd(a.input_price)} and ${fmtUsd(a.output_price)} per million</p>` +
    '<dl class="facts">' +
    `<div><dt>Per call</dt><dd>${usd(a.cost_per_call, 'cost-call')}<small>input ${fmtUsd(a.input_cost_per_call)}, output ${fmtUsd(a.output_cost_per_call)}, before retries</small></dd></div>` +
    `<div><dt>Per day</dt><dd>${usd(a.cost_per_day, 'cost-day')}</dd></div>` +
    `<div><dt>Calls a month</dt><dd>${fmtInt(a.calls_per_month)}</dd></div>` +
    `<div><dt>Tokens billed a month</dt><dd>${fmtShort(a.input_tokens_per_month)} in, ${fmtShort(a.output_tokens_per_month)} out</dd></div>` +
    '</dl>' +
    `<p class="note">${retries} ${cached}</p>` +
    `<details class="assumptions"><summary>Assumptions (${Object.keys(r.assumptions ?? {}).length})</summary>` +
    `<ul>${Object.values(r.assumptions ?? {}).map((x) => `<li>${esc(x)}</li>`).join('')}</ul></details>`;
}

/** The monthly-volume table's rows. */
export function volumeRows(r) {
  return r.rows.map((row) =>
    `<tr><th scope="row">${fmtInt(row.calls_per_month)}</th>` +
    `<td data-label="Input per call">${fmtInt(row.input_tokens)}</td>` +
    `<td data-label="Output per call">${fmtInt(row.output_tokens)}</td>` +
    `<td data-label="Tokens a month">${fmtShort(row.input_tokens_per_month)} in / ${fmtShort(row.output_tokens_per_month)} out</td>` +
    `<td data-label="Cost a month" data-usd="${row.cost_per_month}">${fmtUsd(row.cost_per_month)}</td>` +
    `<td data-label="Reading">${esc(row.reading)}</td></tr>`).join('');
}

/** A line in place of the self-hosting comparison, saying what it needs. */
export function selfHostPrompt(text) {
  return `<p class="verdict none" id="sh-verdict">${esc(text)}</p>`;
}

/** Self-hosting versus the API, from r.self_host (the planner's devices and speeds, an hourly price). */
export function selfHostHtml(r, deviceName) {
  const s = r.self_host;
  const a = r.api;
  const cheaper = !s.never_cheaper && s.cost_per_month < a.cost_per_month;
  const verdict = s.never_cheaper
    ? `<p class="verdict bad" id="sh-verdict" data-never="true"><strong>Never cheaper at these settings.</strong> Even fully busy, ` +
      `a call costs ${usd(s.cost_per_call_at_capacity)} on rented devices against ${usd(a.cost_per_call)} through the API.</p>`
    : `<p class="verdict ${cheaper ? 'ok' : 'bad'}" id="sh-verdict" data-never="false"><strong>Breaks even at about ` +
      `<span id="sh-break-even" data-calls="${s.break_even_calls_per_day}">${fmtInt(Math.round(s.break_even_calls_per_day))}</span> calls a day.</strong> ` +
      `At ${fmtInt(a.calls_per_day)} a day, self-hosting is ${cheaper ? 'cheaper' : 'dearer'} than the API.</p>`;
  return verdict +
    '<dl class="facts">' +
    `<div><dt>Self-hosted, a month</dt><dd>${usd(s.cost_per_month, 'sh-month')}<small>${fmtInt(s.replicas_needed)} × ` +
    `(${fmtInt(s.devices)} × ${esc(deviceName)} at ${fmtUsd(s.usd_per_device_hour)} an hour × ${fmtInt(s.hours_per_month)} hours)</small></dd></div>` +
    `<div><dt>Through the API, a month</dt><dd>${usd(a.cost_per_month)}</dd></div>` +
    `<div><dt>One replica, fully busy</dt><dd>${fmtInt(Math.floor(s.capacity_calls_per_month))} calls a month` +
    `<small>${fmtNum(s.seconds_per_call, 2)} s of replica time per call</small></dd></div>` +
    `<div><dt>This workload needs</dt><dd id="sh-replicas" data-replicas="${s.replicas_needed}">${fmtInt(s.replicas_needed)} ` +
    `${s.replicas_needed === 1 ? 'replica' : 'replicas'}, ${fmtNum(100 * s.utilization, 1)}% busy</dd></div>` +
    '</dl>' +
    `<p class="note">Speeds used: ${fmtNum(s.decode_tokens_per_s, 0)} output tokens/s (all sequences) and ` +
    `${fmtNum(s.prefill_tokens_per_s, 0)} prompt tokens/s, the hardware section's expected figures, which are upper-bound ` +
    'estimates: real throughput is lower, so the real break-even volume is higher.</p>';
}

/** The route helper's answer. */
export function routeHtml(r) {
  return `<p class="verdict route" id="route-name" data-route="${esc(r.route)}"><strong>${esc(r.name)}</strong></p>` +
    `<p id="route-reason">${esc(r.reason)}</p>`;
}

/** Rates are percentages; the other metrics are multiples (now over baseline). */
const metricValue = (metric, v) => (metric.endsWith('_percent') ? `${fmtNum(v, 2)}%` : `${fmtNum(v, 2)}×`);

/** The monitoring checklist's flags: alerts first. */
export function monitorHtml(r) {
  if (!r.flags.length) {
    return '<p class="verdict none" id="monitor-summary" data-alerts="0">Enter the figures you have: each is checked against its threshold.</p>';
  }
  const flags = [...r.flags].sort((x, y) => Number(y.alert) - Number(x.alert));
  const summary = r.alerts
    ? `<strong>${fmtInt(r.alerts)} of ${fmtInt(r.flags.length)} past ${r.alerts === 1 ? 'its threshold' : 'their thresholds'}.</strong>`
    : `<strong>All ${fmtInt(r.flags.length)} within their thresholds.</strong>`;
  const items = flags.map((f) =>
    `<li class="${f.alert ? 'alert' : 'fine'}" data-metric="${esc(f.metric)}" data-alert="${f.alert}">` +
    `<span class="flag">${f.alert ? 'Alert' : 'OK'}</span> ${esc(f.label)}: ${metricValue(f.metric, f.value)} ` +
    `(threshold ${metricValue(f.metric, f.threshold)})${f.alert ? `: ${esc(f.why)}` : ''}</li>`).join('');
  return `<p class="verdict ${r.alerts ? 'bad' : 'ok'}" id="monitor-summary" data-alerts="${r.alerts}">${summary}</p>` +
    `<ul class="flags">${items}</ul>`;
}
