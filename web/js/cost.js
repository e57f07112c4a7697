// The cost section: API cost per task and per month, the monthly-volume table, self-hosting on
// the hardware section's devices, the route helper and the monitoring checklist. The core's
// extras module computes all of it; it is loaded on demand (when the section comes near the
// viewport, is first used, or the link carries cost settings), never for the first result.
import { EstimateError, loadExtras } from './engine.js';
import { clearFieldErrors, setValue, showFieldError } from './forms.js';
import { allFields, changed, fields, presetPrices, PRICE_KEYS, readCost, showPresetNote } from './cost-state.js';
// The section's markup (cost-view.js) arrives with the extras module: nothing renders before.
let view = null;
import { fmtInt, sentence } from './format.js';

const $ = (id) => document.getElementById(id);



// The core's request fields -> state keys, per form (the core names the field in its errors).
const API_FIELDS = {
  preset: 'c_preset', calls_per_day: 'c_calls', input_tokens: 'c_in', output_tokens: 'c_out', input_price: 'c_pin',
  output_price: 'c_pout', cached_input_price: 'c_pcache', cache_hit_percent: 'c_hit', retry_percent: 'c_retry',
};
const SELF_HOST_FIELDS = { usd_per_device_hour: 'c_hourly' };
const ROUTE_FIELDS = { stage: 'r_stage', calls_per_day: 'r_calls', compliance: 'r_compliance', latency_flexible: 'r_flex' };
const MONITOR_FIELDS = {
  rate_429_percent: 'm_429', retry_multiplier: 'm_retry', fallback_percent: 'm_fallback',
  output_input_ratio: 'm_ratio', output_input_ratio_baseline: 'm_ratio0', top_user_spend: 'm_top',
  median_user_spend: 'm_median', cost_per_task: 'm_task', cost_per_task_last_week: 'm_task0',
  model_error_percent: 'm_err', other_models_error_percent: 'm_err0',
};

let extras = null;
let loading = null;
let hardware = null;   // {plan, speed} of the latest estimate, or {error}, or null (no device)
let onChange = () => {};




function fail(formKey, map, e, fallbackKey) {
  if (!(e instanceof EstimateError)) throw e;
  const key = map[e.field] ?? fallbackKey;
  showFieldError(fields()[formKey][key] ?? allFields()[key], e.message);
  return e;
}

function apiRequest(s) {
  const req = {
    kind: 'api', preset: s.c_preset, calls_per_day: s.c_calls, input_tokens: s.c_in, output_tokens: s.c_out,
    input_price: s.c_pin, output_price: s.c_pout, cache_hit_percent: s.c_hit, retry_percent: s.c_retry,
  };
  // Empty: the preset's cached price, if it has one.
  if (s.c_pcache !== '') req.cached_input_price = s.c_pcache;
  return req;
}

/** Why self-hosting cannot be compared yet, or null with the self_host request part. */
function selfHostInput(s) {
  if (!hardware) return { why: 'Choose a device in the hardware section above: the self-hosting cost uses its placement and speed.' };
  if (hardware.error) return { why: 'Fix the hardware settings above to compare self-hosting.' };
  const { plan, speed } = hardware;
  const on = `${fmtInt(plan.count)} × ${plan.device.name}`;
  if (!plan.fits) {
    const min = plan.minimum ? ` The fewest that fit: ${fmtInt(plan.minimum.count)}.` : '';
    return { why: `The model does not fit on ${on}: choose a count that fits in the hardware section to compare self-hosting.${min}` };
  }
  if (speed?.prefill_tokens_per_s == null) {
    return { why: `There is no prefill estimate for ${on} with weights in system RAM, so the time a call takes, and its cost, cannot be estimated.` };
  }
  if (s.c_hourly === '') return { why: `Enter an hourly price per device to compare renting ${on} with the API.` };
  return {
    self_host: {
      gpu: plan.device.id, devices: plan.count, usd_per_device_hour: s.c_hourly,
      decode_tokens_per_s: speed.decode_expected_tokens_per_s_aggregate, prefill_tokens_per_s: speed.prefill_tokens_per_s,
    },
    deviceName: plan.device.name,
  };
}

