// Drive the schedule yourself (like "The Deadlock Empire"): pick who moves next among the actors
// the core says are enabled (`sim.enabled()`: each CPU, the hardware engine, a faulting hardware
// step when faults are on, and whatever newer cores add — every name starting with "HW" is the
// hardware), undo, the live replay string (the core's `sim.replay()`), the same moves under the
// other policy, and challenges whose win is decided by the core's findings. CPUs that cannot
// move stay on screen as disabled buttons saying why (from the core's state snapshot).
import { seedScenarioConfig, isHw, parseReplay } from '../lib/index.js';
import { $, state } from './state.js';
import { showSchedule } from './findings.js';
import { outcomeWords as outcomeName } from './kinds.js';

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
    fixedGoal:
      'Under fixed, try the same: a CPU’s reclaim frees only the slots it marked QI_FREE itself, so T1 cannot free WD2 and WD2 stays QI_DONE until T2 has seen it. Every schedule you try should complete.',
    config: () => ({ ...seedScenarioConfig('legacy'), scheduler: undefined }),
    won: (fs) => fs.some((f) => f.kind === 'lockup' && f.submitter === 1),
  },
  stale: {
    label: 'Wake T1 on someone else’s completion',
    goal: 'Ring of 4: T1 waits once, T2 makes five calls around the ring. Lose T1’s completion, let T2 reuse T1’s slot, and wake T1 on T2’s QI_DONE.',
    fixedGoal:
      'Under fixed, try the same: T2’s reclaim frees only its own slots, so T1’s QI_DONE cannot be lost and T2 cannot reuse T1’s slot before T1 has seen it.',
    config: () => ({ qiLength: 4, submitters: 2, perSubmitter: [seq([0]), seq([1, 0, 0, 0, 0])], watchdog: 0 }),
    won: (fs) => fs.some((f) => f.kind === 'staleWakeup' && f.submitter === 0),
  },
  f1: {
    label: 'F1: stop the hardware for good (IQE inside a batch)',
    goal: 'T1 submits two device-TLB invalidations. Make the second one fault with IQE: no caller’s index matches IQH, so nobody clears it and the hardware never fetches again (fault path F1).',
    config: () => faultCfg([seq([2], true)], { iqeRate: 0.5, iteRate: 0, iceRate: 0, iteWalk: 'stride1', maxFaults: 1 }),
    won: (fs) => fs.some((f) => f.kind === 'lockup'),
    policy: 'fixed',
  },
  f3: {
    label: 'F3: make the pre-7.0 ITE walk loop forever',
    goal: 'Stride-2 walk: T1 submits one descriptor, T2 a wait alone; time out T1’s descriptor (ITE) and let T2 walk the ring. The pre-7.0 walk steps by 2 over odd slots until it meets IQT − 1; T2’s wait-only call leaves IQT − 1 even, so the walk never ends (fault path F3).',
    config: () => faultCfg([seq([1], true), seq([0], true)], { iqeRate: 0, iteRate: 0.5, iceRate: 0, iteWalk: 'stride2', maxFaults: 1 }),
    won: (fs) => fs.some((f) => f.kind === 'walkLoop'),
    policy: 'fixed',
  },
  f4: {
    label: 'F4: lose a completion with count 1 (legacy, 7.0 walk)',
    goal: 'Each CPU submits one descriptor. An ITE walk marks T1’s finished ID1 QI_ABORT; the legacy reclaim frees it and T1’s done WD1 before T1 has seen it (fault path F4).',
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

/**
 * When nobody can move, one scheduled step lets the core decide how the run ended (completed,
 * deadlock, ...): forced moves leave that open. With someone able to move it is not called.
 */
function settle(sim) {
  if (!sim.isDone() && sim.enabled().length === 0) sim.step(1);
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
  settle(sim);
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
  if (actor === 'HW') return `complete the oldest fetched (IQH ${st.iqh})`;
  if (actor === 'HW:fetch') return `fetch slot ${st.iqh} ahead`;
  return `fault: ${actor.slice(3)} (IQH ${st.iqh})`;
}

/**
 * Why a CPU the core does not let move cannot: read from the state snapshot (`enabled` is the
 * core's `can_move`; a CPU that has not finished can only be waiting for q_lock).
 */
function blocked(i, st, rep) {
  const s = st.submitters[i];
  const stuck = rep.findings.find((f) => f.kind === 'lockup' && f.submitter === i);
  if (stuck) return 'polls forever (lockup)';
  if (s.stepName === 'finished') return `finished (${s.submissionsDone} of ${s.submissionsTotal} calls returned)`;
  if (st.qLock != null && st.qLock !== i) return `waits for q_lock (T${st.qLock + 1} holds it)`;
  return 'cannot move: the run is over';
}

function actorButton(a, text, disabled) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.actor = a;
  b.className = isHw(a) ? 'hw' : 'cpu';
  b.innerHTML = '<b></b> <span></span>';
  b.children[0].textContent = a;
  b.children[1].textContent = disabled ? `— ${text}` : text;
  b.disabled = disabled;
  if (!disabled) b.addEventListener('click', () => move(a));
  return b;
}

