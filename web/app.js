// The qisim playground: a form → configs → a hunt over seeds in the worker pool, with live
// uPlot charts, a findings list, and the selected counterexample in <qi-sim> (timeline + ring).
// State lives in the URL hash, so a shared link reopens the same config and finding.

import uPlot from './vendor/uPlot.esm.js';
import { loadQisim, seedScenarioConfig, PRESET_CONFIGS, cutReplay, parseReplay, CANONICAL_REPLAY } from './qi-sim.js';
import {
  FORM_DEFAULTS,
  presetForm,
  readForm,
  writeForm,
  configFor,
  formToHash,
  hashToForm,
  exploreCounts,
  runSettings,
} from './app-config.js';
import { quantile, throughputData, latencyData, POLICY_COLORS } from './app-metrics.js';

const $ = (s) => document.querySelector(s);
const form = $('#controls');
const viewer = $('#viewer');

/** Everything the page knows; exposed as window.qisim for tests and the curious. */
const state = {
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

// ---------------------------------------------------------------------------------------------
// Start-up

async function start() {
  const engine = $('#engine');
  try {
    state.wasm = await loadQisim();
    engine.textContent = `simulator ${state.wasm.version?.() ?? ''} ready · ${navigator.hardwareConcurrency || '?'} cores`;
  } catch (e) {
    engine.textContent = 'the simulator failed to load';
    showError(`Could not load the wasm package (web/pkg): ${e.message}. Build it with scripts/build.sh.`);
    return;
  }
  const fromHash = hashToForm(location.hash);
  writeForm(form, fromHash?.form ?? presetForm('seed'));
  if (!fromHash && navigator.hardwareConcurrency) {
    form.elements.workers.value = String(Math.max(1, Math.min(8, navigator.hardwareConcurrency)));
  }
  syncVisibility();
  createPlots();
  if (fromHash?.finding) {
    openSharedFinding(fromHash.finding);
  }
  document.body.dataset.ready = 'true';
  // Start the workers while the user reads the page, so Run starts hunting at once.
  const warm = () => getPool(Math.max(1, Math.floor(Number(form.elements.workers.value) || 1))).catch(() => {});
  if ('requestIdleCallback' in window) requestIdleCallback(warm, { timeout: 1500 });
  else setTimeout(warm, 300);
}

// ---------------------------------------------------------------------------------------------
// Form behaviour

const PRESET_NOTES = {
  seed: 'Legacy finds a lockup within the first seeds: wait-only calls (count 0) sit next to each other on a small ring.',
  mix8: 'Timed costs make the race window small: legacy lockups are rare here (compare throughput and latency instead, or switch to PCT).',
  faultStorm: 'IQE, ITE and ICE on a busy ring: aborted waits restart with -EAGAIN, and the fault path walks the ring.',
  custom: '',
};

function syncVisibility() {
  const f = form.elements;
  const note = PRESET_NOTES[f.preset.value] ?? '';
  $('#preset-note').textContent = note;
  const batchKind = f.batchKind.value;
  for (const el of form.querySelectorAll('[data-show]')) el.hidden = el.dataset.show !== batchKind;
  const sched = f.scheduler.value;
  for (const el of form.querySelectorAll('[data-sched]')) el.hidden = el.dataset.sched !== sched;
}

form.addEventListener('input', (e) => {
  if (e.target.name === 'preset') {
    const p = e.target.value;
    if (p !== 'custom') {
      const keep = { policy: readForm(form).policy, workers: form.elements.workers.value };
      writeForm(form, { ...presetForm(p), ...keep, preset: p });
    }
  } else if (!['policy', 'workers', 'seeds', 'seedStart'].includes(e.target.name)) {
    form.elements.preset.value = 'custom';
  }
  syncVisibility();
  $('#form-error').hidden = true;
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  run();
});
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
  state.selected = null;
  markSelected();
  $('#views').replaceChildren();
  $('#viewer-note').textContent =
    'DESIGN.md section 5: T1 submits one descriptor, T2 a wait descriptor alone; hardware completes all three; T1 reclaims WD2 before T2 saw it.';
  viewer.load({ config: seedScenarioConfig('legacy'), title: "The commit message's schedule — legacy policy", step: 'end' });
  updateHash();
});

