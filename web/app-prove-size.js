// Prove's sizing: how many workloads a config makes (the core's exploreFamily), how many states exploring them takes (the core's
// estimateExplore: a sample of workloads explored and extrapolated), whether that fits, and a
// smaller config to offer — before the explorer starts.
import { writeForm } from './app-config.js';
import { $, form, state } from './app-state.js';
import { showFieldError } from './app-form.js';
import { revealResults } from './app-hunt.js';
import { prove, resetProve } from './app-prove.js';

export const n = (x) => Number(x ?? 0).toLocaleString('en-US');

/**
 * `{ roots, counts }` of the core's `exploreFamily(config)` (the workloads one exploration
 * covers, and the counts every call ranges over), or `{ error }` when the core cannot enumerate
 * the family (the error names the field).
 */
export function coreFamily(config) {
  try {
    const fam = state.wasm.exploreFamily(config);
    return { roots: Number(fam.roots), counts: fam.counts ?? [] };
  } catch (e) {
    return { error: e };
  }
}

/**
 * Workloads in a config the explorer proves in seconds here (the acceptance config: 3 CPUs × 2
 * calls, counts 0/1/2 = 729 workloads).
 */
export const COMFORTABLE_COMBINATIONS = 729;

/**
 * The core's nearest provable config (`provableConfig`: a fault budget, one descriptor type,
 * then fewer calls and CPUs) as form values `{ submitters, submissions, maxFaults?, devtlb? }`
 * plus `changes` (the core's `{ field, from, to, why }`), or null when nothing smaller explores.
 */
export function fittingConfig(config) {
  let p;
  try {
    p = state.wasm.provableConfig(config);
  } catch {
    return null;
  }
  const fit = { submitters: p.config.submitters, submissions: p.config.workload.submissions, changes: p.changes, roots: p.roots, problem: p.problem };
  for (const c of p.changes) {
    if (c.field === 'faults.maxFaults') fit.maxFaults = c.to;
    if (c.field === 'workload.types') fit.devtlb = c.to.devtlb;
  }
  return fit;
}

/** The form values of a fit (what `writeForm` takes). */
const formValues = ({ changes, roots, problem, ...values }) => values;

/** Writes a fit into the form and proves it (the offered config starts; no second estimate). */
export function proveFit(fit) {
  writeForm(form, formValues(fit));
  form.elements.preset.value = 'custom';
  form.dispatchEvent(new Event('input'));
  prove({ anyway: true });
}

/** The button's words for a fit: what it changes ("max faults 1, 4 CPUs × 1 call"). */
export function fitLabel(fit) {
  const parts = [];
  for (const c of fit.changes) {
    if (c.field === 'faults.maxFaults') parts.push(`max faults ${c.to}`);
    else if (c.field.endsWith('.types')) parts.push(c.to.devtlb === 1 ? 'device-TLB invalidations only' : 'one descriptor type');
    else if (!parts.includes(cpusCalls(fit))) parts.push(cpusCalls(fit));
  }
  return `Make it provable: ${parts.join(', ') || cpusCalls(fit)}`;
}

/** The changes of a fit in words ("max faults 0 → 1: every fault restarts a call ..."). */
export function fitText(fit) {
  const out = [];
  let size = false;
  for (const c of fit.changes) {
    if (c.field === 'submitters' || c.field === 'workload.submissions') {
      // One entry for the size: the core gives both changes the same reason.
      if (!size) out.push(c.why);
      size = true;
    } else out.push(`${c.field} ${typeof c.from === 'object' ? 'mixed' : c.from} → ${typeof c.to === 'object' ? 'one type' : c.to} (${c.why})`);
  }
  return out.join('; ');
}

/** Above this many seconds at the measured rate an estimate "does not fit" even within the bound. */
export const COMFORTABLE_SECONDS = 120;

/**
 * The core's estimate of the states `explore(config, options)` stores, made in a worker of
 * `pool` (it explores up to a few hundred thousand states: the page stays responsive) and
 * timed there for the rate: { states, low, high, workloads, method, explored, rate, seconds,
 * fits, likely } (`fits`: even the high guess fits the bound in a comfortable time; `likely`:
 * the estimate does; both null when the estimate is only a lower bound), or null when this
 * build's pool has no estimate or it fails.
 */
