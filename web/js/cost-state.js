// The cost section's settings: its fields, URL parameters and defaults. Kept apart from the
// section's computing (cost.js), which loads after the first result.
import { fieldDefaults, readFields, setValue } from './forms.js';

const $ = (id) => document.getElementById(id);

/** State keys -> URL parameters. */
export const COST_PARAMS = [
  ['c_preset', 'preset'],
  ['c_calls', 'calls'],
  ['c_in', 'input'],
  ['c_out', 'output'],
  ['c_pin', 'pin'],
  ['c_pout', 'pout'],
  ['c_pcache', 'pcache'],
  ['c_hit', 'hit'],
  ['c_retry', 'retry'],
  ['c_hourly', 'hourly'],
  ['r_stage', 'stage'],
  ['r_calls', 'traffic'],
  ['r_compliance', 'compliance'],
  ['r_flex', 'flexible'],
  ['m_429', 'rate429'],
  ['m_retry', 'retrymult'],
  ['m_fallback', 'fallback'],
  ['m_ratio', 'ratio'],
  ['m_ratio0', 'ratio_base'],
  ['m_top', 'top_spend'],
  ['m_median', 'median_spend'],
  ['m_task', 'task_cost'],
  ['m_task0', 'task_cost_prev'],
  ['m_err', 'model_err'],
  ['m_err0', 'other_err'],
];

export const PRICE_KEYS = { c_pin: 'input', c_pout: 'output', c_pcache: 'cached' };

let F = null;
export function fields() {
  F ??= {
    api: {
      c_preset: $('f-preset'), c_calls: $('f-calls'), c_in: $('f-in-tokens'), c_out: $('f-out-tokens'),
      c_pin: $('f-in-price'), c_pout: $('f-out-price'), c_pcache: $('f-cached-price'), c_hit: $('f-cache-hit'),
      c_retry: $('f-retry'), c_hourly: $('f-hourly'),
    },
    route: { r_stage: $('f-stage'), r_calls: $('f-traffic'), r_compliance: $('f-compliance'), r_flex: $('f-flexible') },
    monitor: {
      m_429: $('f-m429'), m_retry: $('f-mretry'), m_fallback: $('f-mfallback'), m_ratio: $('f-mratio'),
      m_ratio0: $('f-mratio0'), m_top: $('f-mtop'), m_median: $('f-mmedian'), m_task: $('f-mtask'),
      m_task0: $('f-mtask0'), m_err: $('f-merr'), m_err0: $('f-merr0'),
    },
  };
  return F;
}
export const allFields = () => ({ ...fields().api, ...fields().route, ...fields().monitor });

const presetOption = (id) => [...fields().api.c_preset.options].find((o) => o.value === id);

/** The preset's prices, from the core's figures the build wrote on its <option>. */
export function presetPrices(id) {
  const o = presetOption(id);
  return o ? { c_pin: o.dataset.input, c_pout: o.dataset.output, c_pcache: o.dataset.cached } : {};
}

export const readCost = () => readFields(allFields());

/** Defaults as the HTML has them; the price fields follow the chosen preset ('' before one is known). */
export function costDefaults(s) {
  const d = fieldDefaults(allFields());
  const prices = s ? presetPrices(s.c_preset) : { c_pin: '', c_pout: '', c_pcache: '' };
  return { ...d, ...prices };
}

export function showPresetNote() {
  $('h-preset').textContent = presetOption(fields().api.c_preset.value)?.dataset.note ?? '';
}

/** Fills the forms from a state; prices missing from it are the preset's. */
export function applyCost(s) {
  const f = allFields();
  setValue(f.c_preset, s.c_preset);
  const prices = presetPrices(s.c_preset);
  for (const [k, el] of Object.entries(f)) {
    if (k === 'c_preset' || !(k in s)) continue;
    setValue(el, k in PRICE_KEYS && s[k] === '' ? prices[k] ?? '' : s[k]);
  }
  showPresetNote();
}

/** Whether a state differs from the defaults in any cost, route or monitor setting. */
export function changed(s) {
  const d = costDefaults(s);
  return Object.keys(d).some((k) => (s[k] ?? '') !== (d[k] ?? ''));
}
