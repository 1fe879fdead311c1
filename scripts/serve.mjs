#!/usr/bin/env node
// Tiny static server for the playground: serves web/ on localhost — the playground at
// /playground/, the article at /learn/, the npm package's modules at /lib/, the <qi-sim> docs
// example at /docs-example.html. No framework and no server-side logic but one redirect: `/`
// (and `/index.html`, the playground's address before it moved) to `/playground/`, the
// fragment of a shared link kept by the browser. Port from --port N or PORT (default 8080); if
// busy, tries the next ones.
// Prints "qisim playground: http://127.0.0.1:PORT/playground/" once listening (tests parse that
// line: the first URL on it is the playground's, and the site's root is the folder above).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const argOf = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(name + '='));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
const root = path.resolve(argOf('--root') ?? path.join(here, '..', 'web'));
const host = argOf('--host') ?? process.env.HOST ?? '127.0.0.1';
const wanted = Number(argOf('--port') ?? process.env.PORT ?? 8080);
const strict = args.includes('--strict-port');
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
  console.error(`serve: bad port ${argOf('--port') ?? process.env.PORT}`);
  process.exit(2);
}

// The site's root is the playground (web/ has no index.html of its own: it is the folder of
// the library, the playground, the article and the docs example).
const PLAYGROUND = '/playground/';
const redirectRoot =
  !fs.existsSync(path.join(root, 'index.html')) && fs.existsSync(path.join(root, 'playground', 'index.html'));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let rel;
  try {
    rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  let file = path.normalize(path.join(root, rel));
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if ((rel === '/' || rel === '/index.html') && redirectRoot) {
    res.writeHead(302, { Location: PLAYGROUND, 'Cache-Control': 'no-cache' }).end();
    return;
  }
  fs.stat(file, (err, st) => {
    if (!err && st.isDirectory()) {
      if (!rel.endsWith('/')) {
        res.writeHead(301, { Location: rel + '/' }).end();
        return;
      }
      file = path.join(file, 'index.html');
    }
    fs.stat(file, (err2, st2) => {
      if (err2 || !st2.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${rel}\n`);
        return;
      }
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': st2.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        // Docs pages served from elsewhere (another port) may embed <qi-sim> from here.
        'Access-Control-Allow-Origin': '*',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(file).pipe(res);
    });
  });
});

let port = wanted;
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE' && !strict && port !== 0 && port < wanted + 50) {
    port += 1;
    server.listen(port, host);
    return;
  }
  console.error(`serve: ${e.message}`);
  process.exit(1);
});
server.on('listening', () => {
  const { port: p } = server.address();
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const site = `http://${shown}:${p}`;
  const where = redirectRoot ? `${site}${PLAYGROUND}` : `${site}/`;
  console.log(`qisim playground: ${where}  (serving ${path.relative(process.cwd(), root) || '.'}; the article: ${site}/learn/; Ctrl-C stops)`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
server.listen(port, host);
