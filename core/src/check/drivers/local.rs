//! The one-thread driver: the slice protocol on this thread, one slice per partition (one of
//! each, unless a test asks for more partitions), each step one after the other.

use super::slicing::{encode_block, Slicing};
use super::Driver;
use crate::check::checkpoint::{CheckpointReader, CheckpointWriter, PartRecord};
use crate::check::partition::Rules;
use crate::check::search::{Exploration, Round};
use crate::check::ExploreProgress;

/// Runs every step on the calling thread.
#[derive(Default)]
pub struct Local {
    /// The steps of the current search.
    steps: Option<Slicing>,
}

impl Local {
    fn steps(&mut self) -> &mut Slicing {
        self.steps.as_mut().expect("a search has started")
    }
}

impl Driver for Local {
    fn threads(&self) -> usize {
        1
    }

    fn start(&mut self, _search: u32, rules: &Rules) {
        self.steps = None;
        self.steps = Some(Slicing::new(rules, rules.parts));
    }

    fn expand(&mut self, x: &Exploration, round: Round) {
        let s = self.steps();
        match round {
            Round::Seed => s.seed(),
            Round::Expand { depth, first_id } => s.expand(x.chunk(), first_id, depth),
        }
    }

    fn absorb(&mut self, x: &mut Exploration) -> Option<ExploreProgress> {
        let s = self.steps();
        let mut round = x.slices();
        let upto = round.expanded(&s.outs);
        let (first_new, edges) = round.new_states();
        s.absorb(upto, first_new, edges);
        let (table, buffers) = (s.table_bytes(), s.buffer_bytes());
        let (acc, rules) = (&s.acc, &s.rules);
        let encode = |order: &[(u32, u32)], block: usize, out: &mut Vec<_>| {
            out.extend(order.chunks(block).map(|o| encode_block(acc, rules, o)));
        };
        round.absorbed(acc, encode, table, buffers)
    }

    fn checkpoint(
        &mut self,
        search: u32,
        _depth: u64,
        w: &mut dyn CheckpointWriter,
    ) -> Result<Vec<PartRecord>, String> {
        self.steps().checkpoint(search, w)
    }

    fn restore(
        &mut self,
        parts: &[PartRecord],
        r: &mut dyn CheckpointReader,
        _w: &mut dyn CheckpointWriter,
    ) -> Result<(), String> {
        self.steps().restore(parts, r)
    }
}

#[cfg(test)]
mod tests {
    use super::Local;
    use crate::check::search::{Exploration, CHUNK};
    use crate::check::store::level::MemLevels;
    use crate::check::tools::family::count_family;
    use crate::check::wire::BLOCK;
    use crate::check::{ExploreOptions, Verdict};
    use crate::config::{BatchDist, Config, Workload};
    use crate::PolicyKind;

    /// What a search leaves: its verdict (without the memory figures, which depend on the
    /// partitions and rounds) and every link.
    fn search(
        roots: &[Config],
        por: bool,
        parts: usize,
        (chunk, block): (usize, usize),
    ) -> (String, Vec<(u32, u8)>) {
        let opts = ExploreOptions {
            max_states: u64::MAX,
            por,
            shortest: false,
            ..ExploreOptions::default()
        };
        let mut x = Exploration::new(roots, &opts, parts, || Box::<MemLevels>::default()).unwrap();
        x.set_round_size(chunk, block);
        let v = x.run(&mut Local::default(), |_| true);
        let s = v.stats();
        let end = match &v {
            Verdict::Counterexample { kind, replay, .. } => format!("{kind:?} {replay}"),
            v => v.name().to_string(),
        };
        let key = format!("{end}: {} {} {}", s.states, s.transitions, s.max_depth);
        (key, x.links())
    }

    /// Partitions, chunk and block boundaries change nothing, link for link: 1 partition and
    /// whole levels against 2 and 3 partitions (run one after the other here) and chunks and
    /// blocks of a few records, on a proof and on a counterexample.
    #[test]
    fn partitions_and_chunks_keep_every_link() {
        for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
            let base = Config {
                qi_length: 6,
                submitters: 2,
                policy,
                workload: Workload {
                    submissions: 2,
                    batch: BatchDist::Fixed { count: 1 },
                    ..Workload::default()
                },
                ..Config::default()
            };
            let roots = count_family(&base, &[0, 1, 2]).unwrap();
            for por in [true, false] {
                let one = search(&roots, por, 1, (CHUNK, BLOCK));
                assert!(one.1.len() > 100, "{policy:?}: {} states", one.1.len());
                for (parts, sizes) in [(2, (7, 3)), (3, (1, 1)), (3, (50, 7)), (1, (9, 2))] {
                    let other = search(&roots, por, parts, sizes);
                    assert!(
                        other == one,
                        "{policy:?} por {por}, {parts} partitions, {sizes:?}: {} vs {}",
                        other.0,
                        one.0
                    );
                }
            }
        }
    }
}
