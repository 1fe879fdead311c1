//! `web/lib/qisim-types.d.ts`, the TypeScript declarations of every JSON data type that crosses the
//! wasm boundary, is generated from the Rust types by ts-rs (feature `ts`). This test regenerates
//! it and fails when the committed file is stale; `QISIM_BLESS=1` rewrites it:
//!
//! ```text
//! QISIM_BLESS=1 cargo test -p qisim-core --features ts --test ts_bindings
//! ```
//!
//! It also writes real JSON of the core (a default `Config`, a `RunReport`, each kind of
//! `Verdict`, a `HuntResult`, ...) into `tests/types/samples.gen.ts` (gitignored), typed with the
//! generated declarations, which `tsc` then checks (scripts/test-types.sh runs both): a
//! declaration that does not describe what the core serialises fails there. Here it checks that
//! every key of that JSON is a field name of the declarations (camelCase as serde writes it).
#![cfg(feature = "ts")]

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use qisim_core::check::tools::answer::KernelAnswer;
use qisim_core::check::tools::estimate::{Estimate, EstimateOptions};
use qisim_core::check::tools::matrix::{self, Cell, MatrixSpec};
use qisim_core::check::{explore, ExploreOptions, ExploreProgress, ExploreStats, Verdict};
use qisim_core::config::kernel::Kernel;
use qisim_core::config::preset::{preset, Preset};
use qisim_core::model::{FaultPath, StateView};
use qisim_core::search::hunt::{hunt, HuntOptions, HuntResult};
use qisim_core::search::shrink::Completion;
use qisim_core::trace::{Event, Row};
use qisim_core::{BatchDist, Config, PolicyKind, RunReport, Simulation, Workload};
use ts_rs::{TypeVisitor, TS};

const TYPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/lib/qisim-types.d.ts");
/// Not committed (the values change with the model; their shapes are what is checked).
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/types/samples.gen.ts");

/// Every declaration reachable from the roots, by TypeScript name.
struct Collect {
    cfg: ts_rs::Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives and containers have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(&self.cfg);
        let decl = format!(
            "{}export {}",
            T::docs().unwrap_or_default(),
            T::decl(&self.cfg)
        );
        if let Some(other) = self.decls.insert(name.clone(), decl) {
            panic!("two Rust types declare the TypeScript type `{name}`:\n{other}");
        }
        T::visit_dependencies(self);
    }
}