/** One line on the hardware actors on offer, in the core's words (`actorKey`). */
function hardwareKey(enabled) {
  const key = state.wasm.actorKey?.() ?? [];
  const shown = key.filter((k) => isHw(k.mark) && (k.mark === 'HW' || k.mark === 'HW:fetch' || enabled.includes(k.mark)));
  return shown.map((k) => `${k.mark}: ${k.meaning}`).join(' · ');
}

function outcomeWords(rep, steps = rep.steps) {
  const kinds = [...new Set(rep.findings.map((f) => f.kind))];
  const how = outcomeName(rep.outcome.kind);
  return `${how} after ${steps} steps${kinds.length ? `: ${kinds.join(', ')}` : ', every call returned, no findings'}`;
}

function render() {
  const sim = drive.sim;
  const st = sim.state();
  const rep = sim.report();
  const ch = CHALLENGES[drive.challenge];
  drive.won = ch.won(rep.findings);
  const own = ch.policy ?? 'legacy';
  $('#drive-goal').textContent = drive.policy === 'fixed' && own !== 'fixed' && ch.fixedGoal ? ch.fixedGoal : ch.goal;
  const replay = sim.replay();
  $('#drive-replay').textContent = replay;
  const box = $('#drive-actors');
  const enabled = sim.isDone() ? [] : sim.enabled();
  const buttons = st.submitters.map((s, i) => {
    const a = `T${i + 1}`;
    return enabled.includes(a) ? actorButton(a, describe(a, st), false) : actorButton(a, blocked(i, st, rep), true);
  });
  const hw = enabled.filter(isHw);
  if (!hw.includes('HW')) buttons.push(actorButton('HW', st.iqh === st.iqt ? 'idle: nothing queued (IQH = IQT)' : 'stopped', true));
  for (const a of enabled) if (isHw(a)) buttons.push(actorButton(a, describe(a, st), false));
  // Anything else the core offers (actors of newer cores) is still offered.
  for (const a of enabled) if (!isHw(a) && !/^T\d+$/.test(a)) buttons.push(actorButton(a, '', false));
  box.replaceChildren(...buttons);
  $('#drive-hw-key').textContent = hardwareKey(enabled);
  const kinds = [...new Set(rep.findings.map((f) => f.kind))];
  const status = $('#drive-status');
  status.className = `drive-status${drive.won ? ' won' : kinds.length ? ' bad' : sim.isDone() ? ' good' : ''}`;
  status.textContent = drive.won
    ? `Challenge won in ${drive.moves.length} moves: ${rep.findings.map((f) => f.message).slice(-1)[0]}`
    : sim.isDone()
      ? `The run is over under ${drive.policy}: ${outcomeWords(rep)}. Undo or restart to try again.`
      : `${drive.moves.length} move${drive.moves.length === 1 ? '' : 's'}. ${kinds.length ? `So far: ${kinds.join(', ')}. ` : ''}Who moves next?`;
  document.body.dataset.driveWon = String(drive.won);
  document.body.dataset.driveDone = String(sim.isDone());
  $('#drive-undo').disabled = drive.moves.length === 0;
  $('#drive-finish').disabled = sim.isDone();
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

/** How the current moves end if every actor then moves in turn (the core's completion). */
function completion() {
  return state.wasm.completeSchedule(configOf(), drive.sim.replay());
}

function move(actor) {
  drive.note = '';
  drive.moves.push(actor);
  drive.sim.stepActor(actor);
  settle(drive.sim);
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
    const kept =
      done === wanted
        ? `All ${wanted} moves replayed under ${other}.`
        : `Under ${other} the schedules part at move ${done + 1}: ${drive.moves[done]} cannot move there. The first ${done} moves are kept.`;
    drive.note = kept;
    rebuild();
    if (!drive.sim.isDone()) {
      // Say how it ends from here (the core plays every actor in turn); the buttons stay live.
      const c = completion();
      const end = new state.wasm.Simulation({ ...configOf(), scheduler: { kind: 'replay', choices: c.replay } });
      let rep;
      try {
        rep = end.run();
      } finally {
        end.free?.();
      }
      drive.note = `${kept} If every actor now moves in turn, the run ends ${outcomeWords(rep)}${
        other === 'fixed' && !rep.findings.length ? ': each CPU frees only the slots it marked QI_FREE itself, so no CPU’s QI_DONE is freed before it has seen it' : ''
      }. Keep moving, or press Finish the run.`;
      $('#drive-note').textContent = drive.note;
    }
  });
  $('#drive-finish').addEventListener('click', () => {
    const c = completion();
    drive.moves = parseReplay(c.replay);
    drive.note = '';
    rebuild();
    $('#drive-undo').focus();
  });
  $('#drive-open').addEventListener('click', openDrive);
  $('#drive-close').addEventListener('click', () => {
    $('#drive').hidden = true;
    $('#drive-open').focus();
  });
}

init();
