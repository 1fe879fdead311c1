// Helpers for the browser end-to-end tests: a static server on a free port and a headless
// Debian chromium with a fresh profile, recording every console error and page error.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's chromium (nothing is downloaded); `CHROMIUM` or `CHROME_BIN` overrides it. */
export const CHROMIUM = process.env.CHROMIUM ?? process.env.CHROME_BIN ?? '/usr/bin/chromium';

/**
 * Headless chromium with a fresh user-data dir (`prefix` names it); `close` also removes the dir.
 * `options` go to playwright's `launchPersistentContext` (e.g. `viewport`).
 */
export async function launchContext(prefix, options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The site's root (web/: the article at learn/, the docs example, the library at lib/) from the
 * playground's URL (web/playground/), as scripts/serve.mjs prints it.
 */
const siteOf = (playground) => new URL('../', playground).href;

/**
 * Starts scripts/serve.mjs on a free port unless QISIM_URL (the playground's URL) is set;
 * returns { url (the playground), site (the root above it), stop }.
 */
export async function startServer() {
  if (process.env.QISIM_URL) {
    const url = process.env.QISIM_URL.replace(/\/?$/, '/');
    return { url, site: siteOf(url), stop: async () => {} };
  }
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('serve.mjs did not print its URL')), 10000);
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/[^\s]+\//);
      if (m) {
        clearTimeout(t);
        resolve(m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return {
    url,
    site: siteOf(url),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Launches chromium with a fresh user-data dir; returns { context, problems, close }. */
export async function launchBrowser() {
  const { context, close } = await launchContext('qisim-e2e-', {
    viewport: { width: 1440, height: 900 },
  });
  const problems = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    page.on('requestfailed', (r) => {
      // Navigations away from a page cancel its pending requests; those are not errors.
      if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  return { context, problems, close };
}

/**
 * One browser suite of the playground: registers `before`/`after` (a server unless QISIM_URL is
 * set, a fresh chromium, one page) and returns { server, browser, page } (filled in by `before`,
 * which then calls `ready(them)`) with `open(hash)` (waits for the page to be ready) and `runAndWait()` (Run, then the end).
 */
export function playgroundSuite({ before, after, ready }) {
  const s = { server: null, browser: null, page: null };
  before(async () => {
    s.server = await startServer();
    s.browser = await launchBrowser();
    s.page = await s.browser.context.newPage();
    ready?.(s);
  });
  after(async () => {
    await s.browser?.close();
    await s.server?.stop();
  });
  s.open = async (hash = '') => {
    await s.page.goto(s.server.url + hash);
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 20000 });
  };
  s.runAndWait = async (timeout = 180000) => {
    await s.page.click('#run');
    await s.page.waitForSelector('body[data-running=false][data-finished=true]', { timeout });
  };
  return s;
}
