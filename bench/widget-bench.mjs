// The widget's weight (not a test): what a reader of a post with one <vram-calculator> downloads
// from the calculator's site, raw and gzip, file by file; and the time from navigation to the
// widget's first result. Needs dist/ (scripts/build).
//
//   node bench/widget-bench.mjs [--runs N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../scripts/static-server.mjs';
import { openBrowser } from '../tests/browser/harness.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

const b = await openBrowser();
const dir = mkdtempSync(join(tmpdir(), 'vramcalc-widget-bench-'));
const calc = `${b.origin}/`;
writeFileSync(join(dir, 'post.html'), `<!doctype html><meta charset="utf-8"><title>A post</title>
<h1>A post with the calculator</h1>
<script type="module" src="${calc}widget/vram-calculator.js"></script>
<vram-calculator model="deepseek-r1" quant="Q4_K_M"><a href="${calc}?model=deepseek-r1">LLM memory calculator</a></vram-calculator>
<script type="module">
  // Bench only: when the widget shows its first result.
  document.querySelector('vram-calculator').addEventListener('estimate', () => performance.mark('widget-result'), { once: true });
</script>`);
const host = await startServer({ root: dir, port: 0 });
const post = `http://localhost:${host.port}/post.html`;
try {
  const page = await b.context.newPage();
  const bodies = [];
  page.on('response', async (r) => {
    if (!r.url().startsWith(calc)) return; // the host's own page is not the widget's weight
    try { bodies.push({ url: r.url(), body: await r.body() }); } catch { /* no body */ }
  });
  await page.goto(post);
  await page.waitForFunction(() => performance.getEntriesByName('widget-result').length > 0);
  await page.waitForTimeout(100);
  let raw = 0;
  let gz = 0;
  const rows = bodies.map(({ url, body }) => {
    const g = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += g;
    return `  ${new URL(url).pathname.padEnd(28)} ${String(body.length).padStart(8)} B ${kb(body.length).padStart(10)}` +
      ` ${String(g).padStart(8)} B ${kb(g).padStart(10)} gzip`;
  });
  console.log('widget weight (what a reader downloads from the calculator\'s site):');
  console.log(rows.join('\n'));
  console.log(`  ${'total'.padEnd(28)} ${String(raw).padStart(8)} B ${kb(raw).padStart(10)} ${String(gz).padStart(8)} B ${kb(gz).padStart(10)} gzip`);
  await page.close();

  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const p = await b.context.newPage();
    await p.route('**/*', (route) => route.continue({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } }));
    await p.goto(`${post}?run=${i}`);
    await p.waitForFunction(() => performance.getEntriesByName('widget-result').length > 0);
    times.push(await p.evaluate(() => performance.getEntriesByName('widget-result')[0].startTime));
    await p.close();
  }
  console.log(`navigation to the widget's first result: median ${median(times).toFixed(1)} ms, ` +
    `min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)} over ${RUNS} loads`);
} finally {
  await host.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
}
