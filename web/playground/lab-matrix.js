// "Prove against every fault" of the Kernel code panel: the program's matrix (every fault
// column × caller mix, `qisim matrix --program`) and each fault path's own configuration,
// decided by the core in a dedicated worker (lab-worker.js), drawn here cell by cell next to
// the base kernel's. Cancel terminates the worker. Every word of the grid (column
// heads, cell text, legend, spec) is the core's (wasm `matrixLabels`, cells' `text`).
import { wasmModule } from '../lib/pool.js';
import { $, state } from './state.js';

let job = null; // { worker, timer, t0, done, total }

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function verdictClass(v) {
  return v === 'proved' ? 'lab-ok' : v === 'counterexample' ? 'lab-bad' : 'lab-bound';
}

/** The spec the panel says it uses (the core's default matrix spec), in words. */
export function describeSpec(labels, callers) {
  const s = labels.spec;
  const calls = (c) => `${c.length} call${c.length > 1 ? 's' : ''} of ${c.join(', ')} descriptor${c.some((n) => n > 1) ? 's' : ''}`;
  const cpus = (all) =>
    all.every((c) => c.join() === all[0].join())
      ? `${all.length} CPU${all.length > 1 ? 's' : ''} × ${calls(all[0])}`
      : all.map(calls).join(' and ');
  const paths = labels.paths.map((p) => `${p.id}: ${p.fault}, ${cpus(p.calls)}`).join('; ');
  return (
    `Each cell proves or refutes (every interleaving) ${s.submitters} CPUs × ${s.submissions} call each on a ring of ` +
    `${s.qiLength}, device-TLB invalidations, the batch sizes of ${callers}'s callers up to ${s.maxBatch}, at most one ` +
    `fault per run, at most ${s.maxStates.toLocaleString('en-US')} states; the fault paths' own configurations: ${paths}. ` +
    `The base kernel's rows are shown beside it for comparison.`
  );
}

function header(table, caption, heads) {
  table.replaceChildren(caption, el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: 'program' }), ...heads)));
  const body = el('tbody');
  table.append(body);
  return body;
}

/** An empty grid for `rows` ([{ key, name }]) under each mix, filled by `cell()` as cells come. */
function drawGrid(labels, rows) {
  const table = $('#lab-grid');
  const heads = labels.faults.map((f) => el('th', { scope: 'col', textContent: f.label }));
  const body = header(table, $('#lab-grid-h'), heads);
  for (const m of labels.mixes) {
    body.append(el('tr', { className: 'lab-mix' }, el('th', { scope: 'rowgroup', colSpan: labels.faults.length + 1, textContent: `callers: ${m.label}` })));
    for (const r of rows) {
      const tr = el('tr', {}, el('th', { scope: 'row', textContent: r.name }));
      for (const f of labels.faults) {
        const td = el('td', { textContent: '…', className: 'lab-wait' });
        Object.assign(td.dataset, { row: r.key, mix: m.id, fault: f.id });
        tr.append(td);
      }
      body.append(tr);
    }
  }
}

function fillCell(row, cell) {
  const td = $(`#lab-grid td[data-row="${row}"][data-mix="${cell.mix}"][data-fault="${cell.fault}"]`);
  if (!td) return;
  td.textContent = cell.text;
  td.className = verdictClass(cell.verdict);
  td.dataset.verdict = cell.verdict;
  td.title = cell.command ? `Reproduce: ${cell.command}` : `${cell.states.toLocaleString('en-US')} states`;
}

function drawPaths(labels, rows) {
  const heads = labels.paths.map((p) => el('th', { scope: 'col', textContent: p.id, title: describePath(p.id) }));
  const body = header($('#lab-paths'), $('#lab-paths-h'), heads);
  for (const r of rows) {
    const tr = el('tr', {}, el('th', { scope: 'row', textContent: r.name }));
    for (const p of labels.paths) {
      const td = el('td', { textContent: '…', className: 'lab-wait' });
      Object.assign(td.dataset, { row: r.key, path: p.id });
      tr.append(td);
    }
    body.append(tr);
  }
}

