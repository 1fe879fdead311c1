// GENERATED from the Rust types of qisim-core by ts-rs: do not edit. Regenerate with
// `QISIM_BLESS=1 cargo test -p qisim-core --features ts --test ts_bindings`.
// These are the JSON shapes the core serialises (every field present); web/lib/qisim.d.ts
// derives the input shapes (`Config`, options: every field optional) from them.

/**
 * Who takes a step: a submitter (CPU, `T1` is index 0), the hardware engine completing its
 * oldest pending descriptor (`HW`; it fetches it first when nothing is pending), the hardware
 * engine fetching one more descriptor ahead (`HW:fetch`), or the hardware engine taking a step
 * that faults (`HW:IQE`, `HW:ITE`, `HW:ICE`, `HW:GONE`; fault injection). See
 * [`model::hardware`].
 */
export type Actor = string;

/**
 * The answer for one kernel and kind of time-out.
 */
export type Answer = { timeOut: TimeOut, 
/**
 * Its column heading ([`TimeOut::label`]).
 */
label: string, 
/**
 * A CPU never returns (a lockup, an endless walk, retrying forever), directly or at the
 * end of a chain.
 */
hangs: boolean, 
/**
 * The cell in the matrix's words (`stray 10 ⇒ lockup@3`, `walkLoop 8`), with its fault
 * column; for no hang, every finding of the kind's columns.
 */
text: string, 
/**
 * The finding kinds of that run, in order (a cause first, then the hang it ends in).
 */
kinds: Array<string>, 
/**
 * The run that shows it (the hang, or the first finding when nothing hangs), to replay.
 */
config: Config | null, replay: string | null, 
/**
 * Its `qisim replay` command.
 */
command: string | null, };

/**
 * Distribution of the descriptor count of one submission (before the zero-count draw). Read
 * through `config/tagged.rs`, so errors name the inner field.
 */
export type BatchDist = { "kind": "fixed", count: number, } | { "kind": "uniform", min: number, max: number, } | { "kind": "sequence", counts: Array<number>, };

/**
 * One cell.
 */
export type Cell = { 
/**
 * The kernel version whose program runs, or whose callers a program runs with.
 */
kernel: Kernel, 
/**
 * The program's name, when the row runs a program of one's own (or a patch).
 */
program?: string, 
/**
 * The row's name: the presets it stands for, or the program's name.
 */
row: string, mix: Mix, fault: Fault, 
/**
 * The descriptor counts every CPU's calls range over.
 */
counts: Array<number>, 
/**
 * `proved`, `counterexample` or `boundReached`.
 */
verdict: Verdict["verdict"], 
/**
 * The counterexample's finding.
 */
kind: FindingKind | null, steps: number | null, 
/**
 * The replay string and its per-CPU counts (`--per-submitter`), to reproduce it.
 */
replay: string | null, perSubmitter: Array<number> | null, reproduced: boolean | null, states: number, 
/**
 * Where the counterexample's first cause ends, with more calls per CPU (a stray write
 * that stops the reclaim: the lockup once the ring runs out).
 */
consequence?: Consequence, };

/**
 * A schedule run to its end by [`complete`].
 */
export type Completion = { 
/**
 * The whole schedule: the given choices, then the round robin's.
 */
replay: string, steps: number, 
/**
 * Distinct finding kinds of the run, in order of first appearance.
 */
kinds: Array<FindingKind>, 
/**
 * Whether the run ended (completed, lockup, deadlock, ...) within `limit` extra steps.
 */
ended: boolean, };

/**
 * A complete simulation configuration.
 */
export type Config = { 
/**
 * `QI_LENGTH`: ring size in descriptors.
 */
qiLength: number, 
/**
 * Number of submitters (CPUs calling `qi_submit_sync`).
 */
submitters: number, 
/**
 * Workload of every submitter without an entry in `perSubmitter`.
 */
workload: Workload, 
/**
 * Optional per-submitter workloads; if non-empty its length must equal `submitters`.
 */
perSubmitter: Array<Workload>, policy: PolicyKind, hardware: HardwareMode, 
/**
 * How many descriptors hardware may hold fetched and pending at once (VT-d: hardware may
 * fetch ahead of completion). 0 = no limit (up to `IQT`), the default: every smaller
 * depth's behaviour is then included, so a proof holds for any engine; 1 = a serial
 * engine (fetch one, complete it, fetch the next).
 */
fetchDepth: number, 
/**
 * The kernel version this config models (see [`crate::config::kernel`]); its policy and ITE walk
 * must agree with `policy` and `faults.iteWalk`. Absent: none claimed (`null` is a type
 * error, as everywhere in the schema).
 */
kernel?: Kernel, 
/**
 * A kernel program of one's own (`qil` text: `qi_check_fault`, `mark`, `reclaim`; see
 * `docs/programs.md`), run instead of a shipped kernel. Absent: the shipped program of
 * `kernel`, or the one `policy` and `faults.iteWalk` name.
 */
program?: string, scheduler: SchedulerConfig, faults: FaultConfig, 
/**
 * Seed of every random choice (workload, schedule, jitter).
 */
seed: number, 
/**
 * The run stops after this many steps.
 */
stepLimit: number, 
/**
 * Soft-lockup watchdog: a submitter making no progress for this many of its own steps is
 * reported as a suspected lockup (0 = off).
 */
watchdog: number, 
/**
 * Record the event trace (needed for timelines; off for fast hunting).
 */
trace: boolean, 
/**
 * Record the schedule for the replay string (on by default). Off, the run is faster and its
 * memory flat, and `replay` is empty: the same seed re-run with it on gives the schedule.
 */
recordSchedule: boolean, 
/**
 * Keep at most this many trace events (the oldest are dropped).
 */
traceCapacity: number, 
/**
 * Throughput-series bucket width in steps (or ns under `timed`); buckets merge pairwise
 * when there would be more than `maxBuckets`.
 */
bucket: number, maxBuckets: number, stopOn: StopOn, };

