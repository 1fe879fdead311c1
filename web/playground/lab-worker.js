// The Kernel code panel's "Prove against every fault": one dedicated worker with its own wasm
// instance (the module compiled on the page, `wasmModule()` of qisim/pool, and posted here, as
// the pool's workers get it), so the page stays responsive and Cancel can terminate it.
//
// Messages in:  {type:'init', module: WebAssembly.Module}
//               {type:'run', spec, name, program, callers}
// Messages out: {type:'ready'} | {type:'initError', message}
//               {type:'cell', cell}            (each matrix cell as the core decides it)
//               {type:'paths', paths}          (the fault paths' own configurations)
//               {type:'done', ms}
//               {type:'error', message, line?, col?}

import * as glue from '../lib/index.js';

let wasm = null;

self.onmessage = ({ data }) => {
  if (data.type === 'init') {
    try {
      glue.initSync({ module: data.module });
      wasm = glue;
      self.postMessage({ type: 'ready' });
    } catch (e) {
      self.postMessage({ type: 'initError', message: String(e?.message ?? e) });
    }
    return;
  }
  if (data.type !== 'run' || !wasm) return;
  const { spec, name, program, callers } = data;
  const t0 = performance.now();
  try {
    // The fault paths first: four small explorations, the answer to "does my fix fix F2".
    const paths = wasm.programPaths(spec, name, program, callers);
    self.postMessage({ type: 'paths', paths });
    wasm.programMatrixCells(spec, name, program, callers, (cell) => self.postMessage({ type: 'cell', cell }));
    self.postMessage({ type: 'done', ms: performance.now() - t0 });
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e?.message ?? e), line: e?.line, col: e?.col });
  }
};
