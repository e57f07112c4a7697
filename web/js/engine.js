// The one module that touches the WebAssembly module: it loads it, maps the core's errors into
// EstimateError, and hands out parsed JSON. On the page, the glue (vramcalc.js, a classic script
// defining createVramcalcModule) is loaded by a <script> tag in index.html; it fetches
// vramcalc.wasm from its own directory. The embeddable widget passes its own factory (the same
// glue wrapped as a module, so no global is read or written) and where to fetch the wasm from.

export class EstimateError extends Error {
  /** @param {{code: string, field?: string, message: string}} e */
  constructor({ code, field = '', message }) {
    super(message);
    this.name = 'EstimateError';
    this.code = code;
    this.field = field;
  }
}

/**
 * Resolves to { estimate(request) -> result, catalog, version }; rejects with EstimateError.
 * @param {{create?: Function, moduleArgs?: object}} [options] the Emscripten factory (default: the
 *   page's global createVramcalcModule) and extra settings for it (locateFile, instantiateWasm).
 */
export async function loadEngine({ create = globalThis.createVramcalcModule, moduleArgs = {} } = {}) {
  if (typeof create !== 'function') {
    throw new EstimateError({ code: 'load_failed', message: 'The calculator module did not load.' });
  }
  let m;
  try {
    m = await create({ printErr: () => {}, ...moduleArgs });
  } catch (e) {
    throw new EstimateError({ code: 'load_failed', message: `The calculator module did not start: ${e?.message ?? e}` });
  }
  const call = (fn, arg) => {
    let text;
    try {
      text = arg === undefined ? m[fn]() : m[fn](arg);
    } catch (e) {
      throw new EstimateError({ code: 'internal', message: `The calculator failed: ${e?.message ?? e}` });
    }
    const out = JSON.parse(text);
    if (out && out.error) throw new EstimateError(out.error);
    return out;
  };
  return {
    catalog: call('catalog'),
    version: m.version(),
    /** @param {object} request the core's request object; numbers may be strings as typed */
    estimate: (request) => call('estimate', JSON.stringify(request)),
  };
}
