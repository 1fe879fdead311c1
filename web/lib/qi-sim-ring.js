// The ring of <qi-sim> as SVG: slots coloured by desc_status, owner bands, free_head/free_tail/
// IQH/IQT pointers (one label block per slot), the q_lock owner. Part of <qi-sim> (qi-sim-view.js).
import { labelName } from './core.js';

const SVGNS = 'http://www.w3.org/2000/svg';
/** The ring's viewBox width; its text is sized in CSS by viewBox / drawn width (`--ring-k`). */
export const RING_WIDTH = 470;
// Dark enough for 4.5:1 on white and on the stuck row's pink.
export const ACTOR_COLORS = ['#1d4ed8', '#7e22ce', '#0f766e', '#9a3412', '#be185d', '#3f6212', '#155e75', '#854d0e'];
export const actorColor = (i) => ACTOR_COLORS[i % ACTOR_COLORS.length];
const STATUS_FILL = { QI_FREE: 'var(--free)', QI_IN_USE: 'var(--inuse)', QI_DONE: 'var(--done)', QI_ABORT: 'var(--abort)' };

function el(tag, attrs = {}, text) {
  const n = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text != null) n.textContent = text;
  return n;
}

function polar(cx, cy, r, a) {
  return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
}

function sector(cx, cy, r0, r1, a0, a1) {
  const [x0, y0] = polar(cx, cy, r1, a0);
  const [x1, y1] = polar(cx, cy, r1, a1);
  const [x2, y2] = polar(cx, cy, r0, a1);
  const [x3, y3] = polar(cx, cy, r0, a0);
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M${x0},${y0} A${r1},${r1} 0 ${large} 1 ${x1},${y1} L${x2},${y2} A${r0},${r0} 0 ${large} 0 ${x3},${y3} Z`;
}

/**
 * Draws the ring of `state` into a new <svg>. `changed`: slots touched by the current step;
 * `hwStar`: slots whose current status was written by hardware.
 */
export function renderRing(state, { changed = new Set(), hwStar = new Set(), stuck = new Set() } = {}) {
  // Room around the ring for the pointer labels (they must not be clipped on a phone).
  const W = RING_WIDTH;
  const H = 390;
  const cx = W / 2;
  const cy = H / 2;
  const n = state.qiLength;
  const r1 = 106;
  const r0 = n <= 16 ? 64 : n <= 64 ? 76 : 86;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'ring', role: 'img' });
  const holder = state.qLock;
  svg.setAttribute(
    'aria-label',
    `Ring of ${n} slots. free_head ${state.freeHead}, free_tail ${state.freeTail}, free_cnt ${state.freeCnt}, IQH ${state.iqh}, IQT ${state.iqt}, q_lock ${holder == null ? 'free' : 'T' + (holder + 1)}`,
  );
  const step = (2 * Math.PI) / n;
  const start = -Math.PI / 2 - step / 2;
  const angle = (i) => start + (i + 0.5) * step;
  const gap = n <= 64 ? 0.012 : 0;
  // Big rings: runs of slots with the same status and owner are drawn as one arc.
  const merge = n > 128;
  for (let i = 0; i < n; i++) {
    if (merge) {
      const status = state.descStatus[i];
      const owner = state.desc[i]?.label?.submitter ?? -1;
      let j = i + 1;
      while (
        j < n &&
        state.descStatus[j] === status &&
        (state.desc[j]?.label?.submitter ?? -1) === owner &&
        !changed.has(j) && !changed.has(i) && !stuck.has(j) && !stuck.has(i)
      ) j++;
      const a0 = start + i * step;
      const a1 = start + j * step;
      const g = el('g', { class: `slot${changed.has(i) ? ' changed' : ''}${stuck.has(i) ? ' stuck' : ''}` });
      g.append(el('title', {}, `slots ${i}${j - 1 > i ? '..' + (j - 1) : ''}: ${status}${owner >= 0 ? ` (T${owner + 1})` : ''}`));
      g.append(el('path', { d: sector(cx, cy, r0, r1, a0, a1), fill: STATUS_FILL[status] ?? '#ccc', class: 'cell' }));
      if (owner >= 0) g.append(el('path', { d: sector(cx, cy, r0, r0 + 5, a0, a1), fill: actorColor(owner), class: 'owner' }));
      svg.append(g);
      i = j - 1;
      continue;
    }
    const a0 = start + i * step + gap;
    const a1 = start + (i + 1) * step - gap;
    const status = state.descStatus[i];
    const d = state.desc[i] ?? { kind: 'empty' };
    const g = el('g', { class: `slot${changed.has(i) ? ' changed' : ''}${stuck.has(i) ? ' stuck' : ''}` });
    const title = el('title', {}, `slot ${i}: ${status}${d.label ? ' — ' + labelName(d.label, i) + ' (' + d.kind + ')' : ''}${hwStar.has(i) ? ' — written by hardware' : ''}`);
    g.append(title);
    g.append(el('path', { d: sector(cx, cy, r0, r1, a0, a1), fill: STATUS_FILL[status] ?? '#ccc', class: 'cell' }));
    if (d.label) {
      // Owner band on the inner edge.
      g.append(el('path', { d: sector(cx, cy, r0, r0 + 5, a0, a1), fill: actorColor(d.label.submitter), class: 'owner' }));
    }
    // Text is at least 11 px on screen, so it is drawn only where it fits: label and index up to
    // 12 slots, the index alone up to 24; the slot's title (and the timeline) name it always.
    if (n <= 24) {
      const [tx, ty] = polar(cx, cy, (r0 + r1) / 2 + 2, angle(i));
      const txt = d.label && n <= 12 ? labelName(d.label, i) : '';
      const star = hwStar.has(i) ? '*' : '';
      if (txt || star) g.append(el('text', { x: tx, y: ty, dy: n <= 12 ? '-0.5em' : '-0.6em', class: 'slot-label', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, txt + star));
      g.append(el('text', { x: tx, y: ty, dy: n <= 12 || star ? '0.7em' : '0', class: 'slot-index', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, String(i)));
    } else if (hwStar.has(i)) {
      const [tx, ty] = polar(cx, cy, (r0 + r1) / 2, angle(i));
      g.append(el('text', { x: tx, y: ty, class: 'slot-label', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, '*'));
    }
    svg.append(g);
  }
  // Pointers outside the ring, grouped per slot: software's free_tail/free_head, then the
  // hardware's IQH/IQT (one level further out when both point at the same slot).
  const ptrs = [
    { name: 'free_tail', short: 'tail', v: state.freeTail, hw: false, cls: 'p-tail' },
    { name: 'free_head', short: 'head', v: state.freeHead, hw: false, cls: 'p-head' },
    { name: 'IQH', short: 'IQH', v: state.iqh, hw: true, cls: 'p-iqh' },
    { name: 'IQT', short: 'IQT', v: state.iqt, hw: true, cls: 'p-iqt' },
  ];
  // One group per slot; software and hardware pointers on their own text lines, stacked away
  // from the ring, so labels of pointers that share a slot never overprint.
  const groups = new Map();
  for (const p of ptrs) {
    const key = p.v % n;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(p);
  }
  for (const [slot, g0] of groups) {
    const sw = g0.filter((p) => !p.hw);
    const hwp = g0.filter((p) => p.hw);
    const a = angle(slot);
    const base = r1 + 3;
    const g = el('g', { class: 'ptr-group' });
    g.append(el('title', {}, g0.map((p) => `${p.name} = ${p.v}`).join(', ')));
    const arrows = [];
    if (sw.length) arrows.push({ hw: false, len: 12 });
    if (hwp.length) arrows.push({ hw: true, len: sw.length ? 30 : 12 });
    for (const ar of arrows.slice().reverse()) {
      const tip = polar(cx, cy, base, a);
      const tail = polar(cx, cy, base + ar.len, a);
      const line = el('g', { class: `ptr ${ar.hw ? 'hw' : 'sw'}` });
      line.append(el('line', { x1: tail[0], y1: tail[1], x2: tip[0], y2: tip[1] }));
      line.append(el('circle', { cx: tip[0], cy: tip[1], r: 2.6 }));
      g.append(line);
    }
    const len = Math.max(...arrows.map((x) => x.len));
    const lab = polar(cx, cy, base + len + 6, a);
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const anchor = Math.abs(cos) < 0.35 ? 'middle' : cos > 0 ? 'start' : 'end';
    const lines = [sw, hwp].filter((x) => x.length);
    const lh = 1.25; // em: line height scales with the font
    // Top half: the block grows upwards; bottom half: downwards; sides: centred on the arrow.
    const up = sin < -0.35 ? (lines.length - 1) * lh : sin > 0.35 ? 0 : ((lines.length - 1) * lh) / 2;
    const t = el('text', { x: lab[0], y: lab[1], 'text-anchor': anchor, 'dominant-baseline': 'middle', class: 'ptr-label' });
    lines.forEach((ps, li) => {
      ps.forEach((p, i) => {
        const attrs = { class: p.cls };
        if (i === 0) Object.assign(attrs, { x: lab[0], dy: `${li ? lh : -up}em` });
        if (i) t.append(el('tspan', { class: 'sep' }, '='));
        t.append(el('tspan', attrs, p.short));
      });
    });
    g.append(t);
    svg.append(g);
  }
  // Centre: the lock owner.
  const lockText = holder == null ? 'free' : `T${holder + 1}`;
  svg.append(el('text', { x: cx, y: cy, dy: '-1.3em', class: 'centre-small', 'text-anchor': 'middle' }, 'q_lock'));
  svg.append(
    el(
      'text',
      { x: cx, y: cy, dy: '0.35em', class: 'centre-big', 'text-anchor': 'middle', fill: holder == null ? 'var(--muted)' : actorColor(holder) },
      lockText,
    ),
  );
  svg.append(el('text', { x: cx, y: cy, dy: '1.9em', class: 'centre-small', 'text-anchor': 'middle' }, `free_cnt ${state.freeCnt}`));
  return svg;
}
