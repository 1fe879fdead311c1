//! Config JSON in, typed errors out: each kind, the fields' paths and ranges, and that the
//! reader takes what serde_json takes.

use super::*;
use crate::error::ErrorKind;
use crate::Config;
use serde::Deserialize;
use serde_json::json;

/// The error of config JSON `v` (read, then validated).
fn err(v: Value) -> ConfigError {
    match Config::from_json(&v) {
        Err(e) => e,
        Ok(cfg) => cfg.validate().expect_err(&v.to_string()),
    }
}

fn range(e: &ConfigError) -> (f64, f64, f64, bool) {
    match e.kind {
        ErrorKind::Range {
            value,
            min,
            max,
            integer,
            ..
        } => (value, min, max, integer),
        ref k => panic!("{e}: kind {k:?}, not a range"),
    }
}

#[test]
fn a_negative_cpu_count_has_the_validators_range() {
    let e = err(json!({"submitters": -1}));
    assert_eq!(e.field, "submitters");
    assert_eq!(range(&e), (-1.0, 1.0, 256.0, true));
    assert_eq!(e.message, "is -1; allowed range is 1..=256");
    // The same range as the validator's for 0.
    let zero = err(json!({"submitters": 0}));
    assert_eq!(range(&zero).1..=range(&zero).2, 1.0..=256.0);
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"field": "submitters", "kind": "range", "value": -1.0, "min": 1.0,
               "max": 256.0, "minExclusive": false, "integer": true,
               "message": "is -1; allowed range is 1..=256"})
    );
}

#[test]
fn a_float_for_an_integer_is_a_range_error_saying_so() {
    let e = err(json!({"submitters": 2.5}));
    assert_eq!(range(&e), (2.5, 1.0, 256.0, true));
    assert_eq!(
        e.message,
        "is 2.5, not a whole number; allowed range is 1..=256"
    );
    let e = err(json!({"workload": {"batch": {"kind": "uniform", "min": 0, "max": 1.5}}}));
    assert_eq!(e.field, "workload.batch.max");
    assert_eq!(range(&e), (1.5, 0.0, 254.0, true));
    // Too big for the type: the validator's range too.
    let e = err(json!({"qiLength": 5_000_000_000u64}));
    assert_eq!(range(&e), (5e9, 4.0, 65536.0, true));
    // A whole number written as a float is that number.
    let cfg = Config::from_json(&json!({"qiLength": 8.0, "seed": 1e3})).unwrap();
    assert_eq!((cfg.qi_length, cfg.seed), (8, 1000));
}

#[test]
fn ranges_that_depend_on_other_fields_read_them() {
    let e = err(json!({"qiLength": 8, "workload": {"batch": {"kind": "fixed", "count": -1}}}));
    assert_eq!(e.field, "workload.batch.count");
    assert_eq!(range(&e), (-1.0, 0.0, 6.0, true));
    let e = err(json!({"workload": {"batch": {"kind": "uniform", "min": -1, "max": 3}}}));
    assert_eq!(range(&e), (-1.0, 0.0, 3.0, true));
    let e = err(json!({"qiLength": 16, "fetchDepth": -3}));
    assert_eq!(range(&e), (-3.0, 0.0, 16.0, true));
    let e = err(json!({"qiLength": 16, "perSubmitter": [
        {}, {"batch": {"kind": "sequence", "counts": [1, -2]}}]}));
    assert_eq!(e.field, "perSubmitter[1].batch.counts[1]");
    assert_eq!(range(&e), (-2.0, 0.0, 14.0, true));
    // Validated the same way.
    let e = err(json!({"qiLength": 16, "submitters": 2, "perSubmitter": [
        {}, {"batch": {"kind": "sequence", "counts": [1, 15]}}]}));
    assert_eq!(e.field, "perSubmitter[1].batch.counts[1]");
    assert_eq!(range(&e), (15.0, 0.0, 14.0, true));
    // Another bad field: the ranges of the defaults.
    let e = err(json!({"qiLength": "x", "fetchDepth": -3}));
    assert_eq!(range(&e), (-3.0, 0.0, 256.0, true));
}

