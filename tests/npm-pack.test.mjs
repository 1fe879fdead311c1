// The npm package: `npm pack` the repository, install the tarball into a fresh project (offline:
// it has no dependencies), and use it from Node like a consumer would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, assertBuilt } from './wasm-helpers.mjs';

let tmp;
let tarball;
let project;

const npm = (args, cwd) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });

before(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qisim-npm-'));
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], ROOT));
  tarball = path.join(tmp, packed[0].filename);
  project = path.join(tmp, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  npm(['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds the modules, the wasm binary and the types, and nothing else', () => {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''))
    .sort();
  for (const f of [
    'package.json',
    'web/index.js',
    'web/pool.js',
    'web/pool-explore.js',
    'web/buffers.js',
    'web/pool-worker.js',
    'web/qisim.d.ts',
    'web/qisim-types.d.ts',
    'web/pool.d.ts',
    'web/pkg/qisim_wasm.js',
    'web/pkg/qisim_wasm_bg.wasm',
    'web/pkg/qisim_wasm.d.ts',
  ]) {
    assert.ok(listing.includes(f), `${f} missing from ${listing.join(', ')}`);
  }
  for (const f of listing) {
    assert.ok(
      f === 'package.json' || f.startsWith('web/') || /^(README|LICENSE)/i.test(f),
      `unexpected file in the package: ${f}`,
    );
    assert.ok(!/\.(rs|toml|lock|sh)$/.test(f) && !f.startsWith('web/app'), `stray file ${f}`);
  }
  // Every module <qi-sim> and the pool import (relative ES imports, followed) is in the package.
  const seen = new Set();
  const follow = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    assert.ok(listing.includes(f), `${f} (imported by the package) missing from ${listing.join(', ')}`);
    const src = fs.readFileSync(path.join(project, 'node_modules/qisim', f), 'utf8');
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.\/[^']+\.js)'/g)) {
      follow(path.posix.join(path.posix.dirname(f), m[1]));
    }
  };
  for (const f of ['web/qi-sim.js', 'web/index.js', 'web/pool.js']) follow(f);
  assert.ok(seen.has('web/presets.js') && seen.has('web/qi-sim-ring.js'), [...seen].join(', '));
  const pkg = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/qisim/package.json')));
  assert.equal(pkg.name, 'qisim');
  assert.equal(Object.keys(pkg.dependencies ?? {}).length, 0, 'no runtime dependencies');
});

