// Type declarations of the `qisim` npm package (hand-written; the wasm-bindgen output has its own
// `pkg/qisim_wasm.d.ts` with `any` for every object). Every object crossing the wasm boundary is
// plain JSON data in the core's camelCase schema. Integers are JS numbers below 2^53.

// ---------------------------------------------------------------------------------------------
// Configuration

export type Policy = 'legacy' | 'fixed';
export type HardwareMode = 'async' | 'sync';
export type InvType = 'iotlb' | 'devtlb' | 'context' | 'iec' | 'pasid';
export type StopOn = 'consequence' | 'firstFinding';

/** Descriptor count of one `qi_submit_sync` call. */
export type BatchDist =
  | { kind: 'fixed'; count: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Call `i` uses `counts[i % counts.length]`. */
  | { kind: 'sequence'; counts: number[] };

/** Weight of each invalidation type in a batch (default: iotlb only). */
export interface TypeMix {
  iotlb?: number;
  devtlb?: number;
  context?: number;
  iec?: number;
  pasid?: number;
}

/** What one submitter (CPU) submits. Every field is optional (defaults shown). */
export interface Workload {
  /** Number of `qi_submit_sync` calls (100). */
  submissions?: number;
  /** Descriptor count per call (uniform 1..=4). */
  batch?: BatchDist;
  /** Probability that a call has count 0 (a wait descriptor alone), 0..=1 (0). */
  zeroCountProb?: number;
  /** `QI_OPT_WAIT_DRAIN` (false). */
  drain?: boolean;
  /** Simulated think time between calls, timed scheduler only (0). */
  thinkNs?: number;
  types?: TypeMix;
}

/** Simulated costs in nanoseconds for the timed scheduler. */
export interface TimedCosts {
  lockNs?: number;
  lockHandoffNs?: number;
  unlockNs?: number;
  checkSpaceNs?: number;
  descWriteNs?: number;
  doorbellNs?: number;
  pollNs?: number;
  relaxNs?: number;
  markNs?: number;
  reclaimNs?: number;
  hwIotlbNs?: number;
  hwDevtlbNs?: number;
  hwContextNs?: number;
  hwIecNs?: number;
  hwPasidNs?: number;
  hwWaitNs?: number;
  hwDrainNs?: number;
  /** Each cost is multiplied by a seeded factor in [1 - jitter, 1 + jitter], 0..=0.9. */
  jitter?: number;
}

export type Scheduler =
  /** Uniform over enabled actors; hardware has weight `hwWeight` (submitters 1). */
  | { kind: 'random'; hwWeight?: number }
  /** PCT with bug depth `depth` (3); change points over the first `steps` steps (0 = estimate). */
  | { kind: 'pct'; depth?: number; steps?: number }
  /** A recorded choice sequence, e.g. `"q1:a6b6H3a5b2"`. */
  | { kind: 'replay'; choices: string }
  /** Discrete-event simulation over simulated nanoseconds. */
  | { kind: 'timed'; costs?: TimedCosts };

/** Hardware fault injection (off by default): each rate is a probability, 0..=1. */
export interface Faults {
  /** Invalid descriptor (`IQE`). */
  iqeRate?: number;
  /** Device-TLB invalidation time-out (`ITE`). */
  iteRate?: number;
  /** Invalidation completion error on a device-TLB invalidation (`ICE`). */
  iceRate?: number;
  /** A device-TLB time-out whose device is gone (`qi_check_fault` returns `-ETIMEDOUT`). */
  deviceGoneRate?: number;
  /** The kernel's `ITE` walk: before 7.0 (`stride2`) or 7.0 and later (`stride1`, default). */
  iteWalk?: 'stride1' | 'stride2';
  /** A time-out fires only once hardware fetched everything published (false: as the spec allows). */
  iteAllFetched?: boolean;
  /** At most this many faults per run, 0 = no limit (the explorer needs >= 1). */
  maxFaults?: number;
}

/** Kernel presets (see `kernels()` and docs/kernels.md). */
export type KernelVersion = '6.9' | '6.12' | '7.0';

/** A simulation configuration; `{}` is valid (the kernel's ring of 256, two submitters). */
export interface Config {
  /** `QI_LENGTH`, 4..=65536 (256). */
  qiLength?: number;
  /** Submitters (CPUs), 1..=256 (2). */
  submitters?: number;
  /** Workload of every submitter without an entry in `perSubmitter`. */
  workload?: Workload;
  /** Empty, or exactly `submitters` workloads. */
  perSubmitter?: Workload[];
  /** Reclaim policy ('fixed'). */
  policy?: Policy;
  hardware?: HardwareMode;
  /** Descriptors hardware may hold fetched and pending, 0 = no limit (0). */
  fetchDepth?: number;
  /** The kernel version modelled; `policy` and `faults.iteWalk` must agree with it. */
  kernel?: KernelVersion;
  scheduler?: Scheduler;
  faults?: Faults;
  /** Seed of every random choice, < 2^53 (0). Ignored by `hunt` (it runs a seed range). */
  seed?: number | bigint;
  /** The run stops after this many steps (10^7). */
  stepLimit?: number;
  /** Soft-lockup watchdog in the submitter's own steps, 0 = off (10^5). */
  watchdog?: number;
  /** Record the event trace (false). */
  trace?: boolean;
  /** Record the schedule for the replay string (true). */
  recordSchedule?: boolean;
  traceCapacity?: number;
  /** Throughput-series bucket width in steps, or ns under `timed` (1000). */
  bucket?: number;
  maxBuckets?: number;
  stopOn?: StopOn;
}

/** A config with every default filled in (what `validateConfig` returns). */
export type NormalizedConfig = Required<Config> & {
  workload: Required<Workload>;
  perSubmitter: Required<Workload>[];
  seed: number;
};

// ---------------------------------------------------------------------------------------------
// Results

/** `"T1"`, `"T2"`, ... (submitters, T1 is index 0), `"HW"` (the hardware engine), or a fault
 * the hardware raises as its own step with fault injection on: `"HW:IQE"`, `"HW:ITE"`, `"HW:ICE"`. */
export type Actor = string;

export type FindingKind =
  | 'lostCompletion'
  | 'lockup'
  | 'suspectedLockup'
  | 'staleWakeup'
  | 'prematureCompletion'
  | 'overrun'
  | 'strayStatusWrite'
  | 'freeCntInvariant'
  | 'deadlock'
  /** The `ITE` walk of `qi_check_fault` does not terminate. */
  | 'walkLoop';

export interface Finding {
  kind: FindingKind;
  /** Step (0-based) at which it was detected. */
  step: number;
  /** The actor whose step revealed it. */
  actor: Actor;
  /** The submitter it concerns (index, 0 = T1), if any. */
  submitter: number | null;
  /** The ring slot it concerns, if any. */
  slot: number | null;
  message: string;
}

export type Outcome =
  | { kind: 'completed' }
  | { kind: 'lockup' }
  | { kind: 'deadlock' }
  | { kind: 'stepLimit' }
  | { kind: 'replayEnded' }
  | { kind: 'replayDiverged'; step: number; actor: Actor }
  | { kind: 'stoppedOnFinding' };

/** HDR-style log-linear histogram (mergeable). */
export interface Histogram {
  counts: number[];
  total: number;
  min: number;
  max: number;
  sum: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

/** Throughput over time in buckets of `bucket` `unit`s. */
export interface Series {
  unit: 'step' | 'ns';
  bucket: number;
  maxBuckets: number;
  /** Calls returned per bucket. */
  submissions: number[];
  /** Invalidation descriptors completed per bucket. */
  descriptors: number[];
  /** Descriptors per bucket per submitter: `perSubmitter[i][bucket]`. */
  perSubmitter: number[][];
}

export interface SubmitterMetrics {
  submissions: number;
  descriptors: number;
  lockAcquisitions: number;
  lockHandoffs: number;
  spins: number;
  spaceRetries: number;
  restarts: number;
  latencySteps: Histogram;
  latencyNs: Histogram;
}

export interface Metrics {
  steps: number;
  timeNs: number;
  hwSteps: number;
  submissions: number;
  descriptors: number;
  perSubmitter: SubmitterMetrics[];
  series: Series;
}

export interface RunReport {
  config: NormalizedConfig;
  seed: number;
  scheduler: Scheduler['kind'];
  policy: Policy;
  outcome: Outcome;
  steps: number;
  timeNs: number;
  findings: Finding[];
  /** The exact schedule as a replay string (`q1:...`). */
  replay: string;
  /** Stable hash of the trace, 16 hex digits (null unless `trace` is on). */
  traceHash: string | null;
  /** Stable hash of schedule and findings, 16 hex digits. */
  runHash: string;
  latencySteps: Percentiles;
  latencyNs: Percentiles;
  /** Invalidations per µs (timed) or per 1000 steps. */
  throughput: number;
  metrics: Metrics;
}

export type SlotStatus = 'QI_FREE' | 'QI_IN_USE' | 'QI_DONE' | 'QI_ABORT';

/** Who a descriptor belongs to: call `attempt` of `submitter`, descriptor `part` of `count + 1`. */
export interface Label {
  submitter: number;
  attempt: number;
  part: number;
  count: number;
}

export type Desc =
  | { kind: 'empty' }
  | { kind: 'inv'; ty: InvType; label: Label }
  /** With SW set, hardware writes `QI_DONE` to `descStatus[statusAddr]`. */
  | { kind: 'wait'; statusAddr: number; sw: boolean; drain: boolean; label: Label };

/** Program counter of a submitter: the next step of `qi_submit_sync` it takes. */
export type Pc =
  | 'lock'
  | 'checkSpace'
  | 'spaceUnlock'
  | 'write'
  | 'doorbell'
  | 'poll'
  | 'pollUnlock'
  | 'pollLock'
  | 'mark'
  | 'reclaim'
  | 'unlock'
  | 'finished';

export interface SubmitterView {
  pc: Pc;
  /** Kernel name of the next step. */
  stepName: string;
  count: number;
  index: number;
  waitIndex: number;
  rc: number;
  submissionsDone: number;
  submissionsTotal: number;
  attempt: number;
  holdsLock: boolean;
  enabled: boolean;
}

/** The whole modelled state after any step (for visualisers). */
export interface StateView {
  step: number;
  timeNs: number;
  qiLength: number;
  descStatus: SlotStatus[];
  desc: Desc[];
  freeHead: number;
  freeTail: number;
  freeCnt: number;
  /** Submitter index holding `q_lock`, or null. */
  qLock: number | null;
  iqh: number;
  /** Descriptors `pendingFrom..iqh` are fetched and pending in hardware. */
  pendingFrom: number;
  /** The last `ITE`'s device is gone. */
  iteGone: boolean;
  iqt: number;
  /** `FSTS` bits: IQE 0x10, ICE 0x20, ITE 0x40. */
  fsts: number;
  hwEnabled: boolean;
  submitters: SubmitterView[];
}

export type HwFault = 'iqe' | 'ite' | 'ice' | 'gone';

/** One trace event: `step`, `actor` and the operation's fields (`op` says which). */
export type Event = { step: number; actor: Actor } & (
  | { op: 'lock'; handoff: boolean }
  | { op: 'checkSpace'; freeCnt: number; need: number; ok: boolean }
  | { op: 'write'; index: number; count: number; waitIndex: number }
  | { op: 'doorbell'; iqt: number }
  /** `label`: the poller's own wait descriptor (the slot may hold another by now). */
  | { op: 'poll'; waitIndex: number; status: SlotStatus; done: boolean; label: Label }
  | { op: 'unlock' }
  | { op: 'mark'; index: number; count: number }
  | { op: 'reclaim'; from: number; to: number }
  | { op: 'return'; rc: number; latencySteps: number }
  | { op: 'hwInv'; slot: number; label: Label | null }
  | { op: 'hwWait'; slot: number; label: Label | null }
  /** Hardware fetched the descriptor at `slot` ahead (pending until completed). */
  | { op: 'hwFetch'; slot: number; label: Label | null }
  /** `ITE` aborted the pending wait descriptor at `slot` (no status write). */
  | { op: 'hwAbort'; slot: number; label: Label | null }
  | {
      op: 'status';
      slot: number;
      before: SlotStatus;
      after: SlotStatus;
      /** A hardware write (`*` in timelines). */
      hw: boolean;
      label: Label | null;
    }
  /** Hardware stopped at `slot` with a fault (`IQE`/`ITE`), or raised `ICE` there. */
  | { op: 'hwFault'; slot: number; fault: HwFault; label: Label | null }
  /** `qi_check_fault` found a fault and returned `rc`. */
  | { op: 'checkFault'; rc: number }
  /** `IQE` repair: the descriptor at `slot` replaced by a copy of the wait at `waitIndex`. */
  | { op: 'iqeRepair'; slot: number; waitIndex: number }
  /** `ITE` walk from `from` down to `to` by `stride`; `terminated` false if it loops. */
  | { op: 'iteWalk'; from: number; to: number; stride: number; terminated: boolean }
  | { op: 'clearIce' }
  | { op: 'finding'; kind: FindingKind; message: string }
);

export interface Minimized {
  /** The (possibly reduced) config the replay runs against. */
  config: NormalizedConfig;
  replay: string;
  steps: number;
  timeline: string;
}

/** One seed that found something. */
export interface HuntFinding {
  seed: number;
  /** Distinct kinds found in the run, in order of first appearance. */
  kinds: FindingKind[];
  first: Finding;
  findings: Finding[];
  outcome: Outcome;
  steps: number;
  replay: string;
  /** The minimised schedule (null unless minimisation was asked for). */
  minimized: Minimized | null;
}

/** Counts and merged metrics of a hunt over seed ranges. */
export interface HuntResult {
  policy: Policy;
  scheduler: Scheduler['kind'];
  /** Seeds covered, sorted disjoint `[start, end)` ranges. */
  seedRanges: [number, number][];
  schedules: number;
  steps: number;
  completed: number;
  /** Runs per finding kind (a run counts once per kind). */
  runsWith: [FindingKind, number][];
  /** Runs with a proved lockup. */
  lockups: number;
  /** Runs with any safety violation. */
  safety: number;
  stepLimits: number;
  /** Findings of the lowest seeds, at most `maxFindings`. */
  findings: HuntFinding[];
  maxFindings: number;
  latencySteps: Histogram;
  latencyNs: Histogram;
  series: Series;
  descriptors: number;
  submissions: number;
  timeNs: number;
  /** Only on results of `pool.hunt`: workers that died during the hunt (their chunks re-ran). */
  workerFailures?: WorkerFailure[];
}

export interface HuntOptions {
  /** Keep at most this many findings, the lowest seeds (100). */
  maxFindings?: number;
  /** Minimise each kept finding (true). */
  minimize?: boolean;
}

export interface ExploreStats {
  states: number;
  transitions: number;
  maxDepth: number;
  roots: number;
  seconds: number | null;
  statesPerSecond: number | null;
  bytesPerState: number;
  por: boolean;
  symmetry: boolean;
}

export type Verdict =
  | ({ verdict: 'proved' } & ExploreStats)
  | ({
      verdict: 'counterexample';
      kind: FindingKind;
      config: NormalizedConfig;
      replay: string;
      steps: number;
      findings: Finding[];
      reproduced: boolean;
      timeline: string;
    } & ExploreStats)
  | ({ verdict: 'boundReached'; maxStates: number } & ExploreStats);

export interface ExploreProgress {
  states: number;
  transitions: number;
  depth: number;
  queued: number;
}

export interface ExploreOptions {
  /** Stop with `boundReached` after this many states (2·10^7). */
  maxStates?: number;
  /** Partial-order reduction (true). */
  por?: boolean;
  /** Symmetry reduction of identical submitters (true). */
  symmetry?: boolean;
  /** Make counterexamples shortest (true). */
  shortest?: boolean;
  /** Treat `lostCompletion` itself as the violation (false). */
  stopOnCause?: boolean;
  /** Explore every per-submitter sequence of these descriptor counts as one graph. */
  counts?: number[];
  /** Called every 65536 states; return `false` to stop (a `boundReached` verdict). */
  onProgress?: (p: ExploreProgress) => boolean | void;
}

/** Errors thrown by every function: a JS `Error` whose message names the field. */
export interface QisimError extends Error {
  /** JSON path of the offending field, e.g. `"workload.batch.count"`. */
  field?: string;
}

// ---------------------------------------------------------------------------------------------
// The wasm module (`qisim/wasm`, re-exported by `qisim`)

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads the wasm module (default: `pkg/qisim_wasm_bg.wasm` next to the module, via fetch). */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;
export { init };
/** Synchronous instantiation, e.g. under Node: `initSync({ module: fs.readFileSync(wasmPath) })`. */
export function initSync(input: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;

/** A step-by-step simulation. Call `free()` when done (or let the GC do it). */
export class Simulation {
  /** Throws a `QisimError` naming the field of a bad config. */
  constructor(config?: Config);
  /** Takes up to `n` (1) scheduled steps; returns how many were taken (0 once done). */
  step(n?: number | bigint): number;
  /** Runs to the end and reports. */
  run(): RunReport;
  /** The report of the run so far. */
  report(): RunReport;
  state(): StateView;
  /** Recorded events (empty unless `trace: true`). */
  trace(): Event[];
  /** The column timeline of the recorded trace. */
  timeline(): string;
  /** The schedule so far as a replay string. */
  replay(): string;
  /** Steps `actor` now, bypassing the scheduler; throws if it cannot move. */
  stepActor(actor: Actor): void;
  /** Actors that can move now. */
  enabled(): Actor[];
  isDone(): boolean;
  /** Steps taken so far. */
  steps(): number;
  /** Stable trace hash (undefined unless `trace` is on). */
  traceHash(): string | undefined;
  free(): void;
}

/** Runs seeds `seedStart .. seedStart + seedCount` of `config` (its `seed` is ignored). */
export function hunt(
  config: Config,
  seedStart: number | bigint,
  seedCount: number | bigint,
  options?: HuntOptions,
): HuntResult;
/** Merges two results of the same config over disjoint seed ranges (order-independent). */
export function mergeHuntResults(a: HuntResult, b: HuntResult): HuntResult;
/** Exhaustive exploration of a small, deterministic config. */
export function explore(config: Config, options?: ExploreOptions): Verdict;
/** Validates and normalises a config (throws a `QisimError` naming the field). */
export function validateConfig(config: Config): NormalizedConfig;
/** The package version. */
export function version(): string;
/** A fresh random seed below 2^53 (crypto.getRandomValues). */
export function freshSeed(): number;
/** The roots one exploration of `config` covers (count ranges and zero-count probability expanded). */
export function exploreFamily(config: Config): { roots: number; counts: number[] };
/** The kernel presets, with realistic batch sizes for a ring of `qiLength` (256). */
export function kernels(qiLength?: number): {
  name: KernelVersion;
  range: string;
  policy: Policy;
  iteWalk: 'stride1' | 'stride2';
  realisticCounts: number[];
}[];
/** `config` as kernel `version` runs it (with `realistic`, that version's batch sizes). */
export function kernelConfig(version: KernelVersion, config: Config | undefined, realistic: boolean): NormalizedConfig;
/** The kernel matrix (`qisim matrix`): every version × caller mix × fault, proved or refuted. */
export function matrix(spec?: {
  qiLength?: number;
  submitters?: number;
  submissions?: number;
  maxBatch?: number;
  maxStates?: number;
}): Record<string, unknown>[];
/** The core's preset table under `policy`. */
export function presets(policy: Policy): { name: string; title: string; note: string; config: NormalizedConfig; seeds: number }[];
/** Actor names of a replay string, one per step (at most `limit`, default 10^6). */
export function parseReplay(replay: string, limit?: number): string[];
/** The canonical replay string of actor names. */
export function encodeReplay(actors: string[]): string;
/** The first `steps` choices of a replay string. */
export function cutReplay(replay: string, steps: number): string;
/** Timeline name of a descriptor label, or `slot{N}` without one. */
export function labelName(label: Label | null | undefined, slot?: number): string;
/** The kernel's name of a `qi_submit_sync` return code. */
export function errnoName(rc: number): string;
/** Every finding kind with its properties. */
export function findingKinds(): { name: FindingKind; severity: number; terminal: boolean; safety: boolean }[];
/** The `q`-quantile of a latency histogram. */
export function histogramQuantile(histogram: Histogram, q: number): number;

// ---------------------------------------------------------------------------------------------
// The worker pool (`qisim/pool`, re-exported by `qisim`)

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
  hunt(config: Config, options: PoolHuntOptions): Promise<HuntResult>;
  /**
   * The exhaustive explorer in one worker (the page stays responsive). `onProgress` gets
   * `ExploreProgress` every 65536 states, or `{ workerFailure }` if the worker died (the
   * exploration then restarts on a new worker). Aborting rejects with an `AbortError`.
   */
  explore(
    config: Config,
    options?: Omit<ExploreOptions, 'onProgress'> & {
      signal?: AbortSignal;
      onProgress?: (p: ExploreProgress | { workerFailure: WorkerFailure }) => void;
    },
  ): Promise<Verdict & { workerFailures?: WorkerFailure[] }>;
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