/**
 * A rejected configuration, option or argument: `field` is its JSON path (camelCase; `config`,
 * or the argument's name, for the value as a whole), `kind` what is wrong, `message` the same in
 * words (without the field).
 */
export type ConfigError = { field: string, message: string, } & ({ "kind": "range", value: number, min: number, max: number, minExclusive: boolean, 
/**
 * The field takes whole numbers only.
 */
integer: boolean, } | { "kind": "unknownVariant", value: string, allowed: Array<string>, } | { "kind": "unknownField", value: string, allowed: Array<string>, } | { "kind": "missingField", name: string, } | { "kind": "wrongType", value: string, expected: string, } | { "kind": "tooBig", count: number, max: number, what: string, base: number | null, exponent: number | null, } | { "kind": "program", line: number, col: number, reason: string, } | { "kind": "invalid" });

/**
 * The hang a first cause leads to.
 */
export type Consequence = { 
/**
 * The hang (`lockup`, `walkLoop`, `retryForever`).
 */
kind: FindingKind, 
/**
 * Calls per CPU it takes.
 */
calls: number, steps: number, 
/**
 * The replay string, against the cause's config with `calls` calls per CPU.
 */
replay: string, 
/**
 * The findings of its replay in the simulator, in order: the cause comes first.
 */
findings: Array<FindingKind>, };

/**
 * A descriptor as written into the ring.
 */
export type Desc = { "kind": "empty" } | { "kind": "inv", ty: InvType, label: Label, } | { "kind": "wait", statusAddr: number, sw: boolean, drain: boolean, label: Label, };

/**
 * What a run is, in words for a result's heading: the kernel (or program, or reclaim policy),
 * the faults injected and when a time-out fires.
 */
export type Description = { 
/**
 * `kernel 7.0`, `a kernel program` or `legacy reclaim`.
 */
subject: string, 
/**
 * `no faults`, or the rates (`ITE 50%, device gone 50%; at most 1 fault`).
 */
faults: string, 
/**
 * When a time-out may fire (`any fetched`), or `None` without time-outs.
 */
timing: string | null, };

/**
 * The functions qisim calls, in the order of `qi_submit_sync()`.
 */
export type Entry = "checkFault" | "mark" | "reclaim";

/**
 * The estimate.
 */
export type Estimate = { 
/**
 * States the exploration is expected to store to prove the family.
 */
states: number, 
/**
 * A true lower bound: states of the family the estimate stored.
 */
low: number, 
/**
 * About the most the family stores if its roots share no states (`None` for a lower
 * bound).
 */
high: number | null, 
/**
 * Roots of the family (workload combinations).
 */
workloads: number, 
/**
 * Roots of the largest sample (all of them when exact).
 */
sampled: number, 
/**
 * States the estimate itself explored (with the caller's clock: the measured rate).
 */
explored: number, method: Method, 
/**
 * A sample exploration found a counterexample: the exploration may end sooner.
 */
counterexample: boolean, };

/**
 * Options of an estimate: the exploration's options (its `maxStates` is ignored) and the
 * sample.
 */
export type EstimateOptions = { 
/**
 * Most roots of the largest sample (at least 2).
 */
sample: number, 
/**
 * States one sample exploration may store (at least 1000; all of them together at most
 * three times this).
 */
budget: number, por: boolean, symmetry: boolean, rotation: boolean, stopOnCause: boolean, };

/**
 * One trace event.
 */
