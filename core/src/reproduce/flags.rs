//! A config as command-line arguments: a flag for every field that has one, the rest as
//! `--config-json` or a file, and what a reproduction may leave out.

use serde_json::Value;

use super::{ReproFile, ReproNames, INLINE_MAX};
use crate::config::kernel::walk_name;
use crate::config::TypeMix;
use crate::{Config, Workload};

/// Appends the config's flags to `args`; returns the files they name.
pub(super) fn config_args(
    config: &Config,
    names: &ReproNames,
    args: &mut Vec<String>,
) -> Vec<ReproFile> {
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
pub(super) fn per_submitter_counts(config: &Config) -> Option<Vec<Vec<u32>>> {
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
pub(super) fn devtlb_share(config: &Config) -> Option<f64> {
    let p = config.workload.types.devtlb;
    let all = std::iter::once(&config.workload).chain(&config.per_submitter);
    let mix = TypeMix::devtlb_share(p);
    (config.workload.types != TypeMix::default() && all.into_iter().all(|w| w.types == mix))
        .then_some(p)
}

/// The config's JSON without what equals the defaults (objects compared key by key, arrays
/// whole).
pub(super) fn sparse(config: &Config, defaults: &Config) -> Value {
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
