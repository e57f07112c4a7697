// The page's benchmark (not a test): bytes transferred to the first result (raw and gzip), cold
// time from navigation to performance.mark('first-result'), and the time one input change takes
// to update the result. Needs dist/ (scripts/build). The byte budget is a test
// (tests/browser/budget.test.mjs); bench/perf-harness.sh runs the reference method beside the floor.
//
//   node bench/page-bench.mjs [--runs N]
import { firstResultBytes, openBrowser } from '../tests/browser/harness.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

// No service worker: after the first load it would answer from its cache, and no load would be cold.
const b = await openBrowser({ serviceWorkers: 'block' });
try {
  // Bytes: every response requested before the first result, as served and as gzip -9 sends it;
  // what the page fetches afterwards (the extras module with the hardware planner, icons) apart.
  const bytes = await firstResultBytes(b, '/');
  console.log(`bytes to first result (${bytes.files.length} requests):`);
  for (const f of bytes.files) console.log(`  ${f.path.padEnd(26)} ${kb(f.raw).padStart(11)} ${kb(f.gzip).padStart(11)} gzip`);
  console.log(`  ${'total'.padEnd(26)} ${kb(bytes.raw).padStart(11)} ${kb(bytes.gzip).padStart(11)} gzip (target 33 KiB gzip)`);
  console.log(`fetched after the first result: ${bytes.after.map((f) => `${f.path} ${kb(f.gzip)} gzip`).join(', ') || 'nothing'}`);

  // Cold start: a new page each time; the server sends no validators, so nothing is reused.
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const p = await b.context.newPage();
    await p.route('**/*', (route) => route.continue({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } }));
    await p.goto(`${b.origin}/?run=${i}`);
    await p.waitForFunction(() => performance.getEntriesByName('first-result').length > 0);
    cold.push(await p.evaluate(() => performance.getEntriesByName('first-result')[0].startTime));
    await p.close();
  }
  console.log(`navigation to first-result: median ${median(cold).toFixed(1)} ms, ` +
    `min ${Math.min(...cold).toFixed(1)}, max ${Math.max(...cold).toFixed(1)} over ${RUNS} loads (budget 250 ms)`);

  // One input change, measured in the page: the handler (estimate + render), then with the style
  // and layout it causes forced, which is the work the next frame has to do.
  const p = await b.context.newPage();
  await p.goto(`${b.origin}/?model=deepseek-r1`);
  await p.waitForFunction(() => performance.getEntriesByName('first-result').length > 0);
  const update = await p.evaluate(async (runs) => {
    const input = document.getElementById('f-context');
    const handler = [];
    const layout = [];
    for (let i = 0; i < runs * 3; i++) {
      input.value = String(4096 + 512 * i);
      const t0 = performance.now();
      input.dispatchEvent(new Event('input', { bubbles: true }));
      handler.push(performance.now() - t0);
      void document.body.offsetHeight;
      layout.push(performance.now() - t0);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
    return { handler, layout };
  }, RUNS);
  console.log(`input change to updated result: median ${median(update.handler).toFixed(2)} ms in the handler ` +
    `(max ${Math.max(...update.handler).toFixed(2)}), ${median(update.layout).toFixed(2)} ms with style and layout ` +
    `(max ${Math.max(...update.layout).toFixed(2)}) (budget 16 ms)`);
  await p.close();

  // The solvers at the mobile profile's CPU (4x slower, as ../shared/perf's mobile runs): the
  // extras module run on the page's own thread, which CPU throttling certainly slows (a
  // worker's thread may not be): the fit table of "Your machine" for the R1 family on four
  // machines, then a max-context solve.
  const s = await b.context.newPage();
  await s.goto(`${b.origin}/`);
  await s.addScriptTag({ url: '/vramcalc-extras.js' });
  await s.evaluate(async () => { window.__extras = await globalThis.createVramcalcExtras({ printErr: () => {} }); });
  const cdp = await b.context.newCDPSession(s);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const solved = await s.evaluate(() => {
    const m = window.__extras;
    const fit = [['rtx-3090', 96], ['rtx-4090', 64], ['rtx-5090', 128], ['h100-sxm', null]].map(([gpu, ram]) =>
      JSON.stringify({ solve: 'fit', gpu, gpus: 1, runtime: 'llama.cpp', context: 16384, min_speed: 10, ...(ram ? { ram_gb: ram } : {}) }));
    const mc = JSON.stringify({ solve: 'max_context', model: 'deepseek-r1-distill-qwen-32b', quant: 'Q4_K_M', gpu: 'rtx-4090' });
    const time = (req) => {
      const t0 = performance.now();
      const out = JSON.parse(m.solve(req));
      if (out.error) throw new Error(out.error.message);
      return performance.now() - t0;
    };
    const first = time(fit[1]);
    const warm = Array.from({ length: 40 }, (_, i) => time(fit[i % 4]));
    const mcs = Array.from({ length: 10 }, () => time(mc));
    return { first, warm, mcs };
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  // V8 runs a function's baseline code until it has run enough to be optimised: the first ten
  // calls are what a visitor typing meets, calls 31 to 40 the optimised code.
  const early = solved.warm.slice(0, 10), late = solved.warm.slice(30);
  console.log(`solvers at 4x CPU throttle, page thread: fit table first ${solved.first.toFixed(0)} ms; calls 2-11 median ` +
    `${median(early).toFixed(1)} ms, calls 32-41 median ${median(late).toFixed(1)} ms (min ${Math.min(...late).toFixed(1)}) over 4 machines; ` +
    `max-context solve median ${median(solved.mcs).toFixed(1)} ms (budget 50 ms each)`);
  await s.close();
} finally {
  await b.close();
}
