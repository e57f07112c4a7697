// patchHtml (web/js/patch.js), which redraws the result panel, against the browser's own parse:
// after every redraw of a seeded random sequence of markups, the panel holds exactly what setting
// innerHTML to the last markup would give. The markups change text, attribute values (quoted '>'
// included), character references, empty texts, the structure, SVG attributes (case kept) and
// tables (where the parser adds tbody); and the quick way (no parsing, nodes kept) must be the one
// taken when only figures change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rng } from '../fuzz/rng.mjs';
import { launchChromium, root } from './harness.mjs';

const source = readFileSync(join(root, 'web', 'js', 'patch.js'), 'utf8').replace(/^export /gm, '');

function markups(seed, steps) {
  const next = rng(seed);
  const pick = (xs) => xs[next() % xs.length];
  const word = () => pick(['7.62 GB', '4.68 GB', 'KV cache', '', 'a > b', 'R&amp;D', '12', '  ', 'x\ny']);
  const attr = () => pick(['width:12%', 'width:80.5%', 'a > b', '', 'x&amp;y']);
  const one = () => {
    const parts = [`<p class="big"><strong>${word()}</strong> ${word()}</p>`];
    parts.push(`<div style="${attr()}" data-bytes="${next() % 1000}"${next() % 2 ? ' hidden' : ''}>${word()}</div>`);
    if (next() % 3) parts.push(`<details${next() % 2 ? ' open' : ''}><summary>${word()}</summary><ul><li>${word()}</li></ul></details>`);
    if (next() % 4 === 0) parts.push(`<table><tr><td>${word()}</td></tr></table>`);
    if (next() % 4 === 0) parts.push(`<svg viewBox="0 0 ${next() % 90 + 10} 10"><rect width="${next() % 9}" height="2"/></svg>`);
    if (next() % 6 === 0) parts.push('<!-- note -->');
    if (next() % 5 === 0) parts.push(`<span title='${word()}'>${word()}</span>`);
    return parts.join('\n');
  };
  return Array.from({ length: steps }, one);
}

let browser;
let page;
before(async () => {
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setContent('<!doctype html><title>patch</title><div id="panel"></div>');
  await page.addScriptTag({ content: `${source}\nwindow.patchHtml = patchHtml;` });
});
after(() => browser?.close());

describe('patchHtml', () => {
  test('the panel equals the parse of the last markup after every redraw', async () => {
    const cases = Array.from({ length: 400 }, (_, i) => markups(1000 + i, 6));
    const failures = await page.evaluate((cases) => {
      const el = document.getElementById('panel');
      const ref = document.createElement('template');
      const bad = [];
      for (const seq of cases) {
        el.replaceChildren();
        for (const html of seq) {
          window.patchHtml(el, html);
          ref.innerHTML = html;
          if (el.innerHTML !== ref.innerHTML) bad.push({ html, got: el.innerHTML, want: ref.innerHTML });
        }
      }
      return bad.slice(0, 3);
    }, cases);
    assert.deepEqual(failures, []);
  });

  test('a change of figures only keeps every node (the quick way)', async () => {
    const kept = await page.evaluate(() => {
      const el = document.getElementById('panel');
      const html = (gb, pct) => `<p><strong>${gb} GB</strong> total</p>\n<div class="bar"><span style="width:${pct}%"></span></div>`;
      window.patchHtml(el, html('5.55', 80));
      window.patchHtml(el, html('5.55', 80));  // the second draw has a markup to compare with
      const strong = el.querySelector('strong').firstChild;
      const bar = el.querySelector('span');
      const quick = window.patchHtml(el, html('6.25', 85.5));
      return { quick, sameText: strong === el.querySelector('strong').firstChild, sameBar: bar === el.querySelector('span'),
        text: strong.nodeValue, style: bar.getAttribute('style') };
    });
    assert.deepEqual(kept, { quick: true, sameText: true, sameBar: true, text: '6.25 GB', style: 'width:85.5%' });
  });
});
