// Entry module of the `qisim` npm package (`import ... from 'qisim'`): the wasm bindings (built
// by scripts/build.sh into ./pkg/), the Web Worker pool, the core's preset table and the few
// rules a page needs to show a run as <qi-sim> does. Types: ./qisim.d.ts. The playground
// (web/playground/) and the article (web/learn/) use the library only through this entry,
// ./pool.js (`qisim/pool`) and ./qi-sim.js (`qisim/qi-sim`).
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
  provableConfig,
  kernels,
  kernelConfig,
  checkProgram,
  programDiff,
  patches,
  programMatrix,
  programMatrixCells,
  programPaths,
  matrixLabels,
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
  outcomeKinds,
  histogramQuantile,
  faultPaths,
  completeSchedule,
  timelineRows,
  timelineKey,
  actorKey,
  estimateExplore,
} from './pkg/qisim_wasm.js';
export {
  createPool,
  MAX_CHUNK_ATTEMPTS,
  wasmModule,
} from './pool.js';
// The core's preset table, generated at build time (scripts/gen-presets.mjs), for synchronous
// use, and the scenario <qi-sim> shows by default.
export {
  PRESETS,
  CANONICAL_REPLAY,
} from './presets.js';
export {
  seedScenarioConfig,
} from './qi-sim-scenario.js';
// How <qi-sim> numbers steps and tells the hardware's actors apart.
export {
  stepNumber,
} from './qi-sim-timeline.js';
export {
  isHw,
} from './qi-sim-replay.js';