export type Event = { step: number, actor: Actor, } & ({ "op": "lock", handoff: boolean, } | { "op": "checkSpace", freeCnt: number, need: number, ok: boolean, } | { "op": "write", index: number, count: number, waitIndex: number, } | { "op": "doorbell", iqt: number, } | { "op": "poll", waitIndex: number, status: Status, done: boolean, 
/**
 * The poller's own wait descriptor (what it waits for, whatever the slot holds now).
 */
label: Label, } | { "op": "unlock" } | { "op": "mark", index: number, count: number, } | { "op": "reclaim", from: number, to: number, } | { "op": "return", rc: number, latencySteps: number, } | { "op": "hwFetch", slot: number, label: Label | null, } | { "op": "hwInv", slot: number, label: Label | null, } | { "op": "hwWait", slot: number, label: Label | null, } | { "op": "hwAbort", slot: number, label: Label | null, } | { "op": "status", slot: number, before: Status, after: Status, hw: boolean, label: Label | null, } | { "op": "hwFault", slot: number, fault: HwFault, label: Label | null, } | { "op": "checkFault", rc: number, } | { "op": "iqeRepair", slot: number, waitIndex: number, } | { "op": "clearFault", bits: number, } | { "op": "suspend", function: Entry, line: number, } | { "op": "finding", kind: FindingKind, message: string, } | { "op": "markRc", rc: number, } | { "op": "nopDesc", slot: number, });

/**
 * Options of an exploration.
 */
export type ExploreOptions = { 
/**
 * Stop with a `boundReached` verdict after storing this many states.
 */
maxStates: number, 
/**
 * Partial-order reduction (see the module docs).
 */
por: boolean, 
/**
 * Symmetry reduction of submitters with identical workloads.
 */
symmetry: boolean, 
/**
 * Symmetry reduction over ring rotation: states that differ by a turn of the ring are
 * one (up to `qi_length`× fewer states; by turns of 2 when the stride-2 `ITE` walk can
 * run, none on an odd ring then; see `fingerprint.rs` and `model::fault::rotation_step`).
 */
rotation: boolean, 
/**
 * Re-explore without the partial-order reduction to make a counterexample shortest.
 */
shortest: boolean, 
/**
 * Treat `lostCompletion` itself as a violation (default: look for its consequence).
 */
stopOnCause: boolean, 
/**
 * Look only for this kind (other findings do not stop the search); `None`: any violation.
 */
target: FindingKind | null, 
/**
 * Decide liveness by fair-cycle analysis of the whole state graph instead of the stuck
 * predicate (a cross-check of the module docs' argument; slower: keeps every edge, and
 * turns the partial-order reduction off).
 */
cycles: boolean, 
/**
 * Threads of the search (the visited set is split into as many partitions): 1 to
 * [`MAX_THREADS`], or 0 for every core. The result does not depend on it (same verdict,
 * states, transitions and counterexample). Only builds with the `threads` feature (the
 * native CLI) run more than one; without it (WebAssembly) 0 means 1 and more than 1 is an
 * error: a browser runs the partition steps on a pool of Web Workers ([`pool`]).
 * `cycles` runs on one thread: 0 means 1 there, more is an error.
 */
threads: number, };

/**
 * Progress of a running exploration.
 */
export type ExploreProgress = { states: number, transitions: number, depth: number, queued: number, };

/**
 * Statistics of an exploration.
 */
export type ExploreStats = { 
/**
 * Distinct states stored.
 */
states: number, 
/**
 * Transitions executed (successors generated).
 */
transitions: number, 
/**
 * Deepest BFS level reached.
 */
maxDepth: number, 
/**
 * Initial states (one per workload combination).
 */
roots: number, 
/**
 * Wall-clock seconds, filled in by the caller ([`Verdict::with_elapsed`]): core has no clock.
 */
seconds: number | null, 
/**
 * `states / seconds`, filled in with `seconds`.
 */
statesPerSecond: number | null, 
/**
 * Peak memory of the visited set, parent links, BFS levels and message buffers, per
 * stored state (the explorer's own accounting; the CLI also reports the process's peak).
 */
bytesPerState: number, 
/**
 * The explorer's accounting of the bytes above.
 */
peakBytes: number, 
/**
 * Upper bound on the probability that two distinct stored states share a 64-bit
 * fingerprint (and were merged): n(n−1)/2 · 2⁻⁶⁴ for n states (birthday bound, as SPIN
 * reports for hash-compact search). A `proved` holds with at least 1 minus this.
 */
collisionProbability: number, 
/**
 * Threads the search ran on.
 */
threads: number, 
/**
 * The reductions the search used: asked for (`ExploreOptions`) and sound for this config
 * and its kernel program (`program::analysis`, `docs/programs.md`). Partial-order
 * reduction: off with faults.
 */
por: boolean, symmetry: boolean, 
/**
 * Ring rotation: off where the program reads slot numbers other than relative to the ring.
 */
rotation: boolean, 
/**
 * Descriptors of freed slots nothing can read were left out of the states: off where the
 * program may copy or revive any freed slot.
 */
deadDescriptors: boolean, };

