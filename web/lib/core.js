// The core's rules <qi-sim>'s modules draw with, from the wasm module (JavaScript draws, Rust
// decides): bound once the module is loaded (qi-sim.js loadQisim); every caller runs after that.
// Internal to the library: pages import the same functions from the `qisim` entry (index.js).
let m = null;

/** Binds the loaded wasm module (called by loadQisim). */
export function bindCore(mod) {
  m = mod;
}

function core() {
  if (!m) throw new Error('qisim: the wasm module is not loaded yet (await loadQisim() first)');
  return m;
}

/** A run's outcome `kind` in words (the core's table). */
export const outcomeWords = (kind) => core().outcomeKinds().find((o) => o.name === kind)?.plain ?? kind;

/** Timeline name of a descriptor label (ID1, WD2, ID1b, WD1'), or slot{N} without one. */
export const labelName = (label, slot) => core().labelName(label ?? null, slot);
