// Proving: the exhaustive explorer (wasm `explore`), one worker per policy. Verdict cards with
// live progress (states, depth, rate), the verdicts in shared links (the Findings list and the
// viewer show them: findings.js), and before a big proof the estimate card with a provable
// config to offer (its numbers: prove-size.js).
import { readForm, writeForm } from './config.js';
import { $, form, state, scheduleRender, updateHash, setBusy } from './state.js';
import { checkedForm, showError, showFieldError, focusField, formFieldOf, plainMessage, powerOf } from './form.js';
import { getPool, revealResults, startTicker, stopTicker } from './workers.js';
import { resetFindings, showVerdict, showRunning } from './findings.js';
import { createPlots } from './render.js';
import { commandBlock, exploreCommand, runName, plainKind } from './reproduce.js';
import { coreFamily, estimateSpace, estimateText, fittingConfig, fitLabel, fitText, cpusCalls, verdictLine, n } from './prove-size.js';

/** Clears the verdict cards (a later hunt must not show an earlier proof). */
export function resetProve() {
  Object.assign(state, { provePolicies: [], verdicts: {}, exploreProgress: {}, proveError: null });
  $('#verdicts').hidden = true;
  $('#verdicts').replaceChildren();
}


/** An estimate is being made (before a proof starts). */
let estimating = false;

export async function prove({ anyway = false } = {}) {
  if (state.running || estimating) return;
  const f = readForm(form);
  // What Prove needs beyond a valid config (a fault budget, one type, a size) is the core's
  // family check below, with its one fix.
  const checked = checkedForm(f);
  if (!checked) return;
  const { policies, configs, maxStates, workers } = checked;
  // The workloads to explore: the core's family (the count range and zero-count probability
  // become roots); what it cannot enumerate is refused here, naming the field.
  const family = coreFamily(configs[policies[0]]);
  // One action instead of one refusal per field: the core's nearest provable config. A config
  // that is only big goes on to the estimate below; one the explorer refuses stops here.
  const fit = fittingConfig(configs[policies[0]]);
  const refused = family.error ?? (fit?.changes.some((c) => !['submitters', 'workload.submissions'].includes(c.field)) ? fit.problem : null);
  if (refused) {
    const e = fit?.problem ?? refused;
    const name = formFieldOf(e.field) ?? 'submissions';
    const label = fit ? fitLabel(fit) : '';
    const el = offerFix(
      name,
      e.kind === 'tooBig'
        ? `Too big to prove: ${cpusCalls(f)} give ${powerOf(e)} ${e.what}; the explorer enumerates at most ${n(e.max)}.`
        : plainMessage(name, e),
      fit,
      label,
    );
    if (el && fit) {
      const why = document.createElement('span');
      why.className = 'fix-why';
      why.textContent = ` ${fitText(fit)}.`;
      el.closest('label').querySelector('.field-error').append(why);
    }
    if (el) focusField(el);
    else showError(e.message);
    return;
  }
  const counts = family.counts;
  const combos = family.roots;
  // Big but possible: estimate the states before starting (the core's estimate, timed in the
  // worker for the rate), say whether that fits, and offer a config that proves in seconds.
  if (!anyway && !f.stopOnCause) {
    // Each policy explores its own graph: the largest estimate decides (a lower bound first).
    // Made in the pool's workers (up to a second or so each), the buttons held meanwhile.
    estimating = true;
    for (const b of [$('#prove'), $('#run')]) b.disabled = true;
    $('#prove').setAttribute('aria-busy', 'true');
    $('#announce').textContent = 'Estimating the state space…';
    // Where the verdict will appear: say what is happening there.
    const placeholder = document.createElement('div');
    placeholder.className = 'verdict estimate running';
    placeholder.id = 'prove-estimating';
    placeholder.innerHTML = '<h3>Estimating…</h3><p class="small">Sampling the state space in the workers to see whether this proof fits the bound.</p>';
    $('#verdicts').hidden = false;
    $('#verdicts').replaceChildren(placeholder);
    let ests;
    try {
      const pool = await getPool(workers).catch(() => null);
      ests = (await Promise.all(policies.map((p) => estimateSpace(pool, configs[p], {}, maxStates)))).filter(Boolean);
    } finally {
      estimating = false;
      for (const b of [$('#prove'), $('#run')]) b.disabled = false;
      $('#prove').removeAttribute('aria-busy');
    }
    const est = ests.find((e) => e.method === 'lowerBound') ?? ests.reduce((a, b) => (!a || b.states > a.states ? b : a), null);
    state.proveEstimate = est;
    $('#prove-estimating')?.remove();
    // Without an estimate, the core's comfortable size decides (`provableConfig` names the problem).
    const big = est?.fits === false || ((est == null || est.fits == null) && fit?.problem != null);
    if (big) {
      showEstimate(f, configs[policies[0]], counts, combos, maxStates, est);
      return;
    }
  }
  Object.assign(state, {
    lastAction: 'prove',
    runForm: f,
    running: true,
    proving: true,
    proveConfigs: configs,
    proveCounts: counts,
    proveCombos: combos,
    proveMax: maxStates,
    provePolicies: policies,
    proveStopOnCause: !!f.stopOnCause,
    verdicts: {},
    partials: {},
    exploreProgress: {},
    proveError: null,
    proveStarted: performance.now(),
    controller: new AbortController(),
    // The hunt's results belong to an earlier run.
    policies: [],
    results: {},
    done: {},
  });
  setBusy(true);
  startTicker();
  resetFindings();
  showRunning('Proving…');
  createPlots();
  $('#verdicts').hidden = false;
  revealResults();
  updateHash();
  scheduleRender();
  const signal = state.controller.signal;
  let pool;
  try {
    pool = await getPool(workers);
  } catch (e) {
    proveDone(`could not start the workers: ${e.message}`);
    return;
  }
  if (typeof pool.explore !== 'function') {
    proveDone('this build of the worker pool has no explore()');
    return;
  }
  const jobs = policies.map((p) =>
    pool
      .explore(configs[p], {
        maxStates,
        // The policies share the workers: each explores partitioned over its share.
        threads: Math.max(1, Math.floor(pool.size / policies.length)),
        ...(f.stopOnCause ? { stopOnCause: true } : {}),
        signal,
        onProgress: (pr) => {
          if (pr && typeof pr.states === 'number') state.exploreProgress[p] = { ...pr, at: performance.now() };
          scheduleRender();
        },
      })
      .then((v) => {
        state.verdicts[p] = v;
        scheduleRender();
      })
      .catch((e) => {
        // Cancelled on several workers: the verdict so far (a counterexample already found
        // is a verdict; otherwise the statistics of what was explored).
        const partial = e?.name === 'AbortError' ? e.partial : null;
        if (partial?.verdict === 'counterexample') state.verdicts[p] = partial;
        else if (partial) state.partials[p] = partial;
        throw e;
      }),
  );
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((x) => x.status === 'rejected');
  if (!failed) proveDone(null);
  else if (failed.reason?.name === 'AbortError' || signal.aborted) proveDone('cancelled');
  else proveDone(`the explorer failed: ${failed.reason?.message ?? failed.reason}`);
}

