// The iframe embed page, for hosts that allow iframes but not scripts: the widget's settings come
// from the query string (the main page's names: model, quant, ctx, seq, rt, plus compact and
// theme), and the page reports its height to the host, which may listen and size the frame:
//
//   addEventListener('message', (e) => {
//     if (e.data?.type !== 'vram-calculator:height') return;
//     for (const f of document.querySelectorAll('iframe')) if (f.contentWindow === e.source) f.height = e.data.height;
//   });
const NAMES = { model: 'model', quant: 'quant', ctx: 'context', seq: 'sequences', rt: 'runtime', compact: 'compact', theme: 'theme' };

const el = document.querySelector('vram-calculator');
const q = new URLSearchParams(location.search);
for (const [param, attr] of Object.entries(NAMES)) if (q.has(param)) el.setAttribute(attr, q.get(param));
const link = el.querySelector('a');
if (link) link.href = new URL(`../${location.search}`, location.href).href;

let last = 0;
function report() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === last || window.parent === window) return;
  last = height;
  // The height is not private, and the host's origin is not known here: any origin may read it.
  window.parent.postMessage({ type: 'vram-calculator:height', height }, '*');
}
new ResizeObserver(report).observe(document.documentElement);
report();
