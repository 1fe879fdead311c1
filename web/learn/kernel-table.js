// Section 4: is the stable kernel I run affected? One row per kernel preset of the 5.15, 6.1,
// 6.6 and 6.12 branches (from the core's `kernels()`), two fault columns, each cell an
// exhaustive exploration run live in a pool worker (2 CPUs × 1 call, the version's callers'
// batch sizes up to 3, ring of 8, one fault per run: the headline of docs/kernels.md): the
// shortest finding, then, if that is not a hang, a search for each kind of hang, and a stray
// status write followed to the lockup it leads to as the matrix does (the same CPUs with 2, then
// 3 calls each). "Re-run" explores a row again.
import { kernels, kernelConfig, createPool, findingKinds } from '../index.js';
import { DEVTLB } from './cases.js';
import { showRun } from './embed.js';

const BRANCHES = ['5.15', '6.1', '6.6', '6.12'];
const MAX_BATCH = 3;
const MAX_STATES = 2_000_000;

export const FAULTS = [
  { id: 'ite', label: 'device-TLB time-out, device present', faults: { iteRate: 0.5 } },
  { id: 'gone', label: 'device gone', faults: { deviceGoneRate: 0.5 } },
];

let pool = null;
export const getPool = () => (pool ??= createPool({ workers: 1 }));

/** The kernel presets of the stable branches the article asks about, in the core's order. */
export function stablePresets() {
  return kernels(8).filter((k) => BRANCHES.some((b) => k.name === b || k.name.startsWith(`${b}.`)));
}

/** One cell's config: `kernel` as it runs, its callers' counts up to MAX_BATCH, `fault`. */
function cellConfig(kernel, fault) {
  const base = { qiLength: 8, submitters: 2, workload: { submissions: 1, types: DEVTLB }, faults: { maxFaults: 1, ...fault.faults } };
  return { config: kernelConfig(kernel.name, base, false), counts: kernel.realisticCounts.filter((c) => c <= MAX_BATCH) };
}

/** `v.config` with `calls` calls per CPU, each of the counterexample's count. */
function withCalls(config, calls) {
  const c = structuredClone(config);
  c.perSubmitter = c.perSubmitter.map((p) => ({ ...p, submissions: calls, batch: { kind: 'sequence', counts: Array(calls).fill(p.batch.counts[0]) } }));
  return c;
}

/** The finding kinds that are a CPU never returning (the core's terminal kinds; a qil program
 * error is a mistake in a program, not a state a kernel reaches). */
function hangKinds() {
  return findingKinds()
    .filter((k) => k.terminal && k.name !== 'programError')
    .map((k) => k.name);
}
const isHang = (kind) => hangKinds().includes(kind);

/**
 * Explores one cell: `first` is the shortest counterexample of any kind (or the proof). When it
 * is not a hang, each hang kind is searched for on its own (`target`), and a stray status write
 * is followed with 2, then 3 calls per CPU to a lockup it comes before (as the matrix does).
 * Returns { first, hang, calls, noHang, ms }: `noHang` when every hang search proved none.
 */
async function exploreCell(kernel, fault) {
  const t0 = performance.now();
  const { config, counts } = cellConfig(kernel, fault);
  const p = getPool();
  const opts = { counts, threads: 1, maxStates: MAX_STATES };
  const first = await p.explore(config, opts);
  const out = { first, hang: null, calls: 1, noHang: false };
  if (first.verdict === 'counterexample' && isHang(first.kind)) out.hang = first;
  else if (first.verdict === 'counterexample') {
    let undecided = false;
    for (const target of hangKinds()) {
      const v = await p.explore(config, { ...opts, target });
      if (v.verdict === 'counterexample') {
        out.hang = v;
        break;
      }
      if (v.verdict !== 'proved') undecided = true;
    }
    out.noHang = !out.hang && !undecided;
    if (!out.hang && first.kind === 'strayStatusWrite') {
      for (const calls of [2, 3]) {
        const v = await p.explore(withCalls(first.config, calls), { threads: 1, target: 'lockup', maxStates: MAX_STATES });
        const kinds = v.findings?.map((f) => f.kind) ?? [];
        const cause = kinds.indexOf(first.kind);
        const hang = kinds.findIndex(isHang);
        if (v.verdict === 'counterexample' && cause >= 0 && hang > cause) {
          out.hang = v;
          out.calls = calls;
          break;
        }
      }
    }
  }
  out.ms = performance.now() - t0;
  return out;
}

const hangs = (r) => Boolean(r.hang);

/** A "Show" button that loads a run into the section's <qi-sim>. */
function showButton(label, scenario, claim) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'show';
  b.textContent = 'Show';
  b.setAttribute('aria-label', `Show ${label}`);
  b.addEventListener('click', async () => {
    const fig = document.getElementById('fig-kernel');
    fig.hidden = false;
    fig.dataset.claim = claim;
    fig.querySelector('.fig-title').textContent = scenario.title;
    await showRun(fig, scenario);
    fig.scrollIntoView({ block: 'start' });
    fig.querySelector('qi-sim').focus({ preventScroll: true });
  });
  return b;
}