/**
 * The fault column of a cell: which hardware fault may happen (at most one per run, or two)
 * and when a time-out may fire ([`IteTiming`]).
 */
export type Fault = "none" | "iqe" | "ice" | "ite" | "iteWaitFetched" | "iteAllFetched" | "iteTwice" | "gone" | "goneWaitFetched" | "goneAllFetched" | "goneNoItesid";

/**
 * Fault injection in the hardware engine. Off (all zero) by default. Each time the engine is
 * scheduled at a descriptor a fault applies to, the fault happens with its rate (drawn from a
 * stream of its own, so fault-free runs keep their schedules).
 */
export type FaultConfig = { 
/**
 * Probability an invalidation descriptor is invalid (`IQE`).
 */
iqeRate: number, 
/**
 * Probability a device-TLB invalidation times out (`ITE`).
 */
iteRate: number, 
/**
 * Probability of an invalidation completion error on a device-TLB invalidation (`ICE`).
 */
iceRate: number, 
/**
 * Probability a device-TLB invalidation times out and its device is gone (an `ITE` after
 * which `qi_check_fault` returns `-ETIMEDOUT`: `ite_sid` names a device that
 * `pci_device_is_present()` denies).
 */
deviceGoneRate: number, 
/**
 * The kernel's `ITE` walk.
 */
iteWalk: IteWalk, 
/**
 * When an `ITE` (or device gone) may fire: as soon as its invalidation is fetched (the
 * default, as the VT-d spec allows), once its batch's wait is fetched, or once everything
 * published is.
 */
iteTiming: IteTiming, 
/**
 * Hardware without `ITESID` (`IQER.ITESID` reads 0, as before VT-d 3.x or where it is
 * not reported): `qi_check_fault` cannot tell a gone device from a slow one.
 */
noIteSid: boolean, 
/**
 * At most this many faults per run (0 = no limit). The exhaustive explorer needs a limit:
 * every `-EAGAIN` restart is a new attempt, so unbounded faults mean unbounded states.
 */
maxFaults: number, };

/**
 * A fault path of `docs/findings.md`.
 */
export type FaultPath = "F1" | "F2" | "F3" | "F4" | "F5" | "F6";

/**
 * One finding, at the step it was detected.
 */
export type Finding = { kind: FindingKind, 
/**
 * Step number (0-based) at which it was detected.
 */
step: number, 
/**
 * The actor whose step revealed it.
 */
actor: Actor, 
/**
 * The submitter it concerns (owner of the lost wait, the stuck poller, ...).
 */
submitter: number | null, 
/**
 * The ring slot it concerns.
 */
slot: number | null, 
/**
 * Human-readable explanation with kernel names.
 */
message: string, 
/**
 * The fault path of `docs/findings.md` it is on (`"F1"` … `"F6"`), or none: decided by
 * the core (`model::fault_path`).
 */
faultPath: FaultPath | null, };

/**
 * Kinds of finding.
 */
export type FindingKind = "lostCompletion" | "lockup" | "suspectedLockup" | "staleWakeup" | "prematureCompletion" | "overrun" | "strayStatusWrite" | "freeCntInvariant" | "deadlock" | "walkLoop" | "misattributedError" | "retryForever" | "programError";

/**
 * How the hardware engine runs relative to software.
 */
export type HardwareMode = "async" | "sync";

/**
 * Log-linear latency histogram (HDR-style, 3 significant bits per power of two): constant
 * memory, mergeable, ~12% worst-case relative error on percentiles.
 */
export type Histogram = { 
/**
 * Counts per bucket (bucket boundaries: `Histogram::bucket_of`); trailing zero buckets are
 * trimmed.
 */
counts: Array<number>, total: number, min: number, max: number, sum: number, };

/**
 * One seed that found something.
 */
export type HuntFinding = { seed: number, 
/**
 * Distinct kinds found in this run, in order of first appearance.
 */
kinds: Array<FindingKind>, 
/**
 * The first finding of the run.
 */
first: Finding, 
/**
 * Every finding of the run.
 */
findings: Array<Finding>, outcome: Outcome, steps: number, 
/**
 * The original schedule.
 */
replay: string, 
/**
 * The minimised schedule (when minimisation was asked for).
 */
minimized: Minimized | null, };

/**
 * Options of a hunt.
 */
export type HuntOptions = { 
/**
 * Keep at most this many findings (the lowest seeds).
 */
maxFindings: number, 
/**
 * Minimise each kept finding (costs replays; see [`crate::search::shrink`]).
 */
minimize: boolean, };

/**
 * Counts and merged metrics of a hunt (or of one chunk of it).
 */
