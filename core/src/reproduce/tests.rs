use super::*;
use crate::config::kernel::Kernel;
use crate::config::{BatchDist, TypeMix};
use crate::PolicyKind;
use serde_json::Value;

fn two_cpus(counts: [u32; 2]) -> Config {
    let mut c = Config {
        qi_length: 8,
        policy: PolicyKind::Legacy,
        ..Config::default()
    };
    c.per_submitter = counts
        .iter()
        .map(|&n| c.workload.with_counts(vec![n]))
        .collect();
    c
}

#[test]
fn flags_for_what_has_a_flag() {
    let r = replay(&two_cpus([0, 1]), "q1:a4F", &ReproNames::default());
    assert_eq!(
        r.command,
        "qisim replay --policy legacy --ring 8 --per-submitter 0 --per-submitter 1 q1:a4F"
    );
    assert!(r.files.is_empty());
}

#[test]
fn a_kernel_with_per_submitter_counts_is_a_kernel_flag() {
    let mut c = two_cpus([1, 1]);
    Kernel::V7_0.apply(&mut c);
    c.workload.types = TypeMix::devtlb_share(1.0);
    for w in &mut c.per_submitter {
        w.types = TypeMix::devtlb_share(1.0);
    }
    c.faults.ite_rate = 0.5;
    c.faults.max_faults = 1;
    let r = replay(&c, "q1:a", &ReproNames::default());
    assert_eq!(
        r.command,
        "qisim replay --kernel 7.0 --ring 8 --ite-rate 0.5 --max-faults 1 --devtlb-share 1 \
         --per-submitter 1 --per-submitter 1 q1:a"
    );
}

#[test]
fn the_rest_goes_into_json_inline_or_a_file() {
    let mut c = two_cpus([0, 1]);
    c.workload.drain = true; // no flag: the per-submitter workloads differ from their base
    c.per_submitter[0].drain = true;
    let r = replay(&c, "q1:a", &ReproNames::default());
    assert_eq!(r.args[1], "--config-json");
    let v: Value = serde_json::from_str(&r.args[2]).unwrap();
    assert_eq!(v["workload"]["drain"], true);
    assert!(v.get("perSubmitter").is_some(), "{v}");
    assert!(r.command.contains("'{\""), "{}", r.command);
    let names = ReproNames {
        config_file: Some("repro.json".into()),
        ..ReproNames::default()
    };
    let r = replay(&c, "q1:a", &names);
    assert!(r.args[2].len() > INLINE_MAX || r.files.len() == 1);
    assert_eq!(&r.args[1..3], ["--config", "repro.json"]);
    assert_eq!(r.files[0].name, "repro.json");
    // A short rest stays on the line even where a file may take it.
    let short = Config {
        watchdog: 5,
        ..Config::default()
    };
    let r = replay(&short, "q1:a", &names);
    assert_eq!(&r.args[1..3], ["--config-json", r#"{"watchdog":5}"#]);
    assert!(r.files.is_empty());
}

#[test]
fn a_tagged_value_goes_whole() {
    let mut c = Config::default();
    c.workload.batch = BatchDist::Uniform { min: 1, max: 2 };
    let r = replay(&c, "q1:a", &ReproNames::default());
    let v: Value = serde_json::from_str(&r.args[2]).unwrap();
    assert_eq!(v["workload"]["batch"]["kind"], "uniform", "{v}");
    assert_eq!(v["workload"]["batch"]["min"], 1, "{v}");
}

#[test]
fn a_program_is_a_file_of_its_own() {
    let mut c = two_cpus([0, 1]);
    c.program = Some("it's a program".into());
    let r = replay(&c, "q1:a", &ReproNames::default());
    assert!(
        r.command.ends_with("--program program.qi q1:a"),
        "{}",
        r.command
    );
    assert_eq!(r.files[0].contents, "it's a program");
}

#[test]
fn explore_options_become_flags() {
    let opts = ExploreOptions {
        max_states: 1000,
        stop_on_cause: true,
        ..ExploreOptions::default()
    };
    let r = explore(&two_cpus([0, 1]), &opts, &ReproNames::default());
    assert!(
        r.command
            .ends_with("--per-submitter 1 --max-states 1000 --stop-on-cause"),
        "{}",
        r.command
    );
}

#[test]
fn descriptions_name_the_kernel_and_the_faults() {
    let mut c = two_cpus([1, 1]);
    assert_eq!(describe(&c).subject, "legacy reclaim");
    assert_eq!(describe(&c).faults, "no faults");
    Kernel::V7_0.apply(&mut c);
    c.faults.ite_rate = 0.5;
    c.faults.max_faults = 1;
    let d = describe(&c);
    assert_eq!(d.subject, "kernel 7.0");
    assert_eq!(d.faults, "ITE 50%; at most 1 fault");
    assert_eq!(d.timing.as_deref(), Some("time-out once any fetched"));
    c.program = Some(String::new());
    assert_eq!(describe(&c).subject, "a kernel program");
}

#[test]
fn quoting() {
    assert_eq!(shell_quote("q1:a4F"), "q1:a4F");
    assert_eq!(shell_quote("a b"), "'a b'");
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
}
