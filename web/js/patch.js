// Redraws a panel from new markup by changing only what differs. Replacing a panel's innerHTML
// makes the browser build, style and lay out every node again (about 4 ms for the result panel
// on a desktop, far more on a phone) and drops the focus of anything inside it; most edits change
// a few figures and leave the structure as it was.

const scratch = typeof document === 'undefined' ? null : document.createElement('template');

/** Makes el's children equal to the markup html; returns false when it had to replace them all. */
export function patchHtml(el, html) {
  scratch.innerHTML = html;
  const next = scratch.content;
  if (sync(el, next)) return true;
  el.replaceChildren(next);  // another structure: what sync changed before it found out is replaced too
  return false;
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
