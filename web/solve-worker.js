// The solvers off the page's thread: the extras module started in a worker, so that a fit table
// of hundreds of model x format rows never holds up typing, scrolling or painting. A message in is
// {id, request} (a solve request as JSON text); the answer is {id, text, ms} (the core's JSON text
// and the milliseconds the core took), or {id, failed} when the module could not start or threw.
/* eslint-env worker */
importScripts('vramcalc-extras.js');
const ready = createVramcalcExtras({ printErr: () => {} });
onmessage = async ({ data }) => {
  try {
    const m = await ready;
    const t0 = performance.now();
    const text = m.solve(data.request);
    postMessage({ id: data.id, text, ms: performance.now() - t0 });
  } catch (e) {
    postMessage({ id: data.id, failed: String(e?.message ?? e) });
  }
};