#[test]
fn a_field_without_a_row_has_its_types_range() {
    let e = err(json!({"seed": -1}));
    assert_eq!(range(&e), (-1.0, 0.0, u64::MAX as f64, true));
    assert_eq!(
        e.message,
        "is -1; allowed range is 0..=18446744073709551615"
    );
    let e = err(json!({"faults": {"maxFaults": 1e10}}));
    assert_eq!(e.field, "faults.maxFaults");
    assert_eq!(range(&e), (1e10, 0.0, u32::MAX as f64, true));
    let e = from_value::<Vec<u32>>(&json!([1, -1]), "counts").unwrap_err();
    assert_eq!(e.field, "counts[1]");
    assert_eq!(range(&e), (-1.0, 0.0, u32::MAX as f64, true));
}

#[test]
fn an_unknown_policy_lists_the_allowed_ones() {
    let e = err(json!({"policy": "bogus"}));
    assert_eq!(e.field, "policy");
    assert_eq!(
        e.kind,
        ErrorKind::UnknownVariant {
            value: "bogus".into(),
            allowed: vec!["legacy".into(), "fixed".into()],
        }
    );
    assert_eq!(
        e.message,
        "is unknown variant `bogus`, expected one of `legacy`, `fixed`"
    );
    let e = err(json!({"scheduler": {"kind": "fifo"}}));
    assert_eq!(e.field, "scheduler.kind");
    assert!(
        matches!(&e.kind, ErrorKind::UnknownVariant { allowed, .. } if allowed.len() == 4),
        "{e}"
    );
}

#[test]
fn an_unknown_field_is_named_by_its_path() {
    let e = err(json!({"qiLength": 8, "ringSize": 4}));
    assert_eq!(e.field, "ringSize");
    match &e.kind {
        ErrorKind::UnknownField { value, allowed } => {
            assert_eq!(value, "ringSize");
            assert!(allowed.iter().any(|a| a == "qiLength"), "{allowed:?}");
        }
        k => panic!("{k:?}"),
    }
    assert!(e
        .message
        .starts_with("is an unknown field, expected one of `"));
    let e = err(json!({"workload": {"count": 1}}));
    assert_eq!(e.field, "workload.count");
    assert!(matches!(&e.kind, ErrorKind::UnknownField { value, .. } if value == "count"));
    // A field of another scheduler kind: the kind's own fields are the allowed ones.
    let e = err(json!({"scheduler": {"kind": "random", "depth": 2}}));
    assert_eq!(e.field, "scheduler.depth");
    assert_eq!(
        e.kind,
        ErrorKind::UnknownField {
            value: "depth".into(),
            allowed: vec!["kind".into(), "hwWeight".into()],
        }
    );
}

#[test]
fn a_missing_tag_or_field_is_named() {
    let e = err(json!({"scheduler": {"depth": 2}}));
    assert_eq!(e.field, "scheduler");
    assert_eq!(
        e.kind,
        ErrorKind::MissingField {
            name: "kind".into()
        }
    );
    assert_eq!(e.message, "is missing field `kind`");
    let e = err(json!({"scheduler": {"kind": "replay"}}));
    assert_eq!(
        e.kind,
        ErrorKind::MissingField {
            name: "choices".into()
        }
    );
    let e = err(json!({"perSubmitter": [{"batch": {"kind": "uniform", "max": 2}}]}));
    assert_eq!(e.field, "perSubmitter[0].batch");
    assert_eq!(e.kind, ErrorKind::MissingField { name: "min".into() });
}

