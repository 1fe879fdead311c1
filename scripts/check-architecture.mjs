// Keeps ARCHITECTURE.md true and the import graph a tree of layers:
//   1. no two source files import each other in a cycle (Rust `use`/paths of core, cli, wasm;
//      ES module imports of web/), a module's `pub use` re-exports and `mod` lines aside;
//   2. no source file over the line budget;
//   3. every source file is named in ARCHITECTURE.md (by path or by its name in its folder's
//      row), and every path ARCHITECTURE.md names exists.
//   4. ARCHITECTURE.md's generated table "Who imports whom" is the import graph of today.
// Exit 1 with one line per problem. `--write` regenerates that table; `--graph` prints the
// file edges.
import { readFileSync, readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const MAX_LINES = 400;
// Generated or vendored: not ours to shape.
const SKIP = [/\/vendor\//, /^web\/(lib\/)?pkg\//, /\/presets\.js$/, /\.gen\./];

function walk(dir, ext, out = []) {
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) walk(p, ext, out);
    else if (p.endsWith(ext) && !SKIP.some((r) => r.test(p))) out.push(p);
  }
  return out;
}

/** Rust: the module path of a file (`core/src/check/bfs.rs` -> crate `core`, ["check","bfs"]). */
function rustModule(file) {
  const [crate, , ...rest] = file.split('/');
  const parts = rest.map((s) => s.replace(/\.rs$/, '')).filter((s) => s !== 'mod');
  if (parts.length === 1 && (parts[0] === 'lib' || parts[0] === 'main')) parts.length = 0;
  return { crate, parts };
}

/** Strips comments, strings and `#[cfg(test)]` items, which are not the file's dependencies. */
function rustCode(src) {
  src = src.replace(/\/\/[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/"(?:\\.|[^"\\])*"/g, '""');
  // One-line test items (`#[cfg(test)] mod tests;`, `... use x;`) go; an inline test module
  // (`#[cfg(test)] mod tests { ... }`, last in a file by convention) ends the file's code. Any
  // other test-only item stays: counted, never missed.
  src = src.replace(/#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?(mod|use)\s[^;{]*;/g, '');
  const t = src.search(/#\[cfg\(test\)\]\s*mod\s+\w+\s*\{/);
  return t < 0 ? src : src.slice(0, t);
}

/** `use a::{b, c::{d}}` bodies -> [`a::b`, `a::c::d`] (aliases: `[path, alias]`). */
function expandUse(body, prefix = '', out = []) {
  let depth = 0;
  let cur = '';
  const items = [];
  for (const ch of body) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  items.push(cur);
  for (let it of items) {
    it = it.trim();
    if (!it) continue;
    const m = /^([\w:]*?)::\{([\s\S]*)\}$/.exec(it);
    if (m) expandUse(m[2], prefix + m[1] + '::', out);
    else {
      const [path, alias] = it.split(/\s+as\s+/).map((x) => x.trim());
      out.push([prefix + path, alias ?? path.split('::').pop()]);
    }
  }
  return out;
}

function rustEdges(files) {
  const byModule = new Map(files.map((f) => [(({ crate, parts }) => [crate, ...parts].join('::'))(rustModule(f)), f]));
  const isModRoot = (f) => /(mod|lib|main)\.rs$/.test(f);
  const codeOf = new Map(files.map((f) => [f, rustCode(readFileSync(join(root, f), 'utf8'))]));
  // A path as seen from file `f`: the file it names, following a folder's `pub use` to the
  // child that defines the item (`crate::config::IteWalk` is `config/faults.rs`).
  const reexports = new Map();
  const resolve = (f, p, seen = 0) => {
    const { crate, parts } = rustModule(f);
    const self = [crate, ...parts];
    let segs = p.split('::');
    let base;
    if (segs[0] === 'crate') base = [crate];
    else if (segs[0] === 'qisim_core') base = ['core'];
    else if (segs[0] === 'self') base = self;
    else if (segs[0] === 'super') {
      base = self.slice();
      while (segs[0] === 'super') {
        base = base.slice(0, -1);
        segs = segs.slice(1);
      }
      segs = ['_', ...segs];
    } else return null;
    const rest = segs.slice(1);
    for (let k = rest.length; k >= 0; k--) {
      const target = byModule.get([...base, ...rest.slice(0, k)].join('::'));
      if (!target) continue;
      const via = k < rest.length && seen < 8 ? reexports.get(target)?.get(rest[k]) : null;
      return via ? (resolve(target, via, seen + 1) ?? target) : target;
    }
    return null;
  };
  for (const f of files.filter(isModRoot)) {
    const map = new Map();
    for (const m of codeOf.get(f).matchAll(/pub(?:\([^)]*\))?\s+use\s+([^;]+);/g)) {
      for (const [path, alias] of expandUse(m[1].replace(/\s+/g, ' '))) {
        map.set(alias, /^(crate|super|self|qisim_core)::/.test(path) ? path : `self::${path}`);
      }
    }
    reexports.set(f, map);
  }
  const edges = new Map(files.map((f) => [f, new Set()]));
  for (const f of files) {
    let code = codeOf.get(f);
    // A folder's front file re-exports its children: a facade, not a dependency.
    if (isModRoot(f)) code = code.replace(/pub(\([^)]*\))?\s+use\s+[^;]*;/g, '');
    const paths = [];
    for (const m of code.matchAll(/\buse\s+([^;]+);/g)) for (const [p] of expandUse(m[1].replace(/\s+/g, ' '))) paths.push(p);
    // Paths written inline in code (`crate::model::System::new`), outside the `use` lines.
    for (const m of code.replace(/\buse\s+[^;]+;/g, '').matchAll(/\b((?:crate|super|self|qisim_core)(?:::\w+)+)/g)) paths.push(m[1]);
    for (const p of paths) {
      const target = resolve(f, p.replace(/\s+/g, ''));
      if (target && target !== f && !isAncestorFacade(target, f)) edges.get(f).add(target);
    }
  }
  return edges;
}

