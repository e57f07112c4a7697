// Formatting only: bytes into GB (10^9) or GiB (2^30), counts with separators, HTML escaping.
// Shared by the page and the build's pre-render, so both print the same strings.

const SCALES = {
  gb: [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']],
  gib: [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']],
};

export const UNIT_NAMES = { gb: 'GB', gib: 'GiB' };

// Numbers as en-US writes them ("1,234.5"), without Intl: the first Intl.NumberFormat of a page
// loads the locale's data, a long task on a phone before the first figure. The rounding is
// Intl's (half away from zero, on the shortest decimal that reads back as the same double), which
// tests/fuzz/number-format.test.mjs checks against Intl itself.
function group(int) {
  let out = '';
  let i = int.length;
  for (; i > 3; i -= 3) out = `,${int.slice(i - 3, i)}${out}`;
  return int.slice(0, i) + out;
}

/** `v` with between `min` and `max` decimals: trailing zeros past `min` dropped. */
function decimals(v, min, max) {
  const a = Math.abs(v);
  let digits = String(a);
  if (/e/.test(digits)) {
    // Beyond 1e21 or below 1e-6: rare here, so Intl's formatter, made only then.
    return new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max }).format(v);
  }
  let [int, frac = ''] = digits.split('.');
  if (frac.length > max) {
    const up = frac.charCodeAt(max) >= 53;  // the first dropped digit is 5 or more
    frac = frac.slice(0, max);
    if (up) {
      // Add one unit in the last kept place, carrying through the fraction and the integer.
      const all = (int + frac).split('');
      let k = all.length - 1;
      for (; k >= 0 && all[k] === '9'; k--) all[k] = '0';
      if (k >= 0) all[k] = String.fromCharCode(all[k].charCodeAt(0) + 1);
      else all.unshift('1');
      digits = all.join('');
      int = digits.slice(0, digits.length - max);
      frac = digits.slice(digits.length - max);
    }
  }
  while (frac.length > min && frac.endsWith('0')) frac = frac.slice(0, -1);
  frac = frac.padEnd(min, '0');
  const body = group(int) + (frac ? `.${frac}` : '');
  return v < 0 || Object.is(v, -0) ? `-${body}` : body;
}

/** Exactly `digits` decimals: "1,234.50". */
export const fixed = (v, digits) => decimals(v, digits, digits);
/** Up to `digits` decimals, none forced. */
const upTo = (v, digits) => decimals(v, 0, digits);

/** "404.5 GB", "9.87 GiB", "68.6 KiB": the largest prefix up to G whose value is at least 1. */
export function fmtBytes(bytes, unit = 'gb') {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return '—';
  const scales = SCALES[unit] ?? SCALES.gb;
  const [div, name] = scales.find(([d]) => bytes >= d) ?? scales[scales.length - 1];
  const v = bytes / div;
  return `${fixed(v, v < 10 ? 2 : 1)} ${name}`;
}

/** Both units, the chosen one first: "404.5 GB (376.7 GiB)". */
export const fmtBoth = (bytes, unit = 'gb') =>
  `${fmtBytes(bytes, unit)} (${fmtBytes(bytes, unit === 'gb' ? 'gib' : 'gb')})`;

export const fmtInt = (n) => upTo(Number(n), 3);  // toLocaleString's default: up to 3 decimals

/** Parameter counts the way model cards write them: 671.0B, 37.6B, 1.78B. */
export function fmtParams(n) {
  const b = n / 1e9;
  return `${fixed(b, b < 10 ? 2 : 1)}B`;
}

export const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * US dollars: "$34,456" from $1,000, "$65.85" from $0.10, two significant digits below ("$0.0022");
 * from a billion on, in words ("$65.7 trillion"), which stay readable and fit a phone.
 */
export function fmtUsd(usd) {
  if (typeof usd !== 'number' || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  for (const [div, word] of [[1e12, 'trillion'], [1e9, 'billion']]) {
    if (usd >= div) return `$${upTo(usd / div, usd / div >= 100 ? 0 : 1)} ${word}`;
  }
  if (usd >= 1000) return `$${fixed(usd, 0)}`;
  if (usd >= 0.1) return `$${fixed(usd, 2)}`;
  return `$${new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 }).format(Number(usd.toPrecision(2)))}`;
}

/** Rates and other figures with up to `digits` decimals: "503.1", "80,802", "0.75". */
export function fmtNum(n, digits = 1) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  const d = Math.abs(n) >= 1000 ? 0 : digits;
  return upTo(n, d);
}

/** Large counts the short way: "1M", "2.5B", "300K"; below a thousand as they are. */
export function fmtShort(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  for (const [div, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']]) {
    if (Math.abs(n) >= div) return `${upTo(n / div, 1)}${suffix}`;
  }
  return upTo(n, 1);
}

/** At most `max` characters of what someone typed, for quoting it back ("abc…"). */
export function short(text, max = 40) {
  const t = String(text);
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/**
 * A message for the page: what it quotes of the user's input cut to a short prefix, and any
 * unbroken run of characters too, so a 10,000-character value never fills the screen.
 */
export const tidy = (message) => String(message)
  .replace(/"([^"]{41,})"/g, (_, q) => `"${short(q)}"`)
  .replace(/[^\s"]{61,}/g, (w) => short(w, 60));

/** A message as a sentence: a full stop added unless it already ends with one ("missing a brace?"). */
export const sentence = (text) => (/[.?!…]$/.test(text) ? text : `${text}.`);

/** "1 token", "4,096 tokens". */
export const count = (n, word) => `${fmtInt(n)} ${n === 1 ? word : `${word}s`}`;
