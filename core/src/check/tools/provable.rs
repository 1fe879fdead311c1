//! "Make it provable": the nearest config the explorer takes and enumerates comfortably, with
//! each change named (the field, from, to, why), so that the playground's one button and a
//! reader agree on what was changed. What cannot be changed (a per-CPU workload list that is
//! too big) stays the core's error.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::family::{explorable, family};
use crate::config::TypeMix;
use crate::{Config, ConfigError, Workload};

/// Workloads one proof explores comfortably (seconds here; the acceptance config: 3 CPUs × 2
/// calls with counts 0/1/2 = 729 workloads).
pub const COMFORTABLE_ROOTS: u64 = 729;

/// One change to a config: its field path, the value before and after, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    pub field: String,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub from: Value,
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub to: Value,
    pub why: String,
}

/// A provable config and the changes that made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Provable {
    /// Why the config as given is not provable comfortably (the explorer's own error, or the
    /// size), or `None` when it is.
    pub problem: Option<ConfigError>,
    pub config: Config,
    pub changes: Vec<Change>,
    /// Workloads the exploration of `config` covers.
    pub roots: u64,
}

/// The nearest provable config to `cfg`: a fault budget of 1 when faults are on without one;
/// one descriptor type (device-TLB when a time-out or completion fault is injected, as those
/// only hit device-TLB invalidations; else the heaviest type); then fewer calls, then fewer
/// CPUs, until the family has at most [`COMFORTABLE_ROOTS`] workloads.
pub fn provable(cfg: &Config) -> Result<Provable, ConfigError> {
    let problem = match explores(cfg) {
        Err(e) => Some(e),
        Ok(n) if n > COMFORTABLE_ROOTS && cfg.per_submitter.is_empty() => Some(
            ConfigError::too_big(
                "workload.submissions",
                n as f64,
                COMFORTABLE_ROOTS,
                "workloads",
            )
            .with_message(format!(
                "gives {n} workloads; more than {COMFORTABLE_ROOTS} take long to prove"
            )),
        ),
        Ok(_) => None,
    };
    let mut c = cfg.clone();
    let mut changes = Vec::new();
    if !c.faults.is_off() && c.faults.max_faults == 0 {
        c.faults.max_faults = 1;
        changes.push(Change {
            field: "faults.maxFaults".into(),
            from: 0.into(),
            to: 1.into(),
            why: "every fault restarts a call: the explorer needs a limit".into(),
        });
    }
    let devtlb =
        c.faults.ite_rate > 0.0 || c.faults.ice_rate > 0.0 || c.faults.device_gone_rate > 0.0;
    let one_type = |w: &Workload| -> Option<TypeMix> {
        let weights = w.types.weights();
        if weights.iter().filter(|x| **x > 0.0).count() <= 1 {
            return None;
        }
        if devtlb {
            return Some(TypeMix::devtlb_share(1.0));
        }
        let heaviest =
            (0..weights.len()).fold(0, |b, i| if weights[i] > weights[b] { i } else { b });
        let mut t = [0.0; 5];
        t[heaviest] = 1.0;
        Some(TypeMix {
            iotlb: t[0],
            devtlb: t[1],
            context: t[2],
            iec: t[3],
            pasid: t[4],
        })
    };
    let mut types = |path: String, w: &mut Workload| {
        if let Some(t) = one_type(w) {
            changes.push(Change {
                field: format!("{path}.types"),
                from: serde_json::to_value(&w.types).unwrap_or(Value::Null),
                to: serde_json::to_value(&t).unwrap_or(Value::Null),
                why: if devtlb {
                    "the explorer needs one descriptor type; time-outs hit device-TLB invalidations"
                } else {
                    "the explorer needs one descriptor type: the most frequent one"
                }
                .into(),
            });
            w.types = t;
        }
    };
    types("workload".into(), &mut c.workload);
    for (i, w) in c.per_submitter.iter_mut().enumerate() {
        types(format!("perSubmitter[{i}]"), w);
    }
    let whole = explores(&c);
    match whole {
        Ok(roots) if roots <= COMFORTABLE_ROOTS || !c.per_submitter.is_empty() => {
            return Ok(Provable {
                problem,
                config: c,
                changes,
                roots,
            });
        }
        Err(e) if !c.per_submitter.is_empty() => return Err(e),
        _ => {}
    }
    // Most CPUs first (the lockup needs two), then as many calls as fit.
    let (cpus, calls) = (c.submitters, c.workload.submissions);
    for n in (2.min(cpus)..=cpus).rev() {
        for k in (1..=calls).rev() {
            let mut t = c.clone();
            t.submitters = n;
            t.workload.submissions = k;
            if let Some(roots) = explores(&t).ok().filter(|r| *r <= COMFORTABLE_ROOTS) {
                let why = format!(
                    "{cpus} CPUs × {calls} calls are too many workloads to enumerate; {n} × {k} give {roots}"
                );
                for (field, from, to) in [
                    ("submitters", cpus as u64, n as u64),
                    ("workload.submissions", calls, k),
                ] {
                    if from != to {
                        changes.push(Change {
                            field: field.into(),
                            from: from.into(),
                            to: to.into(),
                            why: why.clone(),
                        });
                    }
                }
                return Ok(Provable {
                    problem,
                    config: t,
                    changes,
                    roots,
                });
            }
        }
    }
    // Nothing smaller explores: the config's own error, or the size if it has none.
    whole.and_then(|_| {
        Err(ConfigError::new(
            "workload.batch",
            format!(
                "even {} CPUs × 1 call make more than {COMFORTABLE_ROOTS} workloads; choose fewer batch counts",
                2.min(cpus)
            ),
        ))
    })
}

