//! `qisim explore --checkpoint DIR` killed with SIGKILL in the middle of its search and
//! continued with `--resume DIR` prints the JSON of an uninterrupted run (but the timing and
//! memory figures); a checkpoint of another exploration, or a damaged one, is refused with
//! exit code 2 and a message naming what is wrong.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

mod support;
use support::{depth, fresh};

const FAMILY: &[&str] = &[
    "explore",
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
    "-q",
    "--json",
];

fn qisim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qisim"))
        .args(args)
        .output()
        .expect("run qisim")
}

fn with<'a>(more: &[&'a str]) -> Vec<&'a str> {
    FAMILY.iter().chain(more).copied().collect()
}

/// The JSON of a run but what varies between runs of one search.
fn result(o: &Output) -> serde_json::Value {
    let mut j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for k in [
        "seconds",
        "statesPerSecond",
        "bytesPerState",
        "peakBytes",
        "peakRssBytes",
    ] {
        j.as_object_mut().unwrap().remove(k);
    }
    j
}

#[test]
fn a_killed_exploration_resumes_to_the_uninterrupted_json() {
    let whole = qisim(&with(&["--threads", "1"]));
    assert_eq!(whole.status.code(), Some(0));
    let want = result(&whole);
    let levels = want["maxDepth"].as_u64().unwrap();
    for (write, resume) in [("2", "1"), ("1", "3")] {
        let dir = fresh(&format!("kill-{write}"));
        let d = dir.to_str().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qisim"))
            .args(with(&["--threads", write, "--checkpoint", d]))
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Killed once a third of the levels are checkpointed (wherever it is then: between
        // levels, in a level, in a write).
        while depth(&dir).is_none_or(|k| k < levels / 3) {
            assert!(child.try_wait().unwrap().is_none(), "ended before the kill");
            std::thread::yield_now();
        }
        child.kill().unwrap(); // SIGKILL
        assert!(!child.wait().unwrap().success());
        let killed_at = depth(&dir).unwrap();
        assert!(killed_at < levels, "{killed_at} of {levels}");
        let again = qisim(&with(&["--threads", resume, "--resume", d]));
        assert_eq!(
            again.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
        // It went on from the checkpoint, not from the roots.
        let said = String::from_utf8_lossy(&again.stderr);
        assert!(said.contains(&format!("at depth {killed_at} ")), "{said}");
        let mut got = result(&again);
        got["threads"] = want["threads"].clone();
        assert_eq!(got, want, "written on {write} threads, resumed on {resume}");
        // A finished checkpoint resumes to the same result again.
        let twice = qisim(&with(&["--threads", "1", "--resume", d]));
        assert_eq!(result(&twice), want);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A checkpoint a few levels into a small family (`--max-states` stops it).
fn partial(name: &str) -> PathBuf {
    let dir = fresh(name);
    let o = qisim(&with(&[
        "--threads",
        "1",
        "--max-states",
        "30000",
        "--checkpoint",
        dir.to_str().unwrap(),
    ]));
    assert_eq!(o.status.code(), Some(3));
    assert!(depth(&dir).unwrap() > 3);
    dir
}

fn refusal(args: &[&str]) -> String {
    let o = qisim(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn another_exploration_or_a_damaged_checkpoint_is_refused() {
    let dir = partial("refuse");
    let d = dir.to_str().unwrap();
    let bound = ["--max-states", "30000"];
    // The same checkpoint resumed by the same command goes on.
    let same = qisim(&with(&[&bound[..], &["--resume", d]].concat()));
    assert_eq!(same.status.code(), Some(3));
    let e = refusal(&with(&["--resume", d]));
    assert!(e.contains("maxStates is 30000 in it and 20000000"), "{e}");
    let e = refusal(&with(&[&bound[..], &["--no-por", "--resume", d]].concat()));
    assert!(e.contains("por is true in it and false"), "{e}");
    let mut ring = with(&[&bound[..], &["--resume", d]].concat());
    ring[2] = "10";
    let e = refusal(&ring);
    assert!(e.contains("qiLength is 8 in it and 10"), "{e}");
    let e = refusal(&with(&[&bound[..], &["--checkpoint", d]].concat()));
    assert!(e.contains("already holds a checkpoint"), "{e}");
    let e = refusal(&with(&["--resume", "/nonexistent/qisim-ckpt"]));
    assert!(e.contains("holds no checkpoint"), "{e}");
    let e = refusal(&with(
        &[&bound[..], &["--cycles", "--checkpoint", &format!("{d}-c")]].concat(),
    ));
    assert!(e.contains("--cycles"), "{e}");
    let resume = with(&[&bound[..], &["--resume", d]].concat());
    // Damaged files: a byte changed, a file cut short, a manifest that is not one.
    let links = dir.join("s0-links");
    let mut bytes = std::fs::read(&links).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&links, &bytes).unwrap();
    let e = refusal(&resume);
    assert!(e.contains("s0-links") && e.contains("corrupted"), "{e}");
    bytes[100] ^= 1;
    std::fs::write(&links, &bytes[..bytes.len() / 2]).unwrap();
    let e = refusal(&resume);
    assert!(e.contains("s0-links") && e.contains("cut short"), "{e}");
    std::fs::write(dir.join("manifest.json"), "{\"identity\":").unwrap();
    let e = refusal(&resume);
    assert!(e.contains("not a qisim checkpoint manifest"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
