//! `qisim explore --cluster` as its users run it: separate processes on 127.0.0.1, compared
//! with one thread, and the ways a cluster fails (a process killed, one never started, one
//! running another command) ending every process with exit code 2 instead of a hang.
#![cfg(feature = "cluster")]

use std::process::Stdio;
use std::thread::sleep;
use std::time::Duration;

mod support;
use serde_json::Value;
use support::{depth, finish, fresh, hostfile, one_thread, qisim, spawn, verdict};

#[test]
fn two_processes_give_one_threads_result_on_a_sweep() {
    let sweep: &[&[&str]] = &[
        // Proved, both reductions at work.
        &[
            "--policy",
            "fixed",
            "--ring",
            "8",
            "--submitters",
            "3",
            "--submissions",
            "1",
            "--count",
            "0..2",
        ],
        // The legacy lockup: a counterexample and its replay string.
        &[
            "--policy",
            "legacy",
            "--ring",
            "8",
            "--submitters",
            "2",
            "--submissions",
            "2",
            "--count",
            "0..2",
        ],
        // Faults: a time-out the stride-2 walk mishandles, and a gone device.
        &[
            "--kernel",
            "6.12",
            "--ring",
            "8",
            "--submitters",
            "2",
            "--submissions",
            "1",
            "--count",
            "0..1",
            "--ite-rate",
            "0.5",
            "--devtlb-share",
            "1",
            "--max-faults",
            "1",
        ],
        &[
            "--kernel",
            "7.0",
            "--ring",
            "8",
            "--submitters",
            "2",
            "--submissions",
            "2",
            "--count",
            "0..2",
            "--device-gone-rate",
            "0.5",
            "--devtlb-share",
            "1",
            "--max-faults",
            "1",
        ],
        // The state bound: boundReached, exit 3.
        &[
            "--policy",
            "fixed",
            "--ring",
            "8",
            "--submitters",
            "3",
            "--submissions",
            "2",
            "--count",
            "0..2",
            "--max-states",
            "20000",
        ],
        // One finding kind only, no partial-order reduction.
        &[
            "--policy",
            "legacy",
            "--ring",
            "8",
            "--submitters",
            "2",
            "--submissions",
            "2",
            "--count",
            "1",
            "--target",
            "deadlock",
            "--no-por",
        ],
    ];
    for (i, args) in sweep.iter().enumerate() {
        let alone = one_thread(args);
        let hosts = hostfile(2, &format!("sweep{i}"));
        let (p0, p1) = (
            spawn(args, &hosts, 2, 0, &[]),
            spawn(args, &hosts, 2, 1, &[]),
        );
        let (o0, o1) = (finish(p0), finish(p1));
        assert_eq!(o0.status.code(), alone.status.code(), "{args:?}: exit code");
        assert_eq!(
            o1.status.code(),
            alone.status.code(),
            "{args:?}: exit code of process 1"
        );
        let want = verdict(&alone);
        assert_eq!(verdict(&o0), want, "{args:?}: process 0's verdict");
        assert_eq!(verdict(&o1), want, "{args:?}: process 1's verdict");
        let c: Value = serde_json::from_slice(&o0.stdout).unwrap();
        assert_eq!(c["cluster"]["processes"], 2);
        assert!(
            c["cluster"]["wireBytesSent"].as_u64().unwrap() > 0,
            "{args:?}: nothing crossed the wire"
        );
        std::fs::remove_file(hosts).ok();
    }
}

