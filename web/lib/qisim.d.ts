// Type declarations of the `qisim` npm package. The wasm-bindgen output has its own
// `pkg/qisim_wasm.d.ts` with `any` for every object; every object crossing the wasm boundary is
// plain JSON data in the core's camelCase schema, integers are JS numbers below 2^53.
//
// One source of truth: the JSON data types are GENERATED from the Rust types of qisim-core into
// ./qisim-types.d.ts (ts-rs, `cargo test -p qisim-core --features ts --test ts_bindings`, which
// fails when that file is stale). This file only gives them the package's names, derives the
// input shapes (a config or an options object may leave out any field), and declares what is JS
// API: the wasm functions, `Simulation`, the preset table (the worker pool: pool.d.ts; the
// <qi-sim> element: qi-sim.d.ts). Declare no data type by hand here.

import type * as G from './qisim-types.js';

// ---------------------------------------------------------------------------------------------
// Input shapes

/**
 * The input shape of a generated data type whose Rust struct has serde's `default` (a config,
 * an options object): every field may be left out, recursively. A tagged union keeps its tag,
 * and the fields config/tagged.rs requires stay required: a batch distribution's, a replay
 * scheduler's `choices`.
 */
export type Input<T> = T extends G.BatchDist | { kind: 'replay' }
  ? T
  : T extends readonly (infer E)[]
    ? Input<E>[]
    : T extends object
      ? { [K in keyof T]?: Input<T[K]> } & Pick<T, Extract<keyof T, 'kind'>>
      : T;

// ---------------------------------------------------------------------------------------------
// Configuration

export type Policy = G.PolicyKind;
export type HardwareMode = G.HardwareMode;
export type InvType = G.InvType;
export type StopOn = G.StopOn;
/** The kernel's `ITE` walk: before 7.0 (`stride2`) or 7.0 and later (`stride1`). */
export type IteWalk = G.IteWalk;
/** Kernel presets (see `kernels()` and docs/kernels.md). */
export type KernelVersion = G.Kernel;

/** Descriptor count of one `qi_submit_sync` call (every field required). */
export type BatchDist = G.BatchDist;
/** Weight of each invalidation type in a batch (default: iotlb only). */
export type TypeMix = Input<G.TypeMix>;
/** What one submitter (CPU) submits. Every field is optional. */
export type Workload = Input<G.Workload>;
/** Simulated costs in nanoseconds for the timed scheduler. */
export type TimedCosts = Input<G.TimedCosts>;
/** Which actor runs next: `random` (default), `pct`, `replay` (`choices` required) or `timed`. */
export type Scheduler = Input<G.SchedulerConfig>;
/** Hardware fault injection (off by default): each rate is a probability, 0..=1. */
export type Faults = Input<G.FaultConfig>;

/**
 * A simulation configuration; every field is optional and `{}` is valid (the kernel's ring of
 * 256, two submitters). `seed` may be given as a BigInt (below 2^53 all the same).
 */
export type Config = Omit<Input<G.Config>, 'seed'> & { seed?: number | bigint };

/** A config with every default filled in (what `validateConfig` returns, `RunReport.config`). */
export type NormalizedConfig = G.Config;

// ---------------------------------------------------------------------------------------------
// Results (the JSON the core returns, every field present)

import type {
  Actor,
  FindingKind,
  Finding,
  Outcome,
  Histogram,
  Percentiles,
  Series,
  SubmitterMetrics,
  Metrics,
  RunReport,
  Label,
  Desc,
  Pc,
  SubmitterView,
  StateView,
  HwFault,
  Event,
  Minimized,
  HuntFinding,
  HuntResult,
  ExploreStats,
  Verdict,
  ExploreProgress,
  Preset,
  FaultPath,
  Completion,
  Row,
  RowPart,
  PartKind,
  Estimate,
  KernelAnswer,
  Answer,
  TimeOut,
  Reproduce,
  ReproFile,
  ReproNames,
  Description,
} from './qisim-types.js';
export type {
  Actor,
  FindingKind,
  Finding,
  Outcome,
  Histogram,
  Percentiles,
  Series,
  SubmitterMetrics,
  Metrics,
  RunReport,
  Label,
  Desc,
  Pc,
  SubmitterView,
  StateView,
  HwFault,
  Event,
  Minimized,
  HuntFinding,
  HuntResult,
  ExploreStats,
  Verdict,
  ExploreProgress,
  Preset,
  FaultPath,
  Completion,
  Row,
  RowPart,
  PartKind,
  Estimate,
  KernelAnswer,
  Answer,
  TimeOut,
  Reproduce,
  ReproFile,
  ReproNames,
  Description,
};

/** A ring slot's `desc_status`. */
export type SlotStatus = G.Status;
/** One cell of the kernel matrix (`matrix()`). */
export type MatrixCell = G.Cell;