export type HuntResult = { policy: PolicyKind, scheduler: SchedulerConfig["kind"], 
/**
 * Seeds covered, as sorted disjoint `[start, end)` ranges.
 */
seedRanges: Array<[number, number]>, schedules: number, steps: number, completed: number, 
/**
 * Runs per finding kind (a run counts once per kind).
 */
runsWith: Array<[FindingKind, number]>, 
/**
 * Runs with a proved lockup.
 */
lockups: number, 
/**
 * Runs with any safety violation.
 */
safety: number, 
/**
 * Runs that hit the step limit.
 */
stepLimits: number, 
/**
 * Findings of the lowest seeds (sorted by seed), at most `max_findings`.
 */
findings: Array<HuntFinding>, maxFindings: number, latencySteps: Histogram, latencyNs: Histogram, 
/**
 * Sum of every run's throughput series.
 */
series: Series, descriptors: number, submissions: number, timeNs: number, };

/**
 * A hardware fault.
 */
export type HwFault = "iqe" | "ite" | "ice" | "gone";

/**
 * Invalidation descriptor types (VT-d 6.5.2).
 */
export type InvType = "iotlb" | "devtlb" | "context" | "iec" | "pasid";

/**
 * When hardware may raise an invalidation time-out (`ITE`, device gone) relative to what it
 * has fetched. The VT-d spec (6.5.2.11) lets it fire as soon as the timed-out device-TLB
 * invalidation is fetched; the kernels' `ITE` walks assume more (docs/model.md).
 */
export type IteTiming = "anyFetched" | "waitFetched" | "allFetched";

/**
 * Which `qi_check_fault` walk runs after an `ITE` (DESIGN.md section 4).
 */
export type IteWalk = "stride2" | "stride1";

/**
 * A kernel version: a range of releases with one `qi_submit_sync()` behaviour.
 */
export type Kernel = "5.15" | "5.15.168" | "5.15.203" | "6.1" | "6.1.113" | "6.6" | "6.6.55" | "6.6.130" | "6.9" | "6.12" | "6.12.78" | "6.18" | "6.18.26" | "7.0" | "7.2";

/**
 * The answers of one kernel behaviour (a matrix row).
 */
export type KernelAnswer = { 
/**
 * The presets with this behaviour (`5.15.203 · 6.6.130`).
 */
row: string, answers: Array<Answer>, };

/**
 * Which descriptor of which submission occupies a slot: lets the oracles tell a slot's current
 * owner from the one a status write was meant for. Not kernel state.
 */
export type Label = { 
/**
 * Submitter index (T1 is 0).
 */
submitter: number, 
/**
 * Attempt number of that submitter (one per `write`, so a restart gets a new one).
 */
attempt: number, 
/**
 * Position in the batch (`0..count`), or `count` for the wait descriptor.
 */
part: number, 
/**
 * The batch's descriptor count.
 */
count: number, };

/**
 * The size of the explored configurations.
 */
export type MatrixSpec = { qiLength: number, submitters: number, 
/**
 * Calls per CPU.
 */
submissions: number, 
/**
 * Largest batch explored (the realistic counts above it are left out).
 */
maxBatch: number, maxStates: number, 
/**
 * Follow a stray write that stops the reclaim to the lockup it ends in (more calls per
 * CPU: `check::consequence`).
 */
consequences: boolean, };

/**
 * How the estimate was made.
 */
export type Method = "exact" | "extrapolated" | "lowerBound";

/**
 * All metrics of a run.
 */
export type Metrics = { steps: number, 
/**
 * Simulated time (timed scheduler; 0 otherwise).
 */
timeNs: number, hwSteps: number, submissions: number, descriptors: number, perSubmitter: Array<SubmitterMetrics>, series: Series, };

/**
 * A minimised counterexample.
 */
export type Minimized = { 
/**
 * The (possibly reduced) config the replay runs against.
 */
config: Config, replay: string, steps: number, timeline: string, };

/**
 * The callers of a cell.
 */
export type Mix = "realistic" | "withDrain";

/**
 * How a run ended.
 */
export type Outcome = { "kind": "completed" } | { "kind": "lockup" } | { "kind": "deadlock" } | { "kind": "stepLimit" } | { "kind": "replayEnded" } | { "kind": "replayDiverged", step: number, actor: Actor, } | { "kind": "stoppedOnFinding" };

/**
 * How a row part is drawn: an operation, a hardware status write (`*`), a fault, a finding.
 */
export type PartKind = "op" | "hw" | "fault" | "finding";

/**
 * The next step a submitter will take (its program counter).
 */
export type Pc = "lock" | "checkSpace" | "spaceUnlock" | "write" | "doorbell" | "poll" | "pollUnlock" | "pollLock" | "mark" | "reclaim" | "unlock" | "finished" | "inCheckFault" | "inMark" | "inReclaim";

/**
 * Percentile summary of a histogram.
 */
