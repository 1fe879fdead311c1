//! Checkpoints (`check::checkpoint`): an exploration killed at any moment — between two
//! checkpoints, in the middle of an append, of a sync or of a commit — and resumed from what
//! its files hold ends with the verdict of an uninterrupted run, on one partition or several
//! (resumed on another number), through the owner protocol (`OwnerPool`), through the
//! shortest re-search, with a `maxStates` bound and with faults. A checkpoint of another
//! exploration, or a damaged one, is refused naming what is wrong.

mod common;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use common::{base, key};
use qisim_core::check::checkpoint::{CheckpointReader, CheckpointWriter, Protocol};
use qisim_core::check::pool::OwnerPool;
use qisim_core::check::{
    count_family, explore_roots, Driver, Exploration, ExploreOptions, Local, MemLevels, Verdict,
};
use qisim_core::{Config, ConfigError, PolicyKind};

/// A checkpoint directory in memory: its files and its manifest.
#[derive(Clone, Default)]
struct Disk {
    files: BTreeMap<String, Vec<u8>>,
    manifest: Option<String>,
}

/// A writer that dies after `budget` operations: the append it dies in writes half its
/// bytes, the commit it dies in leaves the old manifest, and nothing happens after.
struct Writer {
    disk: Rc<RefCell<Disk>>,
    kept: BTreeMap<String, u64>,
    opened: BTreeSet<String>,
    budget: Option<usize>,
    ops: Rc<RefCell<usize>>,
    /// (search, depth) of each manifest this process committed.
    commits: Rc<RefCell<Vec<(u64, u64)>>>,
}

impl Writer {
    fn new(disk: &Rc<RefCell<Disk>>, budget: Option<usize>, ops: &Rc<RefCell<usize>>) -> Self {
        Writer {
            disk: disk.clone(),
            kept: BTreeMap::new(),
            opened: BTreeSet::new(),
            budget,
            ops: ops.clone(),
            commits: Rc::default(),
        }
    }

