// Shared state of the playground: the DOM handles, the state object (window.qisim, for tests
// and the curious), render scheduling (at most once per animation frame) and the URL hash.
import { readForm, formToHash } from './config.js';

export const $ = (s) => document.querySelector(s);
export const form = $('#controls');
export const viewer = $('#viewer');

/** Everything the page knows; exposed as window.qisim for tests and the curious. */
export const state = {
  wasm: null,
  pool: null,
  poolWorkers: 0,
  running: false,
  controller: null,
  policies: [],
  configs: {},
  results: {}, // policy -> merged HuntResult so far
  done: {}, // policy -> { done, total }
  startedAt: 0,
  finishedAt: 0,
  firstLockupMs: null,
  selected: null, // { policy, seed, view }
  error: null,
  plots: { throughput: null, latency: null },
};
window.qisim = state;

const renderers = [];
/** Registers a function run on every render frame (in registration order). */
export function onRender(fn) {
  renderers.push(fn);
}

let raf = 0;
function renderFrame() {
  if (raf) cancelAnimationFrame(raf);
  raf = 0;
  for (const fn of renderers) fn();
}

/** Renders on the next animation frame; `now`: at once (the first finding of a run). */
export function scheduleRender(now = false) {
  if (now) renderFrame();
  else if (!raf) raf = requestAnimationFrame(renderFrame);
}

/** Parts of the hash other modules own (set by app.js: the prove verdicts). */
// Kernel code lab hook: `link` rewrites the hash (the program compressed, lab-link.js).
export const hashExtras = { verdicts: () => null, link: (h) => h };

export function updateHash() {
  // A selected finding belongs to the config it was found with, not to later edits of the form.
  const f = state.selected && state.runForm ? state.runForm : readForm(form);
  const h = hashExtras.link(formToHash(f, state.selected, hashExtras.verdicts()));
  history.replaceState(null, '', `#${h}`);
}

export function setBusy(busy) {
  $('#run').disabled = busy;
  $('#prove').disabled = busy;
  $('#cancel').disabled = !busy;
  document.body.dataset.running = String(busy);
  if (busy) {
    delete document.body.dataset.finished;
    delete document.body.dataset.proved;
  }
}
