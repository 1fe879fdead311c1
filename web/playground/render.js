// Drawing a run: the progress line, the per-policy counters (with what fault-path lockups
// mean), and the uPlot charts with a text alternative.
import uPlot from './vendor/uPlot.esm.js';
import { quantile, throughputData, latencyData, POLICY_COLORS } from './metrics.js';
import { $, state } from './state.js';
import { faultPaths, terminalKinds } from './kinds.js';
import { plainKind, runName } from './reproduce.js';

function faultPathNote(p, r) {
  if (!r?.lockups) return '';
  // The core labels each finding with its fault path (F1-F6, described by the core) or none.
  const counts = new Map();
  const terminal = terminalKinds();
  for (const f of r.findings ?? []) {
    const x = f.findings.find((y) => terminal.includes(y.kind));
    if (x?.faultPath) counts.set(x.faultPath, (counts.get(x.faultPath) ?? 0) + 1);
  }
  const lost = r.runsWith?.find(([k]) => k === 'lostCompletion')?.[1] ?? 0;
  if (!counts.size) return '';
  const top = [...counts].sort((a, b) => b[1] - a[1]);
  const which = top.map(([id, c]) => `<b data-fault-path="${id}">${id}</b> (${c} of the listed runs): ${faultPaths().get(id) ?? ''}`).join('; ');
  const head =
    p === 'fixed'
      ? `These lockups are on the fault path, not in the reclaim${lost ? '' : ' (lost completions: 0)'}: `
      : 'With faults on, some lockups are on the fault path: ';
  return `<p class="fault-note">${head}${which}. The fix changes only which slots a CPU frees, so it does not touch these paths.</p>`;
}

/** Seconds as "0.4 s", "12 s", "3 min 5 s". */
function duration(s) {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function renderProgress() {
  if (state.lastAction === 'prove') {
    const sts = state.provePolicies.map((p) => state.verdicts[p]?.states ?? state.exploreProgress[p]?.states ?? 0);
    const sum = sts.reduce((a, b) => a + b, 0);
    $('#progress').max = state.proveMax * state.provePolicies.length;
    $('#progress').value = sum;
    const secs = state.proving ? (performance.now() - state.proveStarted) / 1000 : state.proveSeconds;
    // A finished proof fills the bar; a cancelled or failed one empties it (no verdict).
    if (!state.proving) $('#progress').value = state.proveError ? 0 : $('#progress').max;
    const what = state.proving ? 'proving' : state.proveError === 'cancelled' ? 'cancelled' : state.proveError ? 'failed' : 'explored';
    const depth = Math.max(0, ...state.provePolicies.map((p) => state.verdicts[p]?.maxDepth ?? state.exploreProgress[p]?.depth ?? 0));
    const rate = secs > 0 ? Math.round(sum / secs) : 0;
    // Time left: to the estimate when one was made, else at most to the bound.
    const est = state.proveEstimate?.states;
    const target = est && est > sum ? est : null;
    const left = state.proving && rate > 0 ? (target ? `about ${duration((target - sum) / rate)} left (estimate)` : `at most ${duration((state.proveMax * state.provePolicies.length - sum) / rate)} left (to the bound)`) : '';
    $('#progress-text').textContent = [`${what}: ${sum.toLocaleString('en-US')} states`, `depth ${depth}`, `${rate.toLocaleString('en-US')} states/s`, `${secs.toFixed(1)} s`, left].filter(Boolean).join(' · ');
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
  const left = state.running ? (done > 0 ? `about ${duration(((total - done) * ms) / done / 1000)} left` : 'time left: after the first results') : '';
  el.textContent = [`${what}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} schedules`, `${(ms / 1000).toFixed(1)} s`, `${rate.toLocaleString('en-US')}/s`, left].filter(Boolean).join(' · ');
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

const esc = (t) => String(t).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Runs with each kind found, with the core's plain words beside the kind's name. */
function kindBreakdown(r) {
  const rows = (r?.runsWith ?? []).filter(([, n]) => n > 0);
  if (!rows.length) return '';
  const items = rows.map(([k, n]) => `<li data-kind="${esc(k)}"><b>${Number(n).toLocaleString('en-US')}</b> <code>${esc(k)}</code>: ${esc(plainKind(k))}</li>`);
  return `<details class="kinds"><summary>Runs with each kind</summary><ul>${items.join('')}</ul></details>`;
}

export function renderCounters() {
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
    const name = state.configs[p] ? runName(state.configs[p]) : p;
    return `<div class="counter-card ${p}" data-policy="${p}"><h3>${esc(name)}</h3><div class="nums">
      ${num('schedules', r?.schedules ?? 0)}
      ${num('lockups', lockups, lockups ? 'bad' : r ? 'good' : '')}
      ${num('lost completions', lost, lost ? 'bad' : '')}
      ${num('safety findings', safety, safety ? 'bad' : r ? 'good' : '')}
      ${num('completed', r?.completed ?? 0)}
      ${tput(r)}
    </div>${first}${kindBreakdown(r)}${faultPathNote(p, r)}</div>`;
  });
  box.innerHTML = cards.join('');
}

// ---------------------------------------------------------------------------------------------
// Plots (uPlot)

function plotSize(el, h = 220) {
  return { width: Math.max(200, el.clientWidth - 4), height: h };
}

export function createPlots() {
  for (const k of ['throughput', 'latency']) state.plots[k]?.destroy();
  // A proof has no hunt series; its charts still name the policies it runs, not a default.
  const pols = state.policies.length ? state.policies : state.provePolicies?.length ? state.provePolicies : ['legacy'];
  const tpEl = $('#plot-throughput');
  const latEl = $('#plot-latency');
  tpEl.replaceChildren();
  latEl.replaceChildren();
  const series = pols.map((p) => ({
    label: p,
    stroke: POLICY_COLORS[p],
    width: 2,
    dash: p === 'fixed' ? [6, 4] : undefined, // not by hue alone
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
      dash: p === 'fixed' ? [6, 4] : undefined, // not by hue alone
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

export function renderPlots() {
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
  $('#tp-summary').textContent = throughputSummary(pols, tp);
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
  $('#lat-table').innerHTML = `<thead><tr><th><span class="sr-only">policy</span></th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead><tbody>${rows}</tbody>`;
}


/** The throughput chart in words (its text alternative). */
function throughputSummary(pols, tp) {
  const unit = tp.yLabel;
  const parts = pols.map((p, i) => {
    const ys = (tp.data[i + 1] ?? []).filter((y) => y != null);
    if (!ys.length) return `${p}: no data yet`;
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const peak = Math.max(...ys);
    return `${p}: mean ${mean.toFixed(2)} ${unit}, peak ${peak.toFixed(2)}`;
  });
  return `Throughput chart over ${tp.xLabel.replace(/^simulated time /, 'simulated time ')}: ${parts.join('; ')}.`;
}
