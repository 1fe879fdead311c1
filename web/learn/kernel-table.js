// Section 4: is the stable kernel I run affected? One row per kernel preset of the 5.15, 6.1,
// 6.6 and 6.12 branches (from the core's `kernels()`), one column per kind of device-TLB
// time-out. Each row is the package's `kernelAnswer(version)`, computed here in a worker: the
// core explores the kernel's matrix row and answers with the same function that writes the
// first table of the repository's docs/kernels.md, so the page and the document cannot
// disagree. This module only draws the answers; "Re-run" asks again.
import { kernels } from '../lib/index.js';
import { showRun } from './embed.js';

const BRANCHES = ['5.15', '6.1', '6.6', '6.12'];

/** The kernel presets of the stable branches the article asks about, in the core's order. */
export function stablePresets() {
  return kernels(8).filter((k) => BRANCHES.some((b) => k.name === b || k.name.startsWith(`${b}.`)));
}

let worker = null;
let nextId = 0;
const waiting = new Map();
/** The core's answer for kernel `version` (in the worker). */
function ask(version) {
  if (!worker) {
    worker = new Worker(new URL('./answer-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e) => {
      const w = waiting.get(e.data.id);
      waiting.delete(e.data.id);
      if (e.data.error) w?.reject(new Error(e.data.error));
      else w?.resolve(e.data.answer);
    };
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, version });
  });
}

/** The core's Markdown-ish words (`ITE`, **hangs**) as DOM: backticks become <code>. */
function words(text) {
  return text.split('`').map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const c = document.createElement('code');
    c.textContent = part;
    return c;
  });
}

/** A "Show" button that loads the answer's run into the section's <qi-sim>. */
function showButton(kernel, a) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'show';
  b.textContent = 'Show';
  const title = `${kernel}, ${a.text.replace(/`/g, '')}`;
  b.setAttribute('aria-label', `Show ${title}`);
  b.addEventListener('click', async () => {
    const fig = document.getElementById('fig-kernel');
    fig.hidden = false;
    fig.dataset.claim = a.kinds.join(' ');
    fig.querySelector('.fig-title').textContent = title;
    await showRun(fig, { config: a.config, replay: a.replay, title, step: 'end' });
    fig.scrollIntoView({ block: 'start' });
    fig.querySelector('qi-sim').focus({ preventScroll: true });
  });
  return b;
}

function renderCell(td, kernel, a) {
  td.replaceChildren();
  td.dataset.hangs = String(a.hangs);
  td.dataset.kinds = a.kinds.join(' ');
  const head = document.createElement('strong');
  head.textContent = a.hangs ? 'hangs' : a.kinds.length ? 'no hang' : 'no finding';
  td.append(head);
  const rest = a.hangs ? `: ${a.text}` : a.text.replace(/^no hang; |^no finding$/, (m) => (m === 'no finding' ? '' : ': '));
  td.append(...words(rest));
  if (a.replay && a.config) td.append(' ', showButton(kernel, a));
}

/** Asks the core for a row's answer and draws it; returns the answer (or null). */
async function runRow(tr, k) {
  tr.dataset.state = 'running';
  const btn = tr.querySelector('button.rerun');
  btn.disabled = true;
  const tds = [...tr.querySelectorAll('td[data-time-out]')];
  for (const td of tds) td.textContent = 'exploring…';
  const t0 = performance.now();
  let answer = null;
  try {
    answer = await ask(k.name);
    label(answer);
    for (const a of answer.answers) renderCell(tr.querySelector(`td[data-time-out="${a.timeOut}"]`), k.name, a);
    tr.dataset.ms = String(Math.round(performance.now() - t0));
  } catch (e) {
    for (const td of tds) td.textContent = `could not explore: ${e?.message ?? e}`;
  } finally {
    btn.disabled = false;
    tr.dataset.runs = String(Number(tr.dataset.runs ?? 0) + 1);
    tr.dataset.state = 'done';
  }
  return answer;
}

/** Which presets hang under each kind of time-out, from the answers. */
function summarise(results, labels) {
  const box = document.getElementById('kernel-summary');
  box.replaceChildren();
  labels.forEach(([id, label]) => {
    const bad = [...results].filter(([, r]) => r?.answers.find((a) => a.timeOut === id)?.hangs).map(([k]) => k);
    const ok = [...results].filter(([, r]) => r && !r.answers.find((a) => a.timeOut === id)?.hangs).map(([k]) => k);
    const li = document.createElement('li');
    li.dataset.timeOut = id;
    li.append(...words(label), `: ${bad.length ? `hangs in ${bad.join(', ')}` : 'no preset hangs'}; ${ok.length ? `no hang in ${ok.join(', ')}` : 'every preset hangs'}.`);
    box.append(li);
  });
}

/** The time-out columns, by the core's ids (`TimeOut`); their headings come with the answers. */
const COLUMNS = [
  ['present', 'device present'],
  ['gone', 'device gone'],
  ['goneNoItesid', 'device gone, no ITESID'],
];

/** The headings in the core's words, from an answer. */
function label(answer) {
  for (const a of answer.answers) {
    const th = document.querySelector(`#kernel-table th[data-time-out="${a.timeOut}"]`);
    if (th && th.dataset.core !== 'true') {
      th.replaceChildren(...words(a.label));
      th.dataset.core = 'true';
    }
    const col = COLUMNS.find(([id]) => id === a.timeOut);
    if (col) col[1] = a.label;
  }
}

export async function setupKernelTable() {
  const table = document.getElementById('kernel-table');
  const head = table.querySelector('thead tr');
  for (const [id, label] of COLUMNS) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset.timeOut = id;
    th.append(...words(label));
    head.insertBefore(th, head.lastElementChild);
  }
  const tbody = table.querySelector('tbody');
  const results = new Map();
  const rows = [];
  for (const k of stablePresets()) {
    const tr = document.createElement('tr');
    tr.dataset.kernel = k.name;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = k.name;
    const facts = [k.range, k.policy, k.iteWalk === 'stride1' ? 'stride 1' : 'stride 2'].map((t) => {
      const td = document.createElement('td');
      td.textContent = t;
      return td;
    });
    const cells = COLUMNS.map(([id]) => {
      const td = document.createElement('td');
      td.dataset.timeOut = id;
      td.textContent = 'waiting…';
      return td;
    });
    const act = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'rerun';
    b.textContent = 'Re-run';
    b.setAttribute('aria-label', `Re-run the explorations of ${k.name}`);
    b.addEventListener('click', async () => {
      results.set(k.name, await runRow(tr, k));
      summarise(results, COLUMNS);
    });
    act.append(b);
    tr.append(th, ...facts, ...cells, act);
    tbody.append(tr);
    rows.push([tr, k]);
  }
  const t0 = performance.now();
  for (const [tr, k] of rows) results.set(k.name, await runRow(tr, k));
  summarise(results, COLUMNS);
  document.getElementById('kernel-status').textContent = `All ${rows.length} kernels answered in this page (a worker) in ${(Math.round(performance.now() - t0) / 1000).toFixed(1)} s.`;
  table.dataset.state = 'done';
}
