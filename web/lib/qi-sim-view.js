// What <qi-sim> draws (qi-sim.js owns the element, its scenario and its controls): the key of
// the timeline's marks, the column timeline (a window of rows around the current step in long
// runs), and each step's ring, submitters, controls and caption. Each function takes the element.
import { isHw } from './qi-sim-replay.js';
import { stepNumber } from './qi-sim-timeline.js';
import { renderRing, actorColor } from './qi-sim-ring.js';

/** The key of the timeline's marks (primes, ^n, *, (×N)), worded by the core. */
export function renderKey(el, m) {
  const key = el.$('.key');
  if (key.childElementCount || !m.timelineKey) return;
  const b = document.createElement('b');
  b.textContent = 'Key: ';
  key.append(b);
  for (const { mark, meaning } of m.timelineKey()) {
    const s = document.createElement('span');
    const c = document.createElement('code');
    c.textContent = mark;
    s.append(c, ` ${meaning}`);
    key.append(s);
  }
}

/** The timeline's head, one column per CPU and the hardware's (rows are drawn on demand). */
export function renderTimeline(el) {
  const cols = [...Array(el._submitters).keys()].map((i) => `T${i + 1}`).concat('HW');
  const thead = el.$('.tl thead');
  thead.innerHTML = '';
  const hr = document.createElement('tr');
  const th0 = document.createElement('th');
  th0.textContent = 'step';
  hr.append(th0);
  for (const [i, c] of cols.entries()) {
    const th = document.createElement('th');
    th.textContent = c;
    th.scope = 'col';
    th.style.color = c === 'HW' ? '#334155' : actorColor(i);
    hr.append(th);
  }
  thead.append(hr);
  // Many CPUs: keep columns readable and scroll sideways.
  el.$('.tl table').style.minWidth = `${3.2 + cols.length * 8.5}em`;
  el._cols = cols;
  el._win = null;
}

/** Renders timeline rows [start, end) (long runs show a window around the current step). */
function renderRows(el, start, end) {
  const cols = el._cols;
  const tbody = el.$('.tl tbody');
  tbody.replaceChildren();
  const frag = document.createDocumentFragment();
  const more = (n, where) => {
    const tr = document.createElement('tr');
    tr.className = 'more';
    const td = document.createElement('td');
    td.colSpan = cols.length + 1;
    td.textContent = `… ${n.toLocaleString()} ${where} steps (use the slider or Home/End)`;
    tr.append(td);
    return tr;
  };
  if (start > 0) frag.append(more(start, 'earlier'));
  for (let i = start; i < end; i++) {
    const r = el._rows[i];
    const tr = document.createElement('tr');
    tr.dataset.step = String(r.step);
    tr.dataset.actor = r.actor;
    const tdn = document.createElement('td');
    tdn.className = 'n';
    tdn.textContent = String(stepNumber(r.step));
    tr.append(tdn);
    const col = isHw(r.actor) ? cols.length - 1 : Number(r.actor.slice(1)) - 1;
    for (let c = 0; c < cols.length; c++) {
      const td = document.createElement('td');
      td.dataset.col = cols[c];
      let first = true;
      for (const p of r.parts) {
        if ((p.submitter ?? col) !== c) continue;
        const s = document.createElement('span');
        s.className = p.kind;
        if (p.title) s.title = p.title;
        if (p.faultPath) s.dataset.faultPath = p.faultPath;
        s.textContent = p.text;
        if (!first && p.kind !== 'finding') td.append('; ');
        td.append(s);
        first = false;
      }
      tr.append(td);
    }
    frag.append(tr);
  }
  if (end < el._rows.length) frag.append(more(el._rows.length - end, 'later'));
  tbody.append(frag);
  el._trs = [...tbody.querySelectorAll('tr[data-step]')];
  el._win = [start, end];
}

/** Draws the rows around step k, unless the drawn window already has them (or all rows). */
function ensureWindow(el, k) {
  const n = el._rows.length;
  const W = 600;
  if (n <= 2 * W) {
    if (!el._win) renderRows(el, 0, n);
    return;
  }
  const i = Math.max(0, k - 1 - (el._rows[0]?.step ?? 0));
  if (el._win && i >= el._win[0] + 50 && i < el._win[1] - 50) return;
  if (el._win && el._win[0] === 0 && i < el._win[1] - 50) return;
  if (el._win && el._win[1] === n && i >= el._win[0] + 50) return;
  const start = Math.max(0, Math.min(n - 2 * W, i - W));
  renderRows(el, start, Math.min(n, start + 2 * W));
}

