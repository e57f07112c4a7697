// Shared by hardware.test.mjs and cost.test.mjs: the native CLI's answers to compare with, and a
// page opener that records requests and problems.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

const cli = join(root, 'build', 'vramcalc');

/** The CLI's --json output; on bad input (exit 2) its error object. */
export function native(...args) {
  try {
    return JSON.parse(execFileSync(cli, [...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch (e) {
    if (e.status === 2 && e.stdout) return JSON.parse(e.stdout);
    throw e;
  }
}

export const screenshots = join(root, 'tests', 'browser', 'screenshots');
export const axeSource = () => readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Opens the page in the browser `b` and waits for the first result (or a status message).
 * `block`: a URL pattern whose requests fail (a file the page must do without).
 */
export async function openPage(b, query = '', { width = 1280, height = 900, colorScheme = 'light', block = null, serve = null } = {}) {
  const page = await b.context.newPage();
  if (block) await page.route(block, (r) => r.abort());
  // serve: [url pattern, JavaScript text] answers that request with the text instead of the file.
  if (serve) await page.route(serve[0], (r) => r.fulfill({ contentType: 'text/javascript', body: serve[1] }));
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme });
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${b.origin}/${query}`);
  await page.waitForFunction(() => performance.getEntriesByName('first-result').length > 0 ||
    document.getElementById('status').textContent !== '');
  return { page, requests, problems };
}

/** Runs axe-core on the page (outside its CSP) and returns the violations as text. */
export async function axeViolations(page, include) {
  await page.evaluate(axeSource());
  const result = await page.evaluate((inc) => globalThis.axe.run(inc ? { include: [inc] } : document,
    { resultTypes: ['violations'] }), include);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
