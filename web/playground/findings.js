// The Findings list (one Tab stop, arrow keys inside) and the counterexample viewer: which
// schedules a finding can be shown as, selecting one, shared links, prove verdicts.
import { configFor, readForm } from './config.js';
import { completeSchedule, cutReplay } from '../lib/index.js';
import { mainKind as coreMainKind, terminalKinds } from './kinds.js';
import { $, form, viewer, state, updateHash } from './state.js';
import { showError } from './form.js';
import { verdictLine } from './prove-size.js';
import { showReproduce, runName, plainKind } from './reproduce.js';

let renderedKey = '';

/** Empties the list and the viewer's selection (a new run starts). */
export function resetFindings() {
  closePanels();
  state.selected = null;
  state.autoSelected = false;
  renderedKey = '';
  $('#findings').replaceChildren();
  $('#findings-count').textContent = '';
  $('#views').replaceChildren();
  $('#viewer-note').textContent = '';
  showReproduce(null);
}

/** The viewer while a run has not found anything yet: a placeholder, not an old run. */
export function showRunning(what = 'Hunting…') {
  viewer.hidden = true;
  $('#viewer-wait').hidden = false;
  $('#viewer-wait').textContent = `${what} The first finding opens here.`;
  $('#findings-empty').textContent = `${what} nothing found yet.`;
}

/** Drive mode and the walk-through own the viewer while open; a finding takes it back. */
function closePanels() {
  $('#drive').hidden = true;
  $('#walk').hidden = true;
}

function showViewer() {
  viewer.hidden = false;
  $('#viewer-wait').hidden = true;
}

function allFindings() {
  const out = [];
  for (const p of state.policies) {
    for (const f of state.results[p]?.findings ?? []) out.push({ policy: p, f });
  }
  out.sort((a, b) => a.f.seed - b.f.seed || a.policy.localeCompare(b.policy));
  return out;
}

/** The kind a hunt finding is listed as (the core's severity decides). */
export function mainKind(f) {
  return coreMainKind(f.kinds);
}

/** The list's label of what ran: the kernel version, `program`, or the policy. */
function pill(policy, configs = state.configs) {
  const c = configs?.[policy];
  return c?.kernel ? `${c.kernel}` : c?.program ? 'program' : policy;
}

function entryButton(key, kind) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.key = key;
  if (kind) b.dataset.kind = kind;
  b.tabIndex = -1;
  b.innerHTML = `<span class="pol"></span><span class="what"></span><span class="meta"></span>`;
  return b;
}

function verdictEntries() {
  return (state.provePolicies ?? [])
    .filter((p) => state.verdicts?.[p])
    .map((p) => {
      const v = state.verdicts[p];
      const li = document.createElement('li');
      const b = entryButton(`${p}.prove`, v.verdict === 'counterexample' ? v.kind : v.verdict);
      b.children[0].textContent = pill(p, state.proveConfigs);
      b.children[0].classList.add(p);
      b.children[1].textContent = `exhaustive · ${verdictLine(v).replace(/^[✓✗] /, '')}`;
      b.children[2].textContent = v.verdict === 'counterexample' ? 'the shortest schedule (Prove)' : `${Number(v.states ?? 0).toLocaleString('en-US')} states (Prove)`;
      if (v.verdict === 'counterexample') b.addEventListener('click', () => showVerdict(p, { focus: true }));
      else b.setAttribute('aria-disabled', 'true');
      li.append(b);
      return li;
    });
}