function proveDone(problem) {
  state.running = false;
  stopTicker();
  state.proving = false;
  state.proveError = problem;
  state.proveSeconds = (performance.now() - state.proveStarted) / 1000;
  setBusy(false);
  document.body.dataset.proved = problem ? 'error' : 'true';
  if (problem && problem !== 'cancelled') showError(problem);
  if (problem === 'cancelled' && !state.provePolicies.some((x) => state.verdicts[x]?.verdict === 'counterexample')) {
    // The placeholders said "Proving…": say it stopped.
    $('#viewer-wait').textContent = 'Cancelled: no verdict. Press Prove to start again.';
    $('#findings-empty').textContent = 'Cancelled before a verdict.';
  }
  $('#announce').textContent = `Prove ${problem ?? 'done'}: ${state.provePolicies
    .map((p) => `${p} ${state.verdicts[p]?.verdict ?? 'no verdict'}`)
    .join('; ')}.`;
  // Show the first shortest counterexample.
  const p = state.provePolicies.find((x) => state.verdicts[x]?.verdict === 'counterexample');
  if (p) showVerdict(p);
  updateHash();
  scheduleRender();
}

function progressText(p) {
  const pr = state.exploreProgress[p];
  if (!pr) return state.proving ? `exploring ${n(state.proveCombos)} workload${state.proveCombos === 1 ? '' : 's'}…` : '';
  const secs = Math.max(0.001, (pr.at - state.proveStarted) / 1000);
  return `${n(pr.states)} states, depth ${n(pr.depth)}, ${n(pr.queued)} queued · ${n(Math.round(pr.states / secs))} states/s`;
}

