// The "Embed this calculator" panel: the snippet that puts the widget, preset to the form's
// current settings, on another site, and a button to copy it. It follows the form: the reader's
// changes, and the page's 'result-updated' performance mark for settings the page applies itself.

const $ = (id) => document.getElementById(id);
const code = $('embed-code');
const status = $('embed-status');
const compact = $('embed-compact');
let applied = false; // whether the form holds the page's settings yet (after its first result)
// The site's root (this page's directory), wherever it is deployed.
const site = new URL('./', location.href);
site.search = '';
site.hash = '';

const PARAM = { model: 'model', quant: 'quant', context: 'ctx', sequences: 'seq', runtime: 'rt' };
const FIELD = { model: 'f-model', quant: 'f-quant', context: 'f-context', sequences: 'f-sequences', runtime: 'f-runtime' };

/**
 * The form's settings as the widget's attributes; a pasted config.json cannot travel. Before the
 * page has applied a link's settings to the form (or when it could not), the link's own values
 * stand in for the pre-rendered defaults.
 */
function settings() {
  const query = new URLSearchParams(location.search);
  const value = (key) => (applied ? $(FIELD[key])?.value.trim() : query.get(PARAM[key])?.trim() || $(FIELD[key])?.value.trim()) ?? '';
  const s = { model: value('model'), quant: value('quant'), context: value('context'), runtime: value('runtime') };
  const seq = value('sequences');
  if (seq && seq !== '1') s.sequences = seq;
  if (s.model === 'custom') delete s.model;
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== ''));
}

// HTML escaping for a snippet people read: named entities.
const esc = (v) => String(v).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function snippet(kind, s, isCompact) {
  const query = new URLSearchParams(Object.entries(s).map(([k, v]) => [PARAM[k], v]));
  const full = new URL(`?${query}`, site).href;
  const option = [...($('f-model')?.options ?? [])].find((o) => o.value === s.model);
  const what = s.model ? `${option?.text ?? s.model}${s.quant ? ` at ${s.quant}` : ''}` : 'any model';
  if (kind === 'iframe') {
    if (isCompact) query.set('compact', '');
    const src = new URL(`widget/frame.html?${query}`, site).href;
    // The widget's height at the frame's widest (44rem): checked by tests/browser/hostile-defects.test.mjs.
    return `<iframe src="${esc(src)}" title="LLM memory calculator" width="100%" height="${isCompact ? 260 : 438}" ` +
      'loading="lazy" style="border:0;max-width:44rem"></iframe>';
  }
  const attrs = Object.entries(s).map(([k, v]) => ` ${k}="${esc(v)}"`).join('') + (isCompact ? ' compact' : '');
  return `<script type="module" src="${esc(new URL('widget/vram-calculator.js', site).href)}"></script>\n` +
    `<vram-calculator${attrs}>\n` +
    `  <a href="${esc(full)}">LLM memory calculator: ${esc(what)}</a>\n` +
    '</vram-calculator>';
}

function render() {
  if (!code) return;
  const kind = document.querySelector('input[name="embed-kind"]:checked')?.value ?? 'element';
  const text = snippet(kind, settings(), compact?.checked);
  if (code.value !== text) code.value = text;
  const custom = $('f-model')?.value === 'custom';
  $('embed-hint').textContent = custom
    ? 'A pasted config.json cannot be embedded: the snippet leaves the model to the widget’s default.'
    : kind === 'iframe'
      ? 'For sites that allow iframes but not scripts. The frame has a fixed height; a page that runs scripts can fit it to the height the frame posts (a message of type vram-calculator:height).'
      : 'Choose “Iframe only” where a site allows iframes but not scripts.';
}

if (code) {
  render();
  for (const input of document.querySelectorAll('input[name="embed-kind"], #embed-compact')) {
    input.addEventListener('change', () => {
      status.textContent = '';
      render();
    });
  }
  // Below the fold, so it follows once the page is idle, not within the input that changed it.
  let queued = false;
  const follow = () => {
    applied = true;
    if (queued) return;
    queued = true;
    const run = () => {
      queued = false;
      render();
    };
    if (globalThis.requestIdleCallback) requestIdleCallback(run, { timeout: 300 });
    else setTimeout(run, 50);
  };
  // The page marks each result it shows; a reader's change is followed even when it is an error.
  if ('PerformanceObserver' in window) {
    new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name === 'result-updated')) follow();
    }).observe({ type: 'mark' });
  }
  for (const type of ['input', 'change']) {
    document.addEventListener(type, (ev) => {
      if (Object.values(FIELD).includes(ev.target.id)) follow();
    });
  }
  $('embed-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code.value);
      status.textContent = 'Snippet copied.';
    } catch {
      code.focus();
      code.select();
      status.textContent = 'Select the snippet and copy it (Ctrl+C or ⌘C).';
    }
  });
}