export function renderFindings() {
  const list = allFindings();
  const verdictKey = (state.provePolicies ?? []).map((p) => `${p}:${state.verdicts?.[p]?.verdict ?? ''}`).join(',');
  const key = `${verdictKey}|${list.map((x) => `${x.policy}.${x.f.seed}`).join(',')}`;
  const kept = state.policies.some((p) => (state.results[p]?.findings?.length ?? 0) >= (state.results[p]?.maxFindings ?? Infinity));
  $('#findings-count').textContent = list.length ? `(${list.length}${kept ? ', the lowest seeds' : ''})` : '';
  if (!state.running) {
    const schedules = state.policies.reduce((a, p) => a + (state.results[p]?.schedules ?? 0), 0);
    $('#findings-empty').textContent = schedules
      ? `No findings in ${schedules.toLocaleString('en-US')} schedules.`
      : state.provePolicies?.length
        ? ''
        : 'None yet — press Run.';
  }
  if (key === renderedKey) return;
  renderedKey = key;
  const ol = $('#findings');
  const focused = document.activeElement?.closest?.('#findings') ? document.activeElement.dataset.key : null;
  const items = list.map(({ policy, f }) => {
    const li = document.createElement('li');
    const k = mainKind(f);
    const b = entryButton(`${policy}.${f.seed}`, k);
    const who = f.findings.find((x) => x.kind === k)?.submitter;
    b.children[0].textContent = pill(policy);
    b.children[0].classList.add(policy);
    b.children[1].textContent = `seed ${f.seed} · ${k}${who != null ? ` (T${who + 1})` : ''}`;
    b.children[1].classList.add(`kind-${k}`);
    b.children[2].textContent = `${plainKind(k)} · ${f.kinds.join(' → ')} · ${f.steps} steps`;
    b.addEventListener('click', () => selectFinding(policy, f.seed, { focus: true }));
    li.append(b);
    return li;
  });
  ol.replaceChildren(...verdictEntries(), ...items);
  $('#findings-empty').hidden = ol.children.length > 0;
  markSelected();
  if (focused) ol.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  // Time to the first finding and the first lockup on screen (scripts/bench-first-finding.mjs).
  if (state.firstFindingMs == null && state.lastAction === 'hunt' && list.length) {
    state.firstFindingMs = performance.now() - state.startedAt;
    document.body.dataset.firstFindingMs = String(Math.round(state.firstFindingMs));
  }
  if (state.firstLockupMs == null && state.lastAction === 'hunt' && list.some((x) => x.f.kinds.includes('lockup'))) {
    state.firstLockupMs = performance.now() - state.startedAt;
    document.body.dataset.firstLockupMs = String(Math.round(state.firstLockupMs));
  }
  // Open the first lockup (or first finding) of this run if nothing of it is selected yet.
  if (!state.selected && list.length) {
    const pick = list.find((x) => x.f.kinds.includes('lockup')) ?? list[0];
    selectFinding(pick.policy, pick.f.seed);
    state.autoSelected = true;
  } else if (state.autoSelected && state.selected && !/^minimized/.test(state.selected.view ?? '')) {
    // The page's first seed is listed before it is minimised; once the workers' minimised
    // finding replaces it, show that (the user has not picked anything yet).
    const f = findFinding(state.selected.policy, state.selected.seed);
    if (f?.minimized) selectFinding(state.selected.policy, state.selected.seed);
  }
}

// One Tab stop for the whole list; arrows, Home and End move inside it.
$('#findings').addEventListener('keydown', (e) => {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const btns = [...$('#findings').querySelectorAll('button')];
  if (!btns.length) return;
  const i = btns.indexOf(document.activeElement);
  let j = e.key === 'Home' ? 0 : e.key === 'End' ? btns.length - 1 : i + (e.key === 'ArrowDown' ? 1 : -1);
  j = Math.max(0, Math.min(btns.length - 1, j));
  for (const b of btns) b.tabIndex = -1;
  btns[j].tabIndex = 0;
  btns[j].focus();
  e.preventDefault();
});

function markSelected() {
  const key = state.selected ? `${state.selected.policy}.${state.selected.seed}` : '';
  const btns = [...document.querySelectorAll('#findings button')];
  let stop = null;
  for (const b of btns) {
    const cur = b.dataset.key === key;
    b.setAttribute('aria-current', String(cur));
    if (cur) stop = b;
  }
  const focused = btns.find((b) => b === document.activeElement);
  stop = focused ?? stop ?? btns[0];
  for (const b of btns) b.tabIndex = b === stop ? 0 : -1;
}

function findFinding(policy, seed) {
  return state.results[policy]?.findings?.find((f) => f.seed === seed);
}

/**
 * `replay` on `config` continued until the run ends (the core's completion, as its shrinker
 * completes candidates): the minimised root cause followed by its consequence. Null when the
 * schedule does not run on the config.
 */
function complete(config, replay, limit = 5000) {
  try {
    return completeSchedule(config, replay, limit);
  } catch {
    return null;
  }
}

