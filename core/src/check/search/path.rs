//! Counterexamples: the path to a violation rebuilt from the parent links and actor bytes,
//! extended until the simulator's own oracle fires, and replayed in the simulator.

use super::rounds::Search;
use crate::check::partition::{Rules, Violation};
use crate::check::wire::actor_of;
use crate::check::{ExploreStats, Verdict};
use crate::config::SchedulerConfig;
use crate::model::{FindingKind, System};
use crate::sim::Simulation;
use crate::trace::NoTrace;
use crate::Actor;

impl Search {
    /// Rebuilds the path to `v` by replaying the stored actors from its root, extends a
    /// stuck state until the simulator's lockup oracle fires, and replays it in the simulator.
    pub(super) fn counterexample(
        &mut self,
        v: &Violation,
        stats: ExploreStats,
        stop_on_cause: bool,
        target: Option<FindingKind>,
    ) -> Verdict {
        // The actors from the root to `v.parent`, then the violating one.
        let mut actors = Vec::new();
        let mut i = v.parent;
        loop {
            let (parent, actor) = self.links.get(i);
            if parent == u32::MAX {
                break;
            }
            actors.push(actor);
            i = parent;
        }
        actors.reverse();
        if !v.at_parent {
            actors.push(v.actor);
        }
        let ri = self.root_of[&i];
        let cfg = self.rules.roots[ri].clone();
        let mut sys = System::new(&cfg);
        let mut path: Vec<Actor> = Vec::new();
        let mut step = 0u64;
        // Every stored record is an actual state (not a canonical representative) reached from
        // its parent's record by its actor, and a root's record is the root: replaying the
        // actors from the root goes through the very states the search stored.
        let last = actors.len();
        for (k, code) in actors.into_iter().enumerate() {
            let a = actor_of(code);
            assert!(
                sys.is_enabled(a),
                "a stored transition replays ({a} at step {step})"
            );
            sys.apply(a, step, 0, &mut NoTrace);
            if k + 1 == last && !v.at_parent {
                assert!(
                    sys.found.iter().any(|f| f.kind == v.kind)
                        || (v.kind == FindingKind::Lockup && sys.stuck()),
                    "the violating transition replays to {}",
                    v.kind.name()
                );
            }
            sys.found.retain(|f| f.kind == FindingKind::Lockup);
            path.push(a);
            step += 1;
        }
        let mut enabled = Vec::new();
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
                    .find(|k| Rules::is_violation(*k, stop_on_cause, target));
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
