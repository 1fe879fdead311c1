// Drive the schedule yourself (like "The Deadlock Empire"): pick who moves next among the actors
// the core says are enabled (`sim.enabled()`: each CPU, the hardware engine, a faulting hardware
// step when faults are on, and whatever newer cores add — every name starting with "HW" is the
// hardware), undo, the live replay string (the core's `sim.replay()`), the same moves under the
// other policy, and challenges whose win is decided by the core's findings.
import { seedScenarioConfig, isHw } from './qi-sim.js';
import { $, state } from './app-state.js';
import { showSchedule } from './app-findings.js';

const seq = (counts, devtlb = false) => ({
  submissions: counts.length,
  batch: { kind: 'sequence', counts },
  ...(devtlb ? { types: { iotlb: 0, devtlb: 1, context: 0, iec: 0, pasid: 0 } } : {}),
});
const faultCfg = (perSubmitter, faults) => ({ qiLength: 8, submitters: perSubmitter.length, perSubmitter, faults, watchdog: 0 });

/**
 * Challenges: a config (the policy is set by the page) and a goal the core's findings decide.
 * `won(findings)` only reads kinds and submitters from the run report.
 */
export const CHALLENGES = {
  free: {
    label: 'Free play: the commit message’s two CPUs',
    goal: 'T1 submits one invalidation (ID1) and its wait WD1; T2 submits a wait descriptor alone (WD2). Move them as you like.',
    config: () => ({ ...seedScenarioConfig('legacy'), scheduler: undefined }),
    won: () => false,
  },
  hang: {
    label: 'Make T2 hang',
    goal: 'Make T2 poll forever: get hardware to complete WD2, then let T1 reclaim it before T2 looks.',
    config: () => ({ ...seedScenarioConfig('legacy'), scheduler: undefined }),
    won: (fs) => fs.some((f) => f.kind === 'lockup' && f.submitter === 1),
  },
  stale: {
    label: 'Wake T1 on someone else’s completion',
    goal: 'Ring of 4: T1 waits once, T2 makes five calls around the ring. Lose T1’s completion, let T2 reuse T1’s slot, and wake T1 on T2’s QI_DONE.',
    config: () => ({ qiLength: 4, submitters: 2, perSubmitter: [seq([0]), seq([1, 0, 0, 0, 0])], watchdog: 0 }),
    won: (fs) => fs.some((f) => f.kind === 'staleWakeup' && f.submitter === 0),
  },
  f1: {
    label: 'F1: stop the hardware for good (IQE inside a batch)',
    goal: 'T1 submits two device-TLB invalidations. Make the second one fault with IQE: no caller’s index matches IQH, so nobody clears it (docs/findings.md F1).',
    config: () => faultCfg([seq([2], true)], { iqeRate: 0.5, iteRate: 0, iceRate: 0, iteWalk: 'stride1', maxFaults: 1 }),
    won: (fs) => fs.some((f) => f.kind === 'lockup'),
    policy: 'fixed',
  },
  f3: {
    label: 'F3: make the pre-7.0 ITE walk loop forever',
    goal: 'Stride-2 walk: T1 submits one descriptor, T2 a wait alone; time out T1’s descriptor (ITE) and let T2 walk the ring (docs/findings.md F3).',
    config: () => faultCfg([seq([1], true), seq([0], true)], { iqeRate: 0, iteRate: 0.5, iceRate: 0, iteWalk: 'stride2', maxFaults: 1 }),
    won: (fs) => fs.some((f) => f.kind === 'walkLoop'),
    policy: 'fixed',
  },
  f4: {
    label: 'F4: lose a completion with count 1 (legacy, 7.0 walk)',
    goal: 'Each CPU submits one descriptor. An ITE walk marks T1’s finished ID1 QI_ABORT; the legacy reclaim frees it and T1’s done WD1 (docs/findings.md F4).',
    config: () => faultCfg([seq([1], true), seq([1], true)], { iqeRate: 0, iteRate: 0.5, iceRate: 0, iteWalk: 'stride1', maxFaults: 1 }),
    won: (fs) => fs.some((f) => f.kind === 'lostCompletion'),
    policy: 'legacy',
  },
};

const drive = { challenge: 'hang', policy: 'legacy', moves: [], sim: null, won: false, note: '' };
window.qisimDrive = drive; // tests and the curious

function configOf(policy = drive.policy) {
  const c = CHALLENGES[drive.challenge].config();
  delete c.scheduler;
  return { ...c, policy, trace: false, scheduler: { kind: 'replay', choices: 'q1:' } };
}

/** A fresh simulation with `moves` applied; stops at the first move the core refuses. */
function simulate(policy, moves) {
  const sim = new state.wasm.Simulation(configOf(policy));
  let done = 0;
  for (const a of moves) {
    if (sim.isDone() || !sim.enabled().includes(a)) break;
    sim.stepActor(a);
    done++;
  }
  return { sim, done };
}

function rebuild() {
  drive.sim?.free?.();
  const { sim, done } = simulate(drive.policy, drive.moves);
  drive.moves = drive.moves.slice(0, done);
  drive.sim = sim;
  render();
}