/** The schedules one finding can be viewed as, the preferred one first. */
function viewsOf(policy, f) {
  const cfg = { ...state.configs[policy], seed: f.seed };
  const views = [];
  const worst = f.kinds.find((k) => terminalKinds().includes(k));
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
    // The minimised schedule is the one to read first, even when it ends at the first cause.
    views.splice(views[0]?.id === 'minimized-complete' ? 1 : 0, 0, {
      id: 'minimized',
      label: `minimised, to ${f.kinds[0]} (${f.minimized.steps} steps)`,
      config: f.minimized.config,
      ownConfig: true,
      replay: f.minimized.replay,
      note: `The core's minimised counterexample for ${f.kinds[0]}: CPUs and calls that did not matter are dropped (${f.steps} steps in the original run).`,
    });
  }
  return views;
}

/** Brings the viewer into sight (phones: it is far below the list) and optionally focuses it. */
function reveal(focus) {
  if (!focus) return;
  const top = viewer.getBoundingClientRect().top;
  if (top < 0 || top > innerHeight * 0.5) viewer.scrollIntoView({ block: 'start', behavior: 'instant' });
  viewer.focus({ preventScroll: true });
}

export function selectFinding(policy, seed, { focus = false, view } = {}) {
  const f = findFinding(policy, seed);
  if (!f) return;
  // A click (or a chosen view) is the user's pick: later results do not change it.
  if (focus || view) state.autoSelected = false;
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
  closePanels();
  showViewer();
  viewer.load({ config: v.config, replay: v.replay, title: `${mainKind(f)} · ${runName(v.config)} · seed ${seed}`, step: 'end' });
  showReproduce(v);
  updateHash();
  reveal(focus);
}

/** Shows prove verdict `p`'s shortest counterexample in the viewer (a card's or the list's button). */
export function showVerdict(p, { focus = false } = {}) {
  const v = state.verdicts[p];
  if (v?.verdict !== 'counterexample') return;
  const counts = state.proveCounts?.length ? ` and every sequence of batch counts ${state.proveCounts.join('/')}` : '';
  showVerdictInViewer(p, v, {
    note: `The explorer's shortest ${v.kind} over every interleaving${counts} (breadth-first: no shorter schedule exists).`,
    focus,
  });
}

/** Shows a prove verdict's shortest counterexample in the viewer. */
export function showVerdictInViewer(p, v, { note, focus = false }) {
  state.selected = { policy: p, seed: v.config?.seed ?? 0, view: 'shortest', replay: v.replay, config: v.config, ownConfig: true };
  state.autoSelected = false;
  markSelected();
  $('#views').replaceChildren();
  $('#viewer-note').textContent = note;
  closePanels();
  showViewer();
  viewer.load({ config: v.config, replay: v.replay, title: `shortest ${v.kind} (exhaustive) · ${runName(v.config)}`, step: 'end' });
  showReproduce(v);
  updateHash();
  reveal(focus);
}

/** Shows a schedule that is not one of the list's findings (the canonical one, drive mode). */
export function showSchedule({ config, replay, title, note, step = 'end' }) {
  state.selected = null;
  markSelected();
  $('#views').replaceChildren();
  $('#viewer-note').textContent = note ?? '';
  showViewer();
  showReproduce({ config, replay });
  return viewer.load({ config, replay, title, step });
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

export function openSharedFinding(fd) {
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
  state.autoSelected = false;
  $('#views').replaceChildren();
  const view = { 'minimized-complete': 'minimised, to its end', minimized: 'minimised', shortest: 'shortest (exhaustive)' }[fd.view] ?? (fd.view ? `seed ${fd.seed}, to ${fd.view}` : `seed ${fd.seed}`);
  $('#viewer-note').textContent = `Opened from a shared link: the ${view} schedule and its config. A link keeps the finding it shows, not the run's counters or its other findings: press Run to hunt again.`;
  state.selected.step = fd.step ?? null;
  showViewer();
  showReproduce({ config, replay: fd.replay });
  viewer.load({
    config,
    replay: fd.replay,
    title: `${view} · ${runName(config)}`,
    step: fd.step ?? 'end',
  });
}
