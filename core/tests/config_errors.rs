//! One test per validation rule: each bad config is rejected up front with an error naming the
//! field and what is allowed — never a panic, a hang or a silently clamped value.

use qisim_core::config::{FaultConfig, SchedulerConfig, TimedCosts, TypeMix};
use qisim_core::{BatchDist, Config, ConfigError, Simulation, Workload};

fn err(cfg: Config) -> ConfigError {
    let e = cfg.validate().expect_err("config should be rejected");
    // Simulation::new must refuse it the same way.
    assert_eq!(Simulation::new(cfg).err(), Some(e.clone()));
    e
}

fn assert_field(cfg: Config, field: &str, needle: &str) {
    let e = err(cfg);
    assert_eq!(e.field, field, "{e}");
    assert!(e.message.contains(needle), "{e} should mention `{needle}`");
    assert!(e.to_string().contains(field));
}

fn with_workload(w: Workload) -> Config {
    Config {
        workload: w,
        ..Config::default()
    }
}

fn with_batch(qi_length: u32, batch: BatchDist) -> Config {
    Config {
        qi_length,
        workload: Workload {
            batch,
            ..Workload::default()
        },
        ..Config::default()
    }
}

fn with_sched(s: SchedulerConfig) -> Config {
    Config {
        scheduler: s,
        ..Config::default()
    }
}

#[test]
fn default_config_is_valid() {
    Config::default().validate().unwrap();
}

#[test]
fn qi_length_range() {
    for n in [0, 3, 65_537] {
        assert_field(
            Config {
                qi_length: n,
                ..Config::default()
            },
            "qiLength",
            "4..=65536",
        );
    }
}

#[test]
fn submitters_range() {
    for n in [0, 257] {
        assert_field(
            Config {
                submitters: n,
                ..Config::default()
            },
            "submitters",
            "1..=256",
        );
    }
}

#[test]
fn per_submitter_length_must_match() {
    let cfg = Config {
        submitters: 3,
        per_submitter: vec![Workload::default(); 2],
        ..Config::default()
    };
    assert_field(cfg, "perSubmitter", "exactly");
}

#[test]
fn per_submitter_entries_are_validated_with_their_index() {
    let mut w = vec![Workload::default(); 2];
    w[1].zero_count_prob = 2.0;
    let cfg = Config {
        per_submitter: w,
        ..Config::default()
    };
    assert_field(cfg, "perSubmitter[1].zeroCountProb", "0..=1");
}

#[test]
fn submissions_range() {
    let w = Workload {
        submissions: 10_000_000_000_000,
        ..Workload::default()
    };
    assert_field(with_workload(w), "workload.submissions", "0..=");
}

#[test]
fn zero_count_prob_range_and_nan() {
    for p in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
        let w = Workload {
            zero_count_prob: p,
            ..Workload::default()
        };
        assert_field(with_workload(w), "workload.zeroCountProb", "0..=1");
    }
}

#[test]
fn think_ns_range() {
    let w = Workload {
        think_ns: 2_000_000_000,
        ..Workload::default()
    };
    assert_field(with_workload(w), "workload.thinkNs", "0..=1000000000");
}

#[test]
fn fixed_batch_that_can_never_fit_is_rejected() {
    // count + 2 > QI_LENGTH: check_space could never succeed.
    assert_field(
        with_batch(8, BatchDist::Fixed { count: 7 }),
        "workload.batch.count",
        "0..=6",
    );
    with_batch(8, BatchDist::Fixed { count: 6 })
        .validate()
        .unwrap();
}

#[test]
fn uniform_max_that_can_never_fit_is_rejected() {
    assert_field(
        with_batch(16, BatchDist::Uniform { min: 0, max: 15 }),
        "workload.batch.max",
        "0..=14",
    );
}

#[test]
fn uniform_min_above_max() {
    assert_field(
        with_batch(16, BatchDist::Uniform { min: 5, max: 3 }),
        "workload.batch.min",
        "0..=3",
    );
}

#[test]
fn sequence_empty() {
    assert_field(
        with_batch(16, BatchDist::Sequence { counts: vec![] }),
        "workload.batch.counts",
        "at least one",
    );
}

#[test]
fn sequence_entry_that_can_never_fit() {
    assert_field(
        with_batch(
            8,
            BatchDist::Sequence {
                counts: vec![1, 0, 9],
            },
        ),
        "workload.batch.counts[2]",
        "0..=6",
    );
}

#[test]
fn type_weights_must_be_finite_and_non_negative() {
    for wt in [-1.0, f64::NAN] {
        let w = Workload {
            types: TypeMix {
                devtlb: wt,
                ..TypeMix::default()
            },
            ..Workload::default()
        };
        assert_field(with_workload(w), "workload.types.devtlb", "0..=");
    }
}

#[test]
fn type_weights_all_zero() {
    let w = Workload {
        types: TypeMix {
            iotlb: 0.0,
            ..TypeMix::default()
        },
        ..Workload::default()
    };
    assert_field(with_workload(w), "workload.types", "positive");
}

