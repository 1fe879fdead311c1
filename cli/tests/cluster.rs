//! `qisim explore --cluster` as its users run it: separate processes on 127.0.0.1, compared
//! with one thread, and the ways a cluster fails (a process killed, one never started, one
//! running another command) ending every process with exit code 2 instead of a hang.
#![cfg(feature = "cluster")]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A generous bound for "ends within seconds": a hang is what it catches, not slowness.
const NO_HANG: Duration = Duration::from_secs(60);

fn qisim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qisim"))
}

/// A hostfile of `n` free ports on 127.0.0.1.
fn hostfile(n: usize, name: &str) -> PathBuf {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    let lines: Vec<String> = listeners
        .iter()
        .map(|l| format!("127.0.0.1:{}", l.local_addr().unwrap().port()))
        .collect();
    let path = std::env::temp_dir().join(format!("qisim-cluster-{}-{name}", std::process::id()));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn spawn(args: &[&str], hosts: &PathBuf, processes: usize, p: usize, extra: &[&str]) -> Child {
    qisim()
        .args(["explore", "--json", "-q", "--cluster", "--hostfile"])
        .arg(hosts)
        .args([
            "--processes",
            &processes.to_string(),
            "--process",
            &p.to_string(),
        ])
        .args(extra)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start qisim")
}

/// Waits for `c` at most [`NO_HANG`].
fn finish(mut c: Child) -> Output {
    let t = Instant::now();
    while c.try_wait().unwrap().is_none() {
        if t.elapsed() > NO_HANG {
            c.kill().ok();
            panic!("a cluster process hung for {NO_HANG:?}");
        }
        sleep(Duration::from_millis(20));
    }
    c.wait_with_output().unwrap()
}

/// The verdict without what depends on the machine or the transport.
fn verdict(o: &Output) -> Value {
    let mut v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let m = v.as_object_mut().unwrap();
    for k in [
        "seconds",
        "statesPerSecond",
        "peakRssBytes",
        "peakBytes",
        "bytesPerState",
        "threads",
        "cluster",
    ] {
        m.remove(k);
    }
    v
}

fn one_thread(args: &[&str]) -> Output {
    qisim()
        .args(["explore", "--json", "-q", "--threads", "1"])
        .args(args)
        .output()
        .unwrap()
}

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
        let mut ps = vec![
            spawn(LONG, &hosts, 2, 0, &[]),
            spawn(LONG, &hosts, 2, 1, &[]),
        ];
        sleep(Duration::from_millis(1500));
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
    }
}

#[test]
fn a_process_that_never_comes_ends_the_others() {
    let hosts = hostfile(3, "absent");
    let args = [
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
    let timeout = ["--connect-timeout", "2"];
    // Process 1 dials process 0 and waits for process 2, which is never started.
    let p0 = spawn(&args, &hosts, 3, 0, &timeout);
    let p1 = spawn(&args, &hosts, 3, 1, &timeout);
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
    let args = [
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
    let mut other = args;
    other[3] = "16";
    let (p0, p1) = (
        spawn(&args, &hosts, 2, 0, &["--connect-timeout", "5"]),
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