function showError(msg) {
  const el = $('#form-error');
  el.textContent = msg;
  el.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Running a hunt

let poolPromise = null;
function getPool(workers) {
  if (poolPromise && state.poolWorkers === workers) return poolPromise;
  const old = poolPromise;
  state.poolWorkers = workers;
  poolPromise = (async () => {
    (await old?.catch(() => null))?.terminate?.();
    let createPool;
    try {
      ({ createPool } = await import('./pool.js'));
    } catch {
      createPool = null;
    }
    state.pool = createPool ? createPool({ workers }) : mainThreadPool(state.wasm);
    return state.pool;
  })();
  return poolPromise;
}

/** Fallback when web/pool.js is unavailable: hunts in chunks on the main thread. */
function mainThreadPool(m) {
  return {
    async hunt(config, { seedStart = 0, seedCount, chunkSize = 50, signal, onProgress }) {
      let merged = null;
      for (let s = seedStart; s < seedStart + seedCount; s += chunkSize) {
        if (signal?.aborted) throw new DOMException('cancelled', 'AbortError');
        const n = Math.min(chunkSize, seedStart + seedCount - s);
        const r = m.hunt(config, s, n);
        merged = merged ? m.mergeHuntResults(merged, r) : r;
        onProgress?.({ done: s + n - seedStart, total: seedCount, partial: merged });
        await new Promise((res) => setTimeout(res, 0));
      }
      return merged;
    },
    terminate() {},
  };
}

/** The form's policies, their validated configs and the run settings, or null after showing
 * the error (which names the field). */
function checkedForm(f) {
  const policies = f.policy === 'both' ? ['legacy', 'fixed'] : [f.policy];
  const configs = {};
  try {
    for (const p of policies) {
      configs[p] = configFor(f, p);
      state.wasm.validateConfig(configs[p]);
    }
    return { policies, configs, ...runSettings(f) };
  } catch (e) {
    showError(e.message);
    return null;
  }
}

async function run() {
  if (state.running) return;
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
    startedAt: performance.now(),
    finishedAt: 0,
    firstLockupMs: null,
    controller: new AbortController(),
    error: null,
  });
  for (const p of policies) state.done[p] = { done: 0, total: seedCount };
  setBusy(true);
  $('#findings').replaceChildren();
  renderedFindingsKey = '';
  createPlots();
  updateHash();
  scheduleRender();
  let pool;
  try {
    pool = await getPool(workers);
  } catch (e) {
    finish(`could not start the workers: ${e.message}`);
    return;
  }
  // Small chunks first so the first findings show up at once; the pool balances the rest.
  const chunkSize = Math.max(1, Math.min(250, Math.ceil(seedCount / (workers * 16))));
  const signal = state.controller.signal;
  const jobs = policies.map((p) =>
    pool
      .hunt(configs[p], {
        seedStart,
        seedCount,
        chunkSize,
        signal,
        onProgress: ({ done, total, partial }) => {
          if (!state.running) return;
          state.done[p] = { done, total };
          if (partial) state.results[p] = partial;
          scheduleRender();
        },
      })
      .then((res) => {
        if (res) state.results[p] = res;
        state.done[p] = { done: seedCount, total: seedCount };
        scheduleRender();
      }),
  );
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s) => s.status === 'rejected');
  settled.forEach((s, i) => {
    // A cancelled hunt still reports what its finished chunks found.
    if (s.status === 'rejected' && s.reason?.partial) state.results[policies[i]] = s.reason.partial;
  });
  if (!failed) finish(null);
  else if (failed.reason?.name === 'AbortError' || signal.aborted) finish('cancelled');
  else finish(`hunt failed: ${failed.reason?.message ?? failed.reason}`);
}

// ---------------------------------------------------------------------------------------------
// Proving: the exhaustive explorer, one worker per policy

$('#prove').addEventListener('click', () => prove());

