// Page behaviour the first result does not need, loaded after it: the context slider's keys.
//
// The slider is on a log scale with 1000 positions and snaps to powers of two, so the browser's
// own arrow-key step (one position) lands back on the same context. The keys instead step
// through round contexts: 512, 768, 1,024, 1,536, 2,048, ... (powers of two and 1.5 times them);
// Page Up and Page Down go to the next power of two; Home and End to the ends.

/** Round contexts from min to max (max itself included). */
function stops(min, max) {
  const out = [];
  for (let p = min; p <= max; p *= 2) {
    out.push(p);
    if (p * 1.5 <= max) out.push(p * 1.5);
  }
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

/** The context a key moves to from n, or null for a key the slider leaves alone. */
export function keyTarget(key, n, min, max) {
  const all = stops(min, max);
  const powers = all.filter((v) => Number.isInteger(Math.log2(v)) || v === max);
  const above = (list) => list.find((v) => v > n) ?? max;
  const below = (list) => [...list].reverse().find((v) => v < n) ?? min;
  switch (key) {
    case 'ArrowRight': case 'ArrowUp': return above(all);
    case 'ArrowLeft': case 'ArrowDown': return below(all);
    case 'PageUp': return above(powers);
    case 'PageDown': return below(powers);
    case 'Home': return min;
    case 'End': return max;
    default: return null;
  }
}

/**
 * @param {{range: HTMLInputElement, context: HTMLInputElement, min: number, max: () => number,
 *   update: () => void}} page the slider, the context field, its bounds and the page's update
 */
export function init({ range, context, min, max, update }) {
  range.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const typed = Number(context.value);
    const n = Number.isFinite(typed) ? Math.min(Math.max(typed, min), max()) : min;
    const v = keyTarget(ev.key, n, min, max());
    if (v === null) return;
    ev.preventDefault();
    if (String(v) === context.value) return;
    context.value = String(v);
    update();
  });
}
