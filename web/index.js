// Entry module of the `qisim` npm package: the wasm bindings (built by scripts/build.sh into
// ./pkg/) and the Web Worker pool. Types: ./qisim.d.ts.
//
// Browser:  import init, { Simulation, hunt, createPool } from 'qisim'; await init();
// Node:     import { initSync, hunt } from 'qisim';
//           initSync({ module: fs.readFileSync(new URL(import.meta.resolve('qisim/wasm-binary'))) });
export {
  default,
  default as init,
  initSync,
  Simulation,
  hunt,
  mergeHuntResults,
  explore,
  validateConfig,
  version,
  freshSeed,
  exploreFamily,
  kernels,
  kernelConfig,
  checkProgram,
  programMatrix,
  matrix,
  kernelAnswer,
  reproduceReplay,
  reproduceExplore,
  describeRun,
  presets,
  parseReplay,
  encodeReplay,
  cutReplay,
  labelName,
  errnoName,
  findingKinds,
  histogramQuantile,
  faultPaths,
  completeSchedule,
  timelineRows,
  timelineKey,
  actorKey,
  estimateExplore,
} from './pkg/qisim_wasm.js';
export { createPool, MAX_CHUNK_ATTEMPTS } from './pool.js';