/// The number of workloads exploring `cfg` covers, or the explorer's error for it (the family
/// and every root as the explorer takes it).
fn explores(cfg: &Config) -> Result<u64, ConfigError> {
    let (roots, _) = family(cfg)?;
    for r in &roots {
        explorable(r)?;
    }
    Ok(roots.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::kernel::Kernel;

    #[test]
    fn a_kernel_preset_with_faults_becomes_provable_in_one_step() {
        let mut c = Config::default();
        Kernel::V7_0.apply(&mut c);
        c.workload = Kernel::V7_0.realistic_workload(&c.workload, c.qi_length);
        c.workload.types = TypeMix {
            iotlb: 0.5,
            devtlb: 0.5,
            ..TypeMix::default()
        };
        c.workload.submissions = 32;
        c.submitters = 4;
        c.faults.ite_rate = 0.1;
        assert!(explorable(&c).is_err());
        let p = provable(&c).unwrap();
        assert!(p.problem.is_some());
        let fields: Vec<&str> = p.changes.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields[..2], ["faults.maxFaults", "workload.types"]);
        assert!(p.roots <= COMFORTABLE_ROOTS && p.roots >= 1);
        assert_eq!(family(&p.config).unwrap().0.len() as u64, p.roots);
        assert_eq!(p.config.workload.types, TypeMix::devtlb_share(1.0));
    }

    #[test]
    fn a_provable_config_is_left_alone() {
        let mut c = Config {
            submitters: 2,
            ..Config::default()
        };
        c.workload.submissions = 1;
        c.workload.batch = crate::BatchDist::Fixed { count: 1 };
        let p = provable(&c).unwrap();
        assert!(p.changes.is_empty());
        assert_eq!(p.problem, None);
        assert_eq!(p.config, c);
    }

    #[test]
    fn without_faults_the_heaviest_type_stays() {
        let mut c = Config::default();
        c.workload.submissions = 1;
        c.workload.batch = crate::BatchDist::Fixed { count: 1 };
        c.workload.types = TypeMix {
            iotlb: 0.2,
            context: 0.8,
            ..TypeMix::default()
        };
        let p = provable(&c).unwrap();
        assert_eq!(p.config.workload.types.context, 1.0);
        assert_eq!(p.config.workload.types.iotlb, 0.0);
    }
}
