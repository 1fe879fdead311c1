// Hunting: Run — every seed of the form's config in chunks on the worker pool (workers.js),
// merged results drawn as they arrive.
import { readForm } from './config.js';
import { $, form, state, scheduleRender, updateHash, setBusy } from './state.js';
import { checkedForm, showError } from './form.js';
import { createPlots } from './render.js';
import { resetFindings, showRunning } from './findings.js';
import { resetProve } from './prove.js';
import { getPool, startTicker, stopTicker, revealResults } from './workers.js';

export async function run() {
  if (state.running) return;
  const startedAt = performance.now();
  const f = readForm(form);
  const checked = checkedForm(f);
  if (!checked) return;
  const { policies, configs, seedCount, seedStart, workers } = checked;
  Object.assign(state, {
    lastAction: 'hunt',
    runForm: f,
    running: true,
    policies,
    configs,
    results: {},
    done: {},
    startedAt,
    finishedAt: 0,
    firstLockupMs: null,
    firstFindingMs: null,
    controller: new AbortController(),
    error: null,
  });
  for (const p of policies) state.done[p] = { done: 0, total: seedCount };
  setBusy(true);
  startTicker();
  delete document.body.dataset.firstFindingMs;
  delete document.body.dataset.firstLockupMs;
  // A new hunt starts from a clean slate: no finding, prove card or counterexample of an
  // earlier run stays on screen.
  resetProve();
  resetFindings();
  showRunning();
  revealResults();
  // The charts are rebuilt after the first chunks are on their way (they take ~10 ms).
  state.plots.throughput?.destroy();
  state.plots.latency?.destroy();
  state.plots = { throughput: null, latency: null };
  setTimeout(() => {
    createPlots();
    scheduleRender();
  }, 0);
  updateHash();
  let pool;
  try {
    pool = await getPool(workers);
  } catch (e) {
    finish(`could not start the workers: ${e.message}`);
    return;
  }
  // The first seed also runs here on the main thread, unminimised (a millisecond, no worker
  // round trip: what it finds is listed at once), while the workers take every seed in chunks
  // that start at one seed and grow. Once their results cover the first seed, its minimised
  // finding replaces the head's; until then the two are merged with the core's
  // mergeHuntResults (disjoint seeds).
  // (Only for runs that stay short: a huge workload's seed would block the page.)
  const small = f.submitters * f.submissions <= 400 && f.stepLimit <= 2e6;
  const head = small ? Math.min(1, seedCount) : 0;
  // Small chunks: progress arrives every fraction of a second even when a seed is slow.
  const chunkSize = Math.max(1, Math.min(250, Math.ceil(seedCount / (workers * 64))));
  const signal = state.controller.signal;
  const heads = {};
  const covers = (r) => r?.seedRanges?.some(([a, b]) => a <= seedStart && seedStart < b);
  const withHead = (p, r) => (heads[p] && r && !covers(r) ? state.wasm.mergeHuntResults(heads[p], r) : r ?? heads[p]);
  const jobs = policies.map((p) =>
    pool
      .hunt(configs[p], {
        seedStart,
        seedCount,
        chunkSize,
        firstChunkSize: 1,
        signal,
        onProgress: ({ done, partial }) => {
          if (!state.running) return;
          state.done[p] = { done: done + (heads[p] && !covers(partial) ? head : 0), total: seedCount };
          const first = partial?.findings?.length && !policies.some((q) => state.results[q]?.findings?.length);
          if (partial) state.results[p] = withHead(p, partial);
          scheduleRender(!!first);
        },
      })
      .then((res) => {
        state.results[p] = withHead(p, res);
        state.done[p] = { done: seedCount, total: seedCount };
        scheduleRender();
      }),
  );
  if (head) {
    for (const p of policies) {
      heads[p] = state.wasm.hunt(configs[p], seedStart, head, { minimize: false });
      state.results[p] = withHead(p, state.results[p] ?? null);
      state.done[p] = { done: head, total: seedCount };
    }
    scheduleRender(policies.some((p) => heads[p].findings.length));
  }
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s) => s.status === 'rejected');
  settled.forEach((s, i) => {
    // A cancelled hunt still reports what its finished chunks found.
    if (s.status === 'rejected' && s.reason?.partial) state.results[policies[i]] = withHead(policies[i], s.reason.partial);
  });
  if (!failed) finish(null);
  else if (failed.reason?.name === 'AbortError' || signal.aborted) finish('cancelled');
  else finish(`hunt failed: ${failed.reason?.message ?? failed.reason}`);
}

function finish(problem) {
  state.running = false;
  stopTicker();
  state.finishedAt = performance.now();
  state.error = problem;
  setBusy(false);
  document.body.dataset.finished = problem ? 'error' : 'true';
  if (problem && problem !== 'cancelled') showError(problem);
  const summary = state.policies
    .map((p) => {
      const r = state.results[p];
      return r ? `${p}: ${r.schedules} schedules, ${r.lockups} lockups, ${r.safety} safety findings` : `${p}: no result`;
    })
    .join('; ');
  $('#announce').textContent = `${problem === 'cancelled' ? 'Cancelled' : problem ? 'Failed' : 'Done'} — ${summary}.`;
  scheduleRender();
}
