// The solvers in the extras WebAssembly module, in Node (one thread, no throttling): the fit table
// of "Your machine" for the R1 family on four machines, the first call (the weights by layer of
// every model x format pair, the hardware catalogue and the speed model made on first use) and
// then the median of 20, and a max-context solve. The page runs the same calls in its worker.
//   node bench/wasm-solvers.mjs [dir with vramcalc-extras.js and .wasm; default build-wasm/wasm]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? 'build-wasm/wasm');
const create = createRequire(import.meta.url)(`${dir}/vramcalc-extras.js`);
const m = await create({ printErr: () => {}, wasmBinary: readFileSync(`${dir}/vramcalc-extras.wasm`) });

const machines = [['rtx-3090', 96], ['rtx-4090', 64], ['rtx-5090', 128], ['h100-sxm', null]];
const fit = machines.map(([gpu, ram]) => JSON.stringify({ solve: 'fit', gpu, gpus: 1, runtime: 'llama.cpp', context: 16384,
  min_speed: 10, ...(ram ? { ram_gb: ram } : {}) }));
const timed = (f) => {
  const t0 = performance.now();
  const out = f();
  return [performance.now() - t0, out];
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const [first, text] = timed(() => m.solve(fit[1]));
const answer = JSON.parse(text);
if (answer.error) throw new Error(answer.error.message);
const warm = Array.from({ length: 20 }, (_, i) => timed(() => m.solve(fit[i % fit.length]))[0]);
const mcReq = JSON.stringify({ solve: 'max_context', model: 'deepseek-r1-distill-qwen-32b', quant: 'Q4_K_M', gpu: 'rtx-4090' });
const mc = Array.from({ length: 20 }, () => timed(() => m.solve(mcReq))[0]);
console.log(`fit table (R1 family, llama.cpp, 16,384 tokens; ${answer.rows.length} rows, ${answer.probes} probes on RTX 4090 + 64 GB):` +
  ` first ${first.toFixed(1)} ms, then ${median(warm).toFixed(1)} ms median of 20 over 4 machines (min ${Math.min(...warm).toFixed(1)})`);
console.log(`max-context solve (R1-Distill-Qwen-32B Q4_K_M, RTX 4090): ${median(mc).toFixed(2)} ms median of 20`);
