/**
 * A small, strict static file server for the e2e specs, the benchmark and the bench scripts: serves `root` under the URL sub-path
 * `prefix` (e.g. '/flock/') on 127.0.0.1 with an ephemeral port, so tests prove the build works
 * from a sub-path and offline.
 *
 * - GET and HEAD only (405 otherwise); 404 for anything outside `prefix` or not a regular file.
 * - `prefix` without its trailing slash redirects (301) to `prefix`; a directory URL without a
 *   trailing slash redirects to the slash form; a directory serves its index.html, never a listing.
 * - Path traversal safe: the decoded path may not contain NUL, backslashes or '..' segments, and the
 *   resolved real path (symlinks followed) must stay inside the real path of `root`.
 * - Content types for the files a Vite build and the data set contain, incl. .wasm
 *   (application/wasm, needed for streaming compilation), .json, .js/.mjs, and .gz served as
 *   application/gzip *without* Content-Encoding (the bytes arrive still compressed, as from a
 *   plain static host) — or, with `gzipEncoding`, with `Content-Encoding: gzip` as Vite's dev and
 *   preview servers and Apache's `AddEncoding x-gzip .gz` send them (the browser then decompresses
 *   them before the page sees them). `Cache-Control: no-store` so every run fetches what is on disk.
 * - `requests` records the pathname (no query) of every request, in order, for assertions.
 *
 * Plain JavaScript (types in serve.d.mts) so that the `node bench/*.mjs` scripts can use it too.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export function contentTypeFor(path) {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function normalisePrefix(prefix) {
  let p = prefix.trim();
  if (!p.startsWith('/')) p = '/' + p;
  if (!p.endsWith('/')) p += '/';
  if (p.includes('..') || p.includes('\\') || /[?#]/.test(p)) throw new Error(`serveStatic: bad prefix '${prefix}'`);
  return p;
}

export async function serveStatic(root, prefix, options = {}) {
  const base = normalisePrefix(prefix);
  const rootReal = await fs.realpath(resolve(root)); // throws if root is missing: fail early and clearly
  if (!(await fs.stat(rootReal)).isDirectory()) throw new Error(`serveStatic: ${root} is not a directory`);
  const requests = [];
  const extra = options.headers ?? {};

  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, {
      ...extra,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const inside = (p) => p === rootReal || p.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);

  const handle = async (req, res) => {
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return send(res, 400, 'Bad Request');
    }
    const pathname = url.pathname;
    requests.push(pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    if (pathname + '/' === base) return send(res, 301, 'Moved Permanently', { Location: base + url.search });
    if (!pathname.startsWith(base)) return send(res, 404, 'Not Found');

    let rel;
    try {
      rel = decodeURIComponent(pathname.slice(base.length));
    } catch {
      return send(res, 400, 'Bad Request');
    }
    if (rel.includes('\0') || rel.includes('\\') || rel.split('/').some((s) => s === '..')) return send(res, 404, 'Not Found');

    let file = resolve(rootReal, '.' + '/' + rel);
    if (!inside(file)) return send(res, 404, 'Not Found');
    let stat;
    try {
      file = await fs.realpath(file);
      if (!inside(file)) return send(res, 404, 'Not Found'); // symlink escaping the root
      stat = await fs.stat(file);
      if (stat.isDirectory()) {
        if (!pathname.endsWith('/')) return send(res, 301, 'Moved Permanently', { Location: pathname + '/' + url.search });
        file = await fs.realpath(resolve(file, 'index.html'));
        if (!inside(file)) return send(res, 404, 'Not Found');
        stat = await fs.stat(file);
      }
    } catch {
      return send(res, 404, 'Not Found'); // missing, or a directory without index.html: no listing
    }
    if (!stat.isFile()) return send(res, 404, 'Not Found');

    const encoded = options.gzipEncoding && extname(file).toLowerCase() === '.gz';
    res.writeHead(200, {
      ...extra,
      'Content-Type': encoded ? 'application/octet-stream' : contentTypeFor(file),
      ...(encoded ? { 'Content-Encoding': 'gzip' } : {}),
      'Content-Length': String(stat.size),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    const slow = options.throttle && options.throttle.match.test(pathname) ? options.throttle : null;
    const stream = createReadStream(file, slow ? { highWaterMark: 64 * 1024 } : {});
    if (slow) {
      // Pace the chunks; a closed connection (the page cancelled) stops the stream.
      stream.on('data', (chunk) => {
        stream.pause();
        res.write(chunk);
        setTimeout(() => (res.destroyed ? stream.destroy() : stream.resume()), (chunk.length / slow.bytesPerSecond) * 1000);
      });
      stream.on('end', () => res.end());
      stream.on('error', () => res.destroy());
      return;
    }
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => { server.off('error', fail); ok(); });
  });
  const { port } = server.address();

  let closed = null;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    requests,
    close() {
      closed ??= new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
