//! `qisim explore --cluster --checkpoint DIR`, each process with a directory of its own (as on
//! machines of their own): a process killed with SIGKILL in the middle of the search ends the
//! cluster, and `--resume DIR` in every process continues at the last checkpoint with the
//! uninterrupted result; a resume on another cluster is refused by name, in every process.
#![cfg(feature = "cluster")]

use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

mod support;
use support::{depth, finish, fresh, hostfile, one_thread, spawn, verdict};

const FAMILY: &[&str] = &[
    "--ring",
    "8",
    "--policy",
    "fixed",
    "--submitters",
    "3",
    "--submissions",
    "2",
    "--count",
    "0..2",
];

/// Levels' files in `dir`.
fn levels_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("-level-")
        })
        .count()
}

/// Both processes, each with `flag` and its own directory; their outputs.
fn both(flag: &str, dirs: &[PathBuf; 2], extra: &[&str], name: &str) -> [std::process::Output; 2] {
    let hosts = hostfile(2, name);
    let ps: Vec<_> = (0..2)
        .map(|p| {
            let d = dirs[p].to_str().unwrap();
            let args: Vec<&str> = [flag, d].iter().chain(extra).copied().collect();
            spawn(FAMILY, &hosts, 2, p, &args)
        })
        .collect();
    let mut out = ps.into_iter().map(finish);
    let r = [out.next().unwrap(), out.next().unwrap()];
    std::fs::remove_file(hosts).ok();
    r
}

#[test]
fn a_killed_cluster_resumes_from_its_checkpoints() {
    let want = verdict(&one_thread(FAMILY));
    let levels = want["maxDepth"].as_u64().unwrap();
    let dirs = [fresh("cluster-p0"), fresh("cluster-p1")];
    let hosts = hostfile(2, "ckpt");
    let mut ps: Vec<_> = (0..2)
        .map(|p| {
            let d = dirs[p].to_str().unwrap();
            spawn(FAMILY, &hosts, 2, p, &["--checkpoint", d])
        })
        .collect();
    // Process 1 is killed once a third of the levels are checkpointed.
    while depth(&dirs[0]).is_none_or(|k| k < levels / 3) {
        assert!(ps[1].try_wait().unwrap().is_none(), "ended before the kill");
        sleep(Duration::from_millis(1));
    }
    ps[1].kill().unwrap(); // SIGKILL
    ps[1].wait().unwrap();
    let o = finish(ps.remove(0));
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let killed_at = depth(&dirs[0]).unwrap();
    assert!(killed_at < levels, "{killed_at} of {levels}");
    // Process 1 keeps its owner's level of the last checkpoint and perhaps the next one
    // (being written), not every level.
    assert!(
        levels_in(&dirs[1]) <= 2,
        "{} levels kept",
        levels_in(&dirs[1])
    );
    std::fs::remove_file(hosts).ok();

    let [o0, o1] = both("--resume", &dirs, &[], "resume");
    for (p, o) in [&o0, &o1].into_iter().enumerate() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "process {p}: {err}");
        assert_eq!(verdict(o), want, "process {p}");
    }
    let said = String::from_utf8_lossy(&o0.stderr);
    assert!(said.contains(&format!("at depth {killed_at} ")), "{said}");

    // Resumed on another cluster (two workers a process: four owners), it is refused in
    // every process, naming what differs.
    let [o0, o1] = both("--resume", &dirs, &["--workers", "2"], "other");
    for (p, o) in [&o0, &o1].into_iter().enumerate() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "process {p}: {err}");
        assert!(
            err.contains("--resume") && err.contains("owners is 2 in it and 4"),
            "process {p}: {err}"
        );
        assert!(o.stdout.is_empty(), "process {p} printed a verdict");
    }
    dirs.iter()
        .for_each(|d| std::fs::remove_dir_all(d).unwrap());
}

#[test]
fn a_checkpoint_needs_every_process_to_keep_one() {
    // Process 0 checkpoints, process 1 does not: the handshake names the difference.
    let hosts = hostfile(2, "mixed");
    let dir = fresh("cluster-mixed");
    let p0 = spawn(
        FAMILY,
        &hosts,
        2,
        0,
        &["--checkpoint", dir.to_str().unwrap()],
    );
    let p1 = spawn(FAMILY, &hosts, 2, 1, &[]);
    for (p, o) in [finish(p0), finish(p1)].iter().enumerate() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "process {p}: {err}");
        assert!(err.contains("checkpoint"), "process {p}: {err}");
    }
    std::fs::remove_file(hosts).ok();
    std::fs::remove_dir_all(dir).ok();
}
