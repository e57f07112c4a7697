// A plain static file server for dist/: GET and HEAD only, no dependencies, 127.0.0.1 by default.
// Used by scripts/serve and, as a module, by the browser tests and the page benchmark
// (port 0 picks a free port).
//
//   node scripts/static-server.mjs [--root DIR] [--port N] [--host H]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function mimeType(path) {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Starts serving `root`; resolves to { server, url, port, close() } once listening. */
export function startServer({ root, port = 8000, host = '127.0.0.1', log = false } = {}) {
  const rootDir = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (log) console.log(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = normalize(join(rootDir, pathname));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) return send(403, 'forbidden\n');
    try {
      const info = await stat(file);
      if (info.isDirectory()) return send(301, '', { Location: pathname + '/' });
      const body = await readFile(file);
      send(200, body, {
        'Content-Type': mimeType(file),
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        // The widget runs on other sites: its module script and the wasm are fetched in CORS
        // mode from there. Everything here is public and sent without credentials.
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
    } catch {
      send(404, 'not found\n');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolvePromise({
        server,
        port: actual,
        url: `http://${host}:${actual}/`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  const port = Number(opt('--port', '8000'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`static-server: --port must be an integer from 0 to 65535, not "${opt('--port')}"`);
    process.exit(2);
  }
  const root = opt('--root', fileURLToPath(new URL('../dist', import.meta.url)));
  const { url } = await startServer({ root, port, host: opt('--host', '127.0.0.1'), log: true });
  console.log(`serving ${root} at ${url} (Ctrl-C to stop)`);
}