test('imported under Node with initSync: legacy hunts find lockups, fixed finds none', () => {
  const script = `
    import fs from 'node:fs';
    import { createRequire } from 'node:module';
    import * as qisim from 'qisim';
    import { createPool } from 'qisim/pool';
    import * as wasm from 'qisim/wasm';
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('qisim/wasm-binary');
    qisim.initSync({ module: fs.readFileSync(wasmPath) });
    const cfg = (policy) => ({
      qiLength: 8, submitters: 2, policy,
      workload: { submissions: 30, zeroCountProb: 0.5, batch: { kind: 'uniform', min: 0, max: 2 } },
    });
    const legacy = qisim.hunt(cfg('legacy'), 0, 200, { maxFindings: 5 });
    const fixed = qisim.hunt(cfg('fixed'), 0, 200);
    const merged = qisim.mergeHuntResults(
      qisim.hunt(cfg('legacy'), 100, 100, { maxFindings: 5 }),
      qisim.hunt(cfg('legacy'), 0, 100, { maxFindings: 5 }));
    const one = (count) => ({ submissions: 1, batch: { kind: 'fixed', count } });
    const sim = new qisim.Simulation({ qiLength: 8, submitters: 2, perSubmitter: [one(1), one(0)],
      policy: 'legacy', scheduler: { kind: 'replay', choices: 'q1:a6b6H3a5b2' }, trace: true });
    const report = sim.run();
    let error = null;
    try { qisim.validateConfig({ qiLength: NaN }); } catch (e) {
      error = { isError: e instanceof Error, field: e.field, message: e.message };
    }
    console.log(JSON.stringify({
      version: qisim.version(),
      sameModule: wasm.hunt === qisim.hunt,
      createPool: typeof createPool === typeof qisim.createPool && typeof createPool,
      legacy: { lockups: legacy.lockups, lost: legacy.runsWith, findings: legacy.findings.length,
        minimized: legacy.findings[0]?.minimized?.replay, ranges: legacy.seedRanges },
      fixed: { lockups: fixed.lockups, safety: fixed.safety, findings: fixed.findings.length,
        schedules: fixed.schedules },
      mergedEqual: JSON.stringify(merged) === JSON.stringify(legacy),
      seedKinds: report.findings.map((f) => f.kind),
      error,
      seed: qisim.freshSeed(),
    }));
  `;
  fs.writeFileSync(path.join(project, 'check.mjs'), script);
  const out = JSON.parse(execFileSync('node', ['check.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.equal(out.version, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'))).version);
  assert.ok(out.sameModule, "'qisim' re-exports 'qisim/wasm'");
  assert.equal(out.createPool, 'function');
  assert.ok(out.legacy.lockups > 0, `legacy lockups: ${JSON.stringify(out.legacy)}`);
  assert.ok(out.legacy.lost.some(([k, n]) => k === 'lostCompletion' && n > 0));
  assert.equal(out.legacy.findings, 5);
  assert.match(out.legacy.minimized, /^q1:/);
  assert.deepEqual(out.legacy.ranges, [[0, 200]]);
  assert.deepEqual(out.fixed, { lockups: 0, safety: 0, findings: 0, schedules: 200 });
  assert.ok(out.mergedEqual, 'merged chunks equal one hunt');
  assert.deepEqual(out.seedKinds, ['lostCompletion', 'lockup']);
  assert.deepEqual(
    { isError: out.error.isError, field: out.error.field },
    { isError: true, field: 'qiLength' },
  );
  assert.ok(Number.isSafeInteger(out.seed) && out.seed >= 0);
});

test('the type declarations name every export of the entry module', () => {
  const dts = fs.readFileSync(path.join(project, 'node_modules/qisim/web/qisim.d.ts'), 'utf8');
  const entry = fs.readFileSync(path.join(project, 'node_modules/qisim/web/index.js'), 'utf8');
  const names = [...entry.matchAll(/^\s+(?:default as )?(\w+),?$/gm)].map((m) => m[1]);
  assert.ok(names.length >= 8, `exports found: ${names}`);
  for (const n of [...names, 'createPool']) {
    if (n === 'default') continue;
    assert.match(dts, new RegExp(`export (?:default )?(?:function|class|const|\\{) ?${n}\\b`), n);
  }
  // And the other way: every function declared is exported (a declared function the entry does
  // not export is undefined at run time, though TypeScript accepts the import).
  const declared = [...dts.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
  for (const n of declared) assert.ok([...names, 'createPool'].includes(n), `${n} is declared but not exported by web/index.js`);
  // Declared here, or re-exported from the generated qisim-types.d.ts (`export type { ... }`).
  const types = new Set([...dts.matchAll(/export (?:interface|type) (\w+)/g)].map((m) => m[1]));
  for (const m of dts.matchAll(/export type \{([^}]*)\}/g)) {
    for (const n of m[1].split(',')) if (n.trim()) types.add(n.trim());
  }
  for (const t of ['Config', 'Workload', 'RunReport', 'HuntResult', 'Finding', 'StateView', 'Event', 'Verdict']) {
    assert.ok(types.has(t), `${t} not exported by qisim.d.ts: ${[...types].join(', ')}`);
  }
});

test('a TypeScript consumer type-checks against the installed package (tests/types/usage.ts)', () => {
  // The repository's own tsc (devDependency); the consumer resolves `qisim` from the tarball, so
  // a declaration file missing from package.json "files" fails here.
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  assert.ok(fs.existsSync(tsc), `${tsc} missing: run npm ci`);
  fs.copyFileSync(path.join(ROOT, 'tests/types/usage.ts'), path.join(project, 'usage.ts'));
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['ES2022', 'DOM'],
        types: [],
        skipLibCheck: false,
      },
      files: ['usage.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