    /// Spends an operation: false if the process is dead (it dies in this one).
    fn op(&mut self) -> bool {
        *self.ops.borrow_mut() += 1;
        match &mut self.budget {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }
}

impl CheckpointWriter for Writer {
    fn append(&mut self, file: &str, bytes: &[u8]) -> Result<(), String> {
        let alive = self.op();
        let mut d = self.disk.borrow_mut();
        let f = d.files.entry(file.into()).or_default();
        if self.opened.insert(file.into()) {
            f.truncate(self.kept.get(file).copied().unwrap_or(0) as usize);
        }
        if !alive {
            f.extend_from_slice(&bytes[..bytes.len() / 2]);
            self.budget = Some(0);
            return Err("killed".into());
        }
        f.extend_from_slice(bytes);
        Ok(())
    }
    fn sync(&mut self) -> Result<(), String> {
        self.op().then_some(()).ok_or("killed".into())
    }
    fn commit(&mut self, manifest: &str) -> Result<(), String> {
        if !self.op() {
            return Err("killed".into());
        }
        self.disk.borrow_mut().manifest = Some(manifest.into());
        self.commits.borrow_mut().push(at(manifest));
        Ok(())
    }
    fn remove(&mut self, file: &str) {
        if self.op() {
            self.disk.borrow_mut().files.remove(file);
        }
    }
    fn keep(&mut self, file: &str, len: u64) -> Result<(), String> {
        self.kept.insert(file.into(), len);
        Ok(())
    }
}

/// (search, depth) of a manifest.
fn at(manifest: &str) -> (u64, u64) {
    let m: serde_json::Value = serde_json::from_str(manifest).unwrap();
    (
        m["search"].as_u64().unwrap(),
        m["state"]["depth"].as_u64().unwrap(),
    )
}

struct Reader(Rc<RefCell<Disk>>);

impl CheckpointReader for Reader {
    fn manifest(&mut self) -> Result<String, String> {
        self.0.borrow().manifest.clone().ok_or("no manifest".into())
    }
    fn read(&mut self, file: &str, len: u64, each: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        let d = self.0.borrow();
        let f = d.files.get(file).ok_or(format!("no file {file}"))?;
        let f = f.get(..len as usize).ok_or(format!("{file} is short"))?;
        f.chunks(1000).for_each(each);
        Ok(())
    }
}

/// How the exploration is driven.
#[derive(Clone, Copy, Debug)]
enum Drive {
    /// The slice protocol on this thread, on this many partitions.
    Slices(usize),
    /// `OwnerPool`: owners, rounds ahead.
    Pool(usize, usize),
}

/// One process's run: checkpoints into `disk` (resuming what it holds if `resume`), dying
/// after `budget` operations. The verdict, or the error that stopped it.
fn run(
    fam: &[Config],
    o: &ExploreOptions,
    how: Drive,
    disk: &Rc<RefCell<Disk>>,
    budget: Option<usize>,
    resume: bool,
    ops: &Rc<RefCell<usize>>,
) -> Result<Verdict, ConfigError> {
    run_seen(fam, o, how, disk, budget, resume, ops, &Rc::default())
}

/// [`run`], recording the (search, depth) of each manifest it commits in `commits`.
#[allow(clippy::too_many_arguments)]
fn run_seen(
    fam: &[Config],
    o: &ExploreOptions,
    how: Drive,
    disk: &Rc<RefCell<Disk>>,
    budget: Option<usize>,
    resume: bool,
    ops: &Rc<RefCell<usize>>,
    commits: &Rc<RefCell<Vec<(u64, u64)>>>,
) -> Result<Verdict, ConfigError> {
    let parts = match how {
        Drive::Slices(n) | Drive::Pool(n, _) => n,
    };
    let protocol = match how {
        Drive::Slices(_) => Protocol::Slices,
        Drive::Pool(..) => Protocol::Owners,
    };
    let reader: Option<Box<dyn CheckpointReader>> = match resume {
        true => Some(Box::new(Reader(disk.clone()))),
        false => None,
    };
    let mut writer = Box::new(Writer::new(disk, budget, ops));
    writer.commits = commits.clone();
    let mut x = Exploration::new(fam, o, parts, || Box::<MemLevels>::default())?
        .checkpointed(protocol, writer, reader)?;
    let mut drv: Box<dyn Driver> = match how {
        Drive::Slices(_) => Box::new(Local::default()),
        Drive::Pool(n, ahead) => Box::new(OwnerPool::new(fam, o, n).ahead(ahead).raw_records(30)),
    };
    let v = x.run(&mut *drv, |_| true);
    match x.checkpoint_error() {
        Some(e) => Err(ConfigError::new("checkpoint", e.into())),
        None => Ok(v),
    }
}

/// Kills a run after `budget` operations, then resumes it (again and again, each resumed
/// process dying after `again` more operations if given) until it ends; its verdict.
fn killed_and_resumed(
    fam: &[Config],
    o: &ExploreOptions,
    first: Drive,
    then: Drive,
    budget: usize,
    again: Option<usize>,
) -> Verdict {
    let disk = Rc::new(RefCell::new(Disk::default()));
    let ops = Rc::new(RefCell::new(0));
    let mut r = run(fam, o, first, &disk, Some(budget), false, &ops);
    let mut lives = 0;
    while r.is_err() {
        let e = r.unwrap_err();
        assert!(e.message.contains("killed"), "{e}");
        lives += 1;
        assert!(lives < 10_000, "no progress");
        let from = disk.borrow().manifest.as_deref().map(at);
        let commits: Rc<RefCell<Vec<(u64, u64)>>> = Rc::default();
        r = run_seen(fam, o, then, &disk, again, from.is_some(), &ops, &commits);
        // A resume goes on from where the checkpoint is: it does not start again.
        let next = commits.borrow().first().copied();
        if let (Some(from), Some(next)) = (from, next) {
            assert!(
                next > from,
                "resumed at {from:?}, checkpointed {next:?} next"
            );
        }
    }
    r.unwrap()
}

/// The operations an uninterrupted checkpointed run performs.
fn operations(fam: &[Config], o: &ExploreOptions, how: Drive) -> (Verdict, usize) {
    let disk = Rc::new(RefCell::new(Disk::default()));
    let ops = Rc::new(RefCell::new(0));
    let v = run(fam, o, how, &disk, None, false, &ops).unwrap();
    let n = *ops.borrow();
    (v, n)
}

fn options() -> Vec<ExploreOptions> {
    vec![
        ExploreOptions::default(),
        ExploreOptions {
            por: false,
            ..ExploreOptions::default()
        },
        ExploreOptions {
            max_states: 400,
            ..ExploreOptions::default()
        },
    ]
}

/// Every kill point of small families — both policies, faults on and off, a counterexample
/// (with the shortest re-search), a proof, a `maxStates` bound — gives the uninterrupted
/// verdict, on the slice protocol (1 partition, and 2 resumed on 3 and 1) and the owner
/// protocol.
#[test]
fn a_run_killed_anywhere_resumes_to_the_uninterrupted_verdict() {
    let mut kinds = BTreeSet::new();
    let mut kills = 0;
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        for faults in [false, true] {
            let fam = count_family(&base(6, policy, faults), &[0, 1, 2]).unwrap();
            for o in options() {
                let want = key(&explore_roots(&fam, &o, |_| true).unwrap());
                for (first, then) in [
                    (Drive::Slices(1), Drive::Slices(1)),
                    (Drive::Slices(2), Drive::Slices(3)),
                    (Drive::Slices(3), Drive::Slices(1)),
                    (Drive::Pool(2, 1), Drive::Pool(2, 0)),
                ] {
                    let (v, n) = operations(&fam, &o, first);
                    assert_eq!(key(&v), want, "{policy:?} faults {faults} {o:?} {first:?}");
                    kinds.insert(v.name());
                    // About 12 kill points spread over the run, and the first ones.
                    let step = (n / 12).max(1);
                    for budget in (0..n).step_by(step).chain([1, 2, 3]) {
                        let got = killed_and_resumed(&fam, &o, first, then, budget, None);
                        kills += 1;
                        assert_eq!(
                            key(&got),
                            want,
                            "{policy:?} faults {faults} {o:?}: {first:?} killed after {budget} \
                             of {n} operations, resumed on {then:?}"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(kills > 300, "{kills}");
}

/// A run killed again and again (every few operations, so in every part of it, the
/// shortest re-search included) ends with the uninterrupted verdict.
#[test]
fn a_run_killed_again_and_again_still_ends_with_the_verdict() {
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        let fam = count_family(&base(8, policy, false), &[0, 1, 2]).unwrap();
        let o = ExploreOptions::default();
        let want = key(&explore_roots(&fam, &o, |_| true).unwrap());
        for how in [Drive::Slices(2), Drive::Pool(3, 2)] {
            for every in [30, 45] {
                let got = killed_and_resumed(&fam, &o, how, how, every, Some(every));
                assert_eq!(key(&got), want, "{policy:?} {how:?} every {every}");
            }
        }
    }
}

/// What a refused resume says.
fn refused(disk: &Rc<RefCell<Disk>>, fam: &[Config], o: &ExploreOptions, how: Drive) -> String {
    let ops = Rc::new(RefCell::new(0));
    let e = run(fam, o, how, disk, None, true, &ops).unwrap_err();
    format!("{}: {}", e.field, e.message)
}

/// A checkpoint after a few levels, for the refusals.
fn partial(fam: &[Config], o: &ExploreOptions, how: Drive) -> Rc<RefCell<Disk>> {
    let disk = Rc::new(RefCell::new(Disk::default()));
    let ops = Rc::new(RefCell::new(0));
    assert!(run(fam, o, how, &disk, Some(40), false, &ops).is_err());
    assert!(disk.borrow().manifest.is_some());
    disk
}

#[test]
fn a_checkpoint_of_another_exploration_is_refused_naming_what_differs() {
    let fam = count_family(&base(6, PolicyKind::Fixed, false), &[0, 1, 2]).unwrap();
    let o = ExploreOptions::default();
    let disk = partial(&fam, &o, Drive::Slices(1));
    let other = |f: &dyn Fn(&mut ExploreOptions)| {
        let mut p = o.clone();
        f(&mut p);
        refused(&disk, &fam, &p, Drive::Slices(1))
    };
    let e = other(&|p| p.max_states = 1000);
    assert!(
        e.starts_with("checkpoint.maxStates") && e.contains("1000"),
        "{e}"
    );
    let e = other(&|p| p.por = false);
    assert!(e.starts_with("checkpoint.por"), "{e}");
    let e = other(&|p| p.target = Some(qisim_core::FindingKind::Deadlock));
    assert!(e.starts_with("checkpoint.target"), "{e}");
    let e = other(&|p| p.cycles = true);
    assert!(e.starts_with("cycles"), "{e}");
    let ring = count_family(&base(8, PolicyKind::Fixed, false), &[0, 1, 2]).unwrap();
    let e = refused(&disk, &ring, &o, Drive::Slices(1));
    assert!(
        e.starts_with("checkpoint.qiLength") && e.contains('6') && e.contains('8'),
        "{e}"
    );
    let counts = count_family(&base(6, PolicyKind::Fixed, false), &[0, 1]).unwrap();
    let e = refused(&disk, &counts, &o, Drive::Slices(1));
    assert!(e.starts_with("checkpoint.roots"), "{e}");
    let e = refused(&disk, &fam, &o, Drive::Pool(1, 0));
    assert!(e.starts_with("checkpoint.protocol"), "{e}");
    // Threads may differ on the slice protocol; owners may not.
    let owners = partial(&fam, &o, Drive::Pool(2, 0));
    let e = refused(&owners, &fam, &o, Drive::Pool(3, 0));
    assert!(e.starts_with("checkpoint.owners") && e.contains('2'), "{e}");
    // Another version of qisim (its model and state layout may differ).
    let text = disk.borrow().manifest.clone().unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["identity"]["qisim"] = "0.0.1-old".into();
    disk.borrow_mut().manifest = Some(m.to_string());
    let e = refused(&disk, &fam, &o, Drive::Slices(1));
    assert!(
        e.starts_with("checkpoint.qisimVersion") && e.contains("0.0.1-old"),
        "{e}"
    );
}

#[test]
fn a_damaged_checkpoint_is_refused_never_read() {
    let fam = count_family(&base(6, PolicyKind::Legacy, false), &[0, 1, 2]).unwrap();
    let o = ExploreOptions::default();
    for how in [Drive::Slices(2), Drive::Pool(2, 0)] {
        // Each file and the bytes the checkpoint holds of it (what follows is not read).
        let names: Vec<(String, usize)> = {
            let d = partial(&fam, &o, how);
            let m: serde_json::Value =
                serde_json::from_str(d.borrow().manifest.as_ref().unwrap()).unwrap();
            let mut files = vec![&m["files"]];
            files.extend(m["parts"].as_array().unwrap().iter().map(|p| &p["files"]));
            let all = files
                .into_iter()
                .flat_map(|f| f.as_object().unwrap().iter());
            all.map(|(n, mark)| (n.clone(), mark["bytes"].as_u64().unwrap() as usize))
                .collect()
        };
        assert!(names.len() >= 4, "{names:?}");
        for (name, len) in &names {
            // A changed byte, a file cut short, a missing file.
            for damage in 0..3 {
                let d = partial(&fam, &o, how);
                {
                    let mut disk = d.borrow_mut();
                    let f = disk.files.get_mut(name).unwrap();
                    match damage {
                        0 if *len > 0 => f[len / 2] ^= 0x40,
                        1 if *len > 0 => f.truncate(len - 1),
                        2 => {
                            disk.files.remove(name);
                        }
                        _ => continue,
                    }
                }
                let e = refused(&d, &fam, &o, how);
                assert!(
                    e.starts_with("checkpoint") && e.contains(name.as_str()),
                    "{e}"
                );
            }
        }
        // A manifest that is not one.
        let d = partial(&fam, &o, how);
        d.borrow_mut().manifest = Some("{\"identity\": 3".into());
        let e = refused(&d, &fam, &o, how);
        assert!(e.contains("not a qisim checkpoint manifest"), "{e}");
        d.borrow_mut().manifest = Some("[]".into());
        assert!(refused(&d, &fam, &o, how).contains("manifest"));
    }
}