// ---------------------------------------------------------------------------------------------
// Options

export type HuntOptions = Input<G.HuntOptions>;

/** The core's exploration options (every field optional), plus what the wasm layer adds. */
export type ExploreOptions = Input<G.ExploreOptions> & {
  /** Explore every per-submitter sequence of these descriptor counts as one graph. */
  counts?: number[];
  /** Called after every chunk of 8192 expanded states; return `false` to stop (a `boundReached` verdict). */
  onProgress?: (p: G.ExploreProgress) => boolean | void;
};

/** The size of the kernel matrix's configurations (`matrix()`); every field optional. */
export type MatrixSpec = Input<G.MatrixSpec>;

/**
 * Errors thrown by every function for bad input: a JS `Error` whose message names the field,
 * carrying the core's `ConfigError` as data — `field` (the JSON path, e.g.
 * `"workload.batch.count"`), `kind` (`range`, `unknownVariant`, `unknownField`, `missingField`,
 * `wrongType`, `tooBig`, `program`, `invalid`) with that kind's fields flat beside it (`value`,
 * `min`, `max`, `allowed`, `line`, `col`, ...) — and `detail`, the core's words without the
 * field. Word an error from `kind`, not from the message's text.
 */
export type QisimError = Error & G.ConfigError & { detail: string };

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
  /** The trace as per-step timeline rows in the core's wording (needs `trace: true`). */
  timelineRows(): Row[];
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
/**
 * The nearest config the explorer proves comfortably: a fault budget, one descriptor type, then
 * fewer calls and CPUs, each change with its field, values and why; `problem` says why `config`
 * itself is not (null when it is). Throws, naming the field, when nothing smaller explores.
 */
export function provableConfig(config: Config): {
  problem: { field: string; message: string } | null;
  config: NormalizedConfig;
  changes: { field: string; from: unknown; to: unknown; why: string }[];
  roots: number;
};
/** The kernel presets, with realistic batch sizes for a ring of `qiLength` (256). */
export function kernels(qiLength?: number): {
  name: KernelVersion;
  range: string;
  policy: Policy;
  iteWalk: IteWalk;
  realisticCounts: number[];
  /** The kernel's program (`qil` text, `core/kernels/*.qi`; docs/programs.md). */
  program: string;
}[];
/** Checks a kernel program without running it: `null` when it compiles, else where it fails. */
export function checkProgram(text: string): { line: number; col: number; message: string } | null;
/**
 * The kernel matrix of a program of one's own (`qisim matrix --program`): `program` run with the
 * callers of kernel `callers` (default `"7.0"`) on every caller mix × fault; cells named `name`.
 */
export function programMatrix(spec: MatrixSpec | undefined, name: string, program: string, callers?: KernelVersion): MatrixCell[];
/** A cell of `programMatrixCells`: the matrix cell, the grid's words for it and its `qisim replay` command. */
export type MatrixCellText = MatrixCell & { text: string; command: string | null };
/**
 * `programMatrix` calling `onCell` as each cell is decided (a worker posts them), each cell with
 * `text` (the grid's words) and `command`; returns every cell.
 */
export function programMatrixCells(
  spec: MatrixSpec | undefined,
  name: string,
  program: string,
  callers?: KernelVersion,
  onCell?: (cell: MatrixCellText) => void,
): MatrixCellText[];
/**
 * Each fault path's own configuration (docs/patches.md: F1, F2, F5, F6) proved or refuted for
 * `program` with the callers of `callers`; `text` as the grid writes it.
 */
export function programPaths(
  spec: MatrixSpec | undefined,
  name: string,
  program: string,
  callers?: KernelVersion,
): {
  id: FaultPath;
  fault: string;
  verdict: Verdict['verdict'] | 'error';
  kind: FindingKind | null;
  steps: number | null;
  text: string;
}[];
/**
 * What a page needs to draw a program's matrix in the core's words: the legend, the default
 * spec, the fault columns, the caller mixes and the fault paths' own configurations (each CPU's
 * calls as descriptor counts).
 */
export function matrixLabels(): {
  legend: string;
  spec: G.MatrixSpec;
  faults: { id: G.Fault; label: string; timeOut: boolean }[];
  mixes: { id: G.Mix; label: string }[];
  paths: { id: FaultPath; fault: string; calls: number[][] }[];
};
/** A unified diff of `text` against kernel `base`'s program (code only, three lines of context); empty when equal. */
export function programDiff(base: KernelVersion, text: string): string;
/** The proposed fixes (`core/patches/*.qi`, docs/patches.md), each with the kernel version it changes. */
export function patches(): { name: string; base: KernelVersion; addresses: string; title: string; source: string }[];
/** `config` as kernel `version` runs it (with `realistic`, that version's batch sizes). */
export function kernelConfig(version: KernelVersion, config: Config | undefined, realistic: boolean): NormalizedConfig;
/** The kernel matrix (`qisim matrix`): every version × caller mix × fault, proved or refuted. */
export function matrix(spec?: MatrixSpec): MatrixCell[];
/**
 * "Is the kernel I ship affected?" for one kernel preset: per kind of time-out (device present,
 * gone, gone without ITESID) whether a CPU can hang, with the run that shows it and its `qisim
 * replay` command (the row of docs/kernels.md's first table). Runs the kernel's matrix row
 * (about a second in wasm): call it in a worker.
 */