async function prove() {
  if (state.running) return;
  const f = readForm(form);
  const checked = checkedForm(f);
  if (!checked) return;
  const { policies, configs, maxStates, workers } = checked;
  const counts = exploreCounts(f);
  Object.assign(state, {
    lastAction: 'prove',
    running: true,
    proving: true,
    proveConfigs: configs,
    proveCounts: counts,
    proveMax: maxStates,
    provePolicies: policies,
    verdicts: {},
    exploreProgress: {},
    proveStarted: performance.now(),
    controller: new AbortController(),
  });
  setBusy(true);
  $('#verdicts').hidden = false;
  scheduleRender();
  const signal = state.controller.signal;
  let pool;
  try {
    pool = await getPool(workers);
  } catch (e) {
    proveDone(`could not start the workers: ${e.message}`);
    return;
  }
  if (typeof pool.explore !== 'function') {
    proveDone('this build of the worker pool has no explore()');
    return;
  }
  const jobs = policies.map((p) =>
    pool
      .explore(configs[p], {
        maxStates,
        counts,
        signal,
        onProgress: (pr) => {
          if (pr && typeof pr.states === 'number') state.exploreProgress[p] = pr;
          scheduleRender();
        },
      })
      .then((v) => {
        state.verdicts[p] = v;
        scheduleRender();
      }),
  );
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((x) => x.status === 'rejected');
  if (!failed) proveDone(null);
  else if (failed.reason?.name === 'AbortError' || signal.aborted) proveDone('cancelled');
  else proveDone(`explore failed: ${failed.reason?.message ?? failed.reason}`);
}

function proveDone(problem) {
  state.running = false;
  state.proving = false;
  state.proveError = problem;
  state.proveSeconds = (performance.now() - state.proveStarted) / 1000;
  setBusy(false);
  document.body.dataset.proved = problem ? 'error' : 'true';
  if (problem && problem !== 'cancelled') showError(problem);
  $('#announce').textContent = `Prove ${problem ?? 'done'}: ${state.provePolicies
    .map((p) => `${p} ${state.verdicts[p]?.verdict ?? 'no verdict'}`)
    .join('; ')}.`;
  // Show the first shortest counterexample.
  const p = state.provePolicies.find((x) => state.verdicts[x]?.verdict === 'counterexample');
  if (p) showVerdict(p);
  scheduleRender();
}

function setBusy(busy) {
  $('#run').disabled = busy;
  $('#prove').disabled = busy;
  $('#cancel').disabled = !busy;
  document.body.dataset.running = String(busy);
  if (busy) {
    delete document.body.dataset.finished;
    delete document.body.dataset.proved;
  }
}

function showVerdict(p) {
  const v = state.verdicts[p];
  if (v?.verdict !== 'counterexample') return;
  state.selected = { policy: p, seed: v.config.seed ?? 0, view: 'shortest', replay: v.replay, config: v.config, ownConfig: true };
  state.runForm = readForm(form);
  markSelected();
  $('#views').replaceChildren();
  $('#viewer-note').textContent = `The explorer's shortest ${v.kind} over every interleaving${state.proveCounts?.length ? ` and every sequence of batch counts ${state.proveCounts.join('/')}` : ''} (breadth-first: no shorter schedule exists).`;
  viewer.load({ config: v.config, replay: v.replay, title: `${p} · shortest ${v.kind} (exhaustive)`, step: 'end' });
  updateHash();
}

function renderVerdicts() {
  const box = $('#verdicts');
  if (!state.provePolicies?.length) return;
  box.replaceChildren(
    ...state.provePolicies.map((p) => {
      const v = state.verdicts[p];
      const pr = state.exploreProgress[p];
      const card = document.createElement('div');
      card.className = `verdict ${p} ${v?.verdict ?? 'running'}`;
      card.dataset.policy = p;
      const h = document.createElement('h3');
      h.textContent = `${p} · exhaustive`;
      const line = document.createElement('div');
      line.className = 'v';
      const detail = document.createElement('div');
      detail.className = 'muted small';
      const n = (x) => Number(x ?? 0).toLocaleString('en-US');
      const counts = state.proveCounts.length ? `, batch counts ${state.proveCounts.join('/')}` : '';
      if (!v) {
        line.textContent = state.proving ? 'exploring…' : state.proveError ?? 'no verdict';
        detail.textContent = pr ? `${n(pr.states)} states, depth ${pr.depth}, ${n(pr.queued)} queued` : 'starting';
      } else if (v.verdict === 'proved') {
        line.textContent = '✓ proved: no lockup, no safety violation';
        detail.textContent = `every interleaving${counts}: ${n(v.states)} states, ${n(v.transitions)} transitions, ${v.seconds?.toFixed?.(1) ?? '?'} s`;
      } else if (v.verdict === 'counterexample') {
        line.textContent = `✗ ${v.kind}: shortest counterexample, ${v.steps} steps`;
        detail.textContent = `found after ${n(v.states)} states${counts}`;
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = 'Show it';
        b.addEventListener('click', () => showVerdict(p));
        card.append(h, line, detail, b);
        return card;
      } else {
        line.textContent = `bound reached: no verdict after ${n(v.states ?? v.maxStates ?? v.max_states)} states`;
        detail.textContent = 'Fewer CPUs, calls or batch counts make the space small enough to prove.';
      }
      card.append(h, line, detail);
      return card;
    }),
  );
}

