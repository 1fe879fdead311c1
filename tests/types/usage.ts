// A consumer of the `qisim` package, type-checked (never run) by `tsc -p tests/types`
// (scripts/test-types.sh): `qisim`, `qisim/pool` and `qisim/qi-sim` resolve through
// package.json "exports" like in a consumer's project. Each `@ts-expect-error` line is wrong usage that must not compile.

import init, {
  Simulation,
  completeSchedule,
  estimateExplore,
  explore,
  faultPaths,
  timelineRows,
  hunt,
  histogramQuantile,
  checkProgram,
  kernelConfig,
  kernels,
  programMatrix,
  labelName,
  matrix,
  kernelAnswer,
  mergeHuntResults,
  presets,
  validateConfig,
  PRESETS,
  CANONICAL_REPLAY,
  seedScenarioConfig,
  stepNumber,
  isHw,
  matrixLabels,
  programMatrixCells,
  programPaths,
  provableConfig,
  patches,
  programDiff,
} from 'qisim';
import type {
  Config,
  Event,
  ExploreOptions,
  Finding,
  FindingKind,
  HuntOptions,
  HuntResult,
  MatrixCell,
  KernelAnswer,
  NormalizedConfig,
  Policy,
  QisimError,
  RunReport,
  Scheduler,
  SlotStatus,
  StateView,
  Verdict,
  Workload,
} from 'qisim';
import { MAX_CHUNK_ATTEMPTS, createPool, wasmModule } from 'qisim/pool';
import { QiSim, loadQisim } from 'qisim/qi-sim';
import type { ExploreProgress, Pool, PoolHuntOptions, Verdict as PoolVerdict, WorkerFailure } from 'qisim/pool';

// ---------------------------------------------------------------------------------------------
// Configs: every field optional, nested objects too; tagged unions keep their tag.

const empty: Config = {};
const workload: Workload = { submissions: 2, batch: { kind: 'fixed', count: 1 } };
const pct: Scheduler = { kind: 'pct', depth: 2 };
const config: Config = {
  qiLength: 8,
  submitters: 2,
  perSubmitter: [workload, { batch: { kind: 'sequence', counts: [0, 2] }, drain: true }],
  policy: 'legacy',
  scheduler: pct,
  faults: { iteRate: 0.1, iteWalk: 'stride2' },
  kernel: '6.9',
  seed: 12n,
  trace: true,
  stopOn: 'firstFinding',
};
const timed: Config = { scheduler: { kind: 'timed', costs: { lockNs: 30, jitter: 0 } } };
const replayed: Config = { ...config, scheduler: { kind: 'replay', choices: 'q1:a6b6H3a5b2' } };

// @ts-expect-error: policies are lower-case
const badPolicy: Config = { policy: 'Fixed' };
// @ts-expect-error: the JSON schema is camelCase
const snake: Config = { qi_length: 8 };
// @ts-expect-error: a fixed batch needs its count
const noCount: Config = { workload: { batch: { kind: 'fixed' } } };
// @ts-expect-error: a replay scheduler needs its choices
const noChoices: Config = { scheduler: { kind: 'replay' } };
// @ts-expect-error: the tag of a union is required
const noKind: Config = { scheduler: { depth: 2 } };
// @ts-expect-error: a depth is a number
const badDepth: Config = { scheduler: { kind: 'pct', depth: '2' } };
// @ts-expect-error: `null` is not "absent" (the core rejects it)
const nullKernel: Config = { kernel: null };

// ---------------------------------------------------------------------------------------------
// A simulation: reports, state, trace.

