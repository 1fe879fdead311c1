//! A cluster run from this process's side: flags checked, the processes connected, timely
//! started with one owner per worker, and worker 0 of process 0 coordinating.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use serde_json::json;
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::allocator::{AllocatorBuilder, ProcessBuilder};
use timely::communication::{Config as Comms, Hooks};
use timely::WorkerConfig;

use qisim_core::check::checkpoint::Protocol;
use qisim_core::check::{self, Exploration, ExploreOptions, MemLevels, Verdict};
use qisim_core::Config;

use super::checkpoint::OwnerFiles;
use super::coordinator::{serve, Coordinator};
use super::net::Net;
use super::protocol::OwnerSide;
use super::{connect, ClusterArgs, ClusterRun};
use crate::cmd::explore::checkpoint::{DirReader, DirWriter};
use crate::Usage;

/// Explores `roots` with `opts` on the cluster `a` describes, from this process's side;
/// `ckpt`: this process's checkpoint directory and whether the run resumes it.
pub(crate) fn explore(
    a: &ClusterArgs,
    cfg: &Config,
    roots: &[Config],
    opts: &ExploreOptions,
    ckpt: Option<(&Path, bool)>,
    pb: &ProgressBar,
) -> Result<ClusterRun, Usage> {
    let (processes, workers, me) = (a.processes as usize, a.workers as usize, a.process as usize);
    if me >= processes {
        return Err(Usage(format!(
            "flag --process is {me}; allowed range is 0 to {} (--processes {processes})",
            processes - 1
        )));
    }
    let parts = processes * workers;
    if parts > check::MAX_THREADS as usize {
        return Err(Usage(format!(
            "flags --processes × --workers give {parts} workers; allowed range is 1 to {}",
            check::MAX_THREADS
        )));
    }
    if !(a.connect_timeout > 0.0 && a.connect_timeout <= 86_400.0) {
        return Err(Usage(format!(
            "flag --connect-timeout is {}; allowed range is more than 0 to 86400 seconds",
            a.connect_timeout
        )));
    }
    // Every refusal before any connection: a bad config ends each process on its own.
    Exploration::worker_rules(roots, opts, parts, 0).map_err(|e| match e.field.as_str() {
        "cycles" => Usage(format!("flag --cycles: {}", e.message)),
        _ => e.into(),
    })?;
    let flag = match ckpt {
        Some((dir, resume)) => {
            let f = if resume { "--resume" } else { "--checkpoint" };
            format!("flag {f} {}", dir.display())
        }
        None => String::new(),
    };
    // This process's owners' checkpoint files (and, in process 0, the coordinator's).
    let files = match ckpt {
        None => Vec::new(),
        Some((dir, resume)) => (0..workers)
            .map(|_| OwnerFiles::new(dir, resume).map(Some))
            .collect::<Result<_, _>>()
            .map_err(|e| Usage(format!("{flag}: {e}")))?,
    };
    let coordinator_files = match ckpt {
        Some((dir, resume)) if me == 0 => {
            let w = DirWriter::new(dir, resume).map_err(|e| Usage(format!("{flag}: {e}")))?;
            Some((w, resume.then(|| DirReader::new(dir))))
        }
        _ => None,
    };
    let files = Arc::new(Mutex::new(files));
    let coordinator_files = Arc::new(Mutex::new(coordinator_files));
    let mode = match ckpt {
        None => "none",
        Some((_, false)) => "checkpoint",
        Some((_, true)) => "resume",
    };
    let identity = identity(cfg, roots, opts, processes, workers, mode);
    let (builders, others) = if processes == 1 {
        Comms::Process(workers).try_build().map_err(Usage)?
    } else {
        let addresses = connect::addresses(a.hostfile.as_deref(), processes).map_err(Usage)?;
        let deadline = Instant::now() + Duration::from_secs_f64(a.connect_timeout);
        let sockets = connect::connect(&addresses, me, &identity, deadline).map_err(Usage)?;
        let hooks = Hooks::default();
        let local = ProcessBuilder::new_typed_vector(workers, hooks.refill.clone(), None);
        let (tcp, guard) =
            initialize_networking_from_sockets(local, sockets, me, workers, hooks)
                .map_err(|e| Usage(format!("cannot start the cluster's network threads: {e}")))?;
        let builders = tcp.into_iter().map(AllocatorBuilder::Tcp).collect();
        (builders, Box::new(guard) as Box<dyn std::any::Any + Send>)
    };
    end_every_process_on_panic(me);
    let (roots, opts, pb) = (Arc::new(roots.to_vec()), Arc::new(opts.clone()), pb.clone());
    let guards =
        timely::execute::execute_from(builders, others, WorkerConfig::default(), move |worker| {
            let mut net = Net::new(worker, workers);
            let mine = (files.lock().expect("no panic holds it"))
                .get_mut(net.index % workers)
                .and_then(Option::take);
            let side = OwnerSide::new(net.index, net.peers, roots.to_vec(), (*opts).clone(), mine);
            if net.index != 0 {
                let mut side = side;
                return (serve(&mut net, worker, &mut side), net.sent);
            }
            let x = Exploration::new(&roots, &opts, net.peers, || Box::<MemLevels>::default())
                .expect("the configs and options were checked before connecting");
            let x = match coordinator_files.lock().expect("no panic holds it").take() {
                None => Ok(x),
                Some((w, r)) => x
                    .checkpointed(Protocol::Owners, Box::new(w), r.map(|r| Box::new(r) as _))
                    .map_err(|e| format!("{flag}: {}", e.message)),
            };
            let mut c = Coordinator::new(net, worker, side);
            let mut x = match x {
                Ok(x) => x,
                Err(e) => {
                    c.finish(Err(e.clone()));
                    return (Err(e), c.net.sent);
                }
            };
            let v = x.run(&mut c, |p| {
                pb.set_message(format!(
                    "{} states, {} transitions, depth {}, {} queued",
                    p.states, p.transitions, p.depth, p.queued
                ));
                true
            });
            let v = match x.checkpoint_error() {
                Some(e) => Err(format!("{flag}: {e}")),
                None => Ok(serde_json::to_string(&v).expect("a verdict serialises")),
            };
            c.finish(v.clone());
            (v, c.net.sent)
        })
        .map_err(Usage)?;
    let results = guards.join();
    let mut sent = 0;
    let mut verdict = None;
    for r in results {
        let (v, s) = r.map_err(|e| Usage(format!("a worker of this process failed: {e}")))?;
        sent += s;
        verdict.get_or_insert(v);
    }
    let verdict = verdict.expect("at least one worker").map_err(|e| {
        // Process 0's words; the others say whose they are.
        Usage(if me == 0 {
            e
        } else {
            format!("process 0: {e}")
        })
    })?;
    let verdict: Verdict =
        serde_json::from_str(&verdict).expect("the coordinator's verdict parses");
    let stats = json!({
        "process": me, "processes": processes, "workers": workers,
        "wireBytesSent": sent,
    });
    Ok(ClusterRun { verdict, stats })
}

