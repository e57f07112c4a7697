// The "smallest device that fits" text: the one place that turns the planner's suggestion (the
// core's `suggested_gpu`, asked for with suggest_gpu: true / --suggest-gpu) into words. No
// memory arithmetic here: the core decided what fits and how a model is split.

// The planner searches layouts of up to this many devices (kMaxDevices in core/planner.hpp);
// a null layout means none of them holds the model.
const MAX_DEVICES = 64;

/**
 * @param {object} result the core's estimate, with suggested_gpu {single, multi, apple}
 * @returns {string} e.g. "NVIDIA RTX A6000", "6 × NVIDIA H100 SXM5 80GB, or Apple M3 Ultra ...",
 *   "none up to 64 devices"
 */
export function minimumDevice(result) {
  const s = result.suggested_gpu;
  if (!s) return '—';
  if (s.single) return s.single.name;
  const parts = [];
  if (s.multi?.layout) parts.push(`${s.multi.layout.count} × ${s.multi.name}`);
  if (s.apple) parts.push(s.apple.name);
  if (parts.length) return parts.join(', or ');
  return s.multi ? `none up to ${MAX_DEVICES} devices (${s.multi.name})` : 'none in the catalog';
}