export async function simulate(): Promise<RunReport> {
  await init();
  const sim = new Simulation(config);
  sim.step(10);
  const state: StateView = sim.state();
  const statuses: SlotStatus[] = state.descStatus;
  const locked: number | null = state.qLock;
  const pc: string = state.submitters[0].pc;
  for (const e of sim.trace() as Event[]) {
    if (e.op === 'status') {
      const write: [SlotStatus, SlotStatus, boolean] = [e.before, e.after, e.hw];
      labelName(e.label, e.slot);
      void write;
    }
    // @ts-expect-error: `iqt` belongs to doorbell events only
    void e.iqt;
  }
  sim.stepActor(sim.enabled()[0]);
  const report = sim.run();
  const normalized: NormalizedConfig = report.config;
  const qi: number = normalized.qiLength; // every field present in a normalised config
  const submissions: number = normalized.workload.submissions;
  const steps: number = report.steps + report.metrics.perSubmitter[0].spins;
  const hash: string | null = report.traceHash;
  const p99: number = report.latencySteps.p99 + histogramQuantile(report.metrics.perSubmitter[0].latencySteps, 0.5);
  const lockedUp: boolean = report.outcome.kind === 'lockup';
  const first: Finding | undefined = report.findings[0];
  const kind: FindingKind | undefined = first?.kind;
  // @ts-expect-error: not a field of a report
  void report.seedRanges;
  // @ts-expect-error: the report's fields are camelCase
  void report.run_hash;
  void [statuses, locked, pc, qi, submissions, steps, hash, p99, lockedUp, kind, empty, timed, replayed];
  return report;
}

// ---------------------------------------------------------------------------------------------
// Hunting and exploring, in the page and in the worker pool.

export function huntAndProve(): [HuntResult, Verdict] {
  const options: HuntOptions = { maxFindings: 10 };
  const a = hunt(config, 0, 1000, options);
  const b = hunt(config, 1000n, 1000, { minimize: false });
  const merged: HuntResult = mergeHuntResults(a, b);
  const lockups: number = merged.lockups + merged.runsWith.length;
  const ranges: [number, number][] = merged.seedRanges;
  const minimized: string | undefined = merged.findings[0]?.minimized?.replay;
  const policy: Policy = merged.policy;

  const exploreOptions: ExploreOptions = {
    maxStates: 1e6,
    counts: [0, 1],
    target: 'lockup',
    onProgress: (p) => p.states < 1e6,
  };
  const verdict = explore(validateConfig(config), exploreOptions);
  const states: number = verdict.states;
  if (verdict.verdict === 'counterexample') {
    const replay: string = verdict.replay;
    const reproduced: boolean = verdict.reproduced;
    void [replay, reproduced];
  } else if (verdict.verdict === 'boundReached') {
    const bound: number = verdict.maxStates;
    void bound;
  }
  // @ts-expect-error: only a counterexample has a replay
  void verdict.replay;
  // @ts-expect-error: not an exploration option
  explore(config, { maxDepth: 3 });

  const k = kernels(256)[0];
  const kcfg: NormalizedConfig = kernelConfig(k.name, undefined, true);
  const cells: MatrixCell[] = matrix({ maxStates: 1000 });
  const answer: KernelAnswer = kernelAnswer('7.0');
  const hangs: boolean = answer.answers.some((a) => a.hangs && a.timeOut === 'gone');
  // @ts-expect-error: a time-out kind is one of the core's three
  void answer.answers.filter((a) => a.timeOut === 'present-ish');
  void hangs;
  const err = checkProgram(k.program);
  const where: number = err ? err.line : 0;
  const own: MatrixCell[] = programMatrix(undefined, 'fix.qi', k.program, '7.0');
  const withProgram: Config = { qiLength: 8, program: k.program };
  // @ts-expect-error: a program is text
  checkProgram(42);
  void [where, own, withProgram];
  const proved: boolean = cells.every((c) => c.verdict === 'proved');
  const presetSeeds: number = presets('fixed')[0].seeds;
  void [lockups, ranges, minimized, policy, states, kcfg, proved, presetSeeds];
  return [merged, verdict];
}

