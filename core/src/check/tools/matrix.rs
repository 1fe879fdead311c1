//! The kernel matrix: every kernel preset × caller mix × hardware fault, each cell proved or
//! refuted by the exhaustive explorer on a small ring. `qisim matrix` prints it and
//! `docs/kernels.md` and `docs/patches.md` are its pages (`matrix_doc`; tests keep them current).

use serde::{Deserialize, Serialize};

use super::consequence::{follow, follows, Consequence};
use super::family::count_family;
use crate::check::{explore_roots, ExploreOptions, Verdict};
use crate::config::kernel::Kernel;
use crate::config::{BatchDist, Config, FaultConfig, IteTiming, TypeMix, Workload};
use crate::error::ConfigError;

/// The callers of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Mix {
    /// The batch sizes the version's callers submit ([`Kernel::realistic_counts`]).
    Realistic,
    /// The same plus count-0 calls (a wait descriptor alone: the DMA-drain caller the fix was
    /// written for; no kernel has one yet).
    WithDrain,
}

impl Mix {
    /// Both mixes.
    pub const ALL: [Mix; 2] = [Mix::Realistic, Mix::WithDrain];

    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Mix::Realistic => "realistic",
            Mix::WithDrain => "+ count-0 drain (hypothetical)",
        }
    }
}

/// The fault column of a cell: which hardware fault may happen (at most one per run, or two)
/// and when a time-out may fire ([`IteTiming`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Fault {
    None,
    Iqe,
    Ice,
    /// `ITE` as soon as its device-TLB invalidation is fetched (what the VT-d spec allows).
    Ite,
    /// `ITE` once its batch's wait descriptor is fetched (what the stride-1 walk needs).
    IteWaitFetched,
    /// `ITE` once hardware fetched everything published.
    IteAllFetched,
    /// Two `ITE`s in a run (the second on the retry after `-EAGAIN`), wait fetched.
    IteTwice,
    /// Device gone (`-ETIMEDOUT` where the kernel checks), as soon as fetched.
    Gone,
    /// Device gone, once its batch's wait is fetched.
    GoneWaitFetched,
    /// Device gone, once everything is fetched.
    GoneAllFetched,
    /// Device gone on hardware that reports no `ITESID` (it reads 0), wait fetched.
    GoneNoItesid,
}

impl Fault {
    /// Every column, in the grid's order.
    pub const ALL: [Fault; 11] = [
        Fault::None,
        Fault::Iqe,
        Fault::Ice,
        Fault::Ite,
        Fault::IteWaitFetched,
        Fault::IteAllFetched,
        Fault::IteTwice,
        Fault::Gone,
        Fault::GoneWaitFetched,
        Fault::GoneAllFetched,
        Fault::GoneNoItesid,
    ];

    /// A device-TLB invalidation times out in this column (`ITE` or device gone).
    pub fn time_out(self) -> bool {
        !matches!(self, Fault::None | Fault::Iqe | Fault::Ice)
    }

    /// Short label (the grid's column head).
    pub fn label(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Iqe => "IQE",
            Fault::Ice => "ICE",
            Fault::Ite => "ITE any",
            Fault::IteWaitFetched => "ITE wait",
            Fault::IteAllFetched => "ITE all",
            Fault::IteTwice => "ITE ×2",
            Fault::Gone => "gone any",
            Fault::GoneWaitFetched => "gone wait",
            Fault::GoneAllFetched => "gone all",
            Fault::GoneNoItesid => "gone, no ITESID",
        }
    }

    /// The fault config of this column (rates are "may happen": the explorer takes every
    /// branch a positive rate allows), with the kernel's walk (a program's own walk: none).
    pub fn config(self, kernel: Option<Kernel>) -> FaultConfig {
        let mut f = FaultConfig {
            ite_walk: kernel.map_or(Default::default(), |k| k.ite_walk()),
            max_faults: 1,
            ..FaultConfig::default()
        };
        match self {
            Fault::None => f.max_faults = 0,
            Fault::Iqe => f.iqe_rate = 0.5,
            Fault::Ice => f.ice_rate = 0.5,
            Fault::Ite | Fault::IteWaitFetched | Fault::IteAllFetched | Fault::IteTwice => {
                f.ite_rate = 0.5
            }
            Fault::Gone | Fault::GoneWaitFetched | Fault::GoneAllFetched | Fault::GoneNoItesid => {
                f.device_gone_rate = 0.5
            }
        }
        f.ite_timing = match self {
            Fault::IteWaitFetched
            | Fault::GoneWaitFetched
            | Fault::IteTwice
            | Fault::GoneNoItesid => IteTiming::WaitFetched,
            Fault::IteAllFetched | Fault::GoneAllFetched => IteTiming::AllFetched,
            _ => IteTiming::AnyFetched,
        };
        if self == Fault::IteTwice {
            f.max_faults = 2;
        }
        f.no_ite_sid = self == Fault::GoneNoItesid;
        f
    }
}

