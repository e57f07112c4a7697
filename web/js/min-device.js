// The "smallest device that fits" text: the one place that turns the planner's suggestion (the
// core's `suggested_gpu`, asked for with suggest_gpu: true / --suggest-gpu) into words. No
// memory arithmetic here: the core decided what fits and how a model is split.

/**
 * @param {object} result the core's estimate, with suggested_gpu {single, multi, apple}
 * @returns {string} e.g. "NVIDIA RTX A6000", "6 × NVIDIA H100 SXM5 80GB, or Apple M3 Ultra ..."
 */
export function minimumDevice(result) {
  const s = result.suggested_gpu;
  if (!s) return '—';
  if (s.single) return s.single.name;
  const parts = [];
  if (s.multi) parts.push(`${s.multi.layout.count} × ${s.multi.name}`);
  if (s.apple) parts.push(s.apple.name);
  return parts.length ? parts.join(', or ') : 'none in the catalog';
}