/// The generated file: every type reachable from the values the wasm API takes or returns.
fn generate() -> String {
    let mut c = Collect {
        // u64 counters and seeds cross as JS numbers (the wasm layer keeps them below 2^53).
        cfg: ts_rs::Config::new().with_large_int("number"),
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    c.visit::<Config>();
    c.visit::<RunReport>();
    c.visit::<StateView>();
    c.visit::<Event>();
    c.visit::<HuntOptions>();
    c.visit::<HuntResult>();
    c.visit::<ExploreOptions>();
    c.visit::<ExploreProgress>();
    c.visit::<Verdict>();
    c.visit::<ExploreStats>();
    c.visit::<Preset>();
    c.visit::<MatrixSpec>();
    c.visit::<Cell>();
    c.visit::<KernelAnswer>();
    c.visit::<qisim_core::reproduce::Reproduce>();
    c.visit::<qisim_core::reproduce::ReproNames>();
    c.visit::<qisim_core::reproduce::Description>();
    c.visit::<FaultPath>();
    c.visit::<Completion>();
    c.visit::<Row>();
    c.visit::<EstimateOptions>();
    c.visit::<Estimate>();
    // What the wasm layer's thrown errors carry (every key of it is a property of the Error).
    c.visit::<qisim_core::ConfigError>();
    let mut out = String::from(
        "// GENERATED from the Rust types of qisim-core by ts-rs: do not edit. Regenerate with\n\
         // `QISIM_BLESS=1 cargo test -p qisim-core --features ts --test ts_bindings`.\n\
         // These are the JSON shapes the core serialises (every field present); web/lib/qisim.d.ts\n\
         // derives the input shapes (`Config`, options: every field optional) from them.\n",
    );
    for decl in c.decls.values() {
        out.push('\n');
        out.push_str(decl.trim_end());
        out.push('\n');
    }
    out
}

fn bless() -> bool {
    std::env::var("QISIM_BLESS").is_ok_and(|v| v == "1")
}

/// Compares `text` with the committed file at `path` (or writes it under `QISIM_BLESS=1`).
fn check_file(path: &str, text: &str) {
    if bless() {
        std::fs::write(path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (write it with QISIM_BLESS=1)"));
    assert!(
        committed == text,
        "{path} is stale (a Rust data type changed): run \
         `QISIM_BLESS=1 cargo test -p qisim-core --features ts --test ts_bindings`"
    );
}

#[test]
fn web_qisim_types_d_ts_is_generated_from_the_rust_types() {
    let types = generate();
    // Declarations the rest of the package relies on (web/lib/qisim.d.ts aliases them).
    for name in [
        "ExploreStats",
        "Config",
        "RunReport",
        "Verdict",
        "HuntResult",
        "StateView",
        "Event",
    ] {
        assert!(types.contains(&format!("export type {name} = ")), "{name}");
    }
    // u64 fields cross as JS numbers (< 2^53), never as BigInts.
    assert!(!types.contains("bigint"), "a u64 became a bigint");
    check_file(TYPES, &types);
}

/// A tiny workload: `counts[i]` is the descriptor count of submitter `i`'s single call.
fn tiny(policy: PolicyKind, counts: &[u32]) -> Config {
    Config {
        qi_length: 8,
        submitters: counts.len() as u32,
        per_submitter: counts
            .iter()
            .map(|&count| Workload {
                submissions: 1,
                batch: BatchDist::Fixed { count },
                ..Workload::default()
            })
            .collect(),
        policy,
        ..Config::default()
    }
}

/// Real JSON of the core, one sample per exported value: `(name, TypeScript type, value)`.
fn samples() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    let json = |v: &dyn erased::Ser| v.to_json();
    let mut out: Vec<(&'static str, &'static str, serde_json::Value)> = Vec::new();
    out.push(("defaultConfig", "Config", json(&Config::default())));
    let mut kernel_cfg = Config::default();
    Kernel::V6_9.apply(&mut kernel_cfg);
    out.push(("kernelConfig", "Config", json(&kernel_cfg)));
    // The canonical lockup (DESIGN.md section 5) with the trace on: findings, events of most
    // kinds, a state view, a replay.
    let mut cfg = tiny(PolicyKind::Legacy, &[1, 0]);
    cfg.trace = true;
    let mut sim = Simulation::new(cfg.clone()).unwrap();
    let report = sim.run();
    assert!(!report.findings.is_empty(), "the legacy run finds nothing");
    out.push(("report", "RunReport", json(&report)));
    out.push(("state", "StateView", json(&sim.state())));
    out.push(("trace", "Event[]", json(&sim.trace())));
    // Each kind of verdict.
    let opts = ExploreOptions::default();
    let proved = explore(&tiny(PolicyKind::Fixed, &[1, 0]), &opts).unwrap();
    let cex = explore(&tiny(PolicyKind::Legacy, &[1, 0]), &opts).unwrap();
    let bound = explore(
        &tiny(PolicyKind::Fixed, &[1, 1, 1]),
        &ExploreOptions {
            max_states: 10,
            ..opts.clone()
        },
    )
    .unwrap();
    for (name, v) in [
        ("proved", proved),
        ("counterexample", cex),
        ("boundReached", bound),
    ] {
        let v = v.with_elapsed(0.5);
        assert_eq!(json(&v)["verdict"], name);
        out.push((name, "Verdict", json(&v)));
    }
    // A hunt with minimised findings.
    let hunted = hunt(
        &tiny(PolicyKind::Legacy, &[2, 0, 1]),
        0,
        50,
        &HuntOptions {
            max_findings: 2,
            minimize: true,
        },
    )
    .unwrap();
    assert!(
        hunted.findings.iter().any(|f| f.minimized.is_some()),
        "the hunt minimised nothing"
    );
    out.push(("huntResult", "HuntResult", json(&hunted)));
    out.push(("huntOptions", "HuntOptions", json(&HuntOptions::default())));
    out.push(("exploreOptions", "ExploreOptions", json(&opts)));
    out.push(("matrixSpec", "MatrixSpec", json(&MatrixSpec::default())));
    // Kernel-matrix cells, counterexamples among them (a small bound keeps this quick).
    let spec = MatrixSpec {
        max_states: 20_000,
        ..MatrixSpec::default()
    };
    let cells = matrix::run(&spec, |_| {}).unwrap();
    assert!(
        cells.iter().any(|c| c.kind.is_some()),
        "no counterexample cell"
    );
    out.push(("matrixCells", "Cell[]", json(&cells)));
    let answer = qisim_core::check::tools::answer::answer_kernel(&spec, Kernel::V6_12).unwrap();
    out.push(("kernelAnswer", "KernelAnswer", json(&answer)));
    let shown = answer.answers[0]
        .config
        .clone()
        .expect("6.12 hangs with a run to show");
    let names = qisim_core::reproduce::ReproNames::default();
    let repro = qisim_core::reproduce::replay(&shown, "q1:a", &names);
    out.push(("reproduce", "Reproduce", json(&repro)));
    out.push(("reproNames", "ReproNames", json(&names)));
    out.push((
        "description",
        "Description",
        json(&qisim_core::reproduce::describe(&shown)),
    ));
    let canonical = preset("kernel-6.9", PolicyKind::Legacy).unwrap();
    out.push(("preset", "Preset", json(&canonical)));
    // A config error of each kind.
    let read = |v: serde_json::Value| Config::from_json(&v).unwrap_err();
    let invalid = |v: serde_json::Value| Config::from_json(&v).unwrap().validate().unwrap_err();
    let errors = vec![
        read(serde_json::json!({"submitters": -1})),
        read(serde_json::json!({"policy": "bogus"})),
        read(serde_json::json!({"ringSize": 4})),
        read(serde_json::json!({"scheduler": {"depth": 2}})),
        read(serde_json::json!({"qiLength": "eight"})),
        invalid(
            serde_json::json!({"workload": {"batch": {"kind": "sequence",
            "counts": vec![0; qisim_core::config::MAX_SEQUENCE + 1]}}}),
        ),
        invalid(serde_json::json!({"program": "fn"})),
        invalid(serde_json::json!({"submitters": 3, "perSubmitter": [{}]})),
    ];
    let kinds: BTreeSet<String> = errors.iter().map(|e| json(e)["kind"].to_string()).collect();
    assert_eq!(kinds.len(), errors.len(), "one error of each kind");
    out.push(("configErrors", "ConfigError[]", json(&errors)));
    out
}

/// Object safety for the samples' values (serde's `Serialize` is not object safe).
mod erased {
    pub trait Ser {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
    }
}

/// Every object key in `v`.
fn keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                out.insert(k.clone());
                keys(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

/// True if `decls` declares a field `key` (`key: `, `key?: ` or `"key": `).
fn declares_field(decls: &str, key: &str) -> bool {
    [
        format!("{key}: "),
        format!("{key}?: "),
        format!("\"{key}\": "),
    ]
    .iter()
    .any(|pat| {
        decls.match_indices(pat.as_str()).any(|(i, _)| {
            let before = decls[..i].chars().next_back();
            pat.starts_with('"') || !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn the_declarations_name_every_key_of_the_real_json() {
    let decls = generate();
    let mut all = BTreeSet::new();
    for (_, _, v) in samples() {
        keys(&v, &mut all);
    }
    let missing: Vec<_> = all.iter().filter(|k| !declares_field(&decls, k)).collect();
    assert!(
        missing.is_empty(),
        "keys of the core's JSON that no generated declaration has: {missing:?}"
    );
    // The check can fail: Rust's own field names are not in the declarations.
    assert!(!declares_field(&decls, "qi_length") && declares_field(&decls, "qiLength"));
}

#[test]
fn write_samples_for_tsc() {
    let samples = samples();
    let mut names: Vec<&str> = samples
        .iter()
        .map(|(_, t, _)| t.trim_end_matches("[]"))
        .collect();
    names.sort();
    names.dedup();
    let mut out = format!(
        "// GENERATED by core/tests/ts_bindings.rs (not committed). Real JSON of the core, typed\n\
         // with the generated declarations: `tsc -p tests/types` (scripts/test-types.sh) fails when\n\
         // a declaration does not describe what the core serialises.\n\
         import type {{ {} }} from '../../web/lib/qisim-types.js';\n",
        names.join(", ")
    );
    for (name, ty, v) in &samples {
        out.push_str(&format!(
            "\nexport const {name}: {ty} = {};\n",
            serde_json::to_string(v).unwrap()
        ));
    }
    std::fs::write(SAMPLES, out).unwrap();
}
