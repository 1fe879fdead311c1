#!/usr/bin/env node
// How soon the playground shows its first finding after Run: the page's own clock, from the Run
// click handler to the animation frame that lists the finding (body[data-first-finding-ms],
// body[data-first-lockup-ms]). Each sample loads the page afresh in headless Chromium, waits
// until the worker pool is warm (as while a user reads the page), presses Run and reads the
// figures. Prints the median, min and max per preset. No asserts: figures only.
//
//   bash scripts/build.sh && node scripts/bench-first-finding.mjs [--runs N]
import { startServer, launchContext } from '../tests/e2e/browser.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('--runs', 15);

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const CASES = [
  { name: 'seed preset, legacy (first lockup)', preset: 'seed', policy: 'legacy', attr: 'firstLockupMs' },
  { name: 'fault storm, both policies (first finding)', preset: 'faultStorm', policy: 'both', attr: 'firstFindingMs' },
  { name: 'kernel 6.12 + ITE (first finding)', preset: 'kernel-6.12', policy: 'fixed', attr: 'firstFindingMs' },
  { name: 'kernel 7.0 + ITE (first finding)', preset: 'kernel-7.0', policy: 'fixed', attr: 'firstFindingMs' },
  { name: 'kernel 7.0 + ITE (first lockup)', preset: 'kernel-7.0', policy: 'fixed', attr: 'firstLockupMs', timeout: 180000 },
];

const server = await startServer();
const { context, close } = await launchContext('qisim-bench-', { viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
const rows = [];
try {
  for (const c of CASES) {
    const xs = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready=true][data-warm=true]', { timeout: 30000 });
      await page.selectOption('select[name=preset]', c.preset);
      await page.check(`input[name=policy][value=${c.policy}]`);
      await page.click('#run');
      const h = await page.waitForFunction((a) => document.body.dataset[a], c.attr, { timeout: c.timeout ?? 60000, polling: 50 });
      xs.push(Number(await h.jsonValue()));
      await page.click('#cancel').catch(() => {});
      await page.waitForSelector('body[data-running=false]', { timeout: 60000 });
    }
    rows.push({ ...c, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), xs });
  }
} finally {
  await close();
  await server.stop();
}
console.log(`| playground, Run → first finding on screen (${RUNS} page loads each, pool warm) | median | min | max |`);
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | **${r.median} ms** | ${r.min} ms | ${r.max} ms |`);
