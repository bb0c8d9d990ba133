/**
 * A tiny static HTTP server on 127.0.0.1 for the browser runtime test and the cold-start bench.
 * The first path segment picks how .wasm files are answered, to exercise the loader's paths:
 *   /ok/...     Content-Type: application/wasm (streaming compile)
 *   /octet/...  Content-Type: application/octet-stream (wrong MIME: the arrayBuffer fallback)
 *   /html/...   an HTML page with status 200 (what SPA dev servers answer for unknown paths)
 *   /csp/...    as /ok/, with the minimal Content-Security-Policy the README documents
 *   /csp-no-wasm/...  as /ok/, with a CSP that lacks 'wasm-unsafe-eval'
 *   /coi/...    as /ok/, cross-origin isolated (COOP same-origin + COEP require-corp): threads allowed
 * Other files are served from `root` with their usual types; `pages` adds in-memory files.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

export const MINIMAL_CSP = "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

const CSP: Record<string, string> = { csp: MINIMAL_CSP, 'csp-no-wasm': "script-src 'self'; connect-src 'self'" };

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.html': 'text/html',
  '.json': 'application/json',
  '.css': 'text/css',
  '.map': 'application/json',
  '.png': 'image/png',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * A plain static server for a directory (the playground, `npm run playground`): every path maps
 * to a file under `root` ('/' to index.html), .wasm as application/wasm, on 127.0.0.1:`port`
 * (0 = any free port).
 */
export async function serveDirectory(root: string, port = 0): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = normalize(path === '/' ? 'index.html' : path.slice(1));
    try {
      if (rel.startsWith('..')) throw new Error('bad path');
      const body = await readFile(join(root, rel));
      const ext = extname(rel);
      res.writeHead(200, { 'content-type': ext === '.wasm' ? 'application/wasm' : (TYPES[ext] ?? 'application/octet-stream'), 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return listen(server, port);
}

function listen(server: Server, port: number): Promise<StaticServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('static server: no port'));
      resolve({ origin: `http://127.0.0.1:${addr.port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

export async function startStaticServer(root: string, pages: Record<string, string> = {}): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, mode, ...rest] = url.pathname.split('/');
    const rel = normalize(rest.join('/'));
    try {
      if (!['ok', 'octet', 'html', 'coi', ...Object.keys(CSP)].includes(mode) || rel.startsWith('..')) throw new Error('bad path');
      const ext = extname(rel);
      if (ext === '.wasm' && mode === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>app shell</body></html>');
        return;
      }
      const body = pages[rel] ?? (await readFile(join(root, rel)));
      const type = ext === '.wasm' ? (mode === 'octet' ? 'application/octet-stream' : 'application/wasm') : (TYPES[ext] ?? 'application/octet-stream');
      const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store' };
      if (CSP[mode]) headers['content-security-policy'] = CSP[mode];
      if (mode === 'coi') Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return listen(server, 0);
}
