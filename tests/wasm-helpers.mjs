// Helpers of the wasm/pool/npm tests and benchmarks: a tiny static server for the npm package's
// modules (web/lib/: /pool.js, /pkg/qisim_wasm.js, ...) and headless Debian Chromium through
// playwright-core (nothing is downloaded).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchContext } from './e2e/browser.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB = path.join(ROOT, 'web');
/** The library: the files of the npm package but README and package.json. */
export const LIB = path.join(WEB, 'lib');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

/** Serves `root` on 127.0.0.1 (a free port); `/__blank.html` is an empty page. */
export async function startServer(root = LIB) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/__blank.html') {
      res.writeHead(200, { 'content-type': MIME['.html'] });
      res.end('<!doctype html><meta charset="utf-8"><title>qisim test</title>');
      return;
    }
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Launches headless Debian Chromium (as root: no sandbox) with a fresh profile. */
export async function launchChromium() {
  const { context, close } = await launchContext('qisim-chromium-');
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, close };
}

/** The web/lib/pkg build must exist (scripts/build.sh). */
export function assertBuilt() {
  const wasm = path.join(LIB, 'pkg', 'qisim_wasm_bg.wasm');
  if (!fs.existsSync(wasm)) throw new Error(`${wasm} is missing: run scripts/build.sh first`);
  return wasm;
}
