// The qisim playground: a form → configs → a hunt over seeds in the worker pool, with live
// uPlot charts, a findings list, and the selected counterexample in <qi-sim> (timeline + ring).
// State lives in the URL hash, so a shared link reopens the same config and finding.
//
// It uses the library (web/lib/) as any page would, only through its public entry points:
// ../lib/index.js (`qisim`: the wasm functions, the preset table), ../lib/pool.js
// (`qisim/pool`) and ../lib/qi-sim.js (`qisim/qi-sim`: the element and its loader).
//
// Modules, one job each: state (shared state, render frame, hash), form (form, errors),
// config (form ↔ config ↔ hash), workers (the pool, the ticker), hunt (Run), prove (Prove,
// verdicts), prove-size (a proof's size in numbers and words), render (progress, counters,
// charts), findings (list, viewer), kinds (finding kinds and fault paths), drive (drive the
// schedule yourself), walk (the guided walk-through), metrics (chart data), reproduce (the
// reproduce box), program and lab-* (the Kernel code panel).

import * as qisim from '../lib/index.js';
import { PRESETS, CANONICAL_REPLAY, seedScenarioConfig } from '../lib/index.js';
import { loadQisim } from '../lib/qi-sim.js';
import { FORM_DEFAULTS, presetForm, writeForm, hashToForm, addKernelOptions } from './config.js';
import { $, form, state, onRender, updateHash, hashExtras } from './state.js';
import { syncVisibility, showError } from './form.js';
import { getPool } from './workers.js';
import { run } from './hunt.js';
import { prove, renderVerdicts, verdictsFromParam, verdictsToParam } from './prove.js';
import { renderProgress, renderCounters, renderPlots, createPlots } from './render.js';
import { renderFindings, openSharedFinding, showSchedule } from './findings.js';
import './drive.js';
import { checkProgramText, restoreProgramParam } from './program.js';
import './walk.js';

hashExtras.verdicts = verdictsToParam;
onRender(renderProgress);
onRender(renderCounters);
onRender(renderVerdicts);
onRender(renderPlots);
onRender(renderFindings);

async function start() {
  const engine = $('#engine');
  // Compile the wasm module and start the workers at once, in parallel with the main thread's
  // own instance: Run then hunts without waiting for either.
  const cores = navigator.hardwareConcurrency || 0;
  const fromHash = hashToForm(location.hash);
  const workers = fromHash ? Number(fromHash.form.workers) || 1 : Math.max(1, Math.min(8, cores || 1));
  const warm = getPool(workers).catch(() => {});
  try {
    // The wasm module, loaded once (the viewer's <qi-sim> shares it); the page then calls it
    // through the library's public entry.
    await loadQisim();
    state.wasm = qisim;
    engine.textContent = `simulator ${state.wasm.version?.() ?? ''} ready · ${cores || '?'} cores`;
  } catch (e) {
    engine.textContent = 'the simulator failed to load';
    showError(`Could not load the wasm package (web/lib/pkg): ${e.message}. Build it with scripts/build.sh.`);
    return;
  }
  addKernelOptions(state.wasm.kernels());
  writeForm(form, fromHash?.form ?? presetForm('seed'));
  if (!fromHash) form.elements.workers.value = String(workers);
  syncVisibility();
  // Kernel code lab hook: a link's program, compressed (`pz`), back into the editor.
  await restoreProgramParam(new URLSearchParams(location.hash.slice(1)).get('pz'));
  if (form.elements.program.value) {
    document.querySelector('#kernel-code').open = true;
    checkProgramText();
  }
  createPlots();
  if (fromHash?.finding) openSharedFinding(fromHash.finding);
  if (fromHash?.verdicts) verdictsFromParam(fromHash.verdicts);
  document.body.dataset.ready = 'true';
  await warm;
  const pool = state.pool;
  await pool?.ready?.catch?.(() => {});
  // Warm the main thread's side of a hunt too (validation and merging run here).
  await pool?.hunt?.({ ...PRESETS.seed.config, policy: 'legacy' }, { seedStart: 0, seedCount: 0 }).catch(() => {});
  try {
    state.wasm.hunt({ ...PRESETS.seed.config, policy: 'legacy' }, 0, 4, {}); // Run's first seed runs here
  } catch {
    // warming only
  }
  while (pool?.stats && pool.stats().ready < pool.size) await new Promise((r) => setTimeout(r, 20));
  document.body.dataset.warm = 'true';
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  run();
});
$('#prove').addEventListener('click', () => prove());
$('#cancel').addEventListener('click', () => state.controller?.abort());
$('#share').addEventListener('click', async () => {
  updateHash();
  const b = $('#share');
  try {
    await navigator.clipboard.writeText(location.href);
    b.textContent = 'Link copied';
  } catch {
    b.textContent = 'Link in address bar';
  }
  setTimeout(() => (b.textContent = 'Copy link'), 1600);
});
$('#show-canonical').addEventListener('click', () => {
  showSchedule({
    config: seedScenarioConfig('legacy'),
    title: "The commit message's schedule — legacy policy",
    note: 'The schedule of the fix’s commit message: T1 submits one descriptor, T2 a wait descriptor alone; hardware completes all three; T1 reclaims WD2 before T2 saw it.',
  });
  updateHash();
});

window.addEventListener('hashchange', () => {
  const fromHash = hashToForm(location.hash);
  if (!fromHash) return;
  writeForm(form, fromHash.form);
  syncVisibility();
  // A link without a finding leaves nothing of the earlier selection in the next link.
  if (!fromHash.finding) Object.assign(state, { selected: null, runForm: null });
  if (fromHash.finding) openSharedFinding(fromHash.finding);
  if (fromHash.verdicts) verdictsFromParam(fromHash.verdicts);
});

// Keyboard: Escape cancels a run (outside inputs).
document.addEventListener('keydown', (e) => {
  if (e.target.closest?.('input, select, textarea, qi-sim') || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape' && state.running) state.controller?.abort();
});

export { state, FORM_DEFAULTS, PRESETS, CANONICAL_REPLAY };
start();
