// The calculator's settings <-> the query string: readable names, only values that differ from
// the defaults, so a shared link is short and says what was changed.
export const PARAMS = [
  ['model', 'model'],
  ['quant', 'quant'],
  ['context', 'ctx'],
  ['sequences', 'seq'],
  ['runtime', 'rt'],
  ['kv_type', 'kv'],
  ['flash_attn', 'fa'],
  ['unit', 'unit'],
  ['config_text', 'config'],
];

// The custom mix over a preset (?quant=mix&mix=...&mixbase=IQ1_S); the user's GGUF file stays out
// of links.
export const QUANT_PARAMS = [
  ['mix', 'mix'],
  ['mix_base', 'mixbase'],
];

/**
 * Settings from a query string, defaults filled in. Values stay as typed: the core judges them.
 * `params` lists [state key, query name] pairs: the calculator's, plus those of other sections.
 */
export function stateFromQuery(search, defaults, params = PARAMS) {
  const q = new URLSearchParams(search);
  const s = { ...defaults };
  for (const [key, name] of params) if (q.has(name)) s[key] = q.get(name);
  return s;
}

/** "?model=deepseek-r1&ctx=32768", or "" when everything is at its default. */
export function queryFromState(s, defaults, params = PARAMS) {
  const q = new URLSearchParams();
  for (const [key, name] of params) {
    const v = s[key] ?? '';
    if (v !== '' && String(v) !== String(defaults[key] ?? '')) q.set(name, v);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}