/** What an actor's next move does, in a few words (from the core's state snapshot). */
function describe(actor, st) {
  if (!isHw(actor)) {
    const s = st.submitters[Number(actor.slice(1)) - 1];
    return s ? s.stepName.replace(/_/g, ' ') : '';
  }
  // The engine's own words are the actor names; the page adds where IQH is.
  if (actor === 'HW') return `hardware step (IQH ${st.iqh})`;
  const what = actor.slice(3);
  return /^(IQE|ITE|ICE|GONE)$/.test(what) ? `fault: ${what} (IQH ${st.iqh})` : `${what} (IQH ${st.iqh})`;
}

function render() {
  const sim = drive.sim;
  const st = sim.state();
  const rep = sim.report();
  const ch = CHALLENGES[drive.challenge];
  drive.won = ch.won(rep.findings);
  $('#drive-goal').textContent = ch.goal;
  const replay = sim.replay();
  $('#drive-replay').textContent = replay;
  const box = $('#drive-actors');
  const enabled = sim.isDone() ? [] : sim.enabled();
  box.replaceChildren(
    ...enabled.map((a) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.actor = a;
      b.className = isHw(a) ? 'hw' : 'cpu';
      b.innerHTML = '<b></b> <span></span>';
      b.children[0].textContent = a;
      b.children[1].textContent = describe(a, st);
      b.addEventListener('click', () => move(a));
      return b;
    }),
  );
  const kinds = [...new Set(rep.findings.map((f) => f.kind))];
  const status = $('#drive-status');
  status.className = `drive-status${drive.won ? ' won' : kinds.length ? ' bad' : ''}`;
  status.textContent = drive.won
    ? `Challenge won in ${drive.moves.length} moves: ${rep.findings.map((f) => f.message).slice(-1)[0]}`
    : sim.isDone()
      ? `The run is over (${rep.outcome.kind.replace(/([A-Z])/g, ' $1').toLowerCase()})${kinds.length ? `: ${kinds.join(', ')}` : ''}. Undo or restart to try again.`
      : `${drive.moves.length} moves. ${kinds.length ? `So far: ${kinds.join(', ')}. ` : ''}Who moves next?`;
  document.body.dataset.driveWon = String(drive.won);
  $('#drive-undo').disabled = drive.moves.length === 0;
  const other = drive.policy === 'legacy' ? 'fixed' : 'legacy';
  $('#drive-other').textContent = `Same moves under ${other}`;
  $('#drive-note').textContent = drive.note;
  showSchedule({
    config: configOf(),
    replay,
    title: `Your schedule — ${drive.policy} policy`,
    note: `Drive mode: ${ch.label}. The timeline and ring follow your moves.`,
  });
}

function move(actor) {
  drive.note = '';
  drive.moves.push(actor);
  drive.sim.stepActor(actor);
  render();
  // Keep keyboard users on the actor buttons.
  ($(`#drive-actors button[data-actor="${CSS.escape(actor)}"]`) ?? $('#drive-actors button') ?? $('#drive-undo')).focus();
}

function start(challenge = drive.challenge) {
  drive.challenge = challenge;
  drive.policy = CHALLENGES[challenge].policy ?? $('#drive input[name=drivePolicy]:checked')?.value ?? 'legacy';
  for (const r of document.querySelectorAll('#drive input[name=drivePolicy]')) r.checked = r.value === drive.policy;
  drive.moves = [];
  drive.note = '';
  rebuild();
}

export function openDrive() {
  const panel = $('#drive');
  $('#walk').hidden = true;
  panel.hidden = false;
  if (!drive.sim) start();
  else render();
  panel.scrollIntoView({ block: 'start', behavior: 'instant' });
  $('#drive-challenge').focus({ preventScroll: true });
}

function init() {
  const sel = $('#drive-challenge');
  sel.replaceChildren(...Object.entries(CHALLENGES).map(([k, c]) => new Option(c.label, k)));
  sel.value = drive.challenge;
  sel.addEventListener('change', () => start(sel.value));
  for (const r of document.querySelectorAll('#drive input[name=drivePolicy]')) {
    r.addEventListener('change', () => {
      drive.policy = r.value;
      drive.moves = [];
      drive.note = '';
      rebuild();
    });
  }
  $('#drive-undo').addEventListener('click', () => {
    drive.moves.pop();
    drive.note = '';
    rebuild();
  });
  $('#drive-restart').addEventListener('click', () => start());
  $('#drive-other').addEventListener('click', () => {
    const other = drive.policy === 'legacy' ? 'fixed' : 'legacy';
    const wanted = drive.moves.length;
    const { sim, done } = simulate(other, drive.moves);
    sim.free?.();
    drive.policy = other;
    for (const r of document.querySelectorAll('#drive input[name=drivePolicy]')) r.checked = r.value === other;
    drive.note =
      done === wanted
        ? `All ${wanted} moves replayed under ${other}.`
        : `Under ${other} the schedules part at move ${done + 1}: ${drive.moves[done]} cannot move there. The first ${done} moves are kept.`;
    rebuild();
  });
  $('#drive-open').addEventListener('click', openDrive);
  $('#drive-close').addEventListener('click', () => {
    $('#drive').hidden = true;
    $('#drive-open').focus();
  });
}

init();
