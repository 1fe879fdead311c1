// Sections 1 and 2: the commit message's schedule under the legacy reclaim (it locks up) and the
// same moves under the fixed one (they complete). The "moments" beside each run are found in the
// core's own trace of that run (events by operation, not by wording), so each button goes to the
// step where the core says it happens and shows the core's words for it.
import { Simulation, presets, completeSchedule, cutReplay, parseReplay, reproduceReplay } from '../lib/index.js';
import { showRun, shownStep } from './embed.js';

/** The commit message's scenario (the core's `commit` preset) under `policy`, without a schedule. */
export function commitConfig(policy) {
  const p = presets(policy).find((x) => x.name === 'commit');
  if (!p) throw new Error('the core has no "commit" preset');
  const config = structuredClone(p.config);
  config.policy = policy;
  return config;
}

/** The legacy preset's recorded schedule (the seed's lockup). */
export const legacyReplay = () => presets('legacy').find((x) => x.name === 'commit').config.scheduler.choices;

/** Events and timeline rows of `replay` on `config` (the same run the embed shows). */
function traceOf(config, replay) {
  const sim = new Simulation({ ...config, trace: true, scheduler: { kind: 'replay', choices: replay } });
  try {
    const report = sim.run();
    return { events: sim.trace(), rows: sim.timelineRows(), findings: report.findings };
  } finally {
    sim.free?.();
  }
}

const first = (events, pred) => events.find(pred)?.step;

/** Moments of the legacy run: [id, step] in order, from its events and findings. */
function legacyMoments({ events, findings }) {
  const lost = findings.find((f) => f.kind === 'lostCompletion');
  const lock = findings.find((f) => f.kind === 'lockup');
  const hwDone = lost && first(events, (e) => e.op === 'status' && e.hw && e.slot === lost.slot);
  return [
    ['t1-write', first(events, (e) => e.op === 'write' && e.actor === 'T1')],
    ['t2-write', first(events, (e) => e.op === 'write' && e.actor === 'T2')],
    ['hw-done', hwDone],
    ['t1-mark', first(events, (e) => e.op === 'mark' && e.actor === 'T1')],
    ['reclaim', lost?.step],
    ['lockup', lock?.step],
  ];
}

/** Moments of the fixed run. */
function fixedMoments({ events }) {
  return [
    ['t1-mark', first(events, (e) => e.op === 'mark' && e.actor === 'T1')],
    ['t1-reclaim', first(events, (e) => e.op === 'reclaim' && e.actor === 'T1')],
    ['t2-poll', first(events, (e) => e.op === 'poll' && e.actor === 'T2' && e.done)],
    ['t2-mark', first(events, (e) => e.op === 'mark' && e.actor === 'T2')],
    ['t2-return', first(events, (e) => e.op === 'return' && e.actor === 'T2')],
  ];
}

/**
 * Fills a moments list (`<ol>` whose `<li data-moment=id>` hold the prose): each item gets a
 * button to its step and the core's words for that step; the item of the step shown is marked.
 */
function wireMoments(list, el, moments, rows) {
  const items = [];
  for (const [id, step] of moments) {
    const li = list.querySelector(`li[data-moment="${id}"]`);
    if (!li) continue;
    const btn = li.querySelector('button.goto') ?? document.createElement('button');
    btn.type = 'button';
    btn.className = 'goto';
    const words = li.querySelector('.core-words') ?? document.createElement('code');
    words.className = 'core-words';
    if (step == null) {
      btn.disabled = true;
      btn.textContent = 'not in this run';
      li.dataset.step = '';
    } else {
      const row = rows.find((r) => r.step === step);
      btn.textContent = `Show step ${shownStep(step)}`;
      btn.setAttribute('aria-label', `Show step ${shownStep(step)} in the run above`);
      btn.onclick = () => {
        el.goto(step + 1);
        el.focus();
      };
      words.textContent = row ? `${row.actor}: ${row.parts.map((p) => p.text).join('; ')}` : '';
      li.dataset.step = String(step);
    }
    li.prepend(btn);
    li.append(' ', words);
    items.push([li, step]);
  }
  const mark = (k) => {
    // The step shown is the last one taken (k steps taken: step k - 1).
    for (const [li, step] of items) li.classList.toggle('reached', step != null && step < k);
    const cur = items.filter(([, s]) => s != null && s < k).pop();
    for (const [li] of items) li.removeAttribute('aria-current');
    cur?.[0].setAttribute('aria-current', 'step');
  };
  el.addEventListener('qi-sim-step', (e) => mark(e.detail.step));
  mark(el.step);
}

/** Sections 1 and 2: both runs and their moments. */
export async function setupStory() {
  const legacyFig = document.getElementById('fig-legacy');
  const fixedFig = document.getElementById('fig-fixed');
  const replay = legacyReplay();
  const legacyCfg = commitConfig('legacy');
  const fixedCfg = commitConfig('fixed');
  // The fixed run: the legacy run's moves, continued round robin until every call returned.
  const fixedReplay = completeSchedule(fixedCfg, replay).replay;
  const shared = cutReplay(fixedReplay, parseReplay(replay).length) === replay;
  document.getElementById('fixed-replay').textContent = fixedReplay;
  document.getElementById('fixed-prefix').textContent = shared
    ? `its first ${parseReplay(replay).length} moves are the legacy run's ${replay}`
    : `it does NOT start with the legacy run's moves (${replay}): the core changed`;
  for (const n of document.querySelectorAll('.legacy-replay')) n.textContent = replay;
  const cli = legacyFig.querySelector('.cli');
  if (cli) cli.textContent = reproduceReplay(legacyCfg, replay).command;
  const [legacyEl, fixedEl] = await Promise.all([
    showRun(legacyFig, { config: legacyCfg, replay, title: 'Legacy reclaim: the commit message’s schedule', step: 0 }),
    showRun(fixedFig, { config: fixedCfg, replay: fixedReplay, title: 'Fixed reclaim: the same moves', step: 0 }),
  ]);
  const lt = traceOf(legacyCfg, replay);
  wireMoments(document.getElementById('moments-legacy'), legacyEl, legacyMoments(lt), lt.rows);
  const ft = traceOf(fixedCfg, fixedReplay);
  wireMoments(document.getElementById('moments-fixed'), fixedEl, fixedMoments(ft), ft.rows);
}
