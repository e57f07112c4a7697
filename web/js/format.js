// Formatting only: bytes into GB (10^9) or GiB (2^30), counts with separators, HTML escaping.
// Shared by the page and the build's pre-render, so both print the same strings.

const SCALES = {
  gb: [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']],
  gib: [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']],
};

export const UNIT_NAMES = { gb: 'GB', gib: 'GiB' };

const fixed = (v, digits) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

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

export const fmtInt = (n) => Number(n).toLocaleString('en-US');

/** Parameter counts the way model cards write them: 671.0B, 37.6B, 1.78B. */
export function fmtParams(n) {
  const b = n / 1e9;
  return `${fixed(b, b < 10 ? 2 : 1)}B`;
}

export const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
