// Types of `qisim/pool` (web/pool.js); declared with the rest in qisim.d.ts.
export { createPool, MAX_CHUNK_ATTEMPTS } from './qisim.js';
export type {
  Pool,
  PoolOptions,
  PoolHuntOptions,
  PoolProgress,
  WorkerFailure,
  HuntResult,
  HuntOptions,
  Config,
  ExploreOptions,
  ExploreProgress,
  Estimate,
  EstimateOptions,
  Verdict,
} from './qisim.js';
