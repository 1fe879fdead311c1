// The guided walk-through of the fix's commit-message schedule: one plain sentence per step,
// written from the core's trace events of that step (the words are ours, the facts the core's),
// in step with the viewer, with glossary tooltips for IQH, IQT, free_head, free_tail and *.
import { seedScenarioConfig, labelName, stepNumber, CANONICAL_REPLAY } from '../lib/index.js';
import { $, state, viewer } from './state.js';
import { showSchedule } from './findings.js';
import { outcomeWords as outcomeName } from './kinds.js';
import { openDrive } from './drive.js';

export const GLOSSARY = {
  IQH: 'Invalidation Queue Head: the next slot hardware will fetch. Hardware moves it.',
  IQT: 'Invalidation Queue Tail: one past the last slot software queued. Writing it (the doorbell) tells hardware there is work.',
  free_head: 'Where the next submitter writes its descriptors. Moves forward as slots are taken.',
  free_tail: 'Where reclaim starts: slots from free_tail on are freed when their status allows it.',
  '*': 'A hardware write: the IOMMU itself wrote this status (QI_DONE into a wait descriptor).',
};

// phase: 'legacy' (steps 0..steps of the commit message's schedule, in step with the viewer),
// 'fixed' (the same schedule under the fixed policy), 'try' (drive it yourself).
const walk = { open: false, phase: 'legacy', events: [], findings: [], steps: 0, fixed: null };
window.qisimWalk = walk; // tests and the curious

/**
 * What the `need` of a check_space event is made of. The core's rule (model `check_space`, as
 * `qi_submit_sync()`): room for `count` descriptors, one wait descriptor, and one slot the ring
 * always keeps empty, so that IQT never catches up with IQH (IQH == IQT means empty), i.e.
 * `need = count + 2`.
 */
function needWords(need) {
  const count = need - 2;
  const descs = count === 0 ? 'no descriptors of its own (a wait-only call): ' : `${count} for its descriptor${count > 1 ? 's' : ''}, `;
  return `${descs}one for its wait descriptor, and one the ring always keeps empty (if IQT caught up with IQH, the full ring would look empty)`;
}

/** Ops whose status changes (the `status` events right after them) belong to them. */
const SUMMARISED = new Set(['write', 'mark', 'reclaim', 'iteWalk']);

/**
 * One step's events as [{ ev, statuses, next }]: a write/mark/reclaim/ITE walk with the status
 * changes that follow it, every other event alone; `next` is the following entry's event.
 */
function groupOps(evs) {
  const out = [];
  for (let k = 0; k < evs.length; k++) {
    const ev = evs[k];
    const statuses = [];
    if (SUMMARISED.has(ev.op)) while (k + 1 < evs.length && evs[k + 1].op === 'status') statuses.push(evs[++k]);
    out.push({ ev, statuses });
  }
  out.forEach((g, i) => (g.next = out[i + 1]?.ev));
  return out;
}

