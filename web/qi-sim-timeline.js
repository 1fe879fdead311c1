// Trace events → per-step timeline rows for <qi-sim>'s column timeline (re-exported by
// qi-sim.js). The events and their facts come from the core's trace; this only words them.
import { labelName, errnoName as errno } from './core.js';


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

/** Ops whose status changes (the `status` events right after them) belong to them. */
const SUMMARISED = new Set(['write', 'mark', 'reclaim', 'iteWalk']);

/**
 * One step's events as [{ ev, statuses, next }]: a write/mark/reclaim/ITE walk with the status
 * changes that follow it, every other event alone; `next` is the following entry's event.
 */
export function groupOps(evs) {
  const out = [];
  for (let k = 0; k < evs.length; k++) {
    const ev = evs[k];
    const statuses = [];
    if (SUMMARISED.has(ev.op)) while (k + 1 < evs.length && evs[k + 1].op === 'status') statuses.push(evs[++k]);
    out.push({ ev, statuses });
  }
  out.forEach((g, i) => (g.next = out[i + 1]?.ev));
  return out;
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
    for (const { ev, statuses, next } of groupOps(evs)) {
      // Status changes that belong to a write/mark/reclaim summary.
      const following = () => statuses;
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
          if (!(next?.op === 'status' && next.hw)) {
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