function finish(problem) {
  state.running = false;
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

// ---------------------------------------------------------------------------------------------
// Rendering, at most once per animation frame

let raf = 0;
function scheduleRender() {
  if (!raf) raf = requestAnimationFrame(renderFrame);
}

function renderFrame() {
  raf = 0;
  renderProgress();
  renderCounters();
  renderVerdicts();
  renderPlots();
  renderFindings();
}

function renderProgress() {
  if (state.lastAction === 'prove') {
    const sts = state.provePolicies.map((p) => state.verdicts[p]?.states ?? state.exploreProgress[p]?.states ?? 0);
    const sum = sts.reduce((a, b) => a + b, 0);
    $('#progress').max = state.proveMax * state.provePolicies.length;
    $('#progress').value = sum;
    const secs = state.proving ? (performance.now() - state.proveStarted) / 1000 : state.proveSeconds;
    if (!state.proving) $('#progress').value = $('#progress').max;
    const what = state.proving ? 'proving' : state.proveError === 'cancelled' ? 'cancelled' : state.proveError ? 'failed' : 'explored';
    $('#progress-text').textContent = `${what}: ${sum.toLocaleString('en-US')} states · ${secs.toFixed(1)} s`;
    return;
  }
  const ps = state.policies;
  let done = 0;
  let total = 0;
  for (const p of ps) {
    done += state.done[p]?.done ?? 0;
    total += state.done[p]?.total ?? 0;
  }
  const bar = $('#progress');
  bar.max = Math.max(1, total);
  bar.value = done;
  const el = $('#progress-text');
  if (!ps.length) return;
  const ms = (state.running ? performance.now() : state.finishedAt) - state.startedAt;
  const rate = ms > 0 ? Math.round((done / ms) * 1000) : 0;
  const what = state.running ? 'running' : state.error === 'cancelled' ? 'cancelled' : state.error ? 'failed' : 'done';
  el.textContent = `${what}: ${done.toLocaleString()} / ${total.toLocaleString()} schedules · ${(ms / 1000).toFixed(1)} s · ${rate.toLocaleString()}/s`;
}

function num(label, value, cls = '') {
  return `<div class="num ${cls}"><b>${Number(value).toLocaleString()}</b><span>${label}</span></div>`;
}

function tput(r) {
  if (!r || !r.descriptors) return '';
  const timed = r.timeNs > 0;
  const v = timed ? (r.descriptors * 1000) / r.timeNs : (r.descriptors * 100) / Math.max(1, r.steps);
  return `<div class="num"><b>${v.toFixed(2)}</b><span>${timed ? 'invalidations / µs' : 'invalidations / 100 steps'}</span></div>`;
}

function renderCounters() {
  const box = $('#counters');
  const cards = state.policies.map((p) => {
    const r = state.results[p];
    const lost = r?.runsWith?.find(([k]) => k === 'lostCompletion')?.[1] ?? 0;
    const lockups = r?.lockups ?? 0;
    const safety = r?.safety ?? 0;
    const first =
      p === 'legacy' && state.firstLockupMs != null && lockups > 0
        ? `<div class="first-lockup">first lockup after ${Math.round(state.firstLockupMs)} ms</div>`
        : '';
    return `<div class="counter-card ${p}" data-policy="${p}"><h3>${p}</h3><div class="nums">
      ${num('schedules', r?.schedules ?? 0)}
      ${num('lockups', lockups, lockups ? 'bad' : r ? 'good' : '')}
      ${num('lost completions', lost, lost ? 'bad' : '')}
      ${num('safety findings', safety, safety ? 'bad' : r ? 'good' : '')}
      ${num('completed', r?.completed ?? 0)}
      ${tput(r)}
    </div>${first}</div>`;
  });
  box.innerHTML = cards.join('');
}

// ---------------------------------------------------------------------------------------------
// Plots (uPlot)

function plotSize(el, h = 220) {
  return { width: Math.max(280, el.clientWidth - 4), height: h };
}

function createPlots() {
  for (const k of ['throughput', 'latency']) state.plots[k]?.destroy();
  const pols = state.policies.length ? state.policies : ['legacy'];
  const tpEl = $('#plot-throughput');
  const latEl = $('#plot-latency');
  tpEl.replaceChildren();
  latEl.replaceChildren();
  const series = pols.map((p) => ({
    label: p,
    stroke: POLICY_COLORS[p],
    width: 2,
    dash: p === 'fixed' && pols.length > 1 ? [6, 4] : undefined,
    fill: POLICY_COLORS[p] + '1f',
    spanGaps: true,
    points: { show: false },
  }));
  const tp = new uPlot(
    {
      ...plotSize(tpEl),
      scales: { x: { time: false } },
      axes: [{ label: 'simulated time', size: 40 }, { label: 'invalidations / unit', size: 56 }],
      series: [{ label: 'time' }, ...series],
      legend: { live: true },
    },
    [[], ...pols.map(() => [])],
    tpEl,
  );
  const latSeries = [];
  for (const p of pols) {
    latSeries.push({
      label: `${p}`,
      stroke: POLICY_COLORS[p],
      width: 2,
      dash: p === 'fixed' && pols.length > 1 ? [6, 4] : undefined,
      points: { show: false },
      spanGaps: true,
    });
  }
  const lat = new uPlot(
    {
      ...plotSize(latEl, 190),
      scales: { x: { time: false, range: [0, 100] }, y: { distr: 3 } },
      axes: [{ label: 'percentile', size: 40 }, { label: 'latency', size: 56 }],
      series: [{ label: 'percentile' }, ...latSeries],
    },
    [[], ...pols.map(() => [])],
    latEl,
  );
  state.plots.throughput = tp;
  state.plots.latency = lat;
  $('#lat-table').innerHTML = '';
}

new ResizeObserver(() => {
  const tp = state.plots.throughput;
  const lat = state.plots.latency;
  if (tp) tp.setSize(plotSize($('#plot-throughput')));
  if (lat) lat.setSize(plotSize($('#plot-latency'), 190));
}).observe($('.plots'));

function renderPlots() {
  const pols = state.policies;
  if (!pols.length || !state.plots.throughput) return;
  const tp = throughputData(pols.map((p) => state.results[p]));
  state.plots.throughput.setData(tp.data);
  if (state.plots.throughput.axes[1].label !== tp.yLabel) {
    state.plots.throughput.axes[0].label = tp.xLabel;
    state.plots.throughput.axes[1].label = tp.yLabel;
    state.plots.throughput.redraw(false, true);
  }
  $('#tp-unit').textContent = tp.caption;
  const lat = latencyData(pols.map((p) => state.results[p]));
  state.plots.latency.setData(lat.data);
  $('#lat-unit').textContent = `(${lat.unit})`;
  const rows = pols
    .map((p) => {
      const h = lat.hist[pols.indexOf(p)];
      if (!h || !h.total) return `<tr><td>${p}</td><td colspan="4" class="muted">no returned calls yet</td></tr>`;
      return `<tr><td style="color:${POLICY_COLORS[p]}">${p}</td><td>${quantile(h, 0.5)}</td><td>${quantile(h, 0.9)}</td><td>${quantile(h, 0.99)}</td><td>${h.max}</td></tr>`;
    })
    .join('');
  $('#lat-table').innerHTML = `<thead><tr><th></th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>${rows}</tbody>`;
}

// ---------------------------------------------------------------------------------------------
// Findings

let renderedFindingsKey = '';

function allFindings() {
  const out = [];
  for (const p of state.policies) {
    for (const f of state.results[p]?.findings ?? []) out.push({ policy: p, f });
  }
  out.sort((a, b) => a.f.seed - b.f.seed || a.policy.localeCompare(b.policy));
  return out;
}

function mainKind(f) {
  const order = ['lockup', 'deadlock', 'prematureCompletion', 'overrun', 'strayStatusWrite', 'freeCntInvariant', 'staleWakeup', 'suspectedLockup', 'lostCompletion'];
  return order.find((k) => f.kinds.includes(k)) ?? f.kinds[0];
}

function renderFindings() {
  const list = allFindings();
  const key = list.map((x) => `${x.policy}.${x.f.seed}`).join(',');
  const kept = state.policies.some((p) => (state.results[p]?.findings?.length ?? 0) >= (state.results[p]?.maxFindings ?? Infinity));
  $('#findings-count').textContent = list.length ? `(${list.length}${kept ? ', the lowest seeds' : ''})` : '';
  if (key === renderedFindingsKey) return;
  renderedFindingsKey = key;
  const ol = $('#findings');
  const focused = document.activeElement?.closest?.('#findings') ? document.activeElement.dataset.key : null;
  ol.replaceChildren(
    ...list.map(({ policy, f }) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.key = `${policy}.${f.seed}`;
      b.dataset.kind = mainKind(f);
      const k = mainKind(f);
      const who = f.findings.find((x) => x.kind === k)?.submitter;
      b.innerHTML = `<span class="pol ${policy}"></span><span class="what"></span><span class="meta"></span>`;
      b.children[0].textContent = policy;
      b.children[1].textContent = `seed ${f.seed} · ${k}${who != null ? ` (T${who + 1})` : ''}`;
      b.children[1].classList.add(`kind-${k}`);
      b.children[2].textContent = `${f.kinds.join(' → ')} · ${f.steps} steps`;
      b.addEventListener('click', () => selectFinding(policy, f.seed));
      li.append(b);
      return li;
    }),
  );
  if (focused) ol.querySelector(`[data-key="${focused}"]`)?.focus();
  markSelected();
  // Time to the first lockup on screen.
  if (state.firstLockupMs == null && list.some((x) => x.f.kinds.includes('lockup'))) {
    state.firstLockupMs = performance.now() - state.startedAt;
    document.body.dataset.firstLockupMs = String(Math.round(state.firstLockupMs));
    renderCounters();
  }
  // Open the first lockup (or first finding) automatically if nothing is selected yet.
  if (!state.selected && list.length) {
    const pick = list.find((x) => x.f.kinds.includes('lockup')) ?? list[0];
    selectFinding(pick.policy, pick.f.seed, { focus: false });
  }
}

