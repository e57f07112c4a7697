// The solvers off the page's thread: the extras module started in a worker, so that a fit table
// of hundreds of model x format rows never holds up typing, scrolling or painting. A message in is
// {id, request} (a solve request as JSON text); the answer is {id, text, ms} (the core's JSON text
// and the milliseconds the core took), or {id, failed} when the module could not start or threw.
/* eslint-env worker */
// The page may first send {module}: the extras module it has compiled, which this worker then
// instantiates instead of fetching and compiling it again (and whose compiled code it shares).
importScripts('vramcalc-extras.js');
let ready = null;
const start = (module) => {
  if (!module) return createVramcalcExtras({ printErr: () => {} });
  return new Promise((resolve, reject) => {
    createVramcalcExtras({
      printErr: () => {},
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module), reject);
        return {}; // Emscripten's sign that the instance comes later
      },
    }).then(resolve, reject);
  });
};
onmessage = async ({ data }) => {
  if (data.module) {
    ready ??= start(data.module);
    return;
  }
  try {
    ready ??= start(null);
    const m = await ready;
    const t0 = performance.now();
    const text = m.solve(data.request);
    postMessage({ id: data.id, text, ms: performance.now() - t0 });
  } catch (e) {
    postMessage({ id: data.id, failed: String(e?.message ?? e) });
  }
};
