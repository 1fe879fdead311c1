// Section 2's proof: every interleaving of two CPUs making two calls each on a ring of 8,
// explored in a pool worker under the legacy reclaim (counts 0–2 and 1–2) and the fixed one
// (counts 0–2). A counterexample can be opened in the section's second <qi-sim>.
import { createPool } from '../lib/index.js';
import { showRun } from './embed.js';

let pool = null;
/** One pool worker for the proofs (created on first use). */
const getPool = () => (pool ??= createPool({ workers: 1 }));

export const PROOFS = [
  { id: 'legacy-0', policy: 'legacy', min: 0, label: 'legacy reclaim, counts 0–2' },
  { id: 'legacy-1', policy: 'legacy', min: 1, label: 'legacy reclaim, counts 1–2 (no wait-only call)' },
  { id: 'fixed-0', policy: 'fixed', min: 0, label: 'fixed reclaim, counts 0–2' },
];

const proofConfig = (p) => ({
  policy: p.policy,
  qiLength: 8,
  submitters: 2,
  workload: { submissions: 2, batch: { kind: 'uniform', min: p.min, max: 2 }, zeroCountProb: 0 },
});

async function proveAll(button) {
  const list = document.getElementById('proofs');
  list.dataset.state = 'running';
  button.disabled = true;
  try {
    for (const p of PROOFS) {
      const li = list.querySelector(`li[data-proof="${p.id}"]`);
      li.querySelector('.result').textContent = 'exploring…';
      const t0 = performance.now();
      let v;
      try {
        v = await getPool().explore(proofConfig(p), { threads: 1 });
      } catch (e) {
        li.querySelector('.result').textContent = `could not explore: ${e?.message ?? e}`;
        li.dataset.verdict = 'error';
        continue;
      }
      const ms = Math.max(1, Math.round(performance.now() - t0));
      li.dataset.verdict = v.verdict;
      li.dataset.kind = v.kind ?? '';
      const res = li.querySelector('.result');
      res.replaceChildren();
      const b = document.createElement('strong');
      if (v.verdict === 'proved') {
        b.textContent = 'proved';
        res.append(b, `: no lockup or safety violation in ${v.states.toLocaleString('en-US')} states (${ms} ms).`);
      } else if (v.verdict === 'counterexample') {
        b.textContent = `${v.kind} in ${v.steps} steps`;
        const show = document.createElement('button');
        show.type = 'button';
        show.textContent = 'Show it';
        show.addEventListener('click', async () => {
          const fig = document.getElementById('fig-proof');
          fig.hidden = false;
          fig.dataset.claim = v.kind;
          await showRun(fig, { config: v.config, replay: v.replay, title: `The explorer's shortest ${v.kind}: ${p.label}`, step: 0 });
          fig.scrollIntoView({ block: 'start' });
          fig.querySelector('qi-sim').focus({ preventScroll: true });
        });
        res.append(b, `, the shortest, found after ${v.states.toLocaleString('en-US')} states (${ms} ms). `, show);
      } else {
        b.textContent = 'not decided';
        res.append(b, ` after ${v.states.toLocaleString('en-US')} states.`);
      }
    }
  } finally {
    button.disabled = false;
    list.dataset.runs = String(Number(list.dataset.runs ?? 0) + 1);
    list.dataset.state = 'done';
  }
}

export function setupProofs() {
  const button = document.getElementById('prove');
  button.addEventListener('click', () => proveAll(button));
}
