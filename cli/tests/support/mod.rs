//! What the CLI's process tests share: fresh checkpoint directories and where their
//! checkpoint is; cluster processes on free ports of 127.0.0.1, waited for without hanging,
//! and their verdicts compared with one thread's.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

/// An empty directory path of this test process, `name` telling it apart.
pub fn fresh(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qisim-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The depth of the checkpoint in `dir`, once it has one.
pub fn depth(dir: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let m: Value = serde_json::from_str(&text).ok()?;
    m["state"]["depth"].as_u64()
}

/// A generous bound for "ends within seconds": a hang is what it catches, not slowness.
pub const NO_HANG: Duration = Duration::from_secs(60);

pub fn qisim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qisim"))
}

/// A hostfile of `n` free ports on 127.0.0.1.
pub fn hostfile(n: usize, name: &str) -> PathBuf {
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

pub fn spawn(args: &[&str], hosts: &PathBuf, processes: usize, p: usize, extra: &[&str]) -> Child {
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
pub fn finish(mut c: Child) -> Output {
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
pub fn verdict(o: &Output) -> Value {
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

pub fn one_thread(args: &[&str]) -> Output {
    qisim()
        .args(["explore", "--json", "-q", "--threads", "1"])
        .args(args)
        .output()
        .unwrap()
}
