// Loads a run into a <qi-sim> element of the article and checks what the core reports against
// what the paragraph beside it claims. The claim is written in the page (data-claim on the
// figure: finding kinds, "completed", or a fault path); a run the core no longer reports that
// way is shown as such, in place of the claim, never hidden.
import { faultPaths, findingKinds, stepNumber } from '../lib/index.js';

/** A step as <qi-sim> numbers it in its badge, caption and timeline (the package's `stepNumber`). */
export const shownStep = (index) => stepNumber(index);

let kindTable = null;
/** The core's finding kinds by name ({ severity, terminal, safety }). */
export function kindInfo(name) {
  kindTable ??= new Map(findingKinds().map((k) => [k.name, k]));
  return kindTable.get(name);
}

let pathTable = null;
/** The core's plain-words description of a fault path (F1…F6). */
export function pathText(id) {
  pathTable ??= new Map(faultPaths().map((p) => [p.id, p.description]));
  return pathTable.get(id) ?? '';
}

/** Distinct finding kinds of a run, in order. */
export const kindsOf = (findings) => [...new Set(findings.map((f) => f.kind))];

/**
 * Does the run confirm the claim? `claim`: { kinds?: [...], path?: 'F1', completed?: true }.
 * Returns '' when it does, else what differs in words.
 */
export function claimProblem(claim, el, outcome) {
  const kinds = kindsOf(el.findings);
  if (claim.completed) {
    if (kinds.length) return `the core reports ${kinds.join(', ')}`;
    if (outcome !== 'completed') return `the run ends ${outcome ?? 'unloaded'}, not completed`;
    return '';
  }
  for (const k of claim.kinds ?? []) if (!kinds.includes(k)) return `the core reports ${kinds.join(', ') || 'no finding'}, not ${k}`;
  if (claim.path && !el.findings.some((f) => f.faultPath === claim.path)) {
    return `no finding is on fault path ${claim.path} (${el.findings.map((f) => f.faultPath ?? 'none').join(', ')})`;
  }
  return '';
}

/** The claim written on a figure: data-claim="lockup lostCompletion", "completed", data-path="F1". */
export function claimOf(figure) {
  const words = (figure.dataset.claim ?? '').split(/\s+/).filter(Boolean);
  return {
    completed: words.includes('completed'),
    kinds: words.filter((w) => w !== 'completed'),
    path: figure.dataset.path || null,
  };
}

/**
 * Loads `scenario` into the figure's <qi-sim>, then writes the core's findings into the
 * figure's `.verdict` line and sets `data-status` (confirmed | differs | error) on the figure.
 */
export async function showRun(figure, scenario) {
  const el = figure.querySelector('qi-sim');
  const line = figure.querySelector('.verdict');
  figure.dataset.status = 'loading';
  let outcome = null;
  const ready = (e) => (outcome = e.detail.outcome.kind);
  el.addEventListener('qi-sim-ready', ready);
  try {
    await el.load(scenario);
  } catch (e) {
    figure.dataset.status = 'error';
    if (line) line.textContent = `This run could not be loaded: ${e?.message ?? e}`;
    return el;
  } finally {
    el.removeEventListener('qi-sim-ready', ready);
  }
  figure.dataset.outcome = outcome ?? '';
  if (el.shadowRoot.querySelector('.wrap.failed')) {
    figure.dataset.status = 'error';
    if (line) line.textContent = el.shadowRoot.querySelector('.errbox').textContent;
    return el;
  }
  const problem = claimProblem(claimOf(figure), el, outcome);
  figure.dataset.status = problem ? 'differs' : 'confirmed';
  if (line) {
    line.replaceChildren();
    const b = document.createElement('strong');
    b.textContent = problem ? 'The core disagrees with this paragraph: ' : 'The core reports: ';
    line.append(b, problem || describeFindings(el.findings));
    line.classList.toggle('bad', Boolean(problem));
  }
  return el;
}

/** The findings of a run in words: kind (fault path and its description), in order. */
export function describeFindings(findings) {
  if (!findings.length) return 'no finding; every call returned.';
  return findings
    .map((f) => {
      const p = f.faultPath ? ` on fault path ${f.faultPath} (${pathText(f.faultPath)})` : '';
      return `${f.kind} at step ${shownStep(f.step)}${p}`;
    })
    .join('; ') + '.';
}
