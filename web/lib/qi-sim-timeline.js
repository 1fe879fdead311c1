// Steps and trace events for <qi-sim>: the one step numbering (public through index.js) and
// camelCase events. The per-step timeline rows are the core's (a Simulation's `timelineRows()`).

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