export type Percentiles = { p50: number, p90: number, p99: number, max: number, mean: number, count: number, };

/**
 * Reclaim policy (steps 7 and 8 of `qi_submit_sync`).
 */
export type PolicyKind = "legacy" | "fixed";

/**
 * A named scenario.
 */
export type Preset = { 
/**
 * Name on the command line and in URLs.
 */
name: string, 
/**
 * One-line title.
 */
title: string, 
/**
 * What it shows, in a sentence or two.
 */
note: string, 
/**
 * The configuration (policy as given; seed 0).
 */
config: Config, 
/**
 * Seeds a hunt of this preset runs by default.
 */
seeds: number, };

/**
 * A file the command names (the config or the kernel program), with its contents.
 */
export type ReproFile = { name: string, contents: string, };

/**
 * Where the command finds what does not fit on the line.
 */
export type ReproNames = { 
/**
 * The kernel program's file (`--program`); default `program.qi`.
 */
programFile: string | null, 
/**
 * Put the rest of the config in this file (`--config`) when it is longer than
 * [`INLINE_MAX`] characters; without a name it is always inline (`--config-json`).
 */
configFile: string | null, };

/**
 * A command line and the files it reads.
 */
export type Reproduce = { 
/**
 * The shell command (`qisim replay --ring 8 ... q1:...`).
 */
command: string, 
/**
 * Its arguments after `qisim`, unquoted.
 */
args: Array<string>, 
/**
 * The files it names, to be saved beside it (empty when everything is inline).
 */
files: Array<ReproFile>, };

/**
 * One step of the trace as a timeline row: who moved, what it did (the column timeline's
 * wording), and the ring slots it read or named and wrote (by hardware, by software).
 */
export type Row = { step: number, actor: Actor, parts: Array<RowPart>, slots: Array<number>, hwSlots: Array<number>, swSlots: Array<number>, };

/**
 * One part of a per-step row.
 */
export type RowPart = { text: string, kind: PartKind, 
/**
 * The finding this part reports.
 */
finding?: FindingKind | null, 
/**
 * Its full message (findings).
 */
title?: string | null, 
/**
 * The submitter whose column it belongs in when that is not the row's actor's (a finding
 * shown with the CPU it concerns: the stuck poller, the owner of the lost wait).
 */
submitter?: number | null, 
/**
 * The fault path of `docs/findings.md` the finding is on.
 */
faultPath?: FaultPath | null, };

/**
 * Everything about a finished (or stopped) run, as plain data.
 */
export type RunReport = { config: Config, seed: number, scheduler: SchedulerConfig["kind"], policy: PolicyKind, outcome: Outcome, steps: number, timeNs: number, findings: Array<Finding>, 
/**
 * The exact schedule (see [`crate::replay`]).
 */
replay: string, 
/**
 * Stable hash of the trace as 16 hex digits (only when `trace` is on).
 */
traceHash: string | null, 
/**
 * Stable hash of schedule and findings as 16 hex digits (always).
 */
runHash: string, latencySteps: Percentiles, latencyNs: Percentiles, 
/**
 * Invalidations per µs (timed) or per 1000 steps.
 */
throughput: number, metrics: Metrics, };

/**
 * Which actor runs next. Read through `config/tagged.rs`, so errors name the inner field.
 */
export type SchedulerConfig = { "kind": "random", hwWeight: number, } | { "kind": "pct", depth: number, steps: number, } | { "kind": "replay", choices: string, } | { "kind": "timed", costs: TimedCosts, };

/**
 * Throughput over time: per bucket, calls returned and invalidation descriptors they carried,
 * per submitter and in total. Buckets double in width (merging pairwise) to stay within
 * `max_buckets`, so memory is bounded however long the run.
 */
export type Series = { 
/**
 * `"step"` or `"ns"`.
 */
unit: "step" | "ns", 
/**
 * Width of one bucket in `unit`.
 */
bucket: number, maxBuckets: number, 
/**
 * Calls returned per bucket, total.
 */
submissions: Array<number>, 
/**
 * Invalidation descriptors completed (returned) per bucket, total.
 */
descriptors: Array<number>, 
/**
 * Descriptors per bucket per submitter (`per_submitter[i][bucket]`).
 */
perSubmitter: Array<Array<number>>, };

/**
 * Everything a visualiser needs after any step.
 */
export type StateView = { step: number, timeNs: number, qiLength: number, descStatus: Array<Status>, desc: Array<Desc>, freeHead: number, freeTail: number, freeCnt: number, qLock: number | null, iqh: number, iqt: number, 
/**
 * Descriptors `pendingFrom..iqh` are fetched and pending in hardware.
 */
pendingFrom: number, fsts: number, 
/**
 * The last `ITE`'s device is gone (`qi_check_fault` will return `-ETIMEDOUT`).
 */
iteGone: boolean, hwEnabled: boolean, submitters: Array<SubmitterView>, };

