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

/** The names a module exports (`export { a, b as c } from`, `export function|class|const x`). */
function exportsOf(src) {
  const names = [];
  for (const m of src.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.push(name);
    }
  }
  for (const m of src.matchAll(/^export\s+(?:async\s+)?(?:function|class|const|let)\s+(\w+)/gm)) names.push(m[1]);
  return names;
}

test('the tarball holds exactly the files of package.json "files", built (web/lib/ only)', () => {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''))
    .sort();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // Every file named in "files" is in the package: the generated ones too (web/lib/pkg/ and
  // web/lib/presets.js are built by scripts/build.sh, not in git).
  for (const f of pkg.files) {
    assert.ok(!f.endsWith('/'), `"files" names files, not folders: ${f}`);
    assert.ok(listing.includes(f), `${f} (package.json "files") missing from ${listing.join(', ')}`);
  }
  for (const f of [
    'web/lib/index.js',
    'web/lib/pool.js',
    'web/lib/pool-worker.js',
    'web/lib/qi-sim.js',
    'web/lib/presets.js',
    'web/lib/qisim.d.ts',
    'web/lib/qisim-types.d.ts',
    'web/lib/pool.d.ts',
    'web/lib/qi-sim.d.ts',
    'web/lib/pkg/qisim_wasm.js',
    'web/lib/pkg/qisim_wasm_bg.wasm',
    'web/lib/pkg/qisim_wasm.d.ts',
  ]) {
    assert.ok(pkg.files.includes(f), `${f} is not in package.json "files"`);
  }
  // And nothing else: no playground, article, vendored code or build stamp.
  for (const f of listing) {
    assert.ok(
      f === 'package.json' || pkg.files.includes(f) || /^(README|LICENSE)/i.test(f),
      `unexpected file in the package: ${f}`,
    );
    assert.ok(f === 'package.json' || f === 'README.md' || f.startsWith('web/lib/'), `stray file ${f}`);
  }
  // Every target of "exports" (and main, types) is in the package.
  const targets = [pkg.main, pkg.types];
  for (const v of Object.values(pkg.exports)) targets.push(...(typeof v === 'string' ? [v] : Object.values(v)));
  for (const t of targets) assert.ok(listing.includes(t.replace(/^\.\//, '')), `${t} (exports) missing`);
  // Every module the entry points import (relative ES imports and `new URL('./x.js')`: the pool's
  // worker, followed) is in the package.
  const seen = new Set();
  const follow = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    assert.ok(listing.includes(f), `${f} (imported by the package) missing from ${listing.join(', ')}`);
    const src = fs.readFileSync(path.join(project, 'node_modules/qisim', f), 'utf8');
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.\/[^']+\.js)'|new URL\('(\.\/[^']+\.js)'/g)) {
      follow(path.posix.join(path.posix.dirname(f), m[1] ?? m[2]));
    }
  };
  for (const f of ['web/lib/qi-sim.js', 'web/lib/index.js', 'web/lib/pool.js']) follow(f);
  for (const f of ['web/lib/presets.js', 'web/lib/qi-sim-ring.js', 'web/lib/pool-worker.js', 'web/lib/pkg/qisim_wasm.js']) {
    assert.ok(seen.has(f), `${f} not reached: ${[...seen].join(', ')}`);
  }
  const installed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/qisim/package.json')));
  assert.equal(installed.name, 'qisim');
  assert.equal(Object.keys(installed.dependencies ?? {}).length, 0, 'no runtime dependencies');
});

test('imported under Node with initSync: legacy hunts find lockups, fixed finds none', () => {
  const script = `
    import fs from 'node:fs';
    import { createRequire } from 'node:module';
    import * as qisim from 'qisim';
    import { createPool, wasmModule } from 'qisim/pool';
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
      wasmModule: typeof wasmModule === typeof qisim.wasmModule && typeof wasmModule,
      // The generated preset table and the scenario <qi-sim> shows by default.
      presets: Object.keys(qisim.PRESETS),
      canonical: qisim.CANONICAL_REPLAY,
      commit: (() => {
        const r = new qisim.Simulation({ ...qisim.seedScenarioConfig('legacy'), trace: true }).run();
        return { kinds: r.findings.map((f) => f.kind), step: qisim.stepNumber(r.findings.at(-1).step) };
      })(),
      hw: [qisim.isHw('HW:fetch'), qisim.isHw('T1')],
      lab: typeof qisim.matrixLabels().legend,
      patches: qisim.patches().length > 0 && qisim.programDiff('7.0', qisim.kernels().find((k) => k.name === '7.0').program),
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
  assert.equal(out.wasmModule, 'function');
  assert.ok(out.presets.includes('commit') && out.presets.includes('seed'), out.presets.join());
  assert.deepEqual(out.canonical, { legacy: 'q1:a6b6H3a5b2', fixed: 'q1:a6b6H3a5b5' });
  assert.deepEqual(out.commit, { kinds: ['lostCompletion', 'lockup'], step: 22 });
  assert.deepEqual(out.hw, [true, false]);
  assert.equal(out.lab, 'string');
  assert.equal(out.patches, '', 'a kernel against itself: no diff');
});

test('the type declarations name every export of the entry points, and only those', () => {
  const lib = path.join(project, 'node_modules/qisim/web/lib');
  const read = (f) => fs.readFileSync(path.join(lib, f), 'utf8');
  const dts = read('qisim.d.ts');
  // Values a declaration file declares: `export function|class|const x` and `export { x }`.
  const declared = (d) =>
    new Set([...[...d.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]), ...exportsOf(d)]);
  // Each entry module against its declarations, both ways: an export without a declaration is
  // invisible to TypeScript; a declared function the module does not export is undefined at run
  // time, though TypeScript accepts the import. (qisim.d.ts re-exports the pool's declarations
  // from pool.d.ts: `export { a, b } from './pool.js'`, as index.js re-exports pool.js.)
  const entries = [
    ['index.js', declared(dts)],
    ['pool.js', declared(read('pool.d.ts'))],
    ['qi-sim.js', declared(read('qi-sim.d.ts'))],
  ];
  for (const [entry, names] of entries) {
    const exported = exportsOf(read(entry)).filter((n) => n !== 'default');
    assert.ok(exported.length >= 2, `exports of ${entry}: ${exported}`);
    for (const n of exported) assert.ok(names.has(n), `${entry} exports ${n}, which its .d.ts does not declare`);
    for (const n of names) assert.ok(exported.includes(n), `${n} is declared but not exported by web/lib/${entry}`);
    if (entry === 'pool.js') for (const n of names) assert.ok(declared(dts).has(n), `qisim.d.ts does not re-export ${n} of pool.d.ts`);
  }
  assert.match(dts, /^export default function init\(/m);
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
