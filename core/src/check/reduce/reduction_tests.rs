//! The state reductions checked against the model itself, on random walks over configurations
//! of every kind (both policies, odd and even rings, every fault and `ITE` walk): each claims
//! two states have the same future, so the test runs both in lockstep and compares what the
//! explorer reads — the enabled actors, the ample actor, each step's findings (kind, submitter,
//! slot), `stuck`, `all_done` — and their fingerprints.
//!
//! - dead fields: a state and its record unpacked (dead fields zeroed);
//! - futures: a state and the same record unpacked under another root whose workloads differ
//!   only in calls already made;
//! - rotation: a walk from the root and the same actors from the root turned by `r` slots.

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::ample::ample;
use super::fingerprint::Fingerprinter;
use crate::check::explorable;
use crate::check::store::pack::Packed;
use crate::config::{BatchDist, Config, FaultConfig, IteWalk, TypeMix, Workload};
use crate::model::fault::rotation_step;
use crate::model::{FindingKind, System};
use crate::trace::NoTrace;
use crate::{Actor, PolicyKind};

/// What the explorer reads of a state, slots turned back by `rot`.
#[derive(Debug, PartialEq)]
struct Seen {
    enabled: Vec<Actor>,
    ample: Option<Actor>,
    stuck: bool,
    done: bool,
}

fn seen(sys: &System) -> Seen {
    let mut enabled = Vec::new();
    sys.enabled_into(&mut enabled);
    Seen {
        enabled,
        ample: ample(sys),
        stuck: sys.stuck(),
        done: sys.all_done(),
    }
}

/// The findings of the last step, slots turned back by `rot` on a ring of `len`.
fn findings(sys: &System, rot: u32, len: u32) -> Vec<(FindingKind, Option<u32>, Option<u32>)> {
    sys.found
        .iter()
        .map(|f| (f.kind, f.submitter, f.slot.map(|s| (s + len - rot) % len)))
        .collect()
}

/// A random explorable configuration: 2 or 3 submitters, 1–3 calls of count 0..=2 each.
fn random_config(rng: &mut Pcg64Mcg) -> Config {
    let qi_length = [5, 6, 8][rng.random_range(0..3)];
    let submitters = rng.random_range(2..=3u32);
    let faulty = rng.random_range(0..6u32);
    let devtlb = matches!(faulty, 2..=4);
    let types = if devtlb {
        TypeMix {
            iotlb: 0.0,
            devtlb: 1.0,
            ..TypeMix::default()
        }
    } else {
        TypeMix::default()
    };
    let per_submitter = (0..submitters)
        .map(|_| {
            let submissions = rng.random_range(1..=3);
            let counts = (0..submissions).map(|_| rng.random_range(0..=2)).collect();
            Workload {
                submissions,
                batch: BatchDist::Sequence { counts },
                types: types.clone(),
                ..Workload::default()
            }
        })
        .collect();
    let mut faults = FaultConfig {
        max_faults: rng.random_range(1..=2),
        // The stride-2 walk needs an even ring (validation says so).
        ite_walk: if qi_length % 2 == 0 && rng.random_bool(0.5) {
            IteWalk::Stride2
        } else {
            IteWalk::Stride1
        },
        ite_timing: crate::config::IteTiming::ALL[rng.random_range(0..3)],
        ..FaultConfig::default()
    };
    match faulty {
        1 => faults.iqe_rate = 0.5,
        2 => faults.ite_rate = 0.5,
        3 => faults.device_gone_rate = 0.5,
        4 => faults.ice_rate = 0.5,
        _ => {}
    }
    let cfg = Config {
        qi_length,
        submitters,
        per_submitter,
        policy: if rng.random_bool(0.5) {
            PolicyKind::Legacy
        } else {
            PolicyKind::Fixed
        },
        faults,
        ..Config::default()
    };
    explorable(&cfg).expect("an explorable config")
}

/// One step of `actor` on `sys`, from a state as the explorer holds it (no findings pending).
fn step(sys: &mut System, actor: Actor, depth: u64) {
    sys.found.clear();
    sys.apply(actor, depth, 0, &mut NoTrace);
}