/**
 * `desc_status[i]` values.
 */
export type Status = "QI_FREE" | "QI_IN_USE" | "QI_DONE" | "QI_ABORT";

/**
 * Which findings end a run early.
 */
export type StopOn = "consequence" | "firstFinding";

/**
 * Counters of one submitter.
 */
export type SubmitterMetrics = { submissions: number, 
/**
 * Invalidation descriptors in returned calls (wait descriptors not counted).
 */
descriptors: number, lockAcquisitions: number, lockHandoffs: number, 
/**
 * Poll iterations that did not see `QI_DONE`.
 */
spins: number, 
/**
 * `check_space` failures.
 */
spaceRetries: number, 
/**
 * `-EAGAIN` restarts.
 */
restarts: number, latencySteps: Histogram, latencyNs: Histogram, };

/**
 * A submitter as shown to visualisers.
 */
export type SubmitterView = { pc: Pc, 
/**
 * Kernel name of the next step.
 */
stepName: string, count: number, index: number, waitIndex: number, rc: number, submissionsDone: number, submissionsTotal: number, attempt: number, holdsLock: boolean, enabled: boolean, };

/**
 * The three kinds of time-out the question is asked for.
 */
export type TimeOut = "present" | "gone" | "goneNoItesid";

/**
 * Simulated costs in nanoseconds for the timed scheduler.
 *
 * Defaults are order-of-magnitude figures for a server CPU and an integrated IOMMU, not
 * measurements: an uncontended spinlock is a cached atomic (~20 ns), a hand-off moves the lock's
 * cache line between cores (~100 ns), a 128-bit descriptor store is ~10 ns, the `IQT` MMIO write
 * is an uncached posted write (~150 ns), a status poll that misses because the IOMMU wrote the
 * line costs ~60 ns. Hardware latencies are per descriptor; device-TLB invalidations wait for an
 * ATS round trip over PCIe (~2 µs).
 */
export type TimedCosts = { lockNs: number, lockHandoffNs: number, unlockNs: number, checkSpaceNs: number, descWriteNs: number, doorbellNs: number, pollNs: number, relaxNs: number, markNs: number, reclaimNs: number, hwIotlbNs: number, hwDevtlbNs: number, hwContextNs: number, hwIecNs: number, hwPasidNs: number, hwWaitNs: number, 
/**
 * Extra wait-descriptor latency with `drain` (page-request drain).
 */
hwDrainNs: number, 
/**
 * Time until a device-TLB invalidation is declared timed out (`ITE`).
 */
hwTimeoutNs: number, 
/**
 * Each cost is multiplied by a seeded factor in `[1 - jitter, 1 + jitter]`.
 */
jitter: number, };

/**
 * Weight of each invalidation type in a batch.
 */
export type TypeMix = { iotlb: number, devtlb: number, context: number, iec: number, pasid: number, };

/**
 * The result of an exploration.
 */
