// Types of `qisim/pool` (web/lib/pool.js): the worker pool, re-exported by `qisim` (qisim.d.ts,
// which declares the data types the pool takes and returns).
import type {
  Config,
  Estimate,
  EstimateOptions,
  ExploreOptions,
  ExploreProgress,
  HuntOptions,
  HuntResult,
  Verdict,
} from './qisim.js';
export type {
  HuntResult,
  HuntOptions,
  Config,
  ExploreOptions,
  ExploreProgress,
  Estimate,
  EstimateOptions,
  Verdict,
} from './qisim.js';

export interface WorkerFailure {
  /** Index of the worker slot. */
  worker: number;
  reason: string;
  /** The chunk it was running (null if idle), re-run on another worker. */
  seedStart: number | null;
  seedCount: number | null;
  attempt: number | null;
  /** `Date.now()` of the failure. */
  time: number;
}

export interface PoolOptions {
  /** Number of module workers (navigator.hardwareConcurrency), 1..=64. */
  workers?: number;
  /** URL of `qisim_wasm_bg.wasm` (default: `./pkg/` next to pool.js). */
  wasmUrl?: string | URL;
  /** URL of the wasm-bindgen ES module `qisim_wasm.js` (default: `./pkg/` next to pool.js). */
  glueUrl?: string | URL;
  /** An already compiled module (skips the fetch). */
  module?: WebAssembly.Module;
  /** URL of pool-worker.js (default: next to pool.js). */
  workerUrl?: string | URL;
  /** Each worker hunts `seedCount` (default 4) seeds of `config` once before it reports ready. */
  warmup?: { config: Config; seedCount?: number };
  /** Tests: the k-th dispatched chunk (from 0) makes its worker throw instead of running. */
  faultInjection?: { crashChunks?: number[] };
}

export interface PoolProgress {
  /** Seeds finished. */
  done: number;
  total: number;
  /** Merged result of the finished chunks. */
  partial: HuntResult;
  /** Set when a worker died; its chunk is re-run. */
  workerFailure?: WorkerFailure;
}

export interface PoolHuntOptions extends HuntOptions {
  seedStart?: number;
  seedCount: number;
  /** Seeds per chunk (default: about seedCount / (8 × workers), at most 1000). */
  chunkSize?: number;
  /** Size of the first chunk; later chunks double up to `chunkSize` (default: `chunkSize`). */
  firstChunkSize?: number;
  /** Aborting rejects with a DOMException `AbortError` whose `partial` is the result so far. */
  signal?: AbortSignal;
  onProgress?: (p: PoolProgress) => void;
  /** Hunt options (alternative to the top-level `maxFindings` / `minimize`). */
  options?: HuntOptions;
}

export interface Pool {
  readonly size: number;
  /** Resolves once the module is compiled. */
  readonly ready: Promise<void>;
  /** Same result as one `hunt()` over the range, whatever the number of workers. */
  hunt(config: Config, options: PoolHuntOptions): Promise<HuntResult & { workerFailures?: WorkerFailure[] }>;
  /**
   * The exhaustive explorer off the page's thread, on `threads` workers (default 0: the
   * pool's size; more than the pool has throws, naming `threads`). The verdict, states and
   * counterexample do not depend on it. `onProgress` gets `ExploreProgress` after every chunk
   * of 8192 expanded states (return `false` to stop with `boundReached`). On one worker,
   * `onProgress` also gets `{ workerFailure }` if the worker died (the exploration then
   * restarts on a new worker); on several (a partitioned search on dedicated workers), a
   * worker that dies fails the exploration. Aborting rejects with an `AbortError` whose
   * `partial` is, on several workers, the verdict so far (`boundReached` with the states
   * explored, or a counterexample already found), on one worker `null`.
   */
  explore(
    config: Config,
    options?: Omit<ExploreOptions, 'onProgress'> & {
      signal?: AbortSignal;
      onProgress?: (p: ExploreProgress | { workerFailure: WorkerFailure }) => boolean | void;
    },
  ): Promise<Verdict & { workerFailures?: WorkerFailure[] }>;
  /**
   * `estimateExplore` in a pool worker (the page stays responsive); `ms` is the worker's time
   * (for the rate). Rejects naming the field on bad input, with an `AbortError` on abort.
   */
  estimate(
    config: Config,
    options?: EstimateOptions & { signal?: AbortSignal },
  ): Promise<Estimate & { ms: number }>;
  /** Stops every worker; running hunts reject with an `AbortError`. */
  terminate(): void;
  readonly failures: WorkerFailure[];
  /** Workers alive, started, busy; `busyMs`: worker time spent in finished chunks so far. */
  stats(): { workers: number; live: number; ready: number; busy: number; failures: number; busyMs: number };
  /** Tests: kill worker `i` (or the first busy one) as if it crashed; returns its index if busy, else -1. */
  _debugKillWorker(i?: number | 'busy'): number;
}

export const MAX_CHUNK_ATTEMPTS: number;
/** A pool of module workers, one wasm instance each (browser only). */
export function createPool(options?: PoolOptions): Pool;
/**
 * The package's wasm binary, fetched and compiled once per page (browser only): post it to a
 * worker of your own, which calls `initSync({ module })`.
 */
export function wasmModule(): Promise<WebAssembly.Module>;