export function kernelAnswer(version: string, spec?: MatrixSpec): KernelAnswer;
/**
 * The `qisim replay` command that prints the timeline of `replay` on `config` (the CLI prints
 * the same function's commands): flags for fields that have one, `--config-json` (or the
 * `configFile` of `names`) for the rest, a kernel program in `programFile` (default
 * `program.qi`); `files` holds what the command reads.
 */
export function reproduceReplay(config: Config, replay: string, names?: Partial<ReproNames>): Reproduce;
/** The `qisim explore` command of an exploration of `config` with `options` (as `explore`'s). */
export function reproduceExplore(config: Config, options?: ExploreOptions, names?: Partial<ReproNames>): Reproduce;
/** What `config` runs, in words: `{ subject, faults, timing }` ("kernel 7.0", "ITE 50%; at most 1 fault"). */
export function describeRun(config: Config): Description;
/** The core's preset table under `policy`. */
export function presets(policy: Policy): Preset[];
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
export function findingKinds(): { name: FindingKind; plain: string; severity: number; terminal: boolean; safety: boolean }[];
/** Every outcome `kind` of a run report, with the same in words. */
export function outcomeKinds(): { name: Outcome['kind']; plain: string }[];
/** The `q`-quantile of a latency histogram. */
export function histogramQuantile(histogram: Histogram, q: number): number;
/** The fault paths of `docs/findings.md` (a finding's `faultPath`), with a plain-words description. */
export function faultPaths(): { id: FaultPath; description: string }[];
/** Runs `replay` and continues it round robin (the shrinker's completion) until the run ends or `limit` steps (default 5000, at most 10^6). */
export function completeSchedule(config: Config, replay: string, limit?: number | bigint): Completion;
/** Per-step timeline rows of a trace, in the core's wording; `findings` are placed with the submitter they concern. */
export function timelineRows(events: Event[], findings?: Finding[] | null): Row[];
/** The marks of descriptor labels and timelines (`WD1'`, `WD1^4`, `*`, `(×N)`), each with its meaning. */
export function timelineKey(): { mark: string; meaning: string }[];
/** Every kind of actor a schedule names (`T1`, `HW`, `HW:fetch`, `HW:ITE`, ...), each with what its step does. */
export function actorKey(): { mark: string; meaning: string }[];
/** Options of `estimateExplore`: the explore options that shape the graph, plus the sample. */
export type EstimateOptions = Input<G.EstimateOptions> & { counts?: number[] };
/** Estimates the states `explore` would store for `config` (and its family), fast: samples of roots explored and extrapolated. */
export function estimateExplore(config: Config, options?: EstimateOptions): Estimate;

// ---------------------------------------------------------------------------------------------
// The worker pool (`qisim/pool`, declared in pool.d.ts)

export { createPool, MAX_CHUNK_ATTEMPTS, wasmModule } from './pool.js';
export type { Pool, PoolOptions, PoolHuntOptions, PoolProgress, WorkerFailure } from './pool.js';

// ---------------------------------------------------------------------------------------------
// The preset table and how <qi-sim> shows a run (plain JavaScript: no wasm needed)

/** A preset of the core's table (`presets('legacy')`), for synchronous use. */
export interface PresetEntry {
  /** One-line title. */
  label: string;
  note: string;
  /** Seeds a hunt of this preset runs by default. */
  seeds: number;
  /** Under the legacy policy (a kernel preset: its version's policy); seed 0. */
  config: NormalizedConfig;
}
/** The core's preset table by name (`commit`, `seed`, `mix8`, `faultStorm`, `kernel-6.9`, ...), generated at build time. */
export const PRESETS: { readonly [name: string]: PresetEntry };
/** The replay string of the fix's commit message under each policy. */
export const CANONICAL_REPLAY: { readonly legacy: string; readonly fixed: string };
/** The commit message's schedule under `policy` (default legacy): the config <qi-sim> shows by default. */
export function seedScenarioConfig(policy?: Policy): NormalizedConfig;
/** The step number a page shows for a step index of the core (1-based: `index + 1`). */
export function stepNumber(index: number | bigint): number;
/** True for the hardware's actors (`HW`, `HW:fetch`, `HW:ITE`, ...). */
export function isHw(actor: string): boolean;
