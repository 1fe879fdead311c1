// Finding kinds and fault paths as the page ranks and words them, from the core's own tables
// (the `qisim` entry's findingKinds and faultPaths): the kinds after which nothing useful
// happens, the kind a finding is listed as, and each fault path's description. Called once the
// wasm module is loaded (app.js).
import { findingKinds, outcomeKinds, faultPaths as coreFaultPaths } from '../lib/index.js';

let kinds = null;
/** Finding kinds after which nothing useful happens (lockup, deadlock, walkLoop ...). */
export function terminalKinds() {
  kinds ??= findingKinds();
  return kinds.filter((k) => k.terminal).map((k) => k.name);
}

/**
 * The kind a finding is shown as: the most severe of `kinds` by the core's severity, ties in
 * the core's declaration order (`findingKinds()`), so no ranking is written twice.
 */
export function mainKind(kinds) {
  kinds ??= [];
  const all = (kindsTable ??= findingKinds());
  let best = null;
  for (const k of all) if (kinds.includes(k.name) && (!best || k.severity > best.severity)) best = k;
  return best?.name ?? kinds[0];
}
let kindsTable = null;

let paths = null;
/** The fault paths of docs/findings.md a finding's `faultPath` names: Map id → description. */
export function faultPaths() {
  paths ??= new Map(coreFaultPaths().map((p) => [p.id, p.description]));
  return paths;
}

let outcomes = null;

/** A run's outcome `kind` in words (the core's `outcomeKinds` table). */
export function outcomeWords(kind) {
  outcomes ??= new Map(outcomeKinds().map((o) => [o.name, o.plain]));
  return outcomes.get(kind) ?? kind;
}