function describePath(id) {
  return state.wasm.faultPaths?.().find((p) => p.id === id)?.description ?? id;
}

function fillPaths(row, paths) {
  for (const p of paths) {
    const td = $(`#lab-paths td[data-row="${row}"][data-path="${p.id}"]`);
    if (!td) continue;
    td.textContent = p.text;
    td.className = verdictClass(p.verdict);
    td.dataset.verdict = p.verdict;
  }
}

function say(text) {
  $('#lab-matrix-status').textContent = text;
}

function finish(text) {
  clearInterval(job?.timer);
  job?.worker.terminate();
  job = null;
  $('#lab-matrix').disabled = false;
  $('#lab-matrix-cancel').disabled = true;
  delete document.body.dataset.labMatrix;
  say(text);
}

/** Cancels a running matrix: the worker is terminated; the cells decided so far stay. */
export function cancelMatrix() {
  if (!job) return;
  const { done, total } = job;
  for (const td of document.querySelectorAll('#lab-results .lab-wait')) td.textContent = '—';
  finish(`Cancelled after ${done} of ${total} cells.`);
}

/**
 * Proves program `program` (called `name`) with the callers of kernel `base` against every
 * fault, and the base kernel's own program beside it (unless they are the same text).
 */
export async function proveEveryFault({ name, program, base }) {
  if (job) return;
  const labels = state.wasm.matrixLabels();
  const baseText = state.wasm.kernels().find((k) => k.name === base)?.program ?? '';
  const runs = [{ key: 'program', name, program }];
  if (baseText && baseText !== program) runs.push({ key: 'base', name: base, program: baseText });
  $('#lab-matrix-spec').textContent = describeSpec(labels, base);
  $('#lab-results').hidden = false;
  drawPaths(labels, runs);
  drawGrid(labels, runs);
  $('#lab-legend').textContent = labels.legend;
  const perRun = labels.faults.length * labels.mixes.length;
  const t0 = performance.now();
  const worker = new Worker(new URL('./lab-worker.js', import.meta.url), { type: 'module', name: 'qisim-lab' });
  job = { worker, t0, done: 0, total: perRun * runs.length, timer: 0 };
  const tick = () => job && say(`Proving… ${job.done} of ${job.total} cells · ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  job.timer = setInterval(tick, 250);
  $('#lab-matrix').disabled = true;
  $('#lab-matrix-cancel').disabled = false;
  document.body.dataset.labMatrix = 'running';
  tick();
  let i = 0;
  const next = () => {
    const r = runs[i];
    worker.postMessage({ type: 'run', spec: labels.spec, name: r.name, program: r.program, callers: base });
  };
  worker.onmessage = ({ data }) => {
    if (!job || job.worker !== worker) return;
    const r = runs[i];
    if (data.type === 'ready') next();
    else if (data.type === 'initError') finish(`The worker could not load the simulator: ${data.message}`);
    else if (data.type === 'paths') fillPaths(r.key, data.paths);
    else if (data.type === 'cell') {
      job.done++;
      fillCell(r.key, data.cell);
    } else if (data.type === 'error') {
      const at = data.line ? ` (line ${data.line}, column ${data.col})` : '';
      finish(`${r.name} could not be proved${at}: ${data.message}`);
    } else if (data.type === 'done') {
      i++;
      if (i < runs.length) return next();
      const ms = performance.now() - t0;
      finish(`${job.total} cells and ${runs.length * labels.paths.length} fault paths decided in ${(ms / 1000).toFixed(1)} s.`);
      document.body.dataset.labMatrix = 'done';
    }
  };
  worker.onerror = (e) => finish(`The worker failed: ${e.message ?? 'unknown error'}`);
  try {
    worker.postMessage({ type: 'init', module: await wasmModule() });
  } catch (e) {
    finish(`The simulator could not be compiled for the worker: ${e.message}`);
  }
}
