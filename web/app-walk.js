// The guided walk-through of the fix's commit-message schedule: one plain sentence per step,
// written from the core's trace events of that step (the words are ours, the facts the core's),
// in step with the viewer, with glossary tooltips for IQH, IQT, free_head, free_tail and *.
import { seedScenarioConfig, camelize, labelName, CANONICAL_REPLAY } from './qi-sim.js';
import { groupOps } from './qi-sim-timeline.js';
import { $, state, viewer } from './app-state.js';
import { showSchedule } from './app-findings.js';

export const GLOSSARY = {
  IQH: 'Invalidation Queue Head: the next slot hardware will fetch. Hardware moves it.',
  IQT: 'Invalidation Queue Tail: one past the last slot software queued. Writing it (the doorbell) tells hardware there is work.',
  free_head: 'Where the next submitter writes its descriptors. Moves forward as slots are taken.',
  free_tail: 'Where reclaim starts: slots from free_tail on are freed when their status allows it.',
  '*': 'A hardware write: the IOMMU itself wrote this status (QI_DONE into a wait descriptor).',
};

const walk = { open: false, events: [], findings: [], steps: 0 };

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
        out.push(ev.ok ? `${who} checks for room: ${ev.freeCnt} free slots, it needs ${ev.need} (its descriptors and one wait descriptor).` : `${who} finds no room (${ev.freeCnt} free, ${ev.need} needed) and will retry.`);
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
            : `${who} reclaims nothing (free_tail ${ev.from} → ${ev.to}).`,
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

function renderStep(k) {
  const text =
    k === 0
      ? `Two CPUs share a ring of 8 slots. T1 will submit one invalidation (ID1) and its wait descriptor WD1; T2 only a wait descriptor (WD2, count 0). Press Next to take the ${walk.steps} steps one by one.`
      : narrate(
          walk.events.filter((e) => e.step === k - 1),
          walk.findings,
        );
  $('#walk-text').replaceChildren(withGlossary(text));
  $('#walk-pos').textContent = `step ${k} of ${walk.steps}`;
  $('#walk-back').disabled = k === 0;
  $('#walk-next').disabled = k >= walk.steps;
  document.body.dataset.walkStep = String(k);
}

export async function openWalk() {
  const m = state.wasm;
  const cfg = seedScenarioConfig('legacy');
  const sim = new m.Simulation({ ...cfg, trace: true });
  try {
    const rep = sim.run();
    walk.events = camelize(sim.trace());
    walk.findings = rep.findings;
    walk.steps = rep.steps;
  } finally {
    sim.free?.();
  }
  walk.open = true;
  $('#drive').hidden = true;
  $('#walk').hidden = false;
  $('#walk-glossary').replaceChildren(
    withGlossary(`Terms: IQH, IQT, free_head, free_tail, * — hover or focus one for its meaning. Schedule ${CANONICAL_REPLAY.legacy}.`),
  );
  await showSchedule({ config: cfg, title: "The commit message's schedule — legacy policy", step: 0, note: '' });
  renderStep(0);
  $('#walk').scrollIntoView({ block: 'start', behavior: 'instant' });
  $('#walk-next').focus({ preventScroll: true });
}

// Something else shown in the viewer (a finding, drive mode): the walk-through ends.
viewer.addEventListener('qi-sim-ready', (e) => {
  if (walk.open && e.detail.replay !== CANONICAL_REPLAY.legacy) {
    walk.open = false;
    $('#walk').hidden = true;
  }
});
viewer.addEventListener('qi-sim-step', (e) => {
  if (walk.open && e.detail.steps === walk.steps) renderStep(e.detail.step);
});
$('#walk-next').addEventListener('click', () => viewer.goto(viewer.step + 1));
$('#walk-back').addEventListener('click', () => viewer.goto(viewer.step - 1));
$('#walk-close').addEventListener('click', () => {
  walk.open = false;
  $('#walk').hidden = true;
  $('#walk-open').focus();
});
$('#walk-open').addEventListener('click', openWalk);