export type Verdict = { "verdict": "proved", 
/**
 * Distinct states stored.
 */
states: number, 
/**
 * Transitions executed (successors generated).
 */
transitions: number, 
/**
 * Deepest BFS level reached.
 */
maxDepth: number, 
/**
 * Initial states (one per workload combination).
 */
roots: number, 
/**
 * Wall-clock seconds, filled in by the caller ([`Verdict::with_elapsed`]): core has no clock.
 */
seconds: number | null, 
/**
 * `states / seconds`, filled in with `seconds`.
 */
statesPerSecond: number | null, 
/**
 * Peak memory of the visited set, parent links, BFS levels and message buffers, per
 * stored state (the explorer's own accounting; the CLI also reports the process's peak).
 */
bytesPerState: number, 
/**
 * The explorer's accounting of the bytes above.
 */
peakBytes: number, 
/**
 * Upper bound on the probability that two distinct stored states share a 64-bit
 * fingerprint (and were merged): n(n−1)/2 · 2⁻⁶⁴ for n states (birthday bound, as SPIN
 * reports for hash-compact search). A `proved` holds with at least 1 minus this.
 */
collisionProbability: number, 
/**
 * Threads the search ran on.
 */
threads: number, 
/**
 * The reductions the search used: asked for (`ExploreOptions`) and sound for this config
 * and its kernel program (`program::analysis`, `docs/programs.md`). Partial-order
 * reduction: off with faults.
 */
por: boolean, symmetry: boolean, 
/**
 * Ring rotation: off where the program reads slot numbers other than relative to the ring.
 */
rotation: boolean, 
/**
 * Descriptors of freed slots nothing can read were left out of the states: off where the
 * program may copy or revive any freed slot.
 */
deadDescriptors: boolean, } | { "verdict": "counterexample", 
/**
 * The violation (`lockup`, `deadlock`, a safety kind, `staleWakeup`, ...).
 */
kind: FindingKind, 
/**
 * The configuration the replay runs against (one of the roots).
 */
config: Config, 
/**
 * Replay string (`q1:...`) for the simulator's replay scheduler.
 */
replay: string, steps: number, 
/**
 * Findings of the replay in the simulator.
 */
findings: Array<Finding>, 
/**
 * True if the simulator's replay reported `kind` as its first violation (the
 * explorer and the simulator decide with the same code: a test sweeps this).
 */
reproduced: boolean, 
/**
 * The column timeline of the replay.
 */
timeline: string, 
/**
 * Distinct states stored.
 */
states: number, 
/**
 * Transitions executed (successors generated).
 */
transitions: number, 
/**
 * Deepest BFS level reached.
 */
maxDepth: number, 
/**
 * Initial states (one per workload combination).
 */
roots: number, 
/**
 * Wall-clock seconds, filled in by the caller ([`Verdict::with_elapsed`]): core has no clock.
 */
seconds: number | null, 
/**
 * `states / seconds`, filled in with `seconds`.
 */
statesPerSecond: number | null, 
/**
 * Peak memory of the visited set, parent links, BFS levels and message buffers, per
 * stored state (the explorer's own accounting; the CLI also reports the process's peak).
 */
bytesPerState: number, 
/**
 * The explorer's accounting of the bytes above.
 */
peakBytes: number, 
/**
 * Upper bound on the probability that two distinct stored states share a 64-bit
 * fingerprint (and were merged): n(n−1)/2 · 2⁻⁶⁴ for n states (birthday bound, as SPIN
 * reports for hash-compact search). A `proved` holds with at least 1 minus this.
 */
collisionProbability: number, 
/**
 * Threads the search ran on.
 */
threads: number, 
/**
 * The reductions the search used: asked for (`ExploreOptions`) and sound for this config
 * and its kernel program (`program::analysis`, `docs/programs.md`). Partial-order
 * reduction: off with faults.
 */
por: boolean, symmetry: boolean, 
/**
 * Ring rotation: off where the program reads slot numbers other than relative to the ring.
 */
rotation: boolean, 
/**
 * Descriptors of freed slots nothing can read were left out of the states: off where the
 * program may copy or revive any freed slot.
 */
deadDescriptors: boolean, } | { "verdict": "boundReached", maxStates: number, 
/**
 * Distinct states stored.
 */
states: number, 
/**
 * Transitions executed (successors generated).
 */
transitions: number, 
/**
 * Deepest BFS level reached.
 */
maxDepth: number, 
/**
 * Initial states (one per workload combination).
 */
roots: number, 
/**
 * Wall-clock seconds, filled in by the caller ([`Verdict::with_elapsed`]): core has no clock.
 */
seconds: number | null, 
/**
 * `states / seconds`, filled in with `seconds`.
 */
statesPerSecond: number | null, 
/**
 * Peak memory of the visited set, parent links, BFS levels and message buffers, per
 * stored state (the explorer's own accounting; the CLI also reports the process's peak).
 */
bytesPerState: number, 
/**
 * The explorer's accounting of the bytes above.
 */
peakBytes: number, 
/**
 * Upper bound on the probability that two distinct stored states share a 64-bit
 * fingerprint (and were merged): n(n−1)/2 · 2⁻⁶⁴ for n states (birthday bound, as SPIN
 * reports for hash-compact search). A `proved` holds with at least 1 minus this.
 */
collisionProbability: number, 
/**
 * Threads the search ran on.
 */
threads: number, 
/**
 * The reductions the search used: asked for (`ExploreOptions`) and sound for this config
 * and its kernel program (`program::analysis`, `docs/programs.md`). Partial-order
 * reduction: off with faults.
 */
por: boolean, symmetry: boolean, 
/**
 * Ring rotation: off where the program reads slot numbers other than relative to the ring.
 */
rotation: boolean, 
/**
 * Descriptors of freed slots nothing can read were left out of the states: off where the
 * program may copy or revive any freed slot.
 */
deadDescriptors: boolean, };

/**
 * What one submitter (CPU) submits.
 */
export type Workload = { 
/**
 * Number of `qi_submit_sync` calls.
 */
submissions: number, 
/**
 * Descriptor count per call.
 */
batch: BatchDist, 
/**
 * Probability that a call has count 0 (a wait descriptor alone), drawn before `batch`.
 */
zeroCountProb: number, 
/**
 * `QI_OPT_WAIT_DRAIN`: the wait descriptor also drains page requests (PD).
 */
drain: boolean, 
/**
 * Simulated think time between calls (timed scheduler only).
 */
thinkNs: number, 
/**
 * Types of the invalidation descriptors.
 */
types: TypeMix, };
