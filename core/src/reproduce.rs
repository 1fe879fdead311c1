//! The command line that reproduces a run: `qisim replay` of a config and a replay string, or
//! `qisim explore` of a config. One function for the CLI's own output, the kernel matrix's
//! documents and the playground's reproduce box, so a command pasted from any of them runs
//! the same config.
//!
//! A field with a flag of its own (`--ring`, `--policy`, `--per-submitter`, the fault rates,
//! ...) is written as that flag; everything else that differs from the defaults goes into
//! `--config-json` (inline) or a config file, which the CLI reads before the flags. A kernel
//! program goes into a file of its own (`--program`). The CLI's tests parse these commands
//! back and compare the config they build with the one given.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::check::ExploreOptions;
use crate::config::kernel::walk_name;
use crate::config::TypeMix;
use crate::{Config, Workload};

/// A file the command names (the config or the kernel program), with its contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReproFile {
    pub name: String,
    pub contents: String,
}

/// A command line and the files it reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reproduce {
    /// The shell command (`qisim replay --ring 8 ... q1:...`).
    pub command: String,
    /// Its arguments after `qisim`, unquoted.
    pub args: Vec<String>,
    /// The files it names, to be saved beside it (empty when everything is inline).
    pub files: Vec<ReproFile>,
}

/// Where the command finds what does not fit on the line.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ReproNames {
    /// The kernel program's file (`--program`); default `program.qi`.
    pub program_file: Option<String>,
    /// Put the rest of the config in this file (`--config`) when it is longer than
    /// [`INLINE_MAX`] characters; without a name it is always inline (`--config-json`).
    pub config_file: Option<String>,
}

/// The longest rest of a config written inline (`--config-json`) when a file may take it.
pub const INLINE_MAX: usize = 300;

/// What a run is, in words for a result's heading: the kernel (or program, or reclaim policy),
/// the faults injected and when a time-out fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Description {
    /// `kernel 7.0`, `a kernel program` or `legacy reclaim`.
    pub subject: String,
    /// `no faults`, or the rates (`ITE 50%, device gone 50%; at most 1 fault`).
    pub faults: String,
    /// When a time-out may fire (`any fetched`), or `None` without time-outs.
    pub timing: Option<String>,
}