#[test]
fn threads_of_processes_give_the_same_result() {
    let args = [
        "--policy",
        "legacy",
        "--ring",
        "8",
        "--submitters",
        "3",
        "--submissions",
        "1",
        "--count",
        "0..2",
    ];
    let want = verdict(&one_thread(&args));
    let o = finish(
        qisim()
            .args(["explore", "--json", "-q", "--cluster", "--workers", "3"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    assert_eq!(verdict(&o), want);
}

/// A config that proves in moments (its ring, argument 3, changed for another command).
const SMALL: &[&str] = &[
    "--policy",
    "fixed",
    "--ring",
    "8",
    "--submitters",
    "2",
    "--submissions",
    "1",
    "--count",
    "1",
];

/// The 4-CPU family runs for tens of seconds: long enough to kill a process in the middle.
const LONG: &[&str] = &[
    "--policy",
    "fixed",
    "--ring",
    "8",
    "--submitters",
    "4",
    "--submissions",
    "2",
    "--count",
    "0..2",
];

#[test]
fn a_killed_process_ends_every_process_with_exit_2() {
    for victim in [1, 0] {
        let hosts = hostfile(2, &format!("kill{victim}"));
        // Checkpoints tell when the processes are connected and searching (a process killed
        // before it connects is another test's case: the others wait --connect-timeout).
        let dirs: Vec<_> = (0..2)
            .map(|p| fresh(&format!("kill{victim}-{p}")))
            .collect();
        let mut ps: Vec<_> = (0..2)
            .map(|p| {
                spawn(
                    LONG,
                    &hosts,
                    2,
                    p,
                    &["--checkpoint", dirs[p].to_str().unwrap()],
                )
            })
            .collect();
        while depth(&dirs[0]).is_none() {
            assert!(
                ps[victim].try_wait().unwrap().is_none(),
                "ended before the kill"
            );
            sleep(Duration::from_millis(5));
        }
        sleep(Duration::from_millis(200));
        let mut dead = ps.remove(victim);
        assert!(
            dead.try_wait().unwrap().is_none(),
            "the search ended before the kill"
        );
        dead.kill().unwrap();
        dead.wait().unwrap();
        let o = finish(ps.remove(0));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(2),
            "survivor of process {victim}'s death: {err}"
        );
        assert!(err.contains("lost a process"), "{err}");
        std::fs::remove_file(hosts).ok();
        dirs.iter().for_each(|d| drop(std::fs::remove_dir_all(d)));
    }
}

#[test]
fn a_process_that_never_comes_ends_the_others() {
    let hosts = hostfile(3, "absent");
    let timeout = ["--connect-timeout", "2"];
    // Process 1 dials process 0 and waits for process 2, which is never started.
    let p0 = spawn(SMALL, &hosts, 3, 0, &timeout);
    let p1 = spawn(SMALL, &hosts, 3, 1, &timeout);
    for (i, o) in [finish(p0), finish(p1)].iter().enumerate() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "process {i}: {err}");
        assert!(
            err.contains("[2]") || err.contains("process 2"),
            "process {i} names the absent one: {err}"
        );
        assert!(
            o.stdout.is_empty(),
            "nothing on stdout: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn a_process_running_another_command_is_refused_by_name() {
    let hosts = hostfile(2, "other");
    let mut other = SMALL.to_vec();
    other[3] = "16";
    let (p0, p1) = (
        spawn(SMALL, &hosts, 2, 0, &["--connect-timeout", "5"]),
        spawn(&other, &hosts, 2, 1, &["--connect-timeout", "5"]),
    );
    for (i, o) in [finish(p0), finish(p1)].iter().enumerate() {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "process {i}: {err}");
        assert!(
            err.contains("config.qiLength is") && err.contains("same command"),
            "process {i}: {err}"
        );
        assert!(
            err.len() < 300,
            "process {i}: names the field, not the whole config: {err}"
        );
    }
}

#[test]
fn bad_cluster_flags_are_errors_naming_the_flag() {
    let base = [
        "explore",
        "--ring",
        "8",
        "--submitters",
        "2",
        "--submissions",
        "1",
        "--count",
        "1",
        "--cluster",
    ];
    for (more, flag) in [
        (&["--processes", "2", "--process", "2"][..], "--process"),
        (&["--workers", "0"][..], "--workers"),
        (&["--processes", "16", "--workers", "17"][..], "--processes"),
        (&["--threads", "2"][..], "--threads"),
        (&["--cycles"][..], "--cycles"),
        (&["--connect-timeout", "0"][..], "--connect-timeout"),
    ] {
        let o = qisim().args(base).args(more).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{more:?}: {err}");
        assert!(err.contains(flag), "{more:?} names {flag}: {err}");
    }
    let o = qisim()
        .args(["explore", "--workers", "2"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "--workers without --cluster");
}