/** `mod.rs`/`lib.rs` reached only by walking up the path: the parent's name, not its code. */
function isAncestorFacade(target, from) {
  if (!/(mod|lib)\.rs$/.test(target)) return false;
  return from.startsWith(dirname(target) + '/');
}

function jsEdges(files) {
  const edges = new Map(files.map((f) => [f, new Set()]));
  for (const f of files) {
    const src = readFileSync(join(root, f), 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|new URL\(\s*['"](\.[^'"]+\.js)['"]/g)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const target = relative(root, resolve(root, dirname(f), spec));
      if (edges.has(target) && target !== f) edges.get(f).add(target);
    }
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(edges) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const rust = ['core/src', 'cli/src', 'wasm/src'].flatMap((d) => walk(d, '.rs'));
const js = walk('web', '.js');
const problems = [];
const graph = new Map([...rustEdges(rust), ...jsEdges(js)]);
if (process.argv.includes('--graph')) {
  for (const [f, to] of graph) for (const t of to) console.log(`${f} -> ${t}`);
}
for (const comp of cycles(graph)) {
  const pairs = comp.flatMap((a) => [...graph.get(a)].filter((b) => comp.includes(b)).map((b) => `${relative(dirname(a), b) || b}`));
  problems.push(`import cycle: ${comp.join(' ⇄ ')}${pairs.length < 12 ? '' : ''}`);
}
for (const f of [...rust, ...js]) {
  const lines = readFileSync(join(root, f), 'utf8').split('\n').length - 1;
  if (lines > MAX_LINES) problems.push(`${f}: ${lines} lines, over ${MAX_LINES}`);
}

// The graph between modules: core's top-level modules (check/ by its folders), cli, wasm,
// web/lib, web/playground, web/learn.
function moduleOf(f) {
  let m = /^core\/src\/(check\/)?([\w-]+)/.exec(f);
  if (m) return `core::${m[1] ?? ''}${m[2].replace(/\.rs$/, '')}`;
  m = /^(cli|wasm)\//.exec(f);
  if (m) return m[1];
  m = /^web\/(lib|playground|learn)\//.exec(f);
  return m ? `web/${m[1]}` : f;
}
const modEdges = new Map();
for (const [f, to] of graph) {
  const a = moduleOf(f);
  if (a === 'core::lib' || a === 'core::check/mod') continue;
  if (!modEdges.has(a)) modEdges.set(a, new Set());
  for (const t of to) {
    const b = moduleOf(t);
    if (b !== a && b !== 'core::lib' && b !== 'core::check/mod') modEdges.get(a).add(b);
  }
}
const table = [
  '| module | imports |',
  '|---|---|',
  ...[...modEdges.keys()].sort().map((a) => `| \`${a}\` | ${[...modEdges.get(a)].sort().map((b) => `\`${b}\``).join(', ') || '—'} |`),
].join('\n');
const BEGIN = '<!-- imports:begin (node scripts/check-architecture.mjs --write) -->';
const END = '<!-- imports:end -->';
let doc = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
const at = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
if (at < 0 || end < 0) problems.push(`ARCHITECTURE.md has no generated import table (${BEGIN} … ${END})`);
else {
  const fresh = `${doc.slice(0, at + BEGIN.length)}\n${table}\n${doc.slice(end)}`;
  if (process.argv.includes('--write')) {
    writeFileSync(join(root, 'ARCHITECTURE.md'), fresh);
    doc = fresh;
  } else if (fresh !== doc) problems.push('ARCHITECTURE.md: the import table is stale: run node scripts/check-architecture.mjs --write');
}

for (const f of [...rust, ...js]) {
  const name = f.split('/').pop();
  const rel = f.replace(/^(core|cli|wasm)\/src\//, '').replace(/^web\//, '');
  const stem = name.replace(/\.(rs|js)$/, '');
  // Named by its path, its path within its crate or web/, or (in a folder's row) its file name.
  const named = doc.includes(f) || doc.includes(rel) || doc.includes(`\`${name}\``) || doc.includes(`${name}\``) || doc.includes(`\`${stem}/`);
  if (!named) problems.push(`${f}: not named in ARCHITECTURE.md`);
}
for (const m of doc.matchAll(/`((?:core|cli|wasm|web|scripts|tests|bench|docs)\/[\w./-]+\.(?:rs|js|mjs|sh|md|ts|html|css))`/g)) {
  if (!existsSync(join(root, m[1]))) problems.push(`ARCHITECTURE.md names ${m[1]}, which does not exist`);
}

for (const p of problems) console.log(p);
if (problems.length) process.exit(1);
console.log(`architecture: ${rust.length} Rust and ${js.length} JS files, no import cycle, none over ${MAX_LINES} lines, all named in ARCHITECTURE.md`);
