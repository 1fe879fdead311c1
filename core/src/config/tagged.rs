//! Deserialisation of the config's internally tagged enums (`scheduler`, `batch`) through plain
//! structs. serde buffers an internally tagged object before it reads the fields, and an error
//! inside then carries neither the field's name nor its position: `{"scheduler": {"kind": "pct",
//! "depth": -1}}` was reported at `scheduler`. Read as a struct, the same error names
//! `scheduler.depth`. Serialisation is unchanged (serde's derive, `kind` tag). A field of another
//! kind, or a missing one, is serde's own `unknown_field` / `missing_field` error (the kind's
//! fields as the allowed ones), so it reaches the error's reader as data.

use serde::{Deserialize, Deserializer};

use crate::config::{BatchDist, SchedulerConfig, TimedCosts};

/// A present field must hold a value of its type: `null` is a type error, not "absent" (an
/// absent field is `None` through `#[serde(default)]`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Why a raw tagged object is not a value of its kind, given to serde as the error it would
/// raise itself (so the reader of errors sees an unknown or a missing field, not a message).
enum Refused {
    /// A field (first) the kind does not have; the kind's fields (second, `kind` first).
    Unknown(&'static str, &'static [&'static str]),
    Missing(&'static str),
}

impl Refused {
    fn into_error<E: serde::de::Error>(self) -> E {
        match self {
            Refused::Unknown(field, allowed) => E::unknown_field(field, allowed),
            Refused::Missing(field) => E::missing_field(field),
        }
    }
}

/// Rejects the fields of `given` that a kind with the fields `allowed` does not have.
fn only(given: &[(&'static str, bool)], allowed: &'static [&'static str]) -> Result<(), Refused> {
    match given
        .iter()
        .find(|(name, present)| *present && !allowed.contains(name))
    {
        Some((name, _)) => Err(Refused::Unknown(name, allowed)),
        None => Ok(()),
    }
}

fn required<T>(v: Option<T>, field: &'static str) -> Result<T, Refused> {
    v.ok_or(Refused::Missing(field))
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
struct RawScheduler {
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

impl RawScheduler {
    fn build(self) -> Result<SchedulerConfig, Refused> {
        let r = self;
        let given = [
            ("hwWeight", r.hw_weight.is_some()),
            ("depth", r.depth.is_some()),
            ("steps", r.steps.is_some()),
            ("choices", r.choices.is_some()),
            ("costs", r.costs.is_some()),
        ];
        Ok(match r.kind {
            SchedulerKind::Random => {
                only(&given, &["kind", "hwWeight"])?;
                SchedulerConfig::Random {
                    hw_weight: r.hw_weight.unwrap_or(1.0),
                }
            }
            SchedulerKind::Pct => {
                only(&given, &["kind", "depth", "steps"])?;
                SchedulerConfig::Pct {
                    depth: r.depth.unwrap_or(3),
                    steps: r.steps.unwrap_or(0),
                }
            }
            SchedulerKind::Replay => {
                only(&given, &["kind", "choices"])?;
                SchedulerConfig::Replay {
                    choices: required(r.choices, "choices")?,
                }
            }
            SchedulerKind::Timed => {
                only(&given, &["kind", "costs"])?;
                SchedulerConfig::Timed {
                    costs: r.costs.unwrap_or_default(),
                }
            }
        })
    }
}

impl<'de> Deserialize<'de> for SchedulerConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawScheduler::deserialize(d)?
            .build()
            .map_err(Refused::into_error)
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
struct RawBatch {
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

impl RawBatch {
    fn build(self) -> Result<BatchDist, Refused> {
        let r = self;
        let given = [
            ("count", r.count.is_some()),
            ("min", r.min.is_some()),
            ("max", r.max.is_some()),
            ("counts", r.counts.is_some()),
        ];
        Ok(match r.kind {
            BatchKind::Fixed => {
                only(&given, &["kind", "count"])?;
                BatchDist::Fixed {
                    count: required(r.count, "count")?,
                }
            }
            BatchKind::Uniform => {
                only(&given, &["kind", "min", "max"])?;
                BatchDist::Uniform {
                    min: required(r.min, "min")?,
                    max: required(r.max, "max")?,
                }
            }
            BatchKind::Sequence => {
                only(&given, &["kind", "counts"])?;
                BatchDist::Sequence {
                    counts: required(r.counts, "counts")?,
                }
            }
        })
    }
}

impl<'de> Deserialize<'de> for BatchDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawBatch::deserialize(d)?
            .build()
            .map_err(Refused::into_error)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{BatchDist, Config, SchedulerConfig};

    /// The path and message of serde_json's error for `json`; the core's reader
    /// (`Config::from_json`, errors as data) must name the same field.
    fn path_of_error(json: &str) -> (String, String) {
        let de = &mut serde_json::Deserializer::from_str(json);
        let e = serde_path_to_error::deserialize::<_, Config>(de).expect_err(json);
        let path = e.path().to_string();
        let ours = Config::from_json_str(json).expect_err(json);
        match &ours.kind {
            // An unknown key is named by its own path there, also a field of another kind
            // (which serde_json's path names by its object).
            crate::error::ErrorKind::UnknownField { value, .. } => assert!(
                ours.field == path || ours.field == format!("{path}.{value}"),
                "{json}: {ours}"
            ),
            _ => assert_eq!(ours.field, path, "{json}: {ours}"),
        }
        (path, e.inner().to_string())
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