/** The sentence for step `k` (1-based: the k-th move), from that step's trace events. */
export function narrate(evs, findings) {
  if (!evs.length) return '';
  const who = evs[0].actor;
  const hw = who.startsWith('HW');
  const out = [];
  for (const { ev, statuses: st0, next } of groupOps(evs)) {
    const statuses = () => st0;
    const names = (st) => st.map((s) => labelName(s.label, s.slot)).join(', ');
    switch (ev.op) {
      case 'lock':
        out.push(`${who} takes q_lock${ev.handoff ? ', handed over by the CPU that released it' : ''}.`);
        break;
      case 'checkSpace':
        out.push(ev.ok ? `${who} checks for room: ${ev.freeCnt} free slots, it needs ${ev.need} — ${needWords(ev.need)}.` : `${who} finds no room (${ev.freeCnt} free, ${ev.need} needed: ${needWords(ev.need)}) and will retry.`);
        break;
      case 'write': {
        const st = statuses();
        out.push(`${who} writes ${names(st)} into slot${st.length > 1 ? 's' : ''} ${st.map((s) => s.slot).join(', ')}: QI_IN_USE, and free_head moves past them.`);
        break;
      }
      case 'doorbell':
        out.push(`${who} rings the doorbell: IQT = ${ev.iqt}, so hardware will fetch up to slot ${ev.iqt}.`);
        break;
      case 'poll':
        out.push(
          ev.done
            ? `${who} polls its wait descriptor in slot ${ev.waitIndex}: QI_DONE — its invalidations are complete.`
            : ev.status === 'QI_IN_USE'
              ? `${who} polls its wait descriptor in slot ${ev.waitIndex}: still QI_IN_USE, not done yet.`
              : `${who} polls its wait descriptor in slot ${ev.waitIndex} and finds ${ev.status}: the QI_DONE it waits for is gone.`,
        );
        break;
      case 'unlock':
        out.push(next?.op === 'return' ? `${who} releases q_lock` : `${who} releases q_lock and spins, so other CPUs can submit meanwhile.`);
        break;
      case 'return':
        out.push(`${out.length && out[out.length - 1].endsWith('q_lock') ? ' and' : `${who}`} returns ${ev.rc === 0 ? '0: done' : ev.rc}.`);
        break;
      case 'mark': {
        const st = statuses();
        out.push(st.length ? `${who} marks its own slots ${names(st)} ${st[0].after}.` : `${who} has nothing to mark.`);
        break;
      }
      case 'reclaim': {
        const st = statuses();
        const others = st.filter((s) => s.label && `T${s.label.submitter + 1}` !== who);
        out.push(
          st.length
            ? `${who} reclaims from free_tail: ${names(st)} → ${st[0].after}${others.length ? ` — ${names(others)} belong${others.length > 1 ? '' : 's'} to ${[...new Set(others.map((s) => `T${s.label.submitter + 1}`))].join(', ')}, who has not looked at it yet` : ''}.`
            : ev.from !== ev.to
              ? `${who} reclaims: free_tail moves ${ev.from} → ${ev.to} over slots already QI_FREE, and stops at slot ${ev.to}.`
              : `${who} reclaims nothing (free_tail stays ${ev.from}).`,
        );
        break;
      }
      case 'hwInv':
        out.push(`Hardware fetches slot ${ev.slot} at IQH and executes ${labelName(ev.label, ev.slot)}.`);
        break;
      case 'hwWait':
        if (!(next?.op === 'status' && next.hw)) out.push(`Hardware fetches ${labelName(ev.label, ev.slot)} at IQH.`);
        break;
      case 'status':
        if (ev.hw) out.push(`Hardware writes QI_DONE* into ${labelName(ev.label, ev.slot)} (slot ${ev.slot}).`);
        break;
      case 'finding': {
        const f = findings.find((x) => x.step === ev.step && x.kind === ev.kind);
        out.push(`‼ ${f?.message ?? ev.kind}`);
        break;
      }
      default:
        out.push(`${who}: ${ev.op}.`);
    }
  }
  let s = out.join(' ').replace(/ +and returns/, ' and returns');
  if (hw && !s) s = 'Hardware takes a step.';
  return s;
}

/** `text` as DOM nodes with glossary terms as focusable tooltips. */
function withGlossary(text) {
  const frag = document.createDocumentFragment();
  const re = /\b(IQH|IQT|free_head|free_tail)\b|(\*)/g;
  let at = 0;
  for (const m of text.matchAll(re)) {
    frag.append(text.slice(at, m.index));
    const term = m[1] ?? '*';
    const s = document.createElement('span');
    s.className = 'gloss';
    s.tabIndex = 0;
    s.dataset.tip = `${term === '*' ? '* (star)' : term}: ${GLOSSARY[term]}`;
    s.setAttribute('aria-label', `${term === '*' ? 'star' : term} (${GLOSSARY[term]})`);
    s.textContent = term;
    frag.append(s);
    at = m.index + m[0].length;
  }
  frag.append(text.slice(at));
  return frag;
}

