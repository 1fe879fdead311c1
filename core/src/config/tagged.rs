//! Deserialisation of the config's internally tagged enums (`scheduler`, `batch`) through plain
//! structs. serde buffers an internally tagged object before it reads the fields, and an error
//! inside then carries neither the field's name nor its position: `{"scheduler": {"kind": "pct",
//! "depth": -1}}` was reported at `scheduler`. Read as a struct, the same error names
//! `scheduler.depth`. Serialisation is unchanged (serde's derive, `kind` tag).

use serde::{Deserialize, Deserializer};

use crate::config::{BatchDist, SchedulerConfig, TimedCosts};

/// A present field must hold a value of its type: `null` is a type error, not "absent" (an
/// absent field is `None` through `#[serde(default)]`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Rejects the fields of `given` that kind `kind` of `what` does not have, with serde's own
/// wording for unknown fields.
fn only(
    what: &str,
    kind: &str,
    given: &[(&'static str, bool)],
    allowed: &[&str],
) -> Result<(), String> {
    for (name, present) in given {
        if *present && !allowed.contains(name) {
            let expected = std::iter::once("kind")
                .chain(allowed.iter().copied())
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "unknown field `{name}` for {what} kind `{kind}`, expected one of {expected}"
            ));
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum SchedulerKind {
    Random,
    Pct,
    Replay,
    Timed,
}

/// Every field any scheduler kind has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RawScheduler {
    kind: SchedulerKind,
    #[serde(default, deserialize_with = "present")]
    hw_weight: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    depth: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    steps: Option<u64>,
    #[serde(default, deserialize_with = "present")]
    choices: Option<String>,
    #[serde(default, deserialize_with = "present")]
    costs: Option<TimedCosts>,
}

impl TryFrom<RawScheduler> for SchedulerConfig {
    type Error = String;

    fn try_from(r: RawScheduler) -> Result<Self, String> {
        let given = [
            ("hwWeight", r.hw_weight.is_some()),
            ("depth", r.depth.is_some()),
            ("steps", r.steps.is_some()),
            ("choices", r.choices.is_some()),
            ("costs", r.costs.is_some()),
        ];
        let only = |kind, allowed: &[&str]| only("scheduler", kind, &given, allowed);
        Ok(match r.kind {
            SchedulerKind::Random => {
                only("random", &["hwWeight"])?;
                SchedulerConfig::Random {
                    hw_weight: r.hw_weight.unwrap_or(1.0),
                }
            }
            SchedulerKind::Pct => {
                only("pct", &["depth", "steps"])?;
                SchedulerConfig::Pct {
                    depth: r.depth.unwrap_or(3),
                    steps: r.steps.unwrap_or(0),
                }
            }
            SchedulerKind::Replay => {
                only("replay", &["choices"])?;
                SchedulerConfig::Replay {
                    choices: r.choices.ok_or("missing field `choices`")?,
                }
            }
            SchedulerKind::Timed => {
                only("timed", &["costs"])?;
                SchedulerConfig::Timed {
                    costs: r.costs.unwrap_or_default(),
                }
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum BatchKind {
    Fixed,
    Uniform,
    Sequence,
}

/// Every field any batch distribution has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RawBatch {
    kind: BatchKind,
    #[serde(default, deserialize_with = "present")]
    count: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    min: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    max: Option<u32>,
    #[serde(default, deserialize_with = "present")]
    counts: Option<Vec<u32>>,
}

impl TryFrom<RawBatch> for BatchDist {
    type Error = String;

    fn try_from(r: RawBatch) -> Result<Self, String> {
        let given = [
            ("count", r.count.is_some()),
            ("min", r.min.is_some()),
            ("max", r.max.is_some()),
            ("counts", r.counts.is_some()),
        ];
        let only = |kind, allowed: &[&str]| only("batch", kind, &given, allowed);
        Ok(match r.kind {
            BatchKind::Fixed => {
                only("fixed", &["count"])?;
                BatchDist::Fixed {
                    count: r.count.ok_or("missing field `count`")?,
                }
            }
            BatchKind::Uniform => {
                only("uniform", &["min", "max"])?;
                BatchDist::Uniform {
                    min: r.min.ok_or("missing field `min`")?,
                    max: r.max.ok_or("missing field `max`")?,
                }
            }
            BatchKind::Sequence => {
                only("sequence", &["counts"])?;
                BatchDist::Sequence {
                    counts: r.counts.ok_or("missing field `counts`")?,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{BatchDist, Config, SchedulerConfig};

    fn path_of_error(json: &str) -> (String, String) {
        let de = &mut serde_json::Deserializer::from_str(json);
        let e = serde_path_to_error::deserialize::<_, Config>(de).expect_err(json);
        (e.path().to_string(), e.inner().to_string())
    }

    #[test]
    fn errors_inside_tagged_objects_name_the_field() {
        let (path, _) = path_of_error(r#"{"scheduler": {"kind": "pct", "depth": -1}}"#);
        assert_eq!(path, "scheduler.depth");
        let (path, _) = path_of_error(r#"{"scheduler": {"kind": "random", "hwWeight": null}}"#);
        assert_eq!(path, "scheduler.hwWeight");
        let (path, _) =
            path_of_error(r#"{"workload": {"batch": {"kind": "uniform", "min": 0, "max": 1.5}}}"#);
        assert_eq!(path, "workload.batch.max");
        let (path, _) =
            path_of_error(r#"{"scheduler": {"kind": "timed", "costs": {"lockNs": "fast"}}}"#);
        assert_eq!(path, "scheduler.costs.lockNs");
    }

    #[test]
    fn fields_of_another_kind_and_missing_fields_are_named() {
        let (path, msg) = path_of_error(r#"{"scheduler": {"kind": "random", "depth": 2}}"#);
        assert_eq!(path, "scheduler");
        assert!(
            msg.contains("unknown field `depth`") && msg.contains("`hwWeight`"),
            "{msg}"
        );
        let (_, msg) = path_of_error(r#"{"scheduler": {"kind": "replay"}}"#);
        assert!(msg.contains("missing field `choices`"), "{msg}");
        let (_, msg) = path_of_error(r#"{"workload": {"batch": {"kind": "fixed"}}}"#);
        assert!(msg.contains("missing field `count`"), "{msg}");
        let (_, msg) = path_of_error(r#"{"scheduler": {"depth": 2}}"#);
        assert!(msg.contains("missing field `kind`"), "{msg}");
        let (path, msg) = path_of_error(r#"{"scheduler": {"kind": "pct", "bogus": 2}}"#);
        assert!(path.starts_with("scheduler"), "{path}");
        assert!(msg.contains("unknown field `bogus`"), "{msg}");
    }

    #[test]
    fn defaults_and_round_trip() {
        let cfg: Config = serde_json::from_str(
            r#"{"scheduler": {"kind": "pct"}, "workload": {"batch": {"kind": "sequence", "counts": [0, 2]}}}"#,
        )
        .unwrap();
        assert_eq!(cfg.scheduler, SchedulerConfig::Pct { depth: 3, steps: 0 });
        assert_eq!(
            cfg.workload.batch,
            BatchDist::Sequence { counts: vec![0, 2] }
        );
        let back: Config = serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
        for s in [
            SchedulerConfig::Random { hw_weight: 2.5 },
            SchedulerConfig::Replay {
                choices: "q1:ab".into(),
            },
            SchedulerConfig::Timed {
                costs: Default::default(),
            },
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<SchedulerConfig>(&json).unwrap(), s);
        }
    }
}