/// Describes `config` ([`Description`]).
pub fn describe(config: &Config) -> Description {
    let subject = match (&config.program, config.kernel) {
        (Some(_), _) => "a kernel program".to_string(),
        (None, Some(k)) => format!("kernel {}", k.name()),
        (None, None) => format!("{} reclaim", config.policy.name()),
    };
    let f = &config.faults;
    let rates: Vec<String> = [
        ("IQE", f.iqe_rate),
        ("ITE", f.ite_rate),
        ("ICE", f.ice_rate),
        ("device gone", f.device_gone_rate),
    ]
    .iter()
    .filter(|(_, r)| *r > 0.0)
    .map(|(n, r)| format!("{n} {}%", (r * 100.0 * 100.0).round() / 100.0))
    .collect();
    let faults = if rates.is_empty() {
        "no faults".to_string()
    } else {
        let mut s = rates.join(", ");
        if f.no_ite_sid {
            s.push_str(", hardware without ITESID");
        }
        if f.max_faults > 0 {
            let n = f.max_faults;
            s.push_str(&format!(
                "; at most {n} fault{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        s
    };
    let timing = (f.ite_rate > 0.0 || f.device_gone_rate > 0.0)
        .then(|| format!("time-out once {}", f.ite_timing.flag().replace('-', " ")));
    Description {
        subject,
        faults,
        timing,
    }
}

/// `qisim replay` of `replay` against `config`.
pub fn replay(config: &Config, replay: &str, names: &ReproNames) -> Reproduce {
    let mut args = vec!["replay".to_string()];
    let files = config_args(config, names, &mut args);
    args.push(replay.to_string());
    finish(args, files)
}

/// `qisim explore` of `config` with `opts` (the options the CLI has flags for).
pub fn explore(config: &Config, opts: &ExploreOptions, names: &ReproNames) -> Reproduce {
    let mut args = vec!["explore".to_string()];
    let files = config_args(config, names, &mut args);
    let d = ExploreOptions::default();
    if opts.max_states != d.max_states {
        args.extend(["--max-states".into(), opts.max_states.to_string()]);
    }
    for (on, flag) in [
        (!opts.por, "--no-por"),
        (!opts.symmetry, "--no-symmetry"),
        (!opts.rotation, "--no-rotation"),
        (opts.stop_on_cause, "--stop-on-cause"),
        (opts.cycles, "--cycles"),
    ] {
        if on {
            args.push(flag.into());
        }
    }
    if let Some(k) = opts.target {
        args.extend(["--target".into(), k.name().into()]);
    }
    finish(args, files)
}

fn finish(args: Vec<String>, files: Vec<ReproFile>) -> Reproduce {
    let quoted: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
    Reproduce {
        command: format!("qisim {}", quoted.join(" ")),
        args,
        files,
    }
}

/// Single-quotes `s` for a POSIX shell unless it is plain.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=+@%^".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Appends the config's flags to `args`; returns the files they name.
fn config_args(config: &Config, names: &ReproNames, args: &mut Vec<String>) -> Vec<ReproFile> {
    let mut flag = |f: &str, v: String| args.extend([f.to_string(), v]);
    let d = Config::default();
    // Keys of the JSON the flags below set; the rest of the difference goes into the JSON.
    // Also left out: the scheduler (the replay string or the explorer decides every step), the
    // trace switches (the CLI sets them) and the metrics buckets (no step or finding depends
    // on them): [`as_reproduced`].
    let mut covered: Vec<&str> = vec![
        "scheduler",
        "program",
        "trace",
        "recordSchedule",
        "bucket",
        "maxBuckets",
    ];
    let per = per_submitter_counts(config);
    if let (Some(k), Some(_), None) = (config.kernel, &per, &config.program) {
        // With --per-submitter, --kernel sets only kernel, policy and walk.
        flag("--kernel", k.name().into());
        covered.push("kernel");
    }
    let kernel_sets = |policy: bool| {
        covered.contains(&"kernel")
            && config.kernel.is_some_and(|k| {
                if policy {
                    k.policy() == config.policy
                } else {
                    k.ite_walk() == config.faults.ite_walk
                }
            })
    };
    if config.policy != d.policy && !kernel_sets(true) {
        flag("--policy", config.policy.name().into());
    }
    if config.qi_length != d.qi_length {
        flag("--ring", config.qi_length.to_string());
    }
    let implied = match &per {
        Some(p) => p.len() as u32,
        None => d.submitters,
    };
    if config.submitters != implied {
        flag("--submitters", config.submitters.to_string());
    }
    if config.hardware != d.hardware {
        flag("--hardware", config.hardware.name().into());
    }
    if config.fetch_depth != d.fetch_depth {
        flag("--fetch-depth", config.fetch_depth.to_string());
    }
    if config.seed != d.seed {
        flag("--seed", config.seed.to_string());
    }
    if config.step_limit != d.step_limit {
        flag("--step-limit", config.step_limit.to_string());
    }
    let (f, df) = (&config.faults, &d.faults);
    for (v, dv, name) in [
        (f.iqe_rate, df.iqe_rate, "--iqe-rate"),
        (f.ite_rate, df.ite_rate, "--ite-rate"),
        (f.ice_rate, df.ice_rate, "--ice-rate"),
        (
            f.device_gone_rate,
            df.device_gone_rate,
            "--device-gone-rate",
        ),
    ] {
        if v != dv {
            flag(name, v.to_string());
        }
    }
    if f.ite_walk != df.ite_walk && !kernel_sets(false) {
        flag("--ite-walk", walk_name(f.ite_walk).into());
    }
    if f.ite_timing != df.ite_timing {
        flag("--ite-timing", f.ite_timing.flag().into());
    }
    if f.max_faults != df.max_faults {
        flag("--max-faults", f.max_faults.to_string());
    }
    if f.no_ite_sid {
        args.push("--no-ite-sid".into());
    }
    covered.extend([
        "policy",
        "qiLength",
        "submitters",
        "hardware",
        "fetchDepth",
        "seed",
        "stepLimit",
        "faults",
    ]);
    let share = devtlb_share(config);
    if let Some(p) = share {
        args.extend(["--devtlb-share".to_string(), p.to_string()]);
    }
    if let Some(counts) = &per {
        for c in counts {
            let list: Vec<String> = c.iter().map(u32::to_string).collect();
            args.extend(["--per-submitter".to_string(), list.join(",")]);
        }
        covered.push("perSubmitter");
    }
    let mut files = Vec::new();
    let mut rest = sparse(config, &d);
    if let Value::Object(m) = &mut rest {
        m.retain(|k, _| !covered.contains(&k.as_str()));
        if let Some(Value::Object(w)) = m.get_mut("workload") {
            if share.is_some() {
                w.remove("types");
            }
            if per.is_some() {
                // Shadowed: every CPU runs its own counts (`Config::workload_of`).
                for k in SHADOWED {
                    w.remove(*k);
                }
            }
            if w.is_empty() {
                m.remove("workload");
            }
        }
    }
    let has_rest = rest.as_object().is_some_and(|m| !m.is_empty());
    if has_rest {
        let json = rest.to_string();
        match &names.config_file {
            Some(name) if json.len() > INLINE_MAX => {
                // Before the flags, as the CLI applies them: file first.
                args.splice(1..1, ["--config".to_string(), name.clone()]);
                files.push(ReproFile {
                    name: name.clone(),
                    contents: serde_json::to_string_pretty(&rest).unwrap_or(json),
                });
            }
            _ => {
                args.splice(1..1, ["--config-json".to_string(), json]);
            }
        }
    }
    if let Some(text) = &config.program {
        let name = names
            .program_file
            .clone()
            .unwrap_or_else(|| "program.qi".into());
        args.extend(["--program".to_string(), name.clone()]);
        files.push(ReproFile {
            name,
            contents: text.clone(),
        });
    }
    files
}

/// The base workload's fields no CPU runs once every CPU has counts of its own.
const SHADOWED: &[&str] = &["batch", "submissions", "zeroCountProb"];

/// The config a reproduce command of `config` builds: the scheduler, the trace switches, the
/// metrics buckets and the base workload's fields that no CPU runs (every CPU has a workload
/// of its own) at their defaults, each CPU's fixed counts as a sequence; the steps and
/// findings of a replay are the same (none of these draws a random number).
pub fn as_reproduced(config: &Config) -> Config {
    let d = Config::default();
    let mut c = Config {
        scheduler: d.scheduler,
        trace: d.trace,
        record_schedule: d.record_schedule,
        bucket: d.bucket,
        max_buckets: d.max_buckets,
        ..config.clone()
    };
    if let Some(per) = per_submitter_counts(config) {
        // Each CPU's calls as the sequence `--per-submitter` writes (the same counts).
        c.per_submitter = per
            .into_iter()
            .map(|counts| config.workload.with_counts(counts))
            .collect();
        let d = Workload::default();
        c.workload.batch = d.batch;
        c.workload.submissions = d.submissions;
        c.workload.zero_count_prob = d.zero_count_prob;
    }
    c
}

/// The count sequences of `--per-submitter` when that flag builds the config's per-submitter
/// workloads: each runs a deterministic sequence of counts ([`Workload::deterministic_counts`])
/// and is otherwise its base workload ([`Workload::with_counts`]).
fn per_submitter_counts(config: &Config) -> Option<Vec<Vec<u32>>> {
    if config.per_submitter.is_empty() {
        return None;
    }
    config
        .per_submitter
        .iter()
        .map(|w| {
            let counts = w.deterministic_counts()?;
            let same = config.workload.with_counts(counts.clone());
            let rest_equal = Workload {
                batch: same.batch.clone(),
                submissions: same.submissions,
                ..w.clone()
            } == same;
            rest_equal.then_some(counts)
        })
        .collect()
}

/// The `--devtlb-share` every workload's type mix is, if one is.
fn devtlb_share(config: &Config) -> Option<f64> {
    let p = config.workload.types.devtlb;
    let all = std::iter::once(&config.workload).chain(&config.per_submitter);
    let mix = TypeMix::devtlb_share(p);
    (config.workload.types != TypeMix::default() && all.into_iter().all(|w| w.types == mix))
        .then_some(p)
}

/// The config's JSON without what equals the defaults (objects compared key by key, arrays
/// whole).
fn sparse(config: &Config, defaults: &Config) -> Value {
    fn diff(v: Value, d: &Value) -> Option<Value> {
        match (v, d) {
            // A tagged enum (`{"kind": ...}`) is one value: whole, or not at all.
            (Value::Object(m), Value::Object(dm)) if m.contains_key("kind") => {
                let v = Value::Object(m);
                (v != Value::Object(dm.clone())).then_some(v)
            }
            (Value::Object(m), Value::Object(dm)) => {
                let out: serde_json::Map<String, Value> = m
                    .into_iter()
                    .filter_map(|(k, v)| match dm.get(&k) {
                        Some(dv) => diff(v, dv).map(|v| (k, v)),
                        None => Some((k, v)),
                    })
                    .collect();
                (!out.is_empty()).then_some(Value::Object(out))
            }
            (v, d) if &v == d => None,
            (v, _) => Some(v),
        }
    }
    let v = serde_json::to_value(config).unwrap_or(Value::Null);
    let d = serde_json::to_value(defaults).unwrap_or(Value::Null);
    diff(v, &d).unwrap_or_else(|| Value::Object(Default::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::kernel::Kernel;
    use crate::config::BatchDist;
    use crate::PolicyKind;

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
}