/// Runs `a` (root `ra`) and `b` (root `rb`, slots turned by `rot` from `a`'s) in lockstep for
/// up to `steps` random steps, asserting they agree; stops after a step with a finding.
#[allow(clippy::too_many_arguments)]
fn lockstep(
    rng: &mut Pcg64Mcg,
    enc: &mut Fingerprinter,
    (ra, a): (usize, &mut System),
    (rb, b): (usize, &mut System),
    rot: u32,
    depth: u64,
    steps: u32,
    what: &str,
) {
    let len = a.ring.qi_length;
    for k in 0..steps {
        assert_eq!(seen(a), seen(b), "{what}: after {k} steps");
        assert_eq!(
            enc.fingerprint(ra, a),
            enc.fingerprint(rb, b),
            "{what}: fingerprints after {k} steps"
        );
        let s = seen(a);
        if s.enabled.is_empty() {
            return;
        }
        let actor = s.enabled[rng.random_range(0..s.enabled.len())];
        step(a, actor, depth + u64::from(k));
        step(b, actor, depth + u64::from(k));
        assert_eq!(
            findings(a, 0, len),
            findings(b, rot, len),
            "{what}: findings of step {k} ({actor:?})"
        );
        if !a.found.is_empty() {
            return;
        }
    }
}

/// A random walk of up to `len` steps from `sys`: the states it visits.
fn walk(rng: &mut Pcg64Mcg, sys: &System, len: u32) -> Vec<System> {
    let mut out = vec![sys.clone()];
    let mut s = sys.clone();
    let mut enabled = Vec::new();
    for k in 0..len {
        s.enabled_into(&mut enabled);
        if enabled.is_empty() {
            break;
        }
        step(
            &mut s,
            enabled[rng.random_range(0..enabled.len())],
            u64::from(k),
        );
        if !s.found.is_empty() {
            break;
        }
        out.push(s.clone());
    }
    out
}

const CONFIGS: u64 = 1000;

/// A state and its record behave alike: the fields a record leaves out (dead) are never read.
#[test]
fn dead_fields_are_never_read() {
    for seed in 0..CONFIGS {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let cfg = random_config(&mut rng);
        let root = System::new(&cfg);
        let roots = [root.clone()];
        let pk = Packed::new(&root);
        let mut enc = Fingerprinter::new(true, true, &roots);
        for (d, mut s) in walk(&mut rng, &root, 80).into_iter().enumerate() {
            let mut rec = Vec::new();
            pk.pack(&mut s, 0, &mut rec);
            let mut u = root.clone();
            pk.unpack(&rec, &roots, &mut u);
            let what = format!("seed {seed}, depth {d}, {cfg:?}");
            lockstep(
                &mut rng,
                &mut enc,
                (0, &mut s),
                (0, &mut u),
                0,
                d as u64,
                60,
                &what,
            );
        }
    }
}

/// A state of one root, unpacked under another whose workloads differ only in the calls each
/// submitter has made, behaves alike and has the same fingerprint; a different future, a
/// different fingerprint.
#[test]
fn futures_name_what_is_left_to_do() {
    let (mut same, mut differ) = (0, 0);
    for seed in 0..CONFIGS {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let a = random_config(&mut rng);
        let mut b = a.clone();
        for w in &mut b.per_submitter {
            if let BatchDist::Sequence { counts } = &mut w.batch {
                // Change a prefix of the calls (maybe all of them).
                let n = rng.random_range(0..=counts.len());
                for c in &mut counts[..n] {
                    *c = rng.random_range(0..=2);
                }
            }
        }
        let roots = [System::new(&a), System::new(&b)];
        let pk = Packed::new(&roots[0]);
        let mut enc = Fingerprinter::new(true, true, &roots);
        // Without symmetry: a permutation cannot make different futures meet.
        let mut unsorted = Fingerprinter::new(false, true, &roots);
        for (d, mut s) in walk(&mut rng, &roots[0], 80).into_iter().enumerate() {
            let alike = s.subs.iter().enumerate().all(|(i, sub)| {
                let done = sub.submissions_done as usize;
                let (BatchDist::Sequence { counts: ca }, BatchDist::Sequence { counts: cb }) =
                    (&a.per_submitter[i].batch, &b.per_submitter[i].batch)
                else {
                    unreachable!("sequence workloads")
                };
                ca.get(done + 1..) == cb.get(done + 1..)
            });
            let mut rec = Vec::new();
            pk.pack(&mut s, 0, &mut rec);
            rec[..4].copy_from_slice(&1u32.to_le_bytes());
            let mut u = roots[1].clone();
            pk.unpack(&rec, &roots, &mut u);
            assert!(Arc::ptr_eq(&u.params, &roots[1].params));
            let what = format!("seed {seed}, depth {d}, {a:?} / {b:?}");
            if alike {
                same += 1;
                lockstep(
                    &mut rng,
                    &mut enc,
                    (0, &mut s),
                    (1, &mut u),
                    0,
                    d as u64,
                    60,
                    &what,
                );
            } else {
                differ += 1;
                let (fs, fu) = (
                    unsorted.fingerprint(0, &mut s),
                    unsorted.fingerprint(1, &mut u),
                );
                assert_ne!(fs, fu, "{what}");
            }
        }
    }
    assert!(same > 1000 && differ > 1000, "{same} alike, {differ} not");
}

