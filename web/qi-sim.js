// <qi-sim>: a self-contained web component that runs one qisim scenario and shows it step by
// step — the column timeline (one column per actor, hardware writes starred) next to an animated
// ring (slots coloured by desc_status, free_head/free_tail/IQH/IQT, q_lock owner, each
// submitter's next step). Step back re-simulates from the start (runs are deterministic).
//
//   <script type="module" src="/path/to/qi-sim.js"></script>
//   <qi-sim policy="legacy" preset="seed" seed="1"></qi-sim>
//
// Attributes: policy (legacy|fixed), preset (seed|small|mix8|faultStorm), seed (number), replay (a q1:
// string; default for preset "seed" is the schedule of the fix's commit message), scheduler
// ("random" to ignore the preset's recorded schedule), step (initial step, or "end"), heading.
// Property: `scenario = { config, replay?, title?, step? }` loads an exact config (the playground
// uses this). The wasm package is loaded from ./pkg/qisim_wasm.js next to this file.

import { PRESETS } from './presets.js';

const PKG_URL = new URL('./pkg/qisim_wasm.js', import.meta.url).href;
let wasmPromise = null;

/** Loads and initialises the wasm package once (shared by every <qi-sim> and the playground). */
export function loadQisim() {
  wasmPromise ??= import(PKG_URL).then(async (m) => {
    await m.default();
    return m;
  });
  return wasmPromise;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** The canonical lockup of DESIGN.md section 5 (and the schedule under the fix). */
export const CANONICAL_REPLAY = { legacy: 'q1:a6b6H3a5b2', fixed: 'q1:a6b6H3a5b5' };

/** The seed scenario: T1 submits one descriptor, T2 a wait descriptor alone; ring of 8. */
export function seedScenarioConfig(policy = 'legacy') {
  return {
    qiLength: 8,
    submitters: 2,
    perSubmitter: [
      { submissions: 1, batch: { kind: 'fixed', count: 1 } },
      { submissions: 1, batch: { kind: 'fixed', count: 0 } },
    ],
    policy,
    scheduler: { kind: 'replay', choices: CANONICAL_REPLAY[policy] ?? CANONICAL_REPLAY.legacy },
    watchdog: 0,
  };
}

/** Hunt configs of the presets (policy and seed are set by the caller); from web/presets.js. */
export const PRESET_CONFIGS = Object.fromEntries(Object.entries(PRESETS).map(([k, p]) => [k, p.config]));

/** An attribute error: names the attribute and what it may be, in plain words. */
function attrError(name, value, allowed) {
  return new Error(`attribute ${name}="${value}" is not allowed: ${allowed}`);
}

/** The scenario an element's attributes describe; throws an Error naming a bad attribute. */
export function scenarioFromAttributes(el) {
  const policyAttr = el.getAttribute('policy');
  if (policyAttr != null && policyAttr !== 'legacy' && policyAttr !== 'fixed') {
    throw attrError('policy', policyAttr, 'use "legacy" or "fixed" (lower case)');
  }
  const policy = policyAttr ?? 'legacy';
  const preset = el.getAttribute('preset') || 'seed';
  const names = ['seed', 'small', ...Object.keys(PRESETS).filter((k) => k !== 'seed')];
  if (!names.includes(preset)) throw attrError('preset', preset, `use one of ${names.join(', ')}`);
  const seedAttr = el.getAttribute('seed');
  let seed = 0;
  if (seedAttr != null && seedAttr !== '') {
    if (!/^\d+$/.test(seedAttr.trim()) || !Number.isSafeInteger(Number(seedAttr))) {
      throw attrError('seed', seedAttr, 'use a whole number from 0 to 9,007,199,254,740,991');
    }
    seed = Number(seedAttr);
  }
  const schedAttr = el.getAttribute('scheduler');
  if (schedAttr != null && schedAttr !== 'random') throw attrError('scheduler', schedAttr, 'use "random" or leave it out');
  const stepAttr = el.getAttribute('step');
  if (stepAttr != null && stepAttr !== 'end' && !/^\d+$/.test(stepAttr.trim())) {
    throw attrError('step', stepAttr, 'use a step number (0 or more) or "end"');
  }
  const replay = el.getAttribute('replay');
  if (replay) {
    try {
      parseReplay(replay);
    } catch (e) {
      throw attrError('replay', replay, e.message.replace(/^replay: /, ''));
    }
  }
  const random = schedAttr === 'random';
  let config;
  if (preset === 'seed') config = seedScenarioConfig(policy);
  else if (preset === 'small') config = structuredClone(PRESETS.seed.config);
  else config = structuredClone(PRESETS[preset].config);
  config.policy = policy;
  config.seed = seed;
  if (replay) config.scheduler = { kind: 'replay', choices: replay };
  else if (random) config.scheduler = { kind: 'random' };
  const title =
    el.getAttribute('heading') ??
    (preset === 'seed' && !replay && !random
      ? `The commit message's schedule — ${policy} policy`
      : `${preset} scenario, ${policy} policy, seed ${config.seed}`);
  return { config, title };
}

// ---------------------------------------------------------------------------------------------
// Replay strings (format q1, see core/src/replay.rs)

// Hardware tokens: the engine, and the engine taking a faulting step (fault injection).
// F: hardware fetches one descriptor ahead without completing it; G: an ITE whose device is gone
// (both from newer cores; decoding them here costs nothing on older ones).
const FAULT_TOKENS = { H: 'HW', E: 'HW:IQE', T: 'HW:ITE', C: 'HW:ICE', F: 'HW:fetch', G: 'HW:GONE' };

/** True for the hardware engine's actors ("HW", "HW:ITE", ...). */
export const isHw = (actor) => String(actor).startsWith('HW');

/** Decodes a replay string into actor names ("T1", "HW", "HW:ITE", ...). */
export function parseReplay(s) {
  if (!s.startsWith('q1:')) throw new Error('replay: must start with q1:');
  const out = [];
  const re = /\s*([HETCFG]|[a-z]|\{(\d+)\})(\d*)/y;
  let i = 3;
  while (i < s.length) {
    if (/\s/.test(s[i])) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error(`replay: unexpected "${s[i]}" at ${i}`);
    const actor =
      FAULT_TOKENS[m[1]] ?? (m[2] != null ? `T${Number(m[2]) + 1}` : `T${m[1].charCodeAt(0) - 96}`);
    const n = m[3] ? Number(m[3]) : 1;
    for (let k = 0; k < n; k++) out.push(actor);
    i = re.lastIndex;
  }
  return out;
}

/** Encodes actor names into the canonical replay string. */
export function encodeReplay(actors) {
  let s = 'q1:';
  for (let i = 0; i < actors.length; ) {
    let j = i;
    while (j < actors.length && actors[j] === actors[i]) j++;
    const a = actors[i];
    const n = Number(a.slice(1)) - 1;
    const hw = Object.keys(FAULT_TOKENS).find((k) => FAULT_TOKENS[k] === a);
    s += hw ?? (n < 26 ? String.fromCharCode(97 + n) : `{${n}}`);
    if (j - i > 1) s += String(j - i);
    i = j;
  }
  return s;
}

/** The first `steps` choices of a replay string. */
export function cutReplay(s, steps) {
  return encodeReplay(parseReplay(s).slice(0, steps));
}

// ---------------------------------------------------------------------------------------------
// Trace → per-step timeline rows

/**
 * Trace events as camelCase objects (the core's enum fields may arrive in snake_case:
 * `free_cnt`, `wait_index`; both spellings are accepted).
 */
export function camelize(v) {
  if (Array.isArray(v)) return v.map(camelize);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())] = camelize(x);
    return o;
  }
  return v;
}