/// The size of the explored configurations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MatrixSpec {
    pub qi_length: u32,
    pub submitters: u32,
    /// Calls per CPU.
    pub submissions: u64,
    /// Largest batch explored (the realistic counts above it are left out).
    pub max_batch: u32,
    pub max_states: u64,
    /// Follow a stray write that stops the reclaim to the lockup it ends in (more calls per
    /// CPU: `check::consequence`).
    pub consequences: bool,
}

impl Default for MatrixSpec {
    fn default() -> Self {
        MatrixSpec {
            qi_length: 8,
            submitters: 2,
            submissions: 1,
            max_batch: 3,
            max_states: 5_000_000,
            consequences: true,
        }
    }
}

/// A row of the matrix: a shipped kernel (with every preset of the same behaviour), a patch,
/// or a program of one's own with the callers of a kernel version.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The kernel version whose callers' batch sizes the row explores (and whose program it
    /// runs when `program` is none).
    pub callers: Kernel,
    /// A program's name (a file or patch name) and text.
    pub program: Option<(String, String)>,
    /// The presets the row stands for (a shipped kernel's row: every preset with the same
    /// program and callers).
    pub presets: Vec<Kernel>,
}

impl Row {
    /// The rows of the shipped kernels: one per behaviour (program and callers), the first
    /// preset of each standing for the others.
    pub fn kernels() -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        for k in Kernel::ALL {
            let same = |r: &Row| {
                let s = r.callers.shipped();
                s.file == k.shipped().file && s.qi_batch == k.shipped().qi_batch
            };
            match rows.iter_mut().find(|r| same(r)) {
                Some(r) => r.presets.push(k),
                None => rows.push(Row {
                    callers: k,
                    program: None,
                    presets: vec![k],
                }),
            }
        }
        rows
    }

    /// The rows of the proposed fixes ([`crate::program::patches::PATCHES`]).
    pub fn patches() -> Vec<Row> {
        crate::program::patches::PATCHES
            .iter()
            .map(|p| Row {
                callers: p.base,
                program: Some((p.name.to_string(), p.source.to_string())),
                presets: Vec::new(),
            })
            .collect()
    }

    /// The name the row is shown by.
    pub fn name(&self) -> String {
        match &self.program {
            Some((name, _)) => name.clone(),
            None => {
                let names: Vec<&str> = self.presets.iter().map(|k| k.name()).collect();
                names.join(" · ")
            }
        }
    }
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// The kernel version whose program runs, or whose callers a program runs with.
    pub kernel: Kernel,
    /// The program's name, when the row runs a program of one's own (or a patch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub program: Option<String>,
    /// The row's name: the presets it stands for, or the program's name.
    pub row: String,
    pub mix: Mix,
    pub fault: Fault,
    /// The descriptor counts every CPU's calls range over.
    pub counts: Vec<u32>,
    /// `proved`, `counterexample` or `boundReached`.
    #[cfg_attr(feature = "ts", ts(type = "Verdict[\"verdict\"]"))]
    pub verdict: String,
    /// The counterexample's finding.
    #[cfg_attr(feature = "ts", ts(as = "Option<crate::model::FindingKind>"))]
    pub kind: Option<String>,
    pub steps: Option<u64>,
    /// The replay string and its per-CPU counts (`--per-submitter`), to reproduce it.
    pub replay: Option<String>,
    pub per_submitter: Option<Vec<u32>>,
    pub reproduced: Option<bool>,
    pub states: u64,
    /// Where the counterexample's first cause ends, with more calls per CPU (a stray write
    /// that stops the reclaim: the lockup once the ring runs out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub consequence: Option<Consequence>,
}