/// What every process must agree on: the exploration (its base config and options, and its
/// roots by count and digest: a family's roots are tens of thousands of configs), the
/// cluster's shape and the checkpoint's mode.
fn identity(
    cfg: &Config,
    roots: &[Config],
    opts: &ExploreOptions,
    processes: usize,
    workers: usize,
    checkpoint: &str,
) -> connect::Identity {
    let mut m = connect::Identity::new();
    m.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    m.insert("processes".into(), processes.into());
    m.insert("workers".into(), workers.into());
    // Whether every process keeps (or resumes) its owners' checkpoint files: the directories
    // themselves may differ (one per machine).
    m.insert("checkpoint".into(), checkpoint.into());
    m.insert(
        "options".into(),
        serde_json::to_value(opts).expect("options serialise"),
    );
    m.insert(
        "config".into(),
        serde_json::to_value(cfg).expect("a config serialises"),
    );
    let bytes = serde_json::to_vec(roots).expect("configs serialise");
    m.insert(
        "roots".into(),
        json!({ "count": roots.len(), "digest": format!("{:016x}", fnv1a(&bytes)) }),
    );
    m
}

/// FNV-1a, 64 bits: a digest both ends compute the same way whatever their build.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Any panic (timely's "communication error" when a peer is gone, or a protocol bug) ends this
/// process at once with exit code 2, so that the others see their connections close.
fn end_every_process_on_panic(me: usize) {
    std::panic::set_hook(Box::new(move |info| {
        let what = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        if what.starts_with("timely communication error") {
            eprintln!(
                "error: process {me}: the cluster lost a process ({what}); every process stops"
            );
        } else {
            eprintln!(
                "error: process {me}: {what} ({}); every process stops",
                info.location().map_or(String::new(), |l| l.to_string())
            );
        }
        std::process::exit(2);
    }));
}
