//! End-to-end tests of the `qisim` binary: exit codes, JSON output, determinism across workers.

use std::process::{Command, Output};

fn qisim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qisim"))
        .args(args)
        .output()
        .expect("run qisim")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const LEGACY_ZERO: &[&str] = &[
    "--policy",
    "legacy",
    "--ring",
    "16",
    "--submitters",
    "4",
    "--submissions",
    "20",
    "--count",
    "0..3",
    "--zero-prob",
    "0.5",
];

fn with<'a>(base: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(more.iter()).copied().collect()
}

#[test]
fn hunt_legacy_with_zero_counts_finds_a_lockup() {
    let o = qisim(&with(
        &["hunt"],
        &with(LEGACY_ZERO, &["--seeds", "40", "--json"]),
    ));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let (summary, findings) = lines.split_last().expect("a summary line");
    assert_eq!(summary["type"], "summary");
    assert!(summary["lockups"].as_u64().unwrap() > 0);
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["type"], "finding");
        assert!(f["replay"].as_str().unwrap().starts_with("q1:"));
        assert!(f["minimized"]["replay"]
            .as_str()
            .unwrap()
            .starts_with("q1:"));
    }
}

#[test]
fn hunt_fixed_finds_nothing() {
    let o = qisim(&[
        "hunt",
        "--policy",
        "fixed",
        "--ring",
        "16",
        "--submitters",
        "4",
        "--submissions",
        "20",
        "--count",
        "0..3",
        "--zero-prob",
        "0.5",
        "--seeds",
        "40",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("nothing found"));
}

#[test]
fn hunt_findings_do_not_depend_on_workers() {
    let run = |w: &str| {
        let o = qisim(&with(
            &["hunt"],
            &with(LEGACY_ZERO, &["--seeds", "30", "--json", "--workers", w]),
        ));
        assert_eq!(o.status.code(), Some(1));
        // Drop the timing fields of the summary.
        stdout(&o)
            .lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                if let Some(m) = v.as_object_mut() {
                    for k in ["seconds", "stepsPerSecond", "schedulesPerSecond"] {
                        m.remove(k);
                    }
                }
                v
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run("1"), run("2"));
}

/// `explore` over a small family: fixed policy, ring 8, 2 CPUs × 2 calls, counts 0..=2.
const FIXED_FAMILY: &[&str] = &[
    "explore",
    "--policy",
    "fixed",
    "--ring",
    "8",
    "--submitters",
    "2",
    "--submissions",
    "2",
    "--count",
    "0..2",
];

#[test]
fn explore_fixed_proves_and_legacy_gives_a_counterexample() {
    let o = qisim(&[FIXED_FAMILY, &["--json"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["verdict"], "proved");
    assert!(v["states"].as_u64().unwrap() > 100);

    let o = qisim(&[
        "explore",
        "--policy",
        "legacy",
        "--ring",
        "8",
        "--per-submitter",
        "1",
        "--per-submitter",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("counterexample: lockup"), "{out}");
    assert!(
        out.contains("!! lostCompletion") && out.contains("!! lockup"),
        "{out}"
    );
}

#[test]
fn explore_bound_is_reported() {
    let o = qisim(&[FIXED_FAMILY, &["--max-states", "50", "--json"]].concat());
    // Inconclusive: its own exit code, not the 0 of a proof.
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["verdict"], "boundReached");
}

/// `explore --estimate` explores nothing past its budget: exact when the family fits, a range
/// around the real count when it does not, and a bad budget names its flag.
#[test]
fn explore_estimate_brackets_the_real_count() {
    let real = {
        let o = qisim(&[FIXED_FAMILY, &["--json"]].concat());
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        v["states"].as_u64().unwrap()
    };
    let est = |budget: &str| {
        let o = qisim(
            &[
                FIXED_FAMILY,
                &["--estimate", "--estimate-budget", budget, "--json"],
            ]
            .concat(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(stdout(&o).trim()).unwrap()
    };
    let e = est("1000000");
    assert_eq!(
        (e["method"].as_str(), e["states"].as_u64()),
        (Some("exact"), Some(real))
    );
    let e = est("5000");
    assert_eq!(e["method"], "extrapolated", "{e}");
    assert!(
        e["low"].as_u64().unwrap() <= real && e["high"].as_u64().unwrap() >= real,
        "{e} vs {real}"
    );
    assert!(
        e["explored"].as_u64().unwrap() < real,
        "{e}: the estimate cost the exploration"
    );

    // Flags the estimate cannot honour are errors, not ignored.
    for flag in [["--threads", "2"], ["--max-states", "1000"]] {
        let o = qisim(&[FIXED_FAMILY, &["--estimate"], &flag[..]].concat());
        assert_eq!(o.status.code(), Some(2), "{flag:?}");
        assert!(stderr(&o).contains(flag[0]), "{}", stderr(&o));
    }

    let o = qisim(&[FIXED_FAMILY, &["--estimate", "--estimate-budget", "10"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--estimate-budget") && stderr(&o).contains(">= 1000"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn replay_prints_the_seed_timeline() {
    let o = qisim(&[
        "replay",
        "q1:a6b6H3a5b2",
        "--policy",
        "legacy",
        "--ring",
        "8",
        "--per-submitter",
        "1",
        "--per-submitter",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("reclaim: ID1,WD1,WD2 -> QI_FREE"), "{out}");
    assert!(out.contains("lockup"), "{out}");

    let dir = std::env::temp_dir().join(format!("qisim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("seed.json");
    std::fs::write(
        &file,
        r#"{"qiLength": 8, "submitters": 2, "policy": "legacy",
            "perSubmitter": [{"submissions": 1, "batch": {"kind": "fixed", "count": 1}},
                             {"submissions": 1, "batch": {"kind": "fixed", "count": 0}}]}"#,
    )
    .unwrap();
    let o = qisim(&[
        "replay",
        "q1:a6b6H3a5b2",
        "--config",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["outcome"]["kind"], "lockup");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_flags_and_configs_exit_2_naming_the_field() {
    let o = qisim(&["hunt", "--ring", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("qiLength") && stderr(&o).contains("--ring"),
        "{}",
        stderr(&o)
    );

    let o = qisim(&["hunt", "--zero-prob", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("zeroCountProb") && stderr(&o).contains("0..=1"),
        "{}",
        stderr(&o)
    );

    let o = qisim(&["hunt", "--policy", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--policy"), "{}", stderr(&o));

    // A zero-count probability the explorer cannot enumerate (per-submitter sequences) is an
    // error naming it, never dropped.
    let o = qisim(&[
        "explore",
        "--ring",
        "8",
        "--per-submitter",
        "1,2",
        "--zero-prob",
        "0.5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("perSubmitter[0].zeroCountProb"),
        "{}",
        stderr(&o)
    );

    let o = qisim(&["hunt", "--count", "3..1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--count"), "{}", stderr(&o));

    let o = qisim(&["replay", "q1:X"]);
    assert_eq!(o.status.code(), Some(2));

    let dir = std::env::temp_dir().join(format!("qisim-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"qiLength": 8, "ringSize": 3}"#).unwrap();
    let o = qisim(&["hunt", "--config", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ringSize"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bench_reports_rates() {
    let o = qisim(&["bench", "--seeds", "4", "--submissions", "50", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["stepsPerSecond"].as_f64().unwrap() > 0.0);
    assert!(v["schedulesPerSecond"].as_f64().unwrap() > 0.0);
}

#[test]
fn explore_cycles_agrees_and_json_has_the_counterexample() {
    let args = |policy: &'static str, cycles: bool| {
        let mut v = vec![
            "explore",
            "--policy",
            policy,
            "--ring",
            "8",
            "--per-submitter",
            "1",
            "--per-submitter",
            "0",
            "--json",
        ];
        if cycles {
            v.push("--cycles");
        }
        v
    };
    for cycles in [false, true] {
        let o = qisim(&args("fixed", cycles));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let o = qisim(&args("legacy", cycles));
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(v["verdict"], "counterexample");
        assert_eq!(v["kind"], "lockup");
        assert_eq!(v["reproduced"], true);
        assert!(v["replay"].as_str().unwrap().starts_with("q1:"));
        assert!(v["timeline"].as_str().unwrap().contains("!! lockup"));
        assert!(v["statesPerSecond"].is_number() || v["seconds"].as_f64() == Some(0.0));
    }
    // Cycles run on one thread: an error naming the flag, not a config field.
    let mut a = args("fixed", true);
    a.extend(["--threads", "2"]);
    let o = qisim(&a);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("flag --threads: is 2"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("invalid config"), "{}", stderr(&o));
    // Too many workload combinations: a usage error naming the flags.
    let o = qisim(&[
        "explore",
        "--ring",
        "8",
        "--submitters",
        "4",
        "--submissions",
        "20",
        "--count",
        "0..3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--count"), "{}", stderr(&o));
}

#[test]
fn config_file_errors_name_the_field_path() {
    let dir = std::env::temp_dir().join(format!("qisim-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    // A hunt with `config` in a file must fail with usage (2) naming `field`.
    let names = |config: &str, field: &str| {
        std::fs::write(&file, config).unwrap();
        let path = file.to_str().unwrap();
        let o = qisim(&["hunt", "--config", path, "--seeds", "1", "-q"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(field), "{config}: {}", stderr(&o));
    };
    names(
        r#"{"workload": {"zeroCountProb": "high"}}"#,
        "workload.zeroCountProb",
    );
    // Inside the scheduler object too (serde's tagged enums used to stop at `scheduler`).
    names(
        r#"{"scheduler": {"kind": "pct", "depth": -1}}"#,
        "scheduler.depth",
    );
    // Fault flags reach the config and are validated like every other field.
    let o = qisim(&["hunt", "--ite-rate", "1.5", "--seeds", "1", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("faults.iteRate"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

/// A config the core's reader refuses: the message says what the field allows (its range from
/// the validator, the allowed names), the field by its path.
#[test]
fn config_json_errors_print_the_cores_message() {
    let says = |json: &str, needle: &str| {
        let o = qisim(&["hunt", "--config-json", json, "--seeds", "1", "-q"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{json}: {}", stderr(&o));
    };
    // -1 CPUs: the validator's range, as for 0 (not "0 or more").
    says(
        r#"{"submitters": -1}"#,
        "invalid flag --config-json: field `submitters` is -1; allowed range is 1..=256",
    );
    says(
        r#"{"submitters": 0}"#,
        "`submitters` is 0; allowed range is 1..=256",
    );
    says(
        r#"{"submitters": 2.5}"#,
        "field `submitters` is 2.5, not a whole number; allowed range is 1..=256",
    );
    says(
        r#"{"policy": "bogus"}"#,
        "field `policy` is unknown variant `bogus`, expected one of `legacy`, `fixed`",
    );
    says(
        r#"{"ringSize": 4}"#,
        "field `ringSize` is an unknown field, expected one of `",
    );
    says(
        r#"{"scheduler": {"depth": 2}}"#,
        "field `scheduler` is missing field `kind`",
    );
    says(
        r#"{"qiLength": "eight"}"#,
        r#"field `qiLength` is "eight", expected a whole number"#,
    );
    says("{", "the config is not JSON");
}

/// `--zero-prob` is honoured by `explore` (count 0 joins the explored counts), so the count
/// range 1..2 with it finds the legacy lockup that `--count 0..1` finds; without it the same
/// range is proved.
#[test]
fn explore_honours_the_zero_count_probability() {
    let args = |extra: &[&str]| {
        let mut v = vec![
            "explore",
            "--policy",
            "legacy",
            "--ring",
            "8",
            "--submitters",
            "2",
            "--submissions",
            "1",
            "--count",
            "1..2",
            "--json",
        ];
        v.extend_from_slice(extra);
        qisim(&v)
    };
    let o = args(&["--zero-prob", "0.5"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["kind"], "lockup");
    assert_eq!(v["reproduced"], true);
    assert_eq!(v["roots"], 9, "counts 0, 1, 2 for two submitters");
    let o = args(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The IQE counterexample of the fidelity issue replays in the simulator (it used to print
/// "NOT reproduced").
#[test]
fn an_iqe_counterexample_is_reproduced() {
    let o = qisim(&[
        "explore",
        "--ring",
        "8",
        "--policy",
        "fixed",
        "--devtlb-share",
        "1",
        "--iqe-rate",
        "0.5",
        "--max-faults",
        "1",
        "--per-submitter",
        "1,1,1,1,1",
        "--per-submitter",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("simulator replay: reproduced"), "{out}");
    assert!(!out.contains("NOT reproduced"), "{out}");
}

/// `--preset` starts from the core's preset table (the playground's), flags override it, and a
/// bad name or a clash with `--config` is an error naming the flag.
#[test]
fn presets_come_from_the_core_table() {
    let o = qisim(&["replay", "--preset", "commit", "q1:a6b6H3a5b2"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("!! lockup"), "{}", stdout(&o));
    let o = qisim(&[
        "replay",
        "--preset",
        "commit",
        "--policy",
        "fixed",
        "q1:a6b6H3a5b5",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = qisim(&[
        "hunt",
        "--preset",
        "kernel-6.9",
        "--seeds",
        "20",
        "--json",
        "-q",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"policy\":\"legacy\""),
        "{}",
        stdout(&o)
    );
    let o = qisim(&["hunt", "--preset", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--preset") && stderr(&o).contains("kernel-7.0"),
        "{}",
        stderr(&o)
    );
    let o = qisim(&["hunt", "--preset", "seed", "--config", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--preset and --config"),
        "{}",
        stderr(&o)
    );
}

/// `qisim replay ... | head -1`: a reader that has closed the pipe ends the run quietly (by
/// SIGPIPE, as Unix filters do); it does not panic with "failed printing to stdout".
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    // Through a shell, so qisim starts with the signal dispositions a user's shell gives it;
    // `true` exits at once, so every line qisim prints goes into a pipe with no reader.
    let out = Command::new("sh")
        .args(["-c", r#""$0" replay q1:a6b6H3a5b2 | true"#])
        .arg(env!("CARGO_BIN_EXE_qisim"))
        .output()
        .expect("run sh");
    let err = stderr(&out);
    assert!(
        !err.contains("panicked"),
        "qisim panicked on a closed pipe: {err}"
    );
    assert!(out.status.success(), "{err}");
}

/// Kernels as programs: `kernels` lists them, `show --kernel` prints one, `--program` runs a file
/// and a broken one is refused with file, line and column (exit 2); `show --program` checks it.
#[test]
fn kernel_programs_from_the_command_line() {
    let list = qisim(&["kernels"]);
    assert!(list.status.success());
    for k in ["6.9", "6.12", "7.0"] {
        assert!(stdout(&list).contains(k), "{}", stdout(&list));
    }
    let shown = qisim(&["show", "--kernel", "7.0"]);
    assert!(shown.status.success());
    let text = stdout(&shown);
    assert!(text.contains("int qi_check_fault(int index, int wait_index)"));
    assert!(text.contains("head = (head - 1 + QI_LENGTH) % QI_LENGTH;"));
    let dir = std::env::temp_dir().join(format!("qisim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 7.0 with 6.9's marking: the legacy lockup with wait-only calls comes back.
    let legacy_mark = text
        .replace("for (i = 0; i <= count; i++)", "for (i = 0; i < count; i++)")
        .replace(
            "desc_status[(index + i) % QI_LENGTH] = QI_FREE;",
            "desc_status[(index + i) % QI_LENGTH] = QI_DONE;",
        )
        .replace(
            "while (desc_status[free_tail] == QI_FREE && free_tail != free_head) {",
            "while (desc_status[free_tail] == QI_DONE || desc_status[free_tail] == QI_ABORT) {\n\t\tdesc_status[free_tail] = QI_FREE;",
        );
    let file = dir.join("legacy-mark.qi");
    std::fs::write(&file, &legacy_mark).unwrap();
    let f = file.to_str().unwrap();
    let o = qisim(&[
        "explore",
        "--program",
        f,
        "--ring",
        "8",
        "--per-submitter",
        "1",
        "--per-submitter",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("lockup"), "{}", stdout(&o));
    let ok = qisim(&["show", "--program", f]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("the program checks"),
        "{}",
        stdout(&ok)
    );
    // A syntax error: exit 2, file:line:column and what was expected.
    let bad = dir.join("bad.qi");
    std::fs::write(&bad, text.replace("free_cnt++;", "free_cnt++ +;")).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("free_cnt++;"))
        .unwrap()
        + 1;
    let b = bad.to_str().unwrap();
    for args in [
        vec!["explore", "--program", b, "--ring", "8"],
        vec!["show", "--program", b],
        vec!["matrix", "--program", b],
    ] {
        let o = qisim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(&format!("bad.qi:{line}:")), "{e}");
        assert!(e.contains("expected"), "{e}");
    }
    // A program and a kernel at once: which one runs? An error, not a guess.
    let o = qisim(&["explore", "--program", f, "--kernel", "7.0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--program"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The words of a reproduce command after `qisim` (the core only single-quotes).
fn shell_words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut cur, mut quoted, mut any) = (String::new(), false, false);
    for c in cmd.strip_prefix("qisim ").expect("a qisim command").chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[test]
fn every_printed_reproduce_command_replays_its_finding() {
    // hunt: the minimised schedule; explore: the counterexample (JSON output of both).
    let hunt = qisim(&["hunt", "--preset", "seed", "--seeds", "20", "--json"]);
    let explore = qisim(&[
        "explore",
        "--kernel",
        "7.0",
        "--ring",
        "8",
        "--devtlb-share",
        "1",
        "--ite-rate",
        "0.5",
        "--max-faults",
        "1",
        "--per-submitter",
        "1",
        "--per-submitter",
        "2",
        "--json",
    ]);
    let mut checked = 0;
    for (o, timeline) in [(&hunt, "/minimized/timeline"), (&explore, "/timeline")] {
        for line in stdout(o).lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let Some(cmd) = v["reproduce"].as_str() else {
                continue;
            };
            let mut words = shell_words(cmd);
            words.push("--json".into());
            let args: Vec<&str> = words.iter().map(String::as_str).collect();
            let r = qisim(&args);
            assert_eq!(r.status.code(), Some(1), "{cmd}: {}", stderr(&r));
            let report: serde_json::Value = serde_json::from_str(&stdout(&r)).unwrap();
            let text = qisim(
                &words[..words.len() - 1]
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            );
            let want = v.pointer(timeline).and_then(|t| t.as_str()).unwrap();
            assert!(stdout(&text).starts_with(want.trim_end()), "{cmd}");
            assert!(
                report["findings"].as_array().is_some_and(|f| !f.is_empty()),
                "{cmd}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} reproduce commands");
}
