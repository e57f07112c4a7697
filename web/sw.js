// The service worker: keeps one complete, verified copy of the built site so the calculator opens
// without a network. scripts/pwa.mjs writes dist/sw.js from this file, replacing BUILD with the
// list of every built file, its SHA-256, and a hash of the whole set; a new build therefore
// changes this file byte for byte, which is how the browser notices an update.
//
// No mixed versions: a version is installed only when every file has arrived and matches its
// hash (a file changed mid-deploy fails the install, and the old version stays in charge), and
// each worker answers only from its own cache. The page switches to a waiting version only when
// the reader accepts, and then reloads.
const BUILD = /* BUILD */ { hash: 'unbuilt', files: {} } /* /BUILD */;

const scopePath = new URL(self.registration.scope).pathname;
// Cache names carry the app, its scope (two deployments on one origin keep apart) and the hash.
const PREFIX = `vramcalc:${scopePath}:`;
const CACHE = `${PREFIX}${BUILD.hash}`;
const urlOf = (path) => new URL(path, self.registration.scope).href;

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function precache() {
  const entries = await Promise.all(Object.entries(BUILD.files).map(async ([path, sha256]) => {
    // cache: 'reload' skips the HTTP cache, which may still hold the previous version's files.
    const response = await fetch(new Request(urlOf(path), { cache: 'reload', credentials: 'same-origin' }));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    const body = await response.arrayBuffer();
    const got = hex(await crypto.subtle.digest('SHA-256', body));
    if (got !== sha256) throw new Error(`${path} is not the file this version was built with`);
    const headers = new Headers(response.headers);
    return [path, new Response(body, { status: 200, statusText: 'OK', headers })];
  }));
  const cache = await caches.open(CACHE);
  await Promise.all(entries.map(([path, response]) => cache.put(urlOf(path), response)));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().catch(async (e) => {
    await caches.delete(CACHE);
    throw e;
  }));
});

self.addEventListener('activate', (event) => {
  // Only this app's older versions in this scope; other caches on the origin are not ours.
  event.waitUntil(caches.keys().then((keys) =>
    Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k)))));
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(scopePath)) return;
  let path = url.pathname.slice(scopePath.length);
  if (path === '' || path.endsWith('/')) path += 'index.html';
  if (!Object.hasOwn(BUILD.files, path)) return; // not part of the site: the network, as usual
  // The query string (the calculator's settings) does not select a different file.
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(urlOf(path)))
    .then((cached) => cached ?? fetch(request)));
});