/** A run of the cell as a line: "<kind>, N steps" and its Show button. */
function runLine(kernel, fault, v, calls, prefix) {
  const span = document.createElement('span');
  span.className = 'run-line';
  const per = calls > 1 ? ` with ${calls} calls per CPU` : '';
  const kinds = [...new Set(v.findings.map((f) => f.kind))];
  const chain = kinds.length > 1 ? kinds.join(' ⇒ ') : v.kind;
  span.append(`${prefix}${chain}, ${v.steps} steps${per} `);
  const title = `${kernel.name}, ${fault.label}: ${chain}${per}`;
  span.append(showButton(title, { config: v.config, replay: v.replay, title, step: 'end' }, kinds.join(' ')));
  return span;
}

function renderCell(td, kernel, fault, r) {
  td.replaceChildren();
  const v = r.first;
  td.dataset.verdict = v.verdict;
  td.dataset.kind = v.kind ?? '';
  td.dataset.hang = r.hang ? `${r.hang.kind}@${r.calls}` : '';
  td.dataset.hangs = String(hangs(r));
  const head = document.createElement('strong');
  if (v.verdict === 'proved') {
    head.textContent = 'no finding';
    td.append(head, ` (proved over ${v.states.toLocaleString('en-US')} states)`);
  } else if (v.verdict === 'counterexample') {
    head.textContent = r.hang ? 'hangs' : r.noHang ? 'no hang' : 'hang not decided';
    td.append(head);
    if (r.noHang) td.append(r.hang ? ' (none with one call per CPU)' : ' (proved: with one call per CPU none can spin forever)');
    if (r.hang !== v) td.append(document.createElement('br'), runLine(kernel, fault, v, 1, 'first finding: '));
    if (r.hang) td.append(document.createElement('br'), runLine(kernel, fault, r.hang, r.calls, r.hang === v ? '' : 'hang: '));
  } else {
    head.textContent = 'not decided';
    td.append(head, ` (stopped after ${v.states.toLocaleString('en-US')} states)`);
  }
  const small = document.createElement('span');
  small.className = 'ms';
  small.textContent = ` · ${Math.max(1, Math.round(r.ms))} ms`;
  td.append(small);
}

/** Explores every cell of a row; returns its results by fault id. */
async function runRow(tr, kernel) {
  tr.dataset.state = 'running';
  const btn = tr.querySelector('button.rerun');
  btn.disabled = true;
  const out = {};
  try {
    for (const f of FAULTS) {
      const td = tr.querySelector(`td[data-fault="${f.id}"]`);
      td.textContent = 'exploring…';
      try {
        out[f.id] = await exploreCell(kernel, f);
        renderCell(td, kernel, f, out[f.id]);
      } catch (e) {
        td.textContent = `could not explore: ${e?.message ?? e}`;
        td.dataset.verdict = 'error';
      }
    }
  } finally {
    btn.disabled = false;
    tr.dataset.runs = String(Number(tr.dataset.runs ?? 0) + 1);
    tr.dataset.state = 'done';
  }
  return out;
}

/** Writes which presets hang under each fault, from the results. */
function summarise(results) {
  const box = document.getElementById('kernel-summary');
  box.replaceChildren();
  for (const f of FAULTS) {
    const bad = [...results].filter(([, r]) => r[f.id] && hangs(r[f.id])).map(([k]) => k);
    const ok = [...results].filter(([, r]) => r[f.id] && !hangs(r[f.id])).map(([k]) => k);
    const li = document.createElement('li');
    li.dataset.fault = f.id;
    li.textContent = `${f.label[0].toUpperCase()}${f.label.slice(1)}: ${bad.length ? `hangs in ${bad.join(', ')}` : 'no preset hangs'}; ${ok.length ? `no hang in ${ok.join(', ')}` : 'every preset hangs'}.`;
    box.append(li);
  }
}

export async function setupKernelTable() {
  const tbody = document.querySelector('#kernel-table tbody');
  const results = new Map();
  const rows = [];
  for (const k of stablePresets()) {
    const tr = document.createElement('tr');
    tr.dataset.kernel = k.name;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = k.name;
    const cells = [k.range, k.policy, k.iteWalk === 'stride1' ? 'stride 1' : 'stride 2'].map((t) => {
      const td = document.createElement('td');
      td.textContent = t;
      return td;
    });
    const faults = FAULTS.map((f) => {
      const td = document.createElement('td');
      td.dataset.fault = f.id;
      td.textContent = 'waiting…';
      return td;
    });
    const act = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'rerun';
    b.textContent = 'Re-run';
    b.setAttribute('aria-label', `Re-run the explorations of ${k.name}`);
    b.addEventListener('click', async () => {
      results.set(k.name, await runRow(tr, k));
      summarise(results);
    });
    act.append(b);
    tr.append(th, ...cells, ...faults, act);
    tbody.append(tr);
    rows.push([tr, k]);
  }
  const t0 = performance.now();
  for (const [tr, k] of rows) results.set(k.name, await runRow(tr, k));
  summarise(results);
  const status = document.getElementById('kernel-status');
  status.textContent = `All ${rows.length * FAULTS.length} cells explored in this page in ${(Math.round(performance.now() - t0) / 1000).toFixed(1)} s.`;
  document.getElementById('kernel-table').dataset.state = 'done';
}
