// The core's rules for the page, from the wasm module (JavaScript draws, Rust decides): the
// replay codec, descriptor and errno names, finding kinds, fault paths and histogram quantiles. Bound once the
// module is loaded (qi-sim.js loadQisim); every caller runs after that.
let m = null;

/** Binds the loaded wasm module (called by loadQisim). */
export function bindCore(mod) {
  m = mod;
}

function core() {
  if (!m) throw new Error('qisim: the wasm module is not loaded yet (await loadQisim() first)');
  return m;
}

/** Actor names (T1, HW, HW:fetch, HW:ITE, ...) of a replay string, one per step. */
export const parseReplay = (s) => core().parseReplay(s);
/** The canonical replay string of actor names. */
export const encodeReplay = (actors) => core().encodeReplay(actors);
/** The first `steps` choices of a replay string. */
export const cutReplay = (s, steps) => core().cutReplay(s, steps);
/** Timeline name of a descriptor label (ID1, WD2, ID1b, WD1'), or slot{N} without one. */
export const labelName = (label, slot) => core().labelName(label ?? null, slot);
/** The kernel's name of a qi_submit_sync return code (-EAGAIN, -ETIMEDOUT, ...). */
export const errnoName = (rc) => core().errnoName(rc);
/**
 * `replay` on `config`, then every enabled actor in turn (the core shrinker's completion) until
 * the run ends or `limit` more steps: { replay, steps, kinds, ended }. Throws naming the field.
 */
export const completeSchedule = (config, replay, limit) => core().completeSchedule(config, replay, limit);
/** Trace events (and the run's findings) as the core's per-step timeline rows. */
export const timelineRows = (events, findings) => core().timelineRows(events ?? [], findings ?? null);
/** The q-quantile of a core latency histogram. */
export const quantile = (h, q) => core().histogramQuantile(h, q);

let kinds = null;
/** Finding kinds after which nothing useful happens (lockup, deadlock, walkLoop ...). */
export function terminalKinds() {
  kinds ??= core().findingKinds();
  return kinds.filter((k) => k.terminal).map((k) => k.name);
}

/**
 * The kind a finding is shown as: the most severe of `kinds` by the core's severity, ties in
 * the core's declaration order (`findingKinds()`), so no ranking is written twice.
 */
export function mainKind(kinds) {
  kinds ??= [];
  const all = (kindsTable ??= core().findingKinds());
  let best = null;
  for (const k of all) if (kinds.includes(k.name) && (!best || k.severity > best.severity)) best = k;
  return best?.name ?? kinds[0];
}
let kindsTable = null;

let paths = null;
/** The fault paths of docs/findings.md a finding's `faultPath` names: Map id → description. */
export function faultPaths() {
  paths ??= new Map(core().faultPaths().map((p) => [p.id, p.description]));
  return paths;
}
