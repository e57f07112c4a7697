// Redraws a panel from new markup by changing only what differs. Replacing a panel's innerHTML
// makes the browser build, style and lay out every node again (about 4 ms for the result panel
// on a desktop, far more on a phone) and drops the focus of anything inside it; most edits change
// a few figures and leave the structure as it was.
//
// Two ways, the quicker first: when the new markup has the same tags in the same order as the
// markup the panel shows (attribute values and text may differ), the differences are found in the
// two strings and written to the nodes they belong to, with no parsing at all. Otherwise the markup
// is parsed and its nodes compared with the panel's one by one.

const scratch = typeof document === 'undefined' ? null : document.createElement('template');

// What each panel shows: its markup cut into text (even indices) and tags (odd indices), and the
// panel's elements and text nodes in document order once they are needed (null until then).
const shown = new WeakMap();

// A quoted attribute value may hold '>'.
const cut = (html) => html.split(/(<(?:[^>"']|"[^"]*"|'[^']*')*>)/);
// A start tag this file can read: a name, then attributes without a value or with one in double
// quotes; other tags (single quotes, bare values) take the slow way.
const START_TAG = /^<([a-zA-Z][^\s/>]*)(?:\s+[^\s="'/>]+(?:="[^"]*")?)*\s*\/?>$/;
// Elements whose content is not markup, or not among their descendants.
const OPAQUE = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'template', 'iframe', 'noembed', 'noframes', 'plaintext']);
const tagName = (tag) => {
  const name = START_TAG.exec(tag)?.[1].toLowerCase();
  return name && !OPAQUE.has(name) ? name : null;
};

/** Makes el's children equal to the markup html; returns false when it had to replace them all. */
export function patchHtml(el, html) {
  const parts = cut(html);
  const had = shown.get(el);
  if (had && quick(el, had, parts)) {
    had.parts = parts;
    return true;
  }
  scratch.innerHTML = html;
  const next = scratch.content;
  const same = sync(el, next);
  if (!same) el.replaceChildren(next);  // another structure: what sync changed before it found out is replaced too
  shown.set(el, { parts, nodes: null });
  return same;
}

// The quick way: false (nothing written) unless every tag keeps its name and place, and every text
// that changes is plain (no character reference to decode) and stays non-empty or empty.
function quick(el, had, parts) {
  const old = had.parts;
  if (old.length !== parts.length) return false;
  const changes = [];
  let elements = 0;
  let texts = 0;
  for (let i = 0; i < parts.length; i++) {
    const a = old[i];
    const b = parts[i];
    if (i % 2) {
      if (a.startsWith('<!') || b.startsWith('<!')) return false;  // a comment or doctype is no element
      if (a.startsWith('</')) {
        if (a !== b) return false;
        continue;
      }
      const name = tagName(a);
      if (!name) return false;
      if (a !== b) {
        if (name !== tagName(b) || b.includes('&')) return false;
        changes.push([0, elements, b]);
      }
      elements++;
    } else if (b !== '' || a !== '') {
      if (a === '' || b === '') return false;
      if (a !== b) {
        if (b.includes('&') || b.includes('<')) return false;
        changes.push([1, texts, b]);
      }
      texts++;
    }
  }
  if (!changes.length) return true;
  had.nodes ??= nodesOf(el);
  const { els, txt } = had.nodes;
  // The panel must hold exactly the nodes its markup makes (no element the parser added or
  // dropped, no node added by other code): then the i-th tag is the i-th element.
  if (els.length !== elements || txt.length !== texts) return false;
  for (const [kind, at, value] of changes) {
    if (kind === 1) {
      txt[at].nodeValue = value;
      continue;
    }
    const node = els[at];
    const html = node.namespaceURI === 'http://www.w3.org/1999/xhtml';  // names as the DOM keeps them (SVG keeps case)
    const want = new Map();
    for (const m of value.matchAll(/\s([^\s="'/>]+)(?:="([^"]*)")?/g)) want.set(html ? m[1].toLowerCase() : m[1], m[2] ?? '');
    for (const [name, v] of want) if (node.getAttribute(name) !== v) node.setAttribute(name, v);
    for (const name of node.getAttributeNames()) if (!want.has(name)) node.removeAttribute(name);
  }
  return true;
}

function nodesOf(el) {
  const els = [...el.querySelectorAll('*')];
  const txt = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) txt.push(n);
  return { els, txt };
}

// Copies the text and attributes of b's nodes onto a's while both have the same elements (names
// and order) and text nodes at every level; false at the first difference of structure.
function sync(a, b) {
  let x = a.firstChild;
  let y = b.firstChild;
  for (; x && y; x = x.nextSibling, y = y.nextSibling) {
    if (x.nodeType !== y.nodeType) return false;
    if (x.nodeType !== 1) {
      if (x.nodeValue !== y.nodeValue) x.nodeValue = y.nodeValue;
      continue;
    }
    if (x.nodeName !== y.nodeName) return false;
    const want = y.attributes;
    for (let i = 0; i < want.length; i++) {
      const { name, value } = want[i];
      if (x.getAttribute(name) !== value) x.setAttribute(name, value);
    }
    if (x.attributes.length !== want.length) {
      for (const name of x.getAttributeNames()) if (!y.hasAttribute(name)) x.removeAttribute(name);
    }
    if (!sync(x, y)) return false;
  }
  return !x && !y;
}
