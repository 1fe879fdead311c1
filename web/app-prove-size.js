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
 * The largest CPUs × calls (most CPUs first) below `config`'s whose family the core counts as
 * comfortable, as `{ submitters, submissions }`, or null.
 */
export function fittingConfig(config) {
  for (let cpus = config.submitters; cpus >= 2; cpus--) {
    for (let calls = config.workload.submissions; calls >= 1; calls--) {
      const fam = coreFamily({ ...config, submitters: cpus, workload: { ...config.workload, submissions: calls } });
      if (!fam.error && fam.roots <= COMFORTABLE_COMBINATIONS) return { submitters: cpus, submissions: calls };
    }
  }
  return null;
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
  b.addEventListener('click', () => {
    writeForm(form, fix);
    form.elements.preset.value = 'custom';
    form.dispatchEvent(new Event('input'));
    prove();
  });
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
    (fit ? ` Try ${cpusCalls(fit)}.` : '');
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
    first = button(`Prove ${cpusCalls(fit)}`, () => {
      writeForm(form, fit);
      form.elements.preset.value = 'custom';
      form.dispatchEvent(new Event('input'));
      prove();
    }, true);
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

