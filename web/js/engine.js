// The one module that touches the WebAssembly modules: it loads them, maps the core's errors into
// EstimateError, and hands out parsed JSON. There are two modules (wasm/CMakeLists.txt):
//
// - the calculator (vramcalc.js + vramcalc.wasm: estimateFields, catalog; C exports wrapped by
//   calculatorApi), which the first result needs. It leaves embind, the hardware planner and the
//   JSON reader out to stay small: it takes a catalogue model's form fields, and any other
//   request (placement fields, a pasted config) gets a needs_planner error. On the page its glue, a classic script defining
//   createVramcalcModule, is loaded by a <script> tag in index.html and fetches vramcalc.wasm from
//   its own directory.
// - the extras (vramcalc-extras.js + .wasm: the full estimate with placement, speed and the
//   suggested GPU, the cost calculators, the GGUF header reader), loaded only when first needed,
//   by loadExtras(): it adds the glue's <script> itself. Once it is there, engine.upgrade() sends
//   every estimate to it.
//
// The embeddable widget passes its own factory (the same glue wrapped as a module, so no global is
// read or written) and where to fetch the wasm from. Neither path uses a global `Module`.

import { tidy } from './format.js';

export class EstimateError extends Error {
  /** @param {{code: string, field?: string, message: string}} e (a long quote in the message is cut short) */
  constructor({ code, field = '', message }) {
    super(tidy(message));
    this.name = 'EstimateError';
    this.code = code;
    this.field = field;
  }
}

/** Starts an Emscripten factory; a missing factory or a failed start becomes a load_failed error. */
async function start(create, moduleArgs, what) {
  if (typeof create !== 'function') {
    throw new EstimateError({ code: 'load_failed', message: `The ${what} did not load.` });
  }
  try {
    return await create({ printErr: () => {}, ...moduleArgs });
  } catch (e) {
    throw new EstimateError({ code: 'load_failed', message: `The ${what} did not start: ${e?.message ?? e}` });
  }
}

/**
 * The calculator module's C exports (wasm/calculator.cpp) as text functions: catalog(), version()
 * and estimateFields(model, quant, context, sequences, runtime, kv_type, flash_attn). Text goes
 * in and out as UTF-8 in the module's memory, read afresh after each call (memory can grow).
 */
export function calculatorApi(m) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const text = (ptr) => decoder.decode(m.HEAPU8.subarray(ptr, ptr + m._vc_result_length()));
  return {
    catalog: () => text(m._vc_catalog()),
    version: () => text(m._vc_version()),
    estimateFields(...fields) {
      const bytes = fields.map((f) => encoder.encode(f));
      const buf = m._vc_alloc(bytes.reduce((n, b) => n + b.length, 0));
      const args = [];
      let at = 0;
      for (const b of bytes) {
        m.HEAPU8.set(b, buf + at);
        args.push(at, b.length);
        at += b.length;
      }
      try {
        return text(m._vc_estimate_fields(buf, ...args));
      } finally {
        m._vc_free(buf);
      }
    },
  };
}

/** m[fn](arg) -> parsed JSON; {error} from the core and exceptions become EstimateError. */
function caller(m, what) {
  return (fn, ...args) => {
    let text;
    try {
      text = m[fn](...args);
    } catch (e) {
      throw new EstimateError({ code: 'internal', message: `The ${what} failed: ${e?.message ?? e}` });
    }
    const out = JSON.parse(text);
    if (out && out.error) throw new EstimateError(out.error);
    return out;
  };
}

// What the calculator module takes: a catalogue model's form fields as text (estimateFields).
const FIELDS = ['model', 'quant', 'context', 'sequences', 'runtime', 'kv_type', 'flash_attn'];

/**
 * The calculator module's arguments for a request, or the first field it cannot take (a pasted
 * config, a GGUF file, hardware fields, or a number the form would not hold), which needs the
 * extras module. Missing fields get the core's defaults, as the JSON reader gives them.
 */
export function fieldArgs(request, defaults) {
  for (const k of Object.keys(request)) if (request[k] != null && !FIELDS.includes(k)) return { needs: k };
  const text = (k) => {
    const v = request[k] ?? defaults[k] ?? '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && k !== 'flash_attn') return String(v);
    if (typeof v === 'boolean' && k === 'flash_attn') return v ? 'on' : 'off';
    return null;
  };
  const args = FIELDS.map(text);
  const bad = args.indexOf(null);
  return bad >= 0 ? { needs: FIELDS[bad] } : { args };
}

