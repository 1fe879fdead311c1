#!/usr/bin/env node
// The explorer on Web Workers in headless Chromium: `pool.explore` on 1 worker (the wasm
// `explore` in one pool worker) against 2 workers (the partitioned search of pool-explore.js),
// side by side in one session, on the acceptance family of the bigger-proofs issue. Prints a
// markdown table (no asserts: figures only) and the verdicts, which must agree.
//
//   node scripts/bench-explore-web.mjs [--quick] [--reps N]
//
// --quick: ring 8, 3 CPUs, 1 call each, counts 0..2 (seconds); default: 2 calls each
// (`qisim explore --ring 8 --policy fixed --submitters 3 --submissions 2 --count 0..2`).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, startServer, launchChromium, assertBuilt } from '../tests/wasm-helpers.mjs';

const quick = process.argv.includes('--quick');
const repsAt = process.argv.indexOf('--reps');
const REPS = repsAt > 0 ? Number(process.argv[repsAt + 1]) : quick ? 2 : 2;
const config = {
  qiLength: 8,
  submitters: 3,
  policy: 'fixed',
  workload: { submissions: quick ? 1 : 2, batch: { kind: 'fixed', count: 0 } },
};
const options = { counts: [0, 1, 2], maxStates: 50_000_000 };

const log = (...a) => console.error('[bench-explore-web]', ...a);
execFileSync('bash', [path.join(ROOT, 'scripts/build.sh')], { stdio: 'inherit' });
assertBuilt();
const server = await startServer();
const browser = await launchChromium();
const page = browser.page;
page.on('console', (m) => (m.type() === 'error') && console.error('[page]', m.text()));
await page.goto(`${server.url}/__blank.html`);
await page.evaluate(async () => {
  window.poolMod = await import('/pool.js');
});

const rows = [];
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const threads of [1, 2]) {
      const r = await page.evaluate(
        async ({ config, options, threads }) => {
          const pool = poolMod.createPool({ workers: 2 });
          await pool.ready;
          let progress = 0;
          const t0 = performance.now();
          const v = await pool.explore(config, { ...options, threads, onProgress: () => void progress++ });
          const ms = performance.now() - t0;
          pool.terminate();
          return { ms, verdict: v.verdict, states: v.states, transitions: v.transitions, threads: v.threads,
            bytesPerState: v.bytesPerState, progress };
        },
        { config, options, threads },
      );
      log(`rep ${rep} threads ${threads}: ${(r.ms / 1000).toFixed(1)} s, ${r.verdict}, ${r.states} states`);
      rows.push({ rep, ...r });
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const best = (t) => Math.min(...rows.filter((r) => r.threads === t).map((r) => r.ms));
const one = rows.find((r) => r.threads === 1);
const agree = rows.every((r) => r.verdict === one.verdict && r.states === one.states && r.transitions === one.transitions);
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rate = (ms) => `${((one.states / ms) * 1000 / 1e3).toFixed(0)} k states/s`;
const chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
console.log(`${chromium}, ${new Date().toISOString().slice(0, 10)}, ${REPS} runs each (best; per run: ${rows.map((r) => `${(r.ms / 1000).toFixed(1)} s`).join(', ')})`);
console.log(`family: ring 8, fixed, 3 CPUs, ${config.workload.submissions} call(s) each, counts 0..2: ${one.verdict}, ${one.states} states`);
console.log('');
console.log('| workers | time | rate | speed-up |');
console.log('|---|---|---|---|');
console.log(`| 1 (wasm \`explore\` in one worker) | ${fmt(best(1))} | ${rate(best(1))} | 1.00× |`);
console.log(`| 2 (partitioned) | ${fmt(best(2))} | ${rate(best(2))} | ${(best(1) / best(2)).toFixed(2)}× |`);
console.log('');
console.log(`verdicts, states and transitions agree: ${agree}`);