$('#findings').addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const btns = [...$('#findings').querySelectorAll('button')];
  const i = btns.indexOf(document.activeElement);
  const j = Math.max(0, Math.min(btns.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
  btns[j]?.focus();
  e.preventDefault();
});

function markSelected() {
  const key = state.selected ? `${state.selected.policy}.${state.selected.seed}` : '';
  for (const b of document.querySelectorAll('#findings button')) {
    b.setAttribute('aria-current', String(b.dataset.key === key));
  }
}

function findFinding(policy, seed) {
  return state.results[policy]?.findings?.find((f) => f.seed === seed);
}

/** Kinds that end a run: the consequence a viewer most wants to see. */
const TERMINAL = ['lockup', 'deadlock'];

/**
 * Runs `replay` on `config`, then lets every actor move in turn (round robin over the enabled
 * ones, as the core's shrinker completes its candidates) until the run ends: the minimised
 * root cause followed by its consequence. Returns { replay, steps, kinds } or null.
 */
function complete(config, replay, limit = 5000) {
  const m = state.wasm;
  let sim;
  try {
    sim = new m.Simulation({ ...config, trace: false, scheduler: { kind: 'replay', choices: replay } });
    const n = parseReplayLength(replay);
    if (sim.step(n) !== n) return null;
    let rr = 0;
    for (let i = 0; i < limit && !sim.isDone(); i++) {
      const en = sim.enabled();
      if (!en.length) break;
      rr = (rr + 1) % en.length;
      sim.stepActor(en[rr]);
    }
    const rep = sim.report();
    return { replay: sim.replay(), steps: rep.steps, kinds: [...new Set(rep.findings.map((x) => x.kind))] };
  } catch {
    return null;
  } finally {
    sim?.free?.();
  }
}