#[test]
fn a_value_of_the_wrong_type() {
    let wrong = |v: Value| {
        let e = err(v);
        match e.kind {
            ErrorKind::WrongType { value, expected } => (e.field, value, expected),
            k => panic!("{k:?}"),
        }
    };
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        wrong(json!({"qiLength": "eight"})),
        s("qiLength", "\"eight\"", "a whole number")
    );
    assert_eq!(
        wrong(json!({"scheduler": {"kind": "random", "hwWeight": null}})),
        s("scheduler.hwWeight", "null", "a number")
    );
    assert_eq!(
        wrong(json!({"scheduler": {"kind": "timed", "costs": {"lockNs": "fast"}}})),
        s("scheduler.costs.lockNs", "\"fast\"", "a whole number")
    );
    assert_eq!(wrong(json!({"trace": 1})), s("trace", "1", "a boolean"));
    assert_eq!(
        wrong(json!({"workload": 5})),
        s("workload", "5", "an object")
    );
    assert_eq!(wrong(json!({"policy": 2})), s("policy", "2", "a string"));
    assert_eq!(wrong(json!("x")), s("config", "\"x\"", "an object"));
    let e = err(json!({"program": 5}));
    assert_eq!(e.message, "is 5, expected a string");
}

#[test]
fn too_big_program_and_invalid_come_from_the_validator() {
    let e = err(json!({"workload": {"batch": {"kind": "sequence",
        "counts": vec![1; crate::config::MAX_SEQUENCE + 1]}}}));
    assert_eq!(e.field, "workload.batch.counts");
    assert!(
        matches!(e.kind, ErrorKind::TooBig { count, max: 1_000_000, .. } if count == 1_000_001.0),
        "{e}"
    );
    assert_eq!(
        e.message,
        "gives 1000001 entries; at most 1000000 are allowed"
    );
    let e = err(json!({"program": "fn mark(\n  oops"}));
    assert_eq!(e.field, "program");
    assert!(
        matches!(
            e.kind,
            ErrorKind::Program {
                line: 1..,
                col: 1..,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.message.starts_with("does not compile: line "), "{e}");
    let e = err(json!({"submitters": 3, "perSubmitter": [{}, {}]}));
    assert_eq!(
        (e.field.as_str(), &e.kind),
        ("perSubmitter", &ErrorKind::Invalid)
    );
    let e = Config::from_json_str("{").unwrap_err();
    assert_eq!((e.field.as_str(), &e.kind), ("config", &ErrorKind::Invalid));
    assert!(e.message.contains("line 1"), "{e}");
}

#[test]
fn the_reader_takes_what_serde_json_takes() {
    #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
    enum E {
        A,
        B(u32),
        C { x: u8 },
        D(u8, i8),
    }
    #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
    #[serde(tag = "t")]
    enum Tagged {
        P { y: Option<f64> },
    }
    let v = json!([["A", {"B": 3}, {"C": {"x": 4}}, {"D": [1, -1]}],
                   [{"t": "P", "y": null}, {"t": "P", "y": 2}], "text", [1, 2]]);
    type T = (Vec<E>, Vec<Tagged>, String, (u8, u64));
    assert_eq!(
        from_value::<T>(&v, "v").unwrap(),
        serde_json::from_value::<T>(v.clone()).unwrap()
    );
    let e = from_value::<Vec<E>>(&json!([{"B": -1}]), "v").unwrap_err();
    assert_eq!(e.field, "v[0].B");
    let e = from_value::<Vec<E>>(&json!(["Z"]), "v").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::UnknownVariant { .. }), "{e}");
    // Every valid config reads back the same.
    let cfg = Config {
        per_submitter: vec![crate::Workload::default(); 2],
        scheduler: crate::SchedulerConfig::Pct { depth: 2, steps: 9 },
        kernel: Some(crate::config::kernel::Kernel::V6_9),
        ..Config::default()
    };
    let back = Config::from_json(&serde_json::to_value(&cfg).unwrap()).unwrap();
    assert_eq!(back, cfg);
}