/** The events of step index `i` (0-based, the core's). */
const eventsOf = (events, i) => events.filter((e) => e.step === i);

/**
 * The commit message's schedule under the fixed policy, decided by the core: its moves replayed
 * with `policy: fixed`, then every CPU let finish (the core's completion), run with a trace.
 * Returns what the walk-through says about it: outcome, where the runs part and why it completes.
 */
function fixedRun() {
  const m = state.wasm;
  const cfg = seedScenarioConfig('fixed');
  delete cfg.scheduler;
  const done = m.completeSchedule(cfg, CANONICAL_REPLAY.legacy);
  const sim = new m.Simulation({ ...cfg, trace: true, scheduler: { kind: 'replay', choices: done.replay } });
  let rep;
  let events;
  try {
    rep = sim.run();
    events = sim.trace();
  } finally {
    sim.free?.();
  }
  // The first step whose events differ between the two runs.
  const key = (evs) => JSON.stringify(evs.map((e) => ({ ...e, step: 0 })));
  let part = -1;
  for (let i = 0; i < walk.steps; i++) {
    if (key(eventsOf(walk.events, i)) !== key(eventsOf(events, i))) {
      part = i;
      break;
    }
  }
  // The legacy run's stuck CPU, and the step where it sees its completion under fixed.
  const lock = walk.findings.find((f) => f.kind === 'lockup');
  const who = lock ? `T${lock.submitter + 1}` : null;
  const seen = who ? events.find((e) => e.actor === who && e.op === 'poll' && e.done) : null;
  return { config: cfg, replay: done.replay, report: rep, events, part, who, seen: seen?.step ?? -1 };
}

function outcomeWords(rep) {
  const kinds = [...new Set(rep.findings.map((f) => f.kind))];
  if (rep.outcome.kind === 'completed' && !kinds.length) return `it completes after ${rep.steps} steps: every call returns and the core finds nothing`;
  return `it ends ${outcomeName(rep.outcome.kind)} after ${rep.steps} steps${kinds.length ? ` with ${kinds.join(', ')}` : ''}`;
}

function fixedText() {
  const f = walk.fixed;
  const parts = [`The same ${walk.steps} moves under the fixed policy (the core replays them with policy fixed, then lets every CPU finish): ${outcomeWords(f.report)}.`];
  if (f.part >= 0) {
    // Each step that differs, from where the runs part to where legacy lost the completion.
    const lost = walk.findings.find((x) => x.kind === 'lostCompletion')?.step ?? f.part;
    for (let i = f.part; i <= Math.max(f.part, lost); i++) {
      const legacy = narrate(eventsOf(walk.events, i), walk.findings);
      const fixed = narrate(eventsOf(f.events, i), f.report.findings);
      if (legacy === fixed) continue;
      const end = (t) => (/[.!?)]$/.test(t) ? t : `${t}.`);
      parts.push(`${i === f.part ? 'The runs part at step' : 'Step'} ${stepNumber(i)}. Legacy: ${end(legacy)} Fixed: ${end(fixed)}`);
    }
  }
  if (f.seen >= 0) {
    parts.push(`So at step ${stepNumber(f.seen)}: ${narrate(eventsOf(f.events, f.seen), f.report.findings)} Under legacy ${f.who} found QI_FREE there and polled forever.`);
  }
  return parts.join('\n'); // one paragraph each (.walk-text keeps line breaks)
}

function setPos(text) {
  $('#walk-pos').textContent = text;
}

function renderStep(k) {
  walk.phase = 'legacy';
  const text =
    k === 0
      ? `Two CPUs share a ring of 8 slots. T1 will submit one invalidation (ID1) and its wait descriptor WD1; T2 only a wait descriptor (WD2, count 0). Press Next to take the ${walk.steps} steps one by one, then see the same schedule under the fixed policy.`
      : narrate(eventsOf(walk.events, k - 1), walk.findings);
  $('#walk-text').replaceChildren(withGlossary(text));
  setPos(`step ${k} of ${walk.steps}`);
  $('#walk-back').disabled = k === 0;
  $('#walk-next').disabled = false;
  $('#walk-next').textContent = k >= walk.steps ? 'Next: under fixed' : 'Next';
  document.body.dataset.walkStep = String(k);
  document.body.dataset.walkPhase = 'legacy';
}

