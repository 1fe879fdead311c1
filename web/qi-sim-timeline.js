// Trace events for <qi-sim> and the walk-through (re-exported by qi-sim.js): camelCase events,
// a step's events grouped with the status changes they caused, and the per-step timeline rows,
// which the core words (JavaScript draws, Rust decides).
import { timelineRows } from './core.js';

/**
 * The one step numbering of the page. The core counts steps from 0 (a trace event's, a timeline
 * row's and a finding's `step` is the index of the move); the page names a step by its place in
 * the schedule, 1-based, which is also the viewer's position once it is done ("step 22 / 22").
 * Every step number shown (timeline rows, captions, badges, walk-through) goes through here.
 */
export const stepNumber = (index) => Number(index) + 1;

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

/**
 * Trace events (and optionally the run's findings) as one row per step, worded by the core:
 * [{ step, actor, parts: [{ text, kind, finding?, title?, submitter?, faultPath? }], slots,
 * hwSlots, swSlots }] (arrays). Deprecated: a Simulation's `timelineRows()` gives the same rows
 * without sending the trace back into wasm.
 */
export function stepRows(events, findings) {
  return timelineRows(events, findings);
}