/** Resolves in a task of its own (after the browser has had a chance to paint and take input). */
export const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Resolves to { estimate(request) -> result, catalog, version }; rejects with EstimateError.
 * @param {{create?: Function, moduleArgs?: object}} [options] the Emscripten factory (default: the
 *   page's global createVramcalcModule) and extra settings for it (locateFile, instantiateWasm).
 */
export async function loadEngine({ create = globalThis.createVramcalcModule, moduleArgs = {} } = {}) {
  const m = calculatorApi(await start(create, moduleArgs, 'calculator module'));
  const call = caller(m, 'calculator');
  const catalog = call('catalog');
  let full = null;
  const calculator = (request) => {
    const { args, needs } = fieldArgs(request, catalog.defaults);
    if (needs) {
      throw new EstimateError({ code: 'needs_planner', field: needs, message: `${needs} needs the full module, which loads next` });
    }
    return call('estimateFields', ...args);
  };
  return {
    catalog,
    version: m.version(),
    /**
     * @param {object} request the core's request object; numbers may be strings as typed. Until
     *   upgrade() the calculator module answers, and requests it cannot take (see fieldArgs) throw
     *   a needs_planner error naming the field.
     */
    estimate: (request) => (full ? full(request) : calculator(request)),
    /**
     * The calculator module's answer when it can take the request (a catalogue model's fields),
     * else null; an error is null too, for the full estimate to report. Its figures are the
     * extras module's for the same fields (tests/wasm/module.test.mjs), so the page shows them at
     * once and places the model after.
     */
    quick: (request) => {
      try {
        return calculator(request);
      } catch {
        return null;  // needs_planner or an error: the full estimate answers
      }
    },
    /** True once estimates go to the extras module, which has the hardware planner. */
    get hasPlanner() {
      return full !== null;
    },
    /** Loads the extras module (once) and sends every later estimate to it. */
    upgrade: () =>
      loadExtras().then((x) => {
        full = x.estimate;
      }),
  };
}

/** Adds a classic <script> once and resolves when it has run. */
function addScript(src) {
  return new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = src;
    el.async = true;
    el.onload = () => resolve();
    el.onerror = () => {
      el.remove();
      reject(new EstimateError({ code: 'load_failed', message: 'The cost calculator module did not load.' }));
    };
    document.head.append(el);
  });
}

/**
 * Instantiates a module from a fetch in flight: compiled as its bytes arrive where the server
 * names the type (application/wasm), else from the bytes fetched again.
 */
async function instantiateFrom(response, url, imports) {
  const r = await response;
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  try {
    return await WebAssembly.instantiateStreaming(r, imports);
  } catch {
    // no streaming here, a wrong content type, or a failed compile that the bytes report again
    return WebAssembly.instantiate(await (await fetch(url, { credentials: 'same-origin' })).arrayBuffer(), imports);
  }
}

// The extras module as compiled on the page: the solvers' worker is handed it, so it neither
// fetches nor compiles the module again, and shares the code the page's calls have compiled.
let extrasModule = null;

let extrasPromise = null;

/**
 * The solvers in a worker (web/solve-worker.js), for answers that take long (the fit table):
 * solveOff(request) resolves to [parsed answer, ms the core took] or rejects with EstimateError.
 * Where a worker cannot start or fails, the same request is answered here on the page's thread by
 * the extras module, so the answer never depends on the worker.
 */
let worker;
const waiting = new Map();
let nextId = 1;

function solveHere(request) {
  return loadExtras().then((x) => {
    const t0 = performance.now();
    const out = x.solve(request);
    return [out, performance.now() - t0];
  });
}

function workerFailed() {
  worker?.terminate();
  worker = null;
  for (const w of waiting.values()) solveHere(w.request).then(w.resolve, w.reject);
  waiting.clear();
}

