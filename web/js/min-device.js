// The "smallest device that fits" column of the model table: the one place that picks a device.
//
// Stand-in until the core's planner supplies placement in its JSON (a `plan` object): then this
// function should read that object and nothing else. Until then it only compares the core's
// figure with each device's usable_bytes from data/gpus.json; it does no memory arithmetic.
// It ignores what a multi-GPU split adds per device (context, duplicated buffers), so an
// "N x" answer is a floor, and the page says so.

/**
 * @param {object} result  the core's estimate (gpu_memory_needed_bytes, total_bytes)
 * @param {{name: string, class: string, usable_bytes: number|null}[]} devices
 * @returns {{count: number, name: string}}
 */
export function minimumDevice(result, devices) {
  // gpu_memory_needed_bytes is total_bytes for llama.cpp; vLLM/SGLang reserve a fraction more.
  const needed = result.gpu_memory_needed_bytes ?? result.total_bytes;
  const known = devices.filter((d) => typeof d.usable_bytes === 'number');
  let single = null;
  for (const d of known) {
    if (d.usable_bytes >= needed && (!single || d.usable_bytes < single.usable_bytes)) single = d;
  }
  if (single) return { count: 1, name: single.name };
  let largest = null;
  for (const d of known) {
    if (d.class === 'datacenter' && (!largest || d.usable_bytes > largest.usable_bytes)) largest = d;
  }
  if (!largest) return { count: 0, name: 'no device in the catalog' };
  let count = 2;
  while (count * largest.usable_bytes < needed) count++;
  return { count, name: largest.name };
}
