// Makes dist/ an installable, offline-capable app: draws the icons, writes the web app manifest,
// then lists every file dist/ holds, hashes each, and writes dist/sw.js with that list. It must be
// the build's last step, so whatever the earlier steps wrote is precached (and nothing else).
//
//   node scripts/pwa.mjs [--out dist]
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawIcon, ICON_COLOURS } from './png.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const out = resolve(root, outArg >= 0 ? args[outArg + 1] : 'dist');

// Sizes browsers ask for: 192 and 512 (Chrome's install criteria and splash screen), maskable
// variants for Android's adaptive shapes, 180 for iOS's home screen (drawn full-bleed like the
// maskable ones: iOS rounds the corners itself and shows transparency as black).
const ICONS = [
  { file: 'icons/icon-192.png', size: 192, purpose: 'any' },
  { file: 'icons/icon-512.png', size: 512, purpose: 'any' },
  { file: 'icons/maskable-192.png', size: 192, purpose: 'maskable' },
  { file: 'icons/maskable-512.png', size: 512, purpose: 'maskable' },
  { file: 'icons/apple-touch-icon.png', size: 180, purpose: null },
];

export const MANIFEST = {
  id: './',
  name: 'LLM memory calculator',
  short_name: 'Memory calc',
  description: 'How much GPU memory a large language model needs: weights, KV cache and runtime '
    + 'overhead, computed in your browser from the model\'s architecture. Works offline.',
  start_url: './',
  scope: './',
  display: 'standalone',
  background_color: '#ffffff',
  theme_color: ICON_COLOURS.background,
  categories: ['developer', 'utilities'],
  icons: ICONS.filter((i) => i.purpose).map((i) => ({
    src: i.file, sizes: `${i.size}x${i.size}`, type: 'image/png', purpose: i.purpose,
  })),
};

/** Every file under dir, as sorted '/'-separated paths relative to it; dot-files left out. */
export function listFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) found.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** { hash, files: {path: sha256} } for everything in dir but the service worker itself. */
export function precacheManifest(dir) {
  const files = {};
  for (const path of listFiles(dir)) if (path !== 'sw.js') files[path] = sha256(readFileSync(join(dir, path)));
  const hash = sha256(Object.entries(files).map(([p, h]) => `${h}  ${p}\n`).join('')).slice(0, 16);
  return { hash, files };
}

/** Writes dist/sw.js from web/sw.js with the BUILD object filled in. */
export function writeServiceWorker(dir) {
  const build = precacheManifest(dir);
  const template = readFileSync(join(root, 'web', 'sw.js'), 'utf8');
  const marker = /\/\* BUILD \*\/.*\/\* \/BUILD \*\//;
  if (!marker.test(template)) throw new Error('pwa: web/sw.js has lost its /* BUILD */ ... /* /BUILD */ marker');
  writeFileSync(join(dir, 'sw.js'), template.replace(marker, () => JSON.stringify(build, null, 1)));
  return build;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(join(out, 'icons'), { recursive: true });
  for (const icon of ICONS) {
    writeFileSync(join(out, icon.file), drawIcon(icon.size, { maskable: icon.purpose !== 'any' }));
  }
  writeFileSync(join(out, 'manifest.webmanifest'), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  const build = writeServiceWorker(out);
  console.log(`pwa: icons, manifest and sw.js (${Object.keys(build.files).length} files, build ${build.hash})`);
}