function updateApi(s) {
  clearFieldErrors(fields().api);
  const status = $('cost-status');
  const req = apiRequest(s);
  let r;
  try {
    r = extras.cost(req);
  } catch (e) {
    fail('api', API_FIELDS, e, 'c_calls');
    status.textContent = `Cannot compute the cost: ${sentence(e.message)} The figures below are for earlier settings.`;
    for (const id of ['cost-result', 'selfhost-result', 't-volumes']) $(id).classList.add('stale');
    return;
  }
  status.textContent = '';
  $('cost-result').innerHTML = view.apiHtml(r);
  $('t-volumes-body').innerHTML = view.volumeRows(extras.cost({ ...req, kind: 'volumes' }));
  for (const id of ['cost-result', 'selfhost-result', 't-volumes']) $(id).classList.remove('stale');

  const sh = selfHostInput(s);
  $('sh-status').textContent = '';
  if (!sh.self_host) {
    $('selfhost-result').innerHTML = view.selfHostPrompt(sh.why);
    return;
  }
  try {
    $('selfhost-result').innerHTML = view.selfHostHtml(extras.cost({ ...req, self_host: sh.self_host }), sh.deviceName);
  } catch (e) {
    fail('api', SELF_HOST_FIELDS, e, 'c_hourly');
    $('sh-status').textContent = `Cannot compare self-hosting: ${sentence(e.message)}`;
    $('selfhost-result').innerHTML = view.selfHostPrompt('No comparison until the hourly price is corrected.');
  }
}

function updateRoute(s) {
  clearFieldErrors(fields().route);
  try {
    $('route-result').innerHTML = view.routeHtml(extras.cost({
      kind: 'route', stage: s.r_stage, calls_per_day: s.r_calls, compliance: s.r_compliance,
      latency_flexible: s.r_flex === 'yes',
    }));
    $('route-result').classList.remove('stale');
    $('route-status').textContent = '';
  } catch (e) {
    fail('route', ROUTE_FIELDS, e, 'r_stage');
    $('route-status').textContent = `Cannot suggest a route: ${sentence(e.message)} The suggestion below is for earlier settings.`;
    $('route-result').classList.add('stale');
  }
}

function updateMonitor(s) {
  clearFieldErrors(fields().monitor);
  const metrics = {};
  for (const [field, key] of Object.entries(MONITOR_FIELDS)) if (s[key] !== '') metrics[field] = s[key];
  try {
    $('monitor-result').innerHTML = view.monitorHtml(extras.cost({ kind: 'monitor', metrics }));
    $('monitor-result').classList.remove('stale');
    $('monitor-status').textContent = '';
  } catch (e) {
    fail('monitor', MONITOR_FIELDS, e, 'm_429');
    $('monitor-status').textContent = `Cannot check the figures: ${sentence(e.message)} The checklist below is for earlier figures.`;
    $('monitor-result').classList.add('stale');
  }
}

function updateAll() {
  if (!extras) return;
  const s = readCost();
  updateApi(s);
  updateRoute(s);
  updateMonitor(s);
  performance.mark('cost-updated');
}

/** Loads the extras module once, then computes every part of the section. */
export function ensureCostEngine() {
  loading ??= Promise.all([loadExtras(), import('./cost-view.js')]).then(([x, v]) => {
    view = v;
    extras = x;
    $('cost').dataset.ready = 'true';
    updateAll();
  }, (e) => {
    loading = null;
    $('cost-status').textContent = `${e.message} The figures shown were computed when the page was built.`;
  });
  return loading;
}

/**
 * The hardware section's latest estimate: {plan, speed} when a device is chosen, {error} when its
 * settings are wrong, null when none is chosen. Re-costs self-hosting if the module is loaded.
 */
export function setCostHardware(h) {
  hardware = h;
  if (extras) updateApi(readCost());
}

export function initCost(opts) {
  onChange = opts.onChange;
  const f = fields();
  $('cost-form').addEventListener('input', (ev) => {
    if (ev.target === f.api.c_preset) {
      const prices = presetPrices(f.api.c_preset.value);
      for (const k of Object.keys(PRICE_KEYS)) setValue(f.api[k], prices[k] ?? '');
      showPresetNote();
    }
    if (extras) updateApi(readCost());
    else ensureCostEngine();
    onChange();
  });
  $('route-form').addEventListener('input', () => {
    if (extras) updateRoute(readCost());
    else ensureCostEngine();
    onChange();
  });
  $('monitor-form').addEventListener('input', () => {
    if (extras) updateMonitor(readCost());
    else ensureCostEngine();
    onChange();
  });
  for (const id of ['cost-form', 'route-form', 'monitor-form']) {
    $(id).addEventListener('submit', (ev) => ev.preventDefault());
    $(id).addEventListener('focusin', () => ensureCostEngine(), { once: true });
  }
  // Settings from a link: compute them now, not when the section is scrolled to.
  if (changed(readCost())) {
    ensureCostEngine();
  } else if ('IntersectionObserver' in globalThis) {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        ensureCostEngine();
      }
    }, { rootMargin: '300px 0px' });
    io.observe($('cost'));
  } else {
    ensureCostEngine();
  }
}