#[test]
fn random_hw_weight() {
    for w in [0.0, -1.0, f64::NAN, 1e7] {
        assert_field(
            with_sched(SchedulerConfig::Random { hw_weight: w }),
            "scheduler.hwWeight",
            ">0",
        );
    }
}

#[test]
fn pct_depth() {
    for d in [0, 33] {
        assert_field(
            with_sched(SchedulerConfig::Pct { depth: d, steps: 0 }),
            "scheduler.depth",
            "1..=32",
        );
    }
}

#[test]
fn pct_steps() {
    assert_field(
        with_sched(SchedulerConfig::Pct {
            depth: 3,
            steps: u64::MAX,
        }),
        "scheduler.steps",
        "0..=",
    );
}

#[test]
fn replay_string_must_parse() {
    let e = err(with_sched(SchedulerConfig::Replay {
        choices: "a3b2".into(),
    }));
    assert_eq!(e.field, "scheduler.choices");
    assert!(e.message.contains("q1:"), "{e}");
    let e = err(with_sched(SchedulerConfig::Replay {
        choices: "q1:a3?".into(),
    }));
    assert!(e.message.contains("position 5"), "{e}");
}

#[test]
fn replay_must_name_existing_submitters() {
    let e = err(with_sched(SchedulerConfig::Replay {
        choices: "q1:a3cH".into(),
    }));
    assert_eq!(e.field, "scheduler.choices");
    assert!(e.message.contains("submitter 2"), "{e}");
}

#[test]
fn timed_costs_range() {
    let costs = TimedCosts {
        hw_devtlb_ns: 5_000_000_000,
        ..TimedCosts::default()
    };
    assert_field(
        with_sched(SchedulerConfig::Timed { costs }),
        "scheduler.costs.hwDevtlbNs",
        "0..=1000000000",
    );
}

#[test]
fn timed_jitter_range() {
    let costs = TimedCosts {
        jitter: 1.5,
        ..TimedCosts::default()
    };
    assert_field(
        with_sched(SchedulerConfig::Timed { costs }),
        "scheduler.costs.jitter",
        "0..=0.9",
    );
}

#[test]
fn fault_rates_are_probabilities() {
    let cfg = Config {
        faults: FaultConfig {
            ite_rate: f64::NAN,
            ..FaultConfig::default()
        },
        ..Config::default()
    };
    assert_field(cfg, "faults.iteRate", "0..=1");
}

#[test]
fn fault_injection_needs_async_hardware() {
    let cfg = Config {
        faults: FaultConfig {
            iqe_rate: 0.1,
            ..FaultConfig::default()
        },
        hardware: qisim_core::HardwareMode::Sync,
        ..Config::default()
    };
    assert_field(cfg, "faults", "async");
}

#[test]
fn step_limit_range() {
    assert_field(
        Config {
            step_limit: 0,
            ..Config::default()
        },
        "stepLimit",
        "1..=",
    );
}

#[test]
fn watchdog_range() {
    assert_field(
        Config {
            watchdog: u64::MAX,
            ..Config::default()
        },
        "watchdog",
        "0..=",
    );
}

#[test]
fn trace_capacity_range() {
    assert_field(
        Config {
            trace_capacity: 0,
            ..Config::default()
        },
        "traceCapacity",
        "1..=",
    );
}

#[test]
fn bucket_range() {
    assert_field(
        Config {
            bucket: 0,
            ..Config::default()
        },
        "bucket",
        "1..=",
    );
}

#[test]
fn max_buckets_range() {
    assert_field(
        Config {
            max_buckets: 1,
            ..Config::default()
        },
        "maxBuckets",
        "2..=",
    );
}

#[test]
fn json_unknown_field_is_named() {
    let e = serde_json::from_str::<Config>(r#"{"qiLength": 8, "ringSize": 4}"#).unwrap_err();
    assert!(e.to_string().contains("ringSize"), "{e}");
    let e = serde_json::from_str::<Config>(r#"{"workload": {"count": 1}}"#).unwrap_err();
    assert!(e.to_string().contains("count"), "{e}");
}

#[test]
fn json_wrong_type_is_reported() {
    let e = serde_json::from_str::<Config>(r#"{"qiLength": "eight"}"#).unwrap_err();
    assert!(e.to_string().contains("invalid type"), "{e}");
    let e = serde_json::from_str::<Config>(r#"{"qiLength": -8}"#).unwrap_err();
    assert!(e.to_string().contains("-8"), "{e}");
    let e = serde_json::from_str::<Config>(r#"{"policy": "optimistic"}"#).unwrap_err();
    assert!(e.to_string().contains("optimistic"), "{e}");
}

#[test]
fn json_empty_object_is_the_default() {
    let c: Config = serde_json::from_str("{}").unwrap();
    assert_eq!(c, Config::default());
}

#[test]
fn stride2_ite_walk_needs_an_even_ring() {
    let cfg = Config {
        qi_length: 7,
        faults: FaultConfig {
            ite_rate: 0.1,
            ite_walk: qisim_core::config::IteWalk::Stride2,
            ..FaultConfig::default()
        },
        ..Config::default()
    };
    assert_field(cfg, "qiLength", "even");
}