export async function estimateSpace(pool, config, options, maxStates) {
  if (typeof pool?.estimate !== 'function') return null;
  let e;
  try {
    e = await pool.estimate(config, options);
  } catch {
    return null;
  }
  const secs = Math.max(e.ms / 1000, 1e-3);
  const rate = e.explored / secs;
  const seconds = e.states / Math.max(rate, 1);
  const within = (states) => states <= maxStates && states / Math.max(rate, 1) <= COMFORTABLE_SECONDS;
  // Start unasked only when even the high guess fits: the estimate may be off by the range.
  const fits = e.method === 'lowerBound' ? null : within(e.high);
  const likely = e.method === 'lowerBound' ? null : within(e.states);
  return { ...e, rate, seconds, fits, likely };
}

/** The estimate in words. */
export function estimateText(est, combos, maxStates) {
  if (!est) return '';
  if (est.method === 'lowerBound') {
    return `Estimate: more than ${n(est.states)} states (even one sampled workload exceeds the estimate's own bound), so ${n(combos)} workloads may be far beyond the bound of ${n(maxStates)} states; no estimate of how far.`;
  }
  const range = est.method === 'exact' ? 'counted exactly' : `at least ${n(est.low)}, found by the estimate; at most about ${n(est.high)} if workloads shared no states, from a sample of ${n(est.sampled)}`;
  const t = est.seconds < 10 ? est.seconds.toFixed(1) : n(Math.round(est.seconds));
  const bound = `the bound of ${n(maxStates)} states`;
  const verdict = est.fits
    ? `fits ${bound}`
    : est.likely
      ? `likely fits ${bound}, but the range reaches past it or past ${COMFORTABLE_SECONDS} s`
      : `does not fit ${bound}${est.seconds > COMFORTABLE_SECONDS ? ' in a comfortable time' : ''}`;
  return `Estimate: ≈ ${n(est.states)} states (${range}), about ${t} s at the measured rate of ${n(Math.round(est.rate))} states/s: ${verdict}.${est.counterexample ? ' A sampled workload already has a counterexample: the search may end sooner.' : ''}`;
}

export function offerFix(name, message, fix, label) {
  const el = showFieldError(name, message);
  if (!el || !fix) return el;
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'fix';
  b.textContent = label;
  b.addEventListener('click', () => proveFit(fix));
  el.closest('label').querySelector('.field-error').append(' ', b);
  return el;
}
export const cpusCalls = (c) => `${c.submitters} CPUs × ${c.submissions} call${c.submissions === 1 ? '' : 's'}`;

/** The pre-start estimate card, with a smaller config and "Prove anyway". */
export function showEstimate(f, config, counts, combos, maxStates, est = null) {
  resetProve();
  const fit = fittingConfig(config);
  const box = $('#verdicts');
  box.hidden = false;
  const card = document.createElement('div');
  card.className = 'verdict estimate';
  card.id = 'prove-estimate';
  card.tabIndex = -1;
  const h = document.createElement('h3');
  h.textContent = 'Before proving: the size of the space';
  const p = document.createElement('p');
  p.className = 'small';
  p.textContent =
    `${f.submitters} CPUs × ${f.submissions} calls with batch counts ${counts.join('/')} make ${n(combos)} workloads, each explored over every interleaving. ` +
    (est ? estimateText(est, combos, maxStates) : `This is likely far beyond the bound of ${n(maxStates)} states and would end with no verdict.`) +
    (fit ? ` Provable: ${cpusCalls(fit)}, ${n(fit.roots)} workloads${fit.changes.length ? ` (${fitText(fit)})` : ''}.` : '');
  card.dataset.states = est ? String(est.states) : '';
  card.dataset.method = est?.method ?? '';
  card.append(h, p);
  const button = (label, fn, primary = false) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (primary) b.className = 'primary';
    b.addEventListener('click', fn);
    card.append(b, ' ');
    return b;
  };
  let first = null;
  if (fit) {
    first = button(fitLabel(fit), () => proveFit(fit), true);
    first.dataset.fit = 'true';
  }
  const stop = button('Stop at the first lost completion', () => {
    form.elements.stopOnCause.checked = true;
    prove();
  });
  button('Prove anyway', () => prove({ anyway: true }));
  box.replaceChildren(card);
  revealResults();
  (first ?? stop).focus();
}

