//! Counterexamples: the path to a violation rebuilt from the stored fingerprints, extended
//! until the simulator's own oracle fires, and replayed in the simulator.

use super::bfs::{Explorer, Violation};
use super::{ExploreStats, Verdict};
use crate::config::SchedulerConfig;
use crate::model::{FindingKind, System};
use crate::sim::Simulation;
use crate::trace::NoTrace;
use crate::Actor;

impl Explorer {
    /// Rebuilds the path to `v` by replaying the model and matching fingerprints, extends a
    /// stuck state until the simulator's lockup oracle fires, and replays it in the simulator.
    pub(super) fn counterexample(
        &mut self,
        v: &Violation,
        stats: ExploreStats,
        stop_on_cause: bool,
        target: Option<FindingKind>,
    ) -> Verdict {
        let mut chain = Vec::new();
        let mut i = v.parent;
        loop {
            chain.push(self.fps[i as usize]);
            let p = self.parent[i as usize];
            if p == u32::MAX {
                break;
            }
            i = p;
        }
        chain.reverse();
        let ri = self.root_of[&i];
        let cfg = self.roots[ri].clone();
        let mut sys = System::new(&cfg);
        let mut path: Vec<Actor> = Vec::new();
        let mut enabled = Vec::new();
        let mut step = 0u64;
        // Follow the stored chain, then the violating transition.
        let targets: Vec<(u64, bool)> = chain[1..]
            .iter()
            .map(|fp| (*fp, false))
            .chain((!v.at_parent).then_some((v.fp, true)))
            .collect();
        for (fp, last) in targets {
            sys.enabled_into(&mut enabled);
            let mut found = None;
            for &a in &enabled {
                let mut n = sys.clone();
                n.apply(a, step, 0, &mut NoTrace);
                let ok = self.enc.fingerprint(ri, &mut n) == fp
                    && (!last
                        || n.found.iter().any(|f| f.kind == v.kind)
                        || (v.kind == FindingKind::Lockup && n.stuck()));
                if ok {
                    found = Some((a, n));
                    break;
                }
            }
            let (a, mut n) = found.expect("a stored transition replays");
            n.found.retain(|f| f.kind == FindingKind::Lockup);
            path.push(a);
            step += 1;
            sys = n;
        }
        if v.kind == FindingKind::Lockup && !sys.found.iter().any(|f| f.kind == FindingKind::Lockup)
        {
            // Spin until a spinner polls or checks for space in the stuck state (where the
            // simulator's lockup oracle runs, System::check_lockup).
            let bound = 4 * (sys.subs.len() as u64 + 1);
            for _ in 0..bound {
                sys.enabled_into(&mut enabled);
                let pick = match sys.ring.q_lock {
                    Some(h) => Some(Actor::Submitter(h)),
                    None => enabled.first().copied(),
                };
                let Some(a) = pick else { break };
                sys.apply(a, step, 0, &mut NoTrace);
                path.push(a);
                step += 1;
                if sys.found.iter().any(|f| f.kind == FindingKind::Lockup) || sys.halted {
                    break;
                }
            }
        }
        let replay = crate::replay::encode(&path);
        let mut c = cfg.clone();
        c.scheduler = SchedulerConfig::Replay {
            choices: replay.clone(),
        };
        c.trace = true;
        c.step_limit = c.step_limit.max(path.len() as u64 + 1);
        let (findings, timeline, reproduced) = match Simulation::new(c) {
            Ok(mut sim) => {
                let rep = sim.run();
                // The simulator decides with the same code: its first violation on this
                // schedule is the explorer's.
                let first = rep
                    .findings
                    .iter()
                    .map(|f| f.kind)
                    .find(|k| Self::is_violation(*k, stop_on_cause, target));
                let reproduced = first == Some(v.kind);
                (rep.findings, sim.timeline(), reproduced)
            }
            Err(_) => (Vec::new(), String::new(), false),
        };
        Verdict::Counterexample {
            kind: v.kind,
            config: cfg,
            replay,
            steps: path.len() as u64,
            findings,
            reproduced,
            timeline,
            stats,
        }
    }
}