export function solveOff(request) {
  if (worker === undefined) {
    try {
      worker = typeof Worker === 'function' ? new Worker('solve-worker.js') : null;
    } catch {
      worker = null;
    }
    if (worker) {
      worker.onmessage = ({ data }) => {
        const w = waiting.get(data.id);
        if (!w) return;
        if (data.failed !== undefined) {
          workerFailed();
          return;
        }
        let out;
        try {
          out = JSON.parse(data.text);
        } catch {
          workerFailed(); // a garbled answer: this page answers instead, from its own module
          return;
        }
        waiting.delete(data.id);
        if (out && out.error) w.reject(new EstimateError(out.error));
        else w.resolve([out, data.ms]);
      };
      worker.onerror = workerFailed;
      if (extrasModule) {
        try {
          worker.postMessage({ module: extrasModule });
        } catch {
          // not transferable here: the worker loads the module itself
        }
      }
    }
  }
  if (!worker) return solveHere(request);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { request, resolve, reject });
    worker.postMessage({ id, request: JSON.stringify(request) });
  });
}

/**
 * The extras module, loaded on first call (later calls share the same promise; a failed load is
 * retried on the next call). Resolves to { cost(request) -> result, inspectGguf(bytes) -> result,
 * version }; rejects with EstimateError.
 * @param {{create?: Function, moduleArgs?: object, src?: string}} [options] a factory to use
 *   instead of the page's glue script (src, default vramcalc-extras.js next to the page).
 */
export function loadExtras({ create, moduleArgs = {}, src = 'vramcalc-extras.js' } = {}) {
  extrasPromise ??= (async () => {
    let factory = create ?? globalThis.createVramcalcExtras;
    let args = moduleArgs;
    let failed = null;
    if (typeof factory !== 'function') {
      // The module's bytes are asked for with its glue, not after the glue has run (one round
      // trip instead of two), and compiled here, where the module is kept for the worker.
      const url = src.replace(/\.js$/, '.wasm');
      const bytes = fetch(url, { credentials: 'same-origin' });
      bytes.catch(() => {});  // reported by instantiateFrom
      await addScript(src);
      factory = globalThis.createVramcalcExtras;
      let fail;
      failed = new Promise((_, reject) => {
        fail = reject;
      });
      args = {
        ...moduleArgs,
        instantiateWasm(imports, receive) {
          instantiateFrom(bytes, url, imports).then(({ instance, module }) => {
            extrasModule = module;
            receive(instance, module);
          }, (e) => fail(new EstimateError({ code: 'load_failed', message: `The cost calculator module did not start: ${e?.message ?? e}` })));
          return {}; // Emscripten's sign that the instance comes later
        },
      };
    }
    const started = start(factory, args, 'cost calculator module');
    // Both may reject (the glue's own promise too): the race's loser is handled here.
    started.catch(() => {});
    failed?.catch(() => {});
    const m = await (failed ? Promise.race([started, failed]) : started);
    const call = caller(m, 'cost calculator');
    return {
      version: m.version(),
      /** @param {object} request {kind: api|volumes|route|monitor|prices, ...}; numbers may be strings */
      cost: (request) => call('cost', JSON.stringify(request)),
      /** The full estimate: the calculator's plus placement, speed and the suggested GPU. */
      estimate: (request) => call('estimate', JSON.stringify(request)),
      /** The solvers and launch commands (core/solve_api.hpp): {solve: max_context|best_quant|sweep|fit|reasoning, ...} */
      solve: (request) => call('solve', JSON.stringify(request)),
      /** @param {Uint8Array} bytes the first bytes of a .gguf file */
      inspectGguf: (bytes) => call('inspectGguf', bytes),
      /**
       * The header summary as the core wrote it, errors included: {error, need_bytes} says how
       * much more of the file to read.
       * @param {Uint8Array} bytes
       */
      inspectGgufRaw: (bytes) => JSON.parse(m.inspectGguf(bytes)),
      /** @param {{name: string, summary: object}[]} shards every file picked: one model's weights */
      ggufFiles: (shards) => call('ggufFiles', JSON.stringify(shards)),
      /** @param {string} request {files: [{name, size, header_length, header}], index?, config?} */
      inspectSafetensors: (request) => call('inspectSafetensors', request),
      /** The catalogue beyond the R1 family: {models: [...]} (their ids work in estimate). */
      otherModels: () => call('otherModels'),
    };
  })();
  extrasPromise.catch(() => {
    extrasPromise = null;
  });
  // Each caller goes on in a task of its own: the sections waiting for the module would otherwise
  // all run in the microtasks of the one task in which it arrives (about 250 ms on a phone).
  return extrasPromise.then((x) => nextTask().then(() => x));
}
