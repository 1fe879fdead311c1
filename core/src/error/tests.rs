//! The errors' JSON shape and wording, kind by kind.

use super::*;
use serde_json::json;

#[test]
fn the_kind_is_flat_in_json_and_reads_back() {
    let e = ConfigError::unknown_variant("policy", "bogus", &["legacy", "fixed"]);
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(
        v,
        json!({"field": "policy", "kind": "unknownVariant", "value": "bogus",
               "allowed": ["legacy", "fixed"],
               "message": "is unknown variant `bogus`, expected one of `legacy`, `fixed`"})
    );
    assert_eq!(serde_json::from_value::<ConfigError>(v).unwrap(), e);
    let e = ConfigError::new("faults", "needs async hardware".into());
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"field": "faults", "kind": "invalid", "message": "needs async hardware"})
    );
    assert_eq!(
        e.to_string(),
        "invalid config: `faults` needs async hardware"
    );
}

#[test]
fn each_kind_words_its_message() {
    let m = |e: ConfigError| e.message;
    assert_eq!(
        m(ConfigError::range("qiLength", 3.0, 4.0, 65536.0)),
        "is 3; allowed range is 4..=65536"
    );
    assert_eq!(
        m(ConfigError::in_range("x", 0.0, FieldRange::above(0.0, 1e6))),
        "is 0; allowed range is >0 and <=1000000"
    );
    assert_eq!(
        m(ConfigError::in_range(
            "x",
            f64::NAN,
            FieldRange::real(0.0, 1.0)
        )),
        "is NaN; allowed range is 0..=1"
    );
    assert_eq!(
        m(ConfigError::unknown_field(
            "scheduler.depth",
            "depth",
            &["kind"]
        )),
        "is an unknown field, expected `kind`"
    );
    assert_eq!(
        m(ConfigError::missing_field("scheduler", "choices")),
        "is missing field `choices`"
    );
    assert_eq!(
        m(ConfigError::wrong_type(
            "qiLength",
            "\"eight\"",
            "a whole number"
        )),
        "is \"eight\", expected a whole number"
    );
    assert_eq!(
        m(ConfigError::too_big(
            "counts",
            2e6,
            1_000_000,
            "workload combinations"
        )),
        "gives 2000000 workload combinations; at most 1000000 are allowed"
    );
    assert_eq!(
        m(ConfigError::too_big_power(
            "counts",
            3,
            16,
            1_000_000,
            "workload combinations"
        )),
        "gives 3^16 = 43046721 workload combinations; at most 1000000 are allowed"
    );
    let huge = ConfigError::too_big_power("counts", 3, 1000, 1_000_000, "x");
    assert_eq!(huge.message, "gives 3^1000 x; at most 1000000 are allowed");
    // Still a number in JSON (not `null`).
    assert!(serde_json::to_value(&huge).unwrap()["count"].is_number());
    assert_eq!(
        m(ConfigError::too_big_power("counts", 3, 70, 1_000_000, "x")),
        "gives 3^70 (about 2.5e33) x; at most 1000000 are allowed"
    );
    let p = crate::program::ProgramError::at(3, 7, "expected `;`");
    assert_eq!(
        m(ConfigError::program("program", &p)),
        "does not compile: line 3, column 7: expected `;`"
    );
}

#[test]
fn numbers_are_written_in_full_or_with_an_exponent() {
    assert_eq!(number_text(u64::MAX as f64), "18446744073709551615");
    assert_eq!(number_text(1e13), "10000000000000");
    assert_eq!(number_text(0.25), "0.25");
    assert_eq!(number_text(-1.0), "-1");
    assert_eq!(number_text(1e20), "1e20");
    assert_eq!(number_text(f64::INFINITY), "Infinity");
    assert_eq!(number_text(f64::NAN), "NaN");
}