/// The explored config of a cell (before the family expands its counts).
pub fn cell_config(spec: &MatrixSpec, row: &Row, fault: Fault) -> Config {
    let kernel = row.program.is_none().then_some(row.callers);
    let mut c = Config {
        qi_length: spec.qi_length,
        submitters: spec.submitters,
        faults: fault.config(kernel),
        ..Config::default()
    };
    match &row.program {
        Some((_, text)) => c.program = Some(text.clone()),
        None => row.callers.apply(&mut c),
    }
    c.workload = Workload {
        submissions: spec.submissions,
        batch: BatchDist::Fixed { count: 1 },
        // Device-TLB invalidations: every fault applies to them.
        types: TypeMix::devtlb_share(1.0),
        ..Workload::default()
    };
    c
}

/// The descriptor counts of a cell's calls: the kernel's realistic ones up to `maxBatch`, and
/// 0 with the drain mix.
pub fn cell_counts(spec: &MatrixSpec, kernel: Kernel, mix: Mix) -> Vec<u32> {
    let mut counts: Vec<u32> = kernel.realistic_counts(spec.qi_length);
    counts.retain(|n| *n <= spec.max_batch);
    if mix == Mix::WithDrain {
        counts.insert(0, 0);
    }
    counts
}

/// Proves or refutes every cell of the shipped kernels.
pub fn run(spec: &MatrixSpec, progress: impl FnMut(&Cell)) -> Result<Vec<Cell>, ConfigError> {
    run_rows(spec, &Row::kernels(), progress)
}

/// Proves or refutes every cell of `rows`.
pub fn run_rows(
    spec: &MatrixSpec,
    rows: &[Row],
    progress: impl FnMut(&Cell),
) -> Result<Vec<Cell>, ConfigError> {
    run_cells(spec, rows, |_, _| true, progress)
}

/// Proves or refutes the cells of `rows` whose caller mix and fault `which` takes.
pub fn run_cells(
    spec: &MatrixSpec,
    rows: &[Row],
    which: impl Fn(Mix, Fault) -> bool,
    mut progress: impl FnMut(&Cell),
) -> Result<Vec<Cell>, ConfigError> {
    let mut cells = Vec::new();
    for row in rows {
        let kernel = row.callers;
        for mix in Mix::ALL {
            for fault in Fault::ALL.into_iter().filter(|f| which(mix, *f)) {
                let cfg = cell_config(spec, row, fault);
                let counts = cell_counts(spec, kernel, mix);
                let roots = count_family(&cfg, &counts)?;
                let opts = ExploreOptions {
                    max_states: spec.max_states,
                    ..ExploreOptions::default()
                };
                let v = explore_roots(&roots, &opts, |_| true)?;
                let mut cell = Cell {
                    kernel,
                    program: row.program.as_ref().map(|(name, _)| name.clone()),
                    row: row.name(),
                    mix,
                    fault,
                    counts,
                    verdict: v.name().to_string(),
                    kind: None,
                    steps: None,
                    replay: None,
                    per_submitter: None,
                    reproduced: None,
                    states: v.stats().states,
                    consequence: None,
                };
                if let Verdict::Counterexample {
                    kind,
                    replay,
                    steps,
                    config,
                    reproduced,
                    ..
                } = &v
                {
                    cell.kind = Some(kind.name().to_string());
                    if spec.consequences && follows(*kind) {
                        cell.consequence = follow(config, *kind, spec.max_states);
                    }
                    cell.steps = Some(*steps);
                    cell.replay = Some(replay.clone());
                    cell.reproduced = Some(*reproduced);
                    cell.per_submitter = Some(
                        (0..config.submitters as usize)
                            .map(|i| match &config.workload_of(i).batch {
                                BatchDist::Sequence { counts } => counts[0],
                                BatchDist::Fixed { count } => *count,
                                BatchDist::Uniform { min, .. } => *min,
                            })
                            .collect(),
                    );
                }
                progress(&cell);
                cells.push(cell);
            }
        }
    }
    Ok(cells)
}