async function showFixed() {
  walk.phase = 'fixed';
  walk.fixed ??= fixedRun();
  $('#walk-text').replaceChildren(withGlossary(fixedText()));
  $('#walk-back').disabled = false;
  $('#walk-next').disabled = false;
  $('#walk-next').textContent = 'Next: try it yourself';
  document.body.dataset.walkPhase = 'fixed';
  await showSchedule({ config: walk.fixed.config, replay: walk.fixed.replay, title: "The commit message's schedule — fixed policy", step: 'end', note: '' });
}

function showTry() {
  walk.phase = 'try';
  $('#walk-text').replaceChildren(
    withGlossary(
      'Try it yourself: in drive mode you pick who moves next — T1, T2 or the hardware — on the same two CPUs. Make T2 poll forever under legacy, then press "Same moves under fixed" to see your schedule complete.',
    ),
  );
  setPos('try it yourself');
  $('#walk-back').disabled = false;
  $('#walk-next').disabled = false;
  $('#walk-next').textContent = 'Drive it yourself';
  document.body.dataset.walkPhase = 'try';
}

async function showLegacy(step) {
  walk.phase = 'legacy';
  await showSchedule({ config: seedScenarioConfig('legacy'), title: "The commit message's schedule — legacy policy", step, note: '' });
  renderStep(viewer.step);
}

export async function openWalk() {
  const m = state.wasm;
  const cfg = seedScenarioConfig('legacy');
  const sim = new m.Simulation({ ...cfg, trace: true });
  try {
    const rep = sim.run();
    walk.events = sim.trace();
    walk.findings = rep.findings;
    walk.steps = rep.steps;
  } finally {
    sim.free?.();
  }
  walk.fixed = null;
  walk.open = true;
  $('#drive').hidden = true;
  $('#walk').hidden = false;
  $('#walk-glossary').replaceChildren(
    withGlossary(`Terms: IQH, IQT, free_head, free_tail, * — hover or focus one for its meaning. Schedule ${CANONICAL_REPLAY.legacy}.`),
  );
  await showLegacy(0);
  $('#walk').scrollIntoView({ block: 'start', behavior: 'instant' });
  $('#walk-next').focus({ preventScroll: true });
}

// Something else shown in the viewer (a finding, drive mode): the walk-through ends.
viewer.addEventListener('qi-sim-ready', (e) => {
  if (walk.open && e.detail.replay !== CANONICAL_REPLAY.legacy && e.detail.replay !== walk.fixed?.replay) {
    walk.open = false;
    $('#walk').hidden = true;
  }
});
viewer.addEventListener('qi-sim-step', (e) => {
  if (!walk.open) return;
  const { step, steps } = e.detail;
  if (walk.phase === 'legacy' && steps === walk.steps) renderStep(step);
  else if (walk.phase === 'fixed' && steps === walk.fixed?.report.steps) setPos(`fixed policy: step ${step} of ${steps}`);
});
$('#walk-next').addEventListener('click', () => {
  if (walk.phase === 'legacy') {
    if (viewer.step < walk.steps) viewer.goto(viewer.step + 1);
    else showFixed();
  } else if (walk.phase === 'fixed') showTry();
  else openDrive();
});
$('#walk-back').addEventListener('click', () => {
  if (walk.phase === 'legacy') viewer.goto(viewer.step - 1);
  else if (walk.phase === 'fixed') showLegacy(walk.steps);
  else showFixed();
});
$('#walk-close').addEventListener('click', () => {
  walk.open = false;
  $('#walk').hidden = true;
  $('#walk-open').focus();
});
$('#walk-open').addEventListener('click', openWalk);
