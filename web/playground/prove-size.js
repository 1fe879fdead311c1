// Prove's sizing: how many workloads a config makes (the core's exploreFamily), how many states exploring them takes (the core's
// estimateExplore: a sample of workloads explored and extrapolated), whether that fits, and a
// smaller config to offer — before the explorer starts; and a verdict in one line. Numbers and
// words only: the estimate card and its buttons are prove.js's.
import { state } from './state.js';

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

export const cpusCalls = (c) => `${c.submitters} CPUs × ${c.submissions} call${c.submissions === 1 ? '' : 's'}`;

/** A one-line summary of a verdict (cards, the Findings list, the announcement). */
export function verdictLine(v) {
  if (!v) return 'no verdict';
  if (v.verdict === 'proved') return '✓ proved: no lockup, no safety violation';
  if (v.verdict === 'counterexample') return `✗ ${v.kind}: shortest counterexample, ${v.steps} steps`;
  return `bound reached: no verdict after ${n(v.states ?? v.maxStates)} states`;
}