/** Step `el._k`: the ring, the submitters, the timeline's current row, the controls, the caption. */
export function renderStep(el) {
  const k = el._k;
  const state = el._sim.state();
  const cur = el._rows[k - 1];
  // Slots whose current status was written by hardware (starred).
  const hwStar = new Set();
  for (const r of el._rows) {
    if (r.step >= k) break;
    for (const s of r.swSlots) hwStar.delete(s);
    for (const s of r.hwSlots) hwStar.add(s);
  }
  for (let i = 0; i < state.qiLength; i++) if (state.descStatus[i] !== 'QI_DONE') hwStar.delete(i);
  const stuck = new Set();
  for (const [sub, f] of el._stuck) if (k > f.step && f.slot != null) stuck.add(f.slot);
  const holder = el.$('.ring-holder');
  holder.replaceChildren(renderRing(state, { changed: new Set(cur?.slots ?? []), hwStar, stuck }));
  // Submitters.
  const tb = el.$('.subs tbody');
  tb.replaceChildren();
  state.submitters.forEach((s, i) => {
    const tr = document.createElement('tr');
    const f = el._stuck.get(i);
    const isStuck = f && k > f.step;
    if (isStuck) tr.className = 'stuck';
    const who = document.createElement('td');
    who.className = 'who';
    who.style.color = actorColor(i);
    who.textContent = `T${i + 1}`;
    if (s.holdsLock) {
      const lk = document.createElement('span');
      lk.className = 'lock';
      lk.textContent = 'q_lock';
      lk.title = 'holds q_lock';
      who.append(' ', lk);
    }
    const next = document.createElement('td');
    next.textContent = isStuck ? 'poll forever (lockup)' : s.stepName;
    const batch = document.createElement('td');
    const active = s.stepName !== 'finished' && s.stepName !== 'lock' && s.stepName !== 'check_space';
    batch.textContent = active ? `count ${s.count} @${s.index}` : s.submissionsDone < s.submissionsTotal ? `count ${s.count}` : '—';
    if (active) batch.title = `descriptors at slots ${s.index}.., wait descriptor at slot ${s.waitIndex}`;
    const calls = document.createElement('td');
    calls.textContent = `${s.submissionsDone}/${s.submissionsTotal}`;
    tr.append(who, next, batch, calls);
    tb.append(tr);
  });
  const hw = document.createElement('tr');
  hw.innerHTML = `<td class="who" style="color:#334155">HW</td><td></td><td></td><td></td>`;
  hw.children[1].textContent = state.iqh === state.iqt ? 'idle' : `fetch slot ${state.iqh}`;
  const bits = [[0x10, 'IQE'], [0x20, 'ICE'], [0x40, 'ITE']].filter(([b]) => (state.fsts ?? 0) & b).map(([, n]) => n);
  hw.children[2].textContent = `IQH ${state.iqh}, IQT ${state.iqt}${bits.length ? ` · FSTS ${bits.join('|')}` : ''}`;
  if (bits.length) {
    hw.children[1].textContent = state.iqh === state.iqt ? 'idle' : `stopped (${bits.join('|')})`;
    hw.className = 'fault';
  }
  tb.append(hw);
  // Timeline rows.
  ensureWindow(el, k);
  const off = el._win[0];
  el._trs.forEach((tr, idx) => {
    const s = el._rows[off + idx].step;
    tr.classList.toggle('future', s >= k);
    tr.classList.toggle('current', s === k - 1);
    if (s === k - 1) tr.setAttribute('aria-current', 'step');
    else tr.removeAttribute('aria-current');
  });
  const curTr = el._trs[k - 1 - (el._rows[0]?.step ?? 0) - off];
  const box = el.$('.tl');
  if (curTr) {
    const top = curTr.offsetTop;
    const head = 28;
    if (top - head < box.scrollTop || top + curTr.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 2);
    }
  } else if (k === 0) box.scrollTop = 0;
  // Controls.
  el.$('input[type=range]').value = String(k);
  el.$('input[type=range]').setAttribute('aria-valuetext', `step ${k} of ${el._n}`);
  el.$('.pos').textContent = `step ${k} / ${el._n}`;
  el.$('button[data-act=start]').disabled = k === 0;
  el.$('button[data-act=back]').disabled = k === 0;
  el.$('button[data-act=fwd]').disabled = k >= el._n;
  el.$('button[data-act=end]').disabled = k >= el._n;
  const cap = el.$('.caption');
  cap.replaceChildren();
  if (!cur) {
    cap.textContent = `Initial state: ring of ${state.qiLength} slots, all QI_FREE. ${el._n} steps recorded — press → or Play.`;
  } else {
    const b = document.createElement('b');
    b.textContent = `step ${stepNumber(cur.step)} · ${cur.actor}: `;
    cap.append(b, cur.parts.map((p) => p.text).join('; '));
    const fnd = el.findings.filter((f) => f.step === cur.step);
    for (const f of fnd) {
      const d = document.createElement('div');
      d.className = 'err';
      d.textContent = `${f.kind}: ${f.message}`;
      cap.append(d);
    }
  }
}