/// A root turned by `r` slots (every pointer at `r`) and the same schedule: equal fingerprints
/// and findings turned by `r` when `r` is a multiple of [`rotation_step`]; without the
/// rotation reduction the fingerprints differ.
#[test]
fn rotations_by_the_step_are_symmetries() {
    let mut turned = 0;
    for seed in 0..CONFIGS {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let cfg = random_config(&mut rng);
        let len = cfg.qi_length;
        let root = System::new(&cfg);
        let g = rotation_step(&root.params, len);
        let mut enc = Fingerprinter::new(true, true, std::slice::from_ref(&root));
        let mut plain = Fingerprinter::new(true, false, std::slice::from_ref(&root));
        for r in (g..len).step_by(g as usize) {
            let mut a = root.clone();
            let mut b = root.clone();
            let ring = &mut b.ring;
            (ring.free_head, ring.free_tail, ring.iqt, ring.iqh) = (r, r, r, r);
            ring.pending_from = r;
            assert_ne!(plain.fingerprint(0, &mut a), plain.fingerprint(0, &mut b));
            let what = format!("seed {seed}, turned by {r}, {cfg:?}");
            lockstep(
                &mut rng,
                &mut enc,
                (0, &mut a),
                (0, &mut b),
                r,
                0,
                200,
                &what,
            );
            turned += 1;
        }
    }
    assert!(turned > 500, "{turned} rotations");
}

/// The stride-2 `ITE` walk reads a slot's parity: turning the ring by one slot changes what
/// some schedule finds, which is why [`rotation_step`] is 2 there.
#[test]
fn the_stride2_walk_breaks_odd_rotations() {
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut broken = false;
    for _ in 0..2000 {
        let mut cfg = random_config(&mut rng);
        cfg.qi_length = 8;
        cfg.faults.ite_walk = IteWalk::Stride2;
        cfg.faults.ite_rate = 0.5;
        for w in &mut cfg.per_submitter {
            w.types = TypeMix {
                iotlb: 0.0,
                devtlb: 1.0,
                ..TypeMix::default()
            };
        }
        let root = System::new(&cfg);
        assert_eq!(rotation_step(&root.params, 8), 2);
        let (mut a, mut b) = (root.clone(), root);
        let ring = &mut b.ring;
        (
            ring.free_head,
            ring.free_tail,
            ring.iqt,
            ring.iqh,
            ring.pending_from,
        ) = (1, 1, 1, 1, 1);
        for k in 0..200 {
            let s = seen(&a);
            if s != seen(&b) {
                broken = true;
                break;
            }
            if s.enabled.is_empty() {
                break;
            }
            let actor = s.enabled[rng.random_range(0..s.enabled.len())];
            step(&mut a, actor, k);
            step(&mut b, actor, k);
            if findings(&a, 0, 8) != findings(&b, 1, 8) {
                broken = true;
                break;
            }
            if !a.found.is_empty() {
                break;
            }
        }
        if broken {
            break;
        }
    }
    assert!(broken, "no schedule tells a ring turned by one slot apart");
}