export async function inThePool(signal: AbortSignal): Promise<number> {
  const pool: Pool = createPool({ workers: 2, warmup: { config } });
  await pool.ready;
  const opts: PoolHuntOptions = {
    seedCount: 10_000,
    chunkSize: 500,
    signal,
    onProgress: ({ done, total, partial, workerFailure }) => {
      const f: WorkerFailure | undefined = workerFailure;
      void [done / total, partial.schedules, f?.reason];
    },
    options: { maxFindings: 5 },
  };
  const result = await pool.hunt(config, opts);
  const failures: number = (result.workerFailures ?? []).length + MAX_CHUNK_ATTEMPTS;
  const verdict: PoolVerdict = await pool.explore(config, {
    maxStates: 1e5,
    signal,
    onProgress: (p) => {
      if ('workerFailure' in p) void p.workerFailure.worker;
      else void (p satisfies ExploreProgress).queued;
    },
  });
  const states: number = verdict.states;
  // @ts-expect-error: a pool hunt needs a seed count
  await pool.hunt(config, { seedStart: 0 });
  pool.terminate();
  return result.schedules + failures + states;
}

export function fieldOf(e: unknown): string | undefined {
  return (e as QisimError).field;
}

// An error is worded from its kind: each kind's data is typed once narrowed.
export function worded(e: QisimError): string {
  switch (e.kind) {
    case 'range':
      return `${e.field} from ${e.min} to ${e.max}${e.integer ? ', whole' : ''} (${e.value})`;
    case 'unknownVariant':
      return `${e.value}: one of ${e.allowed.join(', ')}`;
    case 'tooBig':
      return `${e.count} ${e.what} > ${e.max}`;
    case 'program':
      return `${e.line}:${e.col} ${e.reason}`;
    default:
      // @ts-expect-error: only a range error has bounds
      return `${e.detail} ${e.min}`;
  }
}

void [badPolicy, snake, noCount, noChoices, noKind, badDepth, nullKernel];

// What the core decides for the viewer: fault paths, the completion, rows, the Prove estimate.
export function viewer(config: Config, replay: string, events: Event[]): string {
  const done = completeSchedule(config, replay, 2000);
  const rows = timelineRows(events, null);
  const first = rows[0]?.parts.map((p) => `${p.kind}:${p.text}`).join(' ') ?? '';
  const est = estimateExplore(config, { counts: [0, 1], sample: 4 });
  const paths = faultPaths().map((f) => `${f.id} ${f.description}`);
  // @ts-expect-error the completion's replay is a string
  const n: number = done.replay;
  return `${done.steps} ${done.kinds.join()} ${first} ${est.states} ${est.method} ${paths.length} ${n}`;
}

// The preset table and what the playground and <qi-sim> show (plain JavaScript of `qisim`),
// the Kernel code lab's functions, and `qisim/qi-sim`.
export async function lab(program: string): Promise<string> {
  const seed = PRESETS.seed;
  const cfg: NormalizedConfig = seedScenarioConfig('fixed');
  const shown = `${seed.label} ${seed.seeds} ${seed.config.qiLength} ${CANONICAL_REPLAY.legacy} ${cfg.policy}`;
  const step: number = stepNumber(0) + (isHw('HW:fetch') ? 1 : 0);
  const labels = matrixLabels();
  const cells = programMatrixCells(labels.spec, 'mine', program, '7.0', (c) => void c.text);
  const paths = programPaths(undefined, 'mine', program).map((p) => `${p.id} ${p.verdict} ${p.kind ?? ''}`);
  const fit = provableConfig({ submitters: 4 });
  const fix = patches().find((p) => p.base === '7.0');
  const diff: string = programDiff('7.0', fix?.source ?? program);
  const module: WebAssembly.Module = await wasmModule();
  const wasm = await loadQisim();
  const el: QiSim | null = document.querySelector('qi-sim');
  await el?.load({ config: cfg, replay: CANONICAL_REPLAY.fixed, step: 'end' });
  // @ts-expect-error: a preset's config is normalised, not a string
  const bad: string = PRESETS.seed.config;
  void [module, bad, wasm.version(), el?.steps];
  return `${shown} ${step} ${labels.faults.length} ${cells.length} ${paths} ${fit.changes.length} ${fit.config.submitters} ${diff}`;
}