function parseReplayLength(r) {
  return parseReplay(r).length;
}

/** The schedules one finding can be viewed as, the preferred one first. */
function viewsOf(policy, f) {
  const cfg = { ...state.configs[policy], seed: f.seed };
  const views = [];
  const worst = f.kinds.find((k) => TERMINAL.includes(k));
  // The core's minimised counterexample (for the run's first kind), continued until the run
  // ends so that its consequence (the lockup) shows too.
  if (f.minimized && worst) {
    const c = complete(f.minimized.config, f.minimized.replay);
    if (c && c.kinds.includes(worst) && c.steps < f.steps) {
      views.push({
        id: 'minimized-complete',
        label: `minimised, to ${worst} (${c.steps} steps)`,
        config: f.minimized.config,
        ownConfig: true,
        replay: c.replay,
        note: `The core's minimised schedule for ${f.kinds[0]} (${f.minimized.steps} steps; CPUs and calls that did not matter are dropped, CPUs renumbered by first move), then every actor in turn until the run ends in ${worst}.`,
      });
    }
  }
  // The run cut right after each kind's first occurrence, the last consequence first.
  const firsts = f.kinds.map((k) => f.findings.find((x) => x.kind === k));
  for (const x of firsts.slice().reverse()) {
    views.push({
      id: x.kind,
      label: `seed ${f.seed}, to ${x.kind} (${x.step + 1} steps)`,
      config: cfg,
      replay: cutReplay(f.replay, x.step + 1),
      note: `Seed ${f.seed}'s schedule, cut right after the step that revealed ${x.kind}: ${x.message}`,
    });
  }
  if (f.minimized && !views.some((x) => x.replay === f.minimized.replay)) {
    views.push({
      id: 'minimized',
      label: `minimised (${f.minimized.steps} steps)`,
      config: f.minimized.config,
      ownConfig: true,
      replay: f.minimized.replay,
      note: `The core's minimised counterexample for ${f.kinds[0]}.`,
    });
  }
  return views;
}