export function renderVerdicts() {
  const box = $('#verdicts');
  if (!state.provePolicies?.length) return;
  box.hidden = false;
  box.replaceChildren(
    ...state.provePolicies.map((p) => {
      const v = state.verdicts[p];
      const card = document.createElement('div');
      card.className = `verdict ${p} ${v?.verdict ?? (state.proving ? 'running' : 'failed')}`;
      card.dataset.policy = p;
      const h = document.createElement('h3');
      const cfg = state.proveConfigs?.[p];
      h.textContent = `${cfg ? runName(cfg) : p} · exhaustive`;
      const line = document.createElement('div');
      line.className = 'v';
      const detail = document.createElement('div');
      detail.className = 'muted small';
      const counts = state.proveCounts?.length ? `, batch counts ${state.proveCounts.join('/')}` : '';
      card.append(h, line, detail);
      if (!v) {
        line.textContent = state.proving ? 'exploring…' : state.proveError === 'cancelled' ? 'cancelled: no verdict' : `failed: ${state.proveError ?? 'no verdict'}`;
        const part = state.partials?.[p];
        detail.textContent = part
          ? `explored ${n(part.states)} states, ${n(part.transitions)} transitions, depth ${n(part.maxDepth)} before it stopped`
          : progressText(p) || (state.proving ? '' : 'The explorer stopped before a verdict.');
      } else {
        line.textContent = verdictLine(v);
        if (v.verdict === 'proved' && v.shared) {
          detail.textContent = 'From a shared link: the verdict the sharer saw (press Prove to run it again).';
        } else if (v.verdict === 'proved') {
          detail.textContent = `every interleaving${counts}: ${n(v.states)} states, ${n(v.transitions)} transitions, ${v.seconds?.toFixed?.(1) ?? '?'} s`;
        } else if (v.verdict === 'counterexample') {
          detail.textContent = v.shared
            ? `${plainKind(v.kind)}. From a shared link: the verdict the sharer saw (press Prove to run it again).`
            : `${plainKind(v.kind)}. Found after ${n(v.states)} states${counts}.`;
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = 'Show it';
          b.addEventListener('click', () => showVerdict(p, { focus: true }));
          card.append(b);
        } else {
          detail.textContent = `Too many states for this bound. Stop at the first lost completion, raise "Prove: max states", or try fewer CPUs or calls.`;
          const f = state.runForm;
          if (f && (f.submissions > 1 || f.submitters > 2)) {
            const fix = f.submissions > 1 ? { submissions: f.submissions - 1 } : { submitters: f.submitters - 1 };
            const b = document.createElement('button');
            b.type = 'button';
            b.textContent = fix.submissions ? `Prove with ${fix.submissions} call${fix.submissions > 1 ? 's' : ''} per CPU` : `Prove with ${fix.submitters} CPUs`;
            b.addEventListener('click', () => {
              writeForm(form, fix);
              form.elements.preset.value = 'custom';
              form.dispatchEvent(new Event('input'));
              prove();
            });
            card.append(b);
          }
        }
      }
      // The same exploration from the command line (the core writes the command).
      if (v && !v.shared && cfg) {
        const opts = { maxStates: state.proveMax, ...(state.proveStopOnCause ? { stopOnCause: true } : {}) };
        card.append(commandBlock(exploreCommand(cfg, opts)));
      }
      return card;
    }),
  );
}

/** The form values of a fit (what `writeForm` takes). */
const formValues = ({ changes, roots, problem, ...values }) => values;

/** Writes a fit into the form and proves it (the offered config starts; no second estimate). */
function proveFit(fit) {
  writeForm(form, formValues(fit));
  form.elements.preset.value = 'custom';
  form.dispatchEvent(new Event('input'));
  prove({ anyway: true });
}

/** Shows `message` at field `name`, with a button `label` that proves `fix` (if any); the field or null. */
function offerFix(name, message, fix, label) {
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

/** The pre-start estimate card, with a smaller config and "Prove anyway". */
function showEstimate(f, config, counts, combos, maxStates, est = null) {
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

/** Verdict summaries for a shared link: "legacy:counterexample:lockup:21,fixed:proved:36702". */
export function verdictsToParam() {
  if (!state.provePolicies?.length || state.proving) return null;
  const parts = state.provePolicies
    .filter((p) => state.verdicts[p])
    .map((p) => {
      const v = state.verdicts[p];
      return [p, v.verdict, v.kind ?? '', v.verdict === 'counterexample' ? v.steps : v.states].join(':');
    });
  return parts.length ? parts.join(',') : null;
}

/** Shows verdict cards from a shared link (no explorer run: the summary the sharer saw). */
export function verdictsFromParam(s) {
  const verdicts = {};
  for (const part of String(s).split(',')) {
    const [p, verdict, kind, num] = part.split(':');
    if (!['legacy', 'fixed', 'program'].includes(p) || !['proved', 'counterexample', 'boundReached'].includes(verdict)) continue;
    verdicts[p] = verdict === 'counterexample' ? { verdict, kind, steps: Number(num), shared: true } : { verdict, states: Number(num), shared: true };
  }
  const ps = Object.keys(verdicts);
  if (!ps.length) return;
  Object.assign(state, { provePolicies: ps, verdicts, exploreProgress: {}, proving: false, proveError: null, proveCounts: [] });
  renderVerdicts();
}
