//! `qisim explore --cluster`: the exhaustive explorer on Timely Dataflow, across threads and
//! processes (docs/cluster.md). It adds a transport, not a search: the coordinator is the
//! core's [`Exploration`](qisim_core::check::Exploration) and every worker is the core's `Owner`, speaking the owner protocol
//! of `qisim_core::check::pool` (the browser's Web Workers speak it too) in Timely
//! supersteps (`net.rs`). The result is one thread's: same verdict, states, transitions,
//! depth and counterexample.
//!
//! - `run.rs`: a run from this process's side (the coordinator's or an owner's);
//! - `connect.rs`: the processes find each other and check they run the same command;
//! - `net.rs`: supersteps (messages addressed to workers, a barrier) on a Timely dataflow;
//! - `protocol.rs`: the messages and an owner's side;
//! - `checkpoint.rs`: an owner's part of `--checkpoint` and `--resume` (each process writes
//!   its owners' files in its own directory; process 0 the manifest);
//! - `coordinator.rs`: the coordinator's [`Driver`](qisim_core::check::Driver) and the other
//!   workers' loop.
//!
//! A process that dies, or a connection that breaks, ends every process with exit code 2
//! within moments: timely's network threads panic on a broken connection, and this module's
//! panic hook turns any panic into that exit (a worker thread that died alone would leave the
//! others waiting at the next barrier).

#[cfg(feature = "cluster")]
mod checkpoint;
#[cfg(feature = "cluster")]
mod connect;
#[cfg(feature = "cluster")]
mod coordinator;
#[cfg(feature = "cluster")]
mod net;
#[cfg(feature = "cluster")]
mod protocol;
#[cfg(feature = "cluster")]
mod run;

use std::path::PathBuf;

use clap::Args;

use qisim_core::check;

#[cfg(feature = "cluster")]
pub(crate) use run::explore;

/// The flags of `--cluster` (timely's own process options, by their long names).
#[derive(Args, Debug)]
pub(crate) struct ClusterArgs {
    /// Run the search on Timely Dataflow workers: `--workers` threads in each of
    /// `--processes` processes (connected over TCP), every process running the same command
    /// with its own `--process`. The result is `--threads 1`'s (see docs/cluster.md).
    #[arg(long, conflicts_with_all = ["threads", "spill_dir", "cycles", "estimate"])]
    pub(crate) cluster: bool,
    /// Worker threads in each process (timely's `-w`).
    #[arg(long, default_value_t = 1, value_name = "N", requires = "cluster",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(check::MAX_THREADS)))]
    pub(crate) workers: u32,
    /// Number of processes (timely's `-n`).
    #[arg(long, default_value_t = 1, value_name = "N", requires = "cluster",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(check::MAX_THREADS)))]
    pub(crate) processes: u32,
    /// This process's index, 0 to `--processes` - 1 (timely's `-p`); process 0 coordinates.
    #[arg(long, default_value_t = 0, value_name = "I", requires = "cluster")]
    pub(crate) process: u32,
    /// A file whose lines are the processes' addresses, `host:port`, process 0 first
    /// (timely's `-h`); without it, `localhost:2101` + the process index.
    #[arg(long, value_name = "FILE", requires = "cluster")]
    pub(crate) hostfile: Option<PathBuf>,
    /// Seconds to wait for every process to connect before giving up (exit 2).
    #[arg(
        long = "connect-timeout",
        default_value_t = 60.0,
        value_name = "SECONDS",
        requires = "cluster"
    )]
    pub(crate) connect_timeout: f64,
}

/// Without the `cluster` feature the flags parse and the run is refused.
#[cfg(not(feature = "cluster"))]
pub(crate) fn explore(
    _: &ClusterArgs,
    _: &qisim_core::Config,
    _: &[qisim_core::Config],
    _: &check::ExploreOptions,
    _: Option<(&std::path::Path, bool)>,
    _: &indicatif::ProgressBar,
) -> Result<ClusterRun, crate::Usage> {
    Err(crate::Usage(
        "flag --cluster: this qisim was built without the `cluster` feature".into(),
    ))
}

/// What a cluster run reports besides the verdict.
pub(crate) struct ClusterRun {
    pub verdict: check::Verdict,
    /// This process's part: `{ process, processes, workers, wireBytesSent }`.
    pub stats: serde_json::Value,
}