function selectFinding(policy, seed, { focus = false, view } = {}) {
  const f = findFinding(policy, seed);
  if (!f) return;
  const views = viewsOf(policy, f);
  const v = views.find((x) => x.id === view) ?? views[0];
  state.selected = { policy, seed, view: v.id, replay: v.replay, config: v.config, ownConfig: !!v.ownConfig };
  markSelected();
  const box = $('#views');
  box.replaceChildren(
    ...views.map((x) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = x.label;
      b.setAttribute('aria-pressed', String(x.id === v.id));
      b.addEventListener('click', () => selectFinding(policy, seed, { view: x.id }));
      return b;
    }),
  );
  $('#viewer-note').textContent = v.note;
  viewer.load({ config: v.config, replay: v.replay, title: `${policy} · seed ${seed} · ${mainKind(f)}`, step: 'end' });
  updateHash();
  if (focus) viewer.focus();
}

viewer.addEventListener('qi-sim-step', (e) => {
  if (!state.selected) return;
  const { step, steps } = e.detail;
  const k = step >= steps ? null : step;
  if (state.selected.step === k) return;
  state.selected.step = k;
  if (!hashTimer) hashTimer = setTimeout(() => ((hashTimer = 0), updateHash()), 150);
});
let hashTimer = 0;

function openSharedFinding(fd) {
  const f = readForm(form);
  let config;
  try {
    config = fd.config ?? { ...configFor(f, fd.policy), seed: fd.seed };
  } catch (e) {
    showError(e.message);
    return;
  }
  state.configs[fd.policy] = configFor(f, fd.policy);
  state.runForm = f;
  state.selected = { policy: fd.policy, seed: fd.seed, view: fd.view, replay: fd.replay, config, ownConfig: !!fd.config };
  $('#views').replaceChildren();
  $('#viewer-note').textContent = `Opened from a shared link: ${fd.policy} policy, seed ${fd.seed}, replay ${fd.replay}.`;
  state.selected.step = fd.step ?? null;
  viewer.load({
    config,
    replay: fd.replay,
    title: `${fd.policy} · seed ${fd.seed}${fd.view ? ' · ' + fd.view : ''}`,
    step: fd.step ?? 'end',
  });
}

// ---------------------------------------------------------------------------------------------
// URL hash

function updateHash() {
  // A selected finding belongs to the config it was found with, not to later edits of the form.
  const f = state.selected && state.runForm ? state.runForm : readForm(form);
  const h = formToHash(f, state.selected);
  history.replaceState(null, '', `#${h}`);
}

window.addEventListener('hashchange', () => {
  const fromHash = hashToForm(location.hash);
  if (!fromHash) return;
  writeForm(form, fromHash.form);
  syncVisibility();
  if (fromHash.finding) openSharedFinding(fromHash.finding);
});

// Keyboard: "r" runs, Escape cancels (outside inputs).
document.addEventListener('keydown', (e) => {
  if (e.target.closest?.('input, select, textarea, qi-sim') || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape' && state.running) state.controller?.abort();
});

export { state, FORM_DEFAULTS, PRESET_CONFIGS, CANONICAL_REPLAY };
start();