const FAULT = { '0': '0', '-11': '-EAGAIN', '-22': '-EINVAL' };
const errno = (rc) => FAULT[String(rc)] ?? String(rc);

/** Timeline name of a descriptor label (ID1, WD2, ID1b, WD1' ...), as core's Label::name. */
export function labelName(l, slot) {
  if (!l) return `slot${slot}`;
  const t = l.submitter + 1;
  let s;
  if (l.part === l.count) s = `WD${t}`;
  else if (l.count === 1) s = `ID${t}`;
  else if (l.part < 26) s = `ID${t}${String.fromCharCode(97 + l.part)}`;
  else s = `ID${t}.${l.part}`;
  if (l.attempt === 1) s += "'";
  else if (l.attempt === 2) s += "''";
  else if (l.attempt > 2) s += `^${l.attempt + 1}`;
  return s;
}

const camel = (k) => k.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase());

/**
 * Groups trace events by step: [{step, actor, parts:[{text, kind}], slots:Set, hwSlots:Set}].
 * kind is "op", "hw" (a hardware status write, starred) or "finding".
 */
export function stepRows(events) {
  const rows = [];
  const names = new Map(); // slot -> name of the descriptor last written there
  const ownWait = new Map(); // actor -> its current wait descriptor's name (what it polls)
  let i = 0;
  while (i < events.length) {
    const step = events[i].step;
    let j = i;
    while (j < events.length && events[j].step === step) j++;
    const evs = events.slice(i, j);
    const row = { step, actor: evs[0].actor, parts: [], slots: new Set(), hwSlots: new Set(), swSlots: new Set() };

    for (const ev of evs) if (ev.op === 'status') (ev.hw ? row.hwSlots : row.swSlots).add(ev.slot);
    const name = (slot) => names.get(slot) ?? `slot${slot}`;
    for (let k = 0; k < evs.length; k++) {
      const ev = evs[k];
      // Status changes that belong to a write/mark/reclaim summary.
      const following = () => {
        const out = [];
        while (k + 1 < evs.length && evs[k + 1].op === 'status') out.push(evs[++k]);
        return out;
      };
      switch (ev.op) {
        case 'lock':
          row.parts.push({ text: ev.handoff ? 'lock (hand-off)' : 'lock', kind: 'op' });
          break;
        case 'checkSpace':
          row.parts.push({
            text: ev.ok ? `check space: ${ev.freeCnt} ≥ ${ev.need}` : `no space (${ev.freeCnt} < ${ev.need})`,
            kind: 'op',
          });
          break;
        case 'write': {
          const st = following();
          for (const s of st) {
            if (s.label) names.set(s.slot, labelName(s.label, s.slot));
            if (s.label && s.label.part === s.label.count) ownWait.set(ev.actor, labelName(s.label, s.slot));
            row.slots.add(s.slot);
          }
          row.parts.push({ text: `write ${st.map((s) => labelName(s.label, s.slot)).join(',')}`, kind: 'op' });
          break;
        }
        case 'doorbell':
          row.parts.push({ text: `IQT = ${ev.iqt}`, kind: 'op' });
          break;
        case 'poll': {
          // Name the poller's own wait descriptor; if its slot was freed and reused, say what
          // the slot holds now (the finding names the same wait descriptor).
          const here = name(ev.waitIndex);
          const own = ownWait.get(ev.actor);
          const n = own && own !== here ? `${own} (slot ${ev.waitIndex}, reused by ${here})` : here;
          let t;
          if (ev.done) t = `poll: ${n} done`;
          else if (ev.status === 'QI_IN_USE') t = `poll: ${n} not done`;
          else t = `poll: ${n} is ${ev.status}`;
          row.parts.push({ text: t, kind: 'op' });
          row.slots.add(ev.waitIndex);
          break;
        }
        case 'unlock':
          row.parts.push({ text: 'unlock', kind: 'op' });
          break;
        case 'mark':
        case 'reclaim': {
          const st = following();
          const byAfter = new Map();
          for (const s of st) {
            row.slots.add(s.slot);
            const n = labelName(s.label, s.slot);
            if (!byAfter.has(s.after)) byAfter.set(s.after, []);
            byAfter.get(s.after).push(n);
          }
          let t;
          if (byAfter.size === 0) {
            t = ev.op === 'mark' ? 'mark (nothing)' : ev.from !== ev.to ? `reclaim: free_tail ${ev.from} → ${ev.to}` : 'reclaim: nothing';
          } else {
            t = [...byAfter]
              .map(([after, ns]) => (ev.op === 'mark' ? `mark ${ns.join(',')} ${after}` : `reclaim: ${ns.join(',')} → ${after}`))
              .join('; ');
          }
          row.parts.push({ text: t, kind: 'op' });
          break;
        }
        case 'return':
          row.parts.push({ text: `return ${errno(ev.rc)}`, kind: 'op' });
          break;
        case 'hwInv':
          row.parts.push({ text: `${labelName(ev.label, ev.slot)} done`, kind: 'op' });
          row.slots.add(ev.slot);
          break;
        case 'hwWait':
          if (ev.label && !names.has(ev.slot)) names.set(ev.slot, labelName(ev.label, ev.slot));
          row.slots.add(ev.slot);
          if (!(k + 1 < evs.length && evs[k + 1].op === 'status' && evs[k + 1].hw)) {
            row.parts.push({ text: `fetch ${labelName(ev.label, ev.slot)}`, kind: 'op' });
          }
          break;
        case 'status':
          if (ev.label) names.set(ev.slot, labelName(ev.label, ev.slot));
          row.slots.add(ev.slot);
          if (ev.hw) {
            row.hwSlots.add(ev.slot);
            row.parts.push({ text: `${labelName(ev.label, ev.slot)} = ${ev.after}*`, kind: 'hw' });
          } else {
            row.parts.push({ text: `slot ${ev.slot}: ${ev.before} → ${ev.after}`, kind: 'op' });
          }
          break;
        case 'finding':
          row.parts.push({ text: `!! ${ev.kind}`, kind: 'finding', title: ev.message, finding: ev.kind });
          break;
        case 'hwFault': {
          const n = labelName(ev.label, ev.slot);
          const f = String(ev.fault).toUpperCase();
          row.slots.add(ev.slot);
          row.parts.push({
            text: f === 'IQE' ? `${n}: IQE, stop*` : f === 'ITE' ? `${n}: time-out, ITE, stop*` : `ICE on ${n}*`,
            kind: 'fault',
          });
          break;
        }
        case 'checkFault':
          row.parts.push({ text: `qi_check_fault → ${errno(ev.rc)}`, kind: 'op' });
          break;
        case 'iqeRepair':
          row.slots.add(ev.slot);
          row.parts.push({ text: `IQE: slot ${ev.slot} := copy of ${name(ev.waitIndex)}; clear IQE`, kind: 'op' });
          break;
        case 'iteWalk': {
          const st = following();
          for (const x of st) row.slots.add(x.slot);
          const aborted = st.filter((x) => x.after === 'QI_ABORT').map((x) => labelName(x.label, x.slot));
          row.parts.push({
            text: `clear ITE; walk ${ev.from} → ${ev.to} step −${ev.stride}${aborted.length ? `: ${aborted.join(',')} → QI_ABORT` : ''}${ev.terminated === false ? ' (loops!)' : ''}`,
            kind: ev.terminated === false ? 'fault' : 'op',
          });
          break;
        }
        case 'clearIce':
          row.parts.push({ text: 'clear ICE', kind: 'op' });
          break;
        default: {
          // Ops this page does not know yet (newer cores): name and fields.
          const extra = Object.entries(ev)
            .filter(([k, v]) => !['step', 'actor', 'op'].includes(k) && v != null && typeof v !== 'object')
            .map(([k, v]) => `${k} ${v}`)
            .join(', ');
          row.parts.push({ text: `${camel(String(ev.op))}${extra ? ` (${extra})` : ''}`, kind: 'op' });
          if (typeof ev.slot === 'number') row.slots.add(ev.slot);
        }
      }
    }
    rows.push(row);
    i = j;
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Ring rendering (SVG)

const SVGNS = 'http://www.w3.org/2000/svg';
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
  const W = 470;
  const H = 390;
  const cx = W / 2;
  const cy = H / 2;
  const n = state.qiLength;
  const r1 = 118;
  const r0 = n <= 16 ? 76 : n <= 64 ? 88 : 98;
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
    if (n <= 32) {
      const [tx, ty] = polar(cx, cy, (r0 + r1) / 2 + 2, angle(i));
      const txt = d.label ? labelName(d.label, i) : '';
      g.append(el('text', { x: tx, y: ty - 5, class: 'slot-label', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, txt + (hwStar.has(i) ? '*' : '')));
      g.append(el('text', { x: tx, y: ty + 9, class: 'slot-index', 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, String(i)));
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
    if (hwp.length) arrows.push({ hw: true, len: sw.length ? 38 : 12 });
    for (const ar of arrows.slice().reverse()) {
      const tip = polar(cx, cy, base, a);
      const tail = polar(cx, cy, base + ar.len, a);
      const line = el('g', { class: `ptr ${ar.hw ? 'hw' : 'sw'}` });
      line.append(el('line', { x1: tail[0], y1: tail[1], x2: tip[0], y2: tip[1] }));
      line.append(el('circle', { cx: tip[0], cy: tip[1], r: 2.6 }));
      g.append(line);
    }
    const len = Math.max(...arrows.map((x) => x.len));
    const lab = polar(cx, cy, base + len + 8, a);
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const anchor = Math.abs(cos) < 0.35 ? 'middle' : cos > 0 ? 'start' : 'end';
    const lines = [sw, hwp].filter((x) => x.length);
    const lh = 14;
    // Top half: the block grows upwards; bottom half: downwards; sides: centred on the arrow.
    const y0 = sin < -0.35 ? lab[1] - (lines.length - 1) * lh : sin > 0.35 ? lab[1] : lab[1] - ((lines.length - 1) * lh) / 2;
    const t = el('text', { x: lab[0], y: y0, 'text-anchor': anchor, 'dominant-baseline': 'middle', class: 'ptr-label' });
    lines.forEach((ps, li) => {
      ps.forEach((p, i) => {
        const attrs = { class: p.cls };
        if (i === 0) Object.assign(attrs, { x: lab[0], y: y0 + li * lh });
        if (i) t.append(el('tspan', { class: 'sep' }, '='));
        t.append(el('tspan', attrs, p.short));
      });
    });
    g.append(t);
    svg.append(g);
  }
  // Centre: the lock owner.
  const lockText = holder == null ? 'free' : `T${holder + 1}`;
  svg.append(el('text', { x: cx, y: cy - 17, class: 'centre-small', 'text-anchor': 'middle' }, 'q_lock'));
  svg.append(
    el(
      'text',
      { x: cx, y: cy + 6, class: 'centre-big', 'text-anchor': 'middle', fill: holder == null ? 'var(--muted)' : actorColor(holder) },
      lockText,
    ),
  );
  svg.append(el('text', { x: cx, y: cy + 22, class: 'centre-small', 'text-anchor': 'middle' }, `free_cnt ${state.freeCnt}`));
  return svg;
}

// ---------------------------------------------------------------------------------------------
// The element

const STYLE = `
:host { display: block; --free: #e8eaee; --inuse: #f5b544; --done: #8fd6a0; --abort: #f6a29b;
  --fg: #1b1f24; --muted: #667085; --line: #d5d9e0; --bg: #fff; --accent: #2563eb; --hl: #fff6d6;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
:host(:focus-visible) { outline: 3px solid var(--accent); outline-offset: 3px; border-radius: 8px; }
.wrap { border: 1px solid var(--line); border-radius: 8px; background: var(--bg); padding: 12px 14px; }
header { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: baseline; justify-content: space-between; }
h3 { margin: 0; font-size: 15px; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 999px; background: #eef2f7; color: #334155; }
.badge.bad { background: #fde8e6; color: #a3261b; }
.badge.good { background: #e3f4e7; color: #17663a; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 10px 0 8px; }
button { font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 6px; border: 1px solid var(--line);
  background: #f8fafc; color: var(--fg); cursor: pointer; min-width: 34px; }
button:hover:not(:disabled) { background: #eef2f7; }
button:disabled { opacity: .45; cursor: default; }
button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
input[type=range] { flex: 1 1 140px; min-width: 100px; accent-color: var(--accent); }
.pos { font-variant-numeric: tabular-nums; font-size: 13px; color: var(--muted); min-width: 92px; }
.wrap { container-type: inline-size; }
.body { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; align-items: start; }
.ringbox { display: grid; grid-template-columns: minmax(230px, 320px) minmax(0, 1fr); gap: 12px; align-items: start; }
@container (min-width: 1100px) {
  .body { grid-template-columns: 640px minmax(0, 1fr); }
}
@container (max-width: 520px) { .ringbox { grid-template-columns: minmax(0, 1fr); } .ring-holder { max-width: 420px; margin: 0 auto; } }
.ringbox > * { min-width: 0; }
.side { min-width: 0; }
button svg { vertical-align: -2px; }
button span { margin-left: 4px; }
.lock { font-size: 10px; font-weight: 600; color: #fff; background: #334155; border-radius: 4px; padding: 0 4px; }
.ringbox svg { width: 100%; height: auto; display: block; }
.ring .cell { stroke: #fff; stroke-width: 1; }
.ring .changed .cell { stroke: #111; stroke-width: 2.2; }
.ring .stuck .cell { stroke: #a3261b; stroke-width: 3; stroke-dasharray: 4 2; }
.ring .slot-label { font: 600 10.5px ui-monospace, SFMono-Regular, Menlo, monospace; fill: #1b1f24; }
.ring .slot-index { font: 600 9.5px ui-monospace, monospace; fill: #1b1f24; }
.ring .done-mark { font: 700 9px ui-monospace, monospace; fill: #1b1f24; }
.ring { overflow: visible; }
.ring .ptr line { stroke-width: 2; stroke: #344054; }
.ring .ptr circle { fill: #344054; }
.ring .ptr.hw line { stroke: #92400e; } .ring .ptr.hw circle { fill: #92400e; }
.ring .ptr-label { font: 700 10.5px ui-monospace, monospace; }
.ring .ptr-label .sep { fill: #5b6472; }
.ring .p-head { fill: #1d4ed8; } .ring .p-tail { fill: #7c3aed; }
.ring .p-iqt { fill: #b45309; } .ring .p-iqh { fill: #0f766e; }
.ring .centre-big { font: 700 22px system-ui, sans-serif; }
.ring .centre-small { font: 11px ui-monospace, monospace; fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 11.5px; color: var(--muted); margin: 4px 0 8px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; }
.subs { font-size: 12.5px; }
.side { overflow-x: auto; }
.subs th, .subs td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
.subs th { font-weight: 600; color: var(--muted); font-size: 11.5px; }
.subs .who { font-weight: 700; }
.subs .stuck td { background: #fde8e6; }
.subs .fault td { background: #fff1e0; }
.tl { max-height: var(--qi-sim-timeline-height, 420px); overflow: auto; border: 1px solid var(--line); border-radius: 6px; position: relative; }
.tl table { table-layout: fixed; }
.tl th:first-child { width: 3.2em; }
.tl table { font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.tl th { position: sticky; top: 0; background: #f3f5f8; text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); z-index: 1; }
.tl td { padding: 2px 8px; vertical-align: top; border-bottom: 1px solid #f1f3f6; }
.tl td.n { color: var(--muted); text-align: right; width: 2.5em; }
.tl tr.future td { color: #5b6472; background: #fafbfc; }
.tl tr.future td span { color: inherit; }
.tl tr.current td { background: var(--hl); }
.tl tr.current td.n { box-shadow: inset 3px 0 0 var(--accent); }
.tl tr { cursor: pointer; }
.tl tr.more td { color: var(--muted); font-style: italic; text-align: center; cursor: default; }
.tl .hw { color: #0f5132; font-weight: 600; }
.tl .fault { color: #b45309; font-weight: 600; }
.tl .finding { color: #b42318; font-weight: 700; display: block; }
.caption { min-height: 1.4em; margin: 8px 0 0; font-size: 13px; }
.caption b { font-weight: 600; }
details { margin-top: 8px; font-size: 12.5px; }
summary { cursor: pointer; color: var(--muted); }
pre { font: 11.5px/1.35 ui-monospace, Menlo, monospace; overflow: auto; background: #f8fafc; padding: 8px; border-radius: 6px; }
.err { color: #b42318; white-space: pre-wrap; }
.errbox { margin: 8px 0 0; padding: 8px 10px; border-radius: 6px; background: #fde8e6; color: #8a1c12; font-weight: 600; }
.wrap.failed .controls, .wrap.failed .body, .wrap.failed details { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;

const svgIcon = (d) =>
  `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path d="${d}" fill="currentColor"/></svg>`;
const ICON = {
  start: svgIcon('M3 2h2v12H3zM14 2v12L6 8z'),
  back: svgIcon('M12 2v12L4 8z'),
  play: svgIcon('M4 2v12l10-6z'),
  pause: svgIcon('M3 2h4v12H3zM9 2h4v12H9z'),
  fwd: svgIcon('M4 2v12l8-6z'),
  end: svgIcon('M11 2h2v12h-2zM2 2v12l8-6z'),
};

const TEMPLATE = `
<div class="wrap">
  <header><h3 part="title"></h3><span class="badge" part="outcome"></span></header>
  <p class="errbox" role="alert" part="error" hidden></p>
  <div class="controls" role="group" aria-label="Step controls">
    <button type="button" data-act="start" title="First step (Home)" aria-label="Go to start">${ICON.start}</button>
    <button type="button" data-act="back" title="Step back (←)" aria-label="Step back">${ICON.back}</button>
    <button type="button" data-act="play" title="Play / pause (space)" aria-label="Play">${ICON.play}<span>Play</span></button>
    <button type="button" data-act="fwd" title="Step forward (→)" aria-label="Step forward">${ICON.fwd}</button>
    <button type="button" data-act="end" title="Last step (End)" aria-label="Go to end">${ICON.end}</button>
    <input type="range" min="0" value="0" aria-label="Step">
    <span class="pos" aria-hidden="true"></span>
    <button type="button" data-act="copy" title="Copy the replay string">Copy replay</button>
  </div>
  <div class="body">
    <div class="ringbox">
      <div class="ring-holder"></div>
      <div class="side" tabindex="0" role="group" aria-label="CPU and hardware state">
      <div class="legend"><span><i style="background:var(--free)"></i>QI_FREE</span><span><i style="background:var(--inuse)"></i>QI_IN_USE</span><span><i style="background:var(--done)"></i>QI_DONE</span><span><i style="background:var(--abort)"></i>QI_ABORT</span><span>* hardware write</span></div>
      <table class="subs"><thead><tr><th>CPU</th><th>next step</th><th>batch</th><th>calls</th></tr></thead><tbody></tbody></table>
      <p class="caption" aria-live="polite"></p>
      </div>
    </div>
    <div>
      <div class="tl" tabindex="0" aria-label="Timeline: one column per actor, one row per step"><table><thead></thead><tbody></tbody></table></div>
    </div>
  </div>
  <details><summary>Text timeline (as in the fix's commit message)</summary><pre class="text"></pre></details>
</div>`;

export class QiSim extends HTMLElement {
  static get observedAttributes() {
    return ['policy', 'preset', 'seed', 'replay', 'scheduler'];
  }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.shadowRoot.innerHTML = `<style>${STYLE}</style>${TEMPLATE}`;
    this._k = 0;
    this._n = 0;
    this._rows = [];
    this._timer = null;
    this._sim = null;
    this._loadToken = 0;
    this._scenario = null;
    const $ = (s) => this.shadowRoot.querySelector(s);
    this.$ = $;
    this.shadowRoot.querySelector('.controls').addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      const act = b.dataset.act;
      if (act === 'start') this.goto(0);
      else if (act === 'back') this.goto(this._k - 1);
      else if (act === 'fwd') this.goto(this._k + 1);
      else if (act === 'end') this.goto(this._n);
      else if (act === 'play') this.toggle();
      else if (act === 'copy') this.copyReplay();
    });
    $('input[type=range]').addEventListener('input', (e) => this.goto(Number(e.target.value)));
    $('.tl tbody').addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-step]');
      if (tr) this.goto(Number(tr.dataset.step) + 1);
    });
    this.addEventListener('keydown', (e) => this._onKey(e));
  }

  connectedCallback() {
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'qisim step-by-step run: arrow keys step, space plays');
    if (!this._scenario) this._fromAttributes();
  }

  disconnectedCallback() {
    this.pause();
  }

  attributeChangedCallback() {
    if (this.isConnected && this._fromAttrs) this._fromAttributes();
  }

  _fromAttributes() {
    this._fromAttrs = true;
    try {
      const sc = scenarioFromAttributes(this);
      const stepAttr = this.getAttribute('step');
      sc.step = stepAttr === 'end' || stepAttr == null ? 'end' : Number(stepAttr);
      this._load(sc);
    } catch (e) {
      this._error(e);
    }
  }

  /** Loads `{config, replay?, title?, step?}`; resolves when rendered. */
  set scenario(sc) {
    this._fromAttrs = false;
    this._load(sc);
  }

  get scenario() {
    return this._scenario;
  }

  load(sc) {
    this._fromAttrs = false;
    return this._load(sc);
  }

  /** Settles once the current scenario is rendered. */
  get ready() {
    return this._ready ?? Promise.resolve();
  }

  get step() {
    return this._k;
  }
  get steps() {
    return this._n;
  }
  get replay() {
    return this._replay ?? '';
  }
  get findings() {
    return this._report?.findings ?? [];
  }
  get timelineText() {
    return this._text ?? '';
  }

  _load(sc) {
    const token = ++this._loadToken;
    this.pause();
    this._scenario = sc;
    this._ready = loadQisim()
      .then((m) => {
        if (token !== this._loadToken) return;
        this._init(m, sc);
      })
      .catch((e) => {
        if (token === this._loadToken) this._error(e);
      });
    return this._ready;
  }

  _error(e) {
    // Visible at the top, in place of the run: a bad attribute or config never shows a default.
    const box = this.$('.errbox');
    box.textContent = `qi-sim: ${e?.message ?? e}`;
    box.hidden = false;
    this.$('.wrap').classList.add('failed');
    this.$('h3').textContent = 'qi-sim could not show this run';
    this.$('.badge').className = 'badge bad';
    this.$('.badge').textContent = 'error';
    this.dispatchEvent(new CustomEvent('qi-sim-error', { detail: { message: String(e?.message ?? e) } }));
  }

  _init(m, sc) {
    this._m = m;
    this.$('.errbox').hidden = true;
    this.$('.wrap').classList.remove('failed');
    const base = structuredClone(sc.config);
    if (sc.replay) base.scheduler = { kind: 'replay', choices: sc.replay };
    base.trace = true;
    // Visualised runs are kept to a size a page can hold (the hunt itself has no such cap).
    if (!base.stepLimit || base.stepLimit > 300000) base.stepLimit = 300000;
    if (!base.traceCapacity || base.traceCapacity > 3000000) base.traceCapacity = 3000000;
    const full = new m.Simulation(base);
    let report;
    try {
      report = full.run();
      this._events = camelize(full.trace());
      this._text = full.timeline();
      this._replay = full.replay();
    } finally {
      full.free?.();
    }
    this._report = report;
    // Replay the recorded schedule exactly for stepping (random runs too).
    this._cfg = { ...base, trace: false, scheduler: { kind: 'replay', choices: this._replay } };
    this._submitters = base.submitters ?? 2;
    this._rows = stepRows(this._events);
    // Show each finding in the column of the CPU it concerns (the stuck poller, the owner of the
    // lost wait), which is not always the actor whose step revealed it.
    const pending = [...report.findings];
    for (const r of this._rows) {
      for (const p of r.parts) {
        if (!p.finding) continue;
        const i = pending.findIndex((f) => f.step === r.step && f.kind === p.finding);
        if (i < 0) continue;
        const f = pending.splice(i, 1)[0];
        if (f.submitter != null) p.col = f.submitter;
        p.title = f.message;
        p.text = `!! ${f.kind}${f.actor !== `T${(f.submitter ?? -1) + 1}` && f.submitter != null ? ` (by ${f.actor})` : ''}`;
      }
    }
    this._n = report.steps;
    this._stuck = new Map();
    for (const f of report.findings) {
      if (f.kind === 'lockup' && f.submitter != null) this._stuck.set(f.submitter, f);
    }
    this.$('h3').textContent = sc.title ?? `${base.policy ?? 'fixed'} policy`;
    const badge = this.$('.badge');
    const kinds = [...new Set(report.findings.map((f) => f.kind))];
    const lock = report.findings.find((f) => f.kind === 'lockup');
    badge.className = 'badge ' + (kinds.length ? 'bad' : report.outcome.kind === 'completed' ? 'good' : '');
    badge.textContent = lock
      ? `lockup of T${lock.submitter + 1} at step ${lock.step}`
      : kinds.length
        ? kinds.join(', ')
        : report.outcome.kind === 'completed'
          ? 'completed, no findings'
          : report.outcome.kind;
    this.$('pre.text').textContent = this._text;
    this._renderTimeline();
    const range = this.$('input[type=range]');
    range.max = String(this._n);
    this._sim?.free?.();
    this._sim = null;
    this._simK = 0;
    const want = sc.step === 'end' || sc.step == null ? this._n : sc.step;
    this.goto(want, true);
    this.dispatchEvent(new CustomEvent('qi-sim-ready', { detail: { steps: this._n, findings: report.findings, outcome: report.outcome, replay: this._replay } }));
  }

  _renderTimeline() {
    const cols = [...Array(this._submitters).keys()].map((i) => `T${i + 1}`).concat('HW');
    const thead = this.$('.tl thead');
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
    this.$('.tl table').style.minWidth = `${3.2 + cols.length * 8.5}em`;
    this._cols = cols;
    this._win = null;
  }

  /** Renders timeline rows [start, end) (long runs show a window around the current step). */
  _renderRows(start, end) {
    const cols = this._cols;
    const tbody = this.$('.tl tbody');
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
      const r = this._rows[i];
      const tr = document.createElement('tr');
      tr.dataset.step = String(r.step);
      tr.dataset.actor = r.actor;
      const tdn = document.createElement('td');
      tdn.className = 'n';
      tdn.textContent = String(r.step);
      tr.append(tdn);
      const col = isHw(r.actor) ? cols.length - 1 : Number(r.actor.slice(1)) - 1;
      for (let c = 0; c < cols.length; c++) {
        const td = document.createElement('td');
        td.dataset.col = cols[c];
        let first = true;
        for (const p of r.parts) {
          if ((p.col ?? col) !== c) continue;
          const s = document.createElement('span');
          s.className = p.kind;
          if (p.title) s.title = p.title;
          s.textContent = p.text;
          if (!first && p.kind !== 'finding') td.append('; ');
          td.append(s);
          first = false;
        }
        tr.append(td);
      }
      frag.append(tr);
    }
    if (end < this._rows.length) frag.append(more(this._rows.length - end, 'later'));
    tbody.append(frag);
    this._trs = [...tbody.querySelectorAll('tr[data-step]')];
    this._win = [start, end];
  }

  _ensureWindow(k) {
    const n = this._rows.length;
    const W = 600;
    if (n <= 2 * W) {
      if (!this._win) this._renderRows(0, n);
      return;
    }
    const i = Math.max(0, k - 1 - (this._rows[0]?.step ?? 0));
    if (this._win && i >= this._win[0] + 50 && i < this._win[1] - 50) return;
    if (this._win && this._win[0] === 0 && i < this._win[1] - 50) return;
    if (this._win && this._win[1] === n && i >= this._win[0] + 50) return;
    const start = Math.max(0, Math.min(n - 2 * W, i - W));
    this._renderRows(start, Math.min(n, start + 2 * W));
  }

  /** Moves to step k (0 = initial state, steps = end). Stepping back re-simulates from start. */
  goto(k, force = false) {
    if (!this._m) return;
    k = Math.max(0, Math.min(this._n, Math.round(Number(k) || 0)));
    if (k === this._k && !force && this._sim) return;
    if (!this._sim || k < this._simK) {
      this._sim?.free?.();
      this._sim = new this._m.Simulation(this._cfg);
      this._simK = 0;
    }
    if (k > this._simK) this._simK += this._sim.step(k - this._simK);
    this._k = k;
    this._render();
    if (k >= this._n) this.pause();
    this.dispatchEvent(new CustomEvent('qi-sim-step', { detail: { step: k, steps: this._n } }));
  }

  next() {
    this.goto(this._k + 1);
  }
  prev() {
    this.goto(this._k - 1);
  }

  play() {
    if (this._timer) return;
    if (this._k >= this._n) this.goto(0);
    const ms = Number(this.getAttribute('speed')) || 450;
    this._timer = setInterval(() => {
      if (this._k >= this._n) this.pause();
      else this.next();
    }, ms);
    this._syncPlay();
  }

  pause() {
    if (this._timer) clearInterval(this._timer);
    this._timer = null;
    this._syncPlay();
  }

  toggle() {
    if (this._timer) this.pause();
    else this.play();
  }

  _syncPlay() {
    const b = this.$('button[data-act=play]');
    if (!b) return;
    b.innerHTML = this._timer ? `${ICON.pause}<span>Pause</span>` : `${ICON.play}<span>Play</span>`;
    b.setAttribute('aria-label', this._timer ? 'Pause' : 'Play');
  }

  async copyReplay() {
    const b = this.$('button[data-act=copy]');
    try {
      await navigator.clipboard.writeText(this._replay);
      b.textContent = 'Copied';
    } catch {
      // Clipboard refused (insecure context or no permission): select it for the user instead.
      const d = this.$('details');
      d.open = true;
      b.textContent = this._replay;
    }
    setTimeout(() => (b.textContent = 'Copy replay'), 1500);
    this.dispatchEvent(new CustomEvent('qi-sim-copy', { detail: { replay: this._replay } }));
  }

  _onKey(e) {
    const path = e.composedPath();
    const origin = path[0];
    // The range input handles its own arrow keys (and fires `input`); other inputs type.
    if (origin instanceof HTMLInputElement || origin instanceof HTMLTextAreaElement || origin instanceof HTMLSelectElement) return;
    const onButton = origin instanceof HTMLButtonElement || origin instanceof HTMLElement && origin.tagName === 'SUMMARY';
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        this.next();
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        this.prev();
        break;
      case 'Home':
        this.goto(0);
        break;
      case 'End':
        this.goto(this._n);
        break;
      case ' ':
      case 'Spacebar':
        if (onButton) return; // the button's own click
        this.toggle();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  _render() {
    const k = this._k;
    const state = this._sim.state();
    const cur = this._rows[k - 1];
    // Slots whose current status was written by hardware (starred).
    const hwStar = new Set();
    for (const r of this._rows) {
      if (r.step >= k) break;
      for (const s of r.swSlots) hwStar.delete(s);
      for (const s of r.hwSlots) hwStar.add(s);
    }
    for (let i = 0; i < state.qiLength; i++) if (state.descStatus[i] !== 'QI_DONE') hwStar.delete(i);
    const stuck = new Set();
    for (const [sub, f] of this._stuck) if (k > f.step && f.slot != null) stuck.add(f.slot);
    const holder = this.$('.ring-holder');
    holder.replaceChildren(renderRing(state, { changed: cur ? cur.slots : new Set(), hwStar, stuck }));
    // Submitters.
    const tb = this.$('.subs tbody');
    tb.replaceChildren();
    state.submitters.forEach((s, i) => {
      const tr = document.createElement('tr');
      const f = this._stuck.get(i);
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
    this._ensureWindow(k);
    const off = this._win[0];
    this._trs.forEach((tr, idx) => {
      const s = this._rows[off + idx].step;
      tr.classList.toggle('future', s >= k);
      tr.classList.toggle('current', s === k - 1);
      if (s === k - 1) tr.setAttribute('aria-current', 'step');
      else tr.removeAttribute('aria-current');
    });
    const curTr = this._trs[k - 1 - (this._rows[0]?.step ?? 0) - off];
    const box = this.$('.tl');
    if (curTr) {
      const top = curTr.offsetTop;
      const head = 28;
      if (top - head < box.scrollTop || top + curTr.offsetHeight > box.scrollTop + box.clientHeight) {
        box.scrollTop = Math.max(0, top - box.clientHeight / 2);
      }
    } else if (k === 0) box.scrollTop = 0;
    // Controls.
    this.$('input[type=range]').value = String(k);
    this.$('input[type=range]').setAttribute('aria-valuetext', `step ${k} of ${this._n}`);
    this.$('.pos').textContent = `step ${k} / ${this._n}`;
    this.$('button[data-act=start]').disabled = k === 0;
    this.$('button[data-act=back]').disabled = k === 0;
    this.$('button[data-act=fwd]').disabled = k >= this._n;
    this.$('button[data-act=end]').disabled = k >= this._n;
    const cap = this.$('.caption');
    cap.replaceChildren();
    if (!cur) {
      cap.textContent = `Initial state: ring of ${state.qiLength} slots, all QI_FREE. ${this._n} steps recorded — press → or Play.`;
    } else {
      const b = document.createElement('b');
      b.textContent = `step ${cur.step} · ${cur.actor}: `;
      cap.append(b, cur.parts.map((p) => p.text).join('; '));
      const fnd = this.findings.filter((f) => f.step === cur.step);
      for (const f of fnd) {
        const d = document.createElement('div');
        d.className = 'err';
        d.textContent = `${f.kind}: ${f.message}`;
        cap.append(d);
      }
    }
  }
}

if (!customElements.get('qi-sim')) customElements.define('qi-sim', QiSim);
