//! Software's status writes: steps 7 (`mark`) and 8 (`reclaim`) and `qi_check_fault` are the
//! kernel program's functions (`crate::program`; the legacy kernel and the fix are
//! `core/kernels/6.9.qi` and `6.12.qi`); every status they write goes through [`set_status`],
//! so the trace and the lost-completion oracle see it.

use crate::model::{Ring, Status};

/// One software write to `desc_status`, reported so oracles and the trace see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub slot: u32,
    pub before: Status,
    pub after: Status,
}

/// Sets `desc_status[slot]` and records the change.
#[inline]
pub fn set_status(ring: &mut Ring, slot: u32, after: Status, changes: &mut Vec<StatusChange>) {
    let before = ring.desc_status[slot as usize];
    ring.desc_status[slot as usize] = after;
    changes.push(StatusChange {
        slot,
        before,
        after,
    });
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, IteWalk, PolicyKind};
    use crate::model::{Pc, Status, System};
    use crate::trace::NoTrace;
    use crate::Actor;

    /// T1 (slots 0, 1) at `mark` after its wait completed; T2's wait-only call at slot 2 is
    /// done by hardware but T2 has not looked: the kernel program's mark and reclaim run.
    fn mark_and_reclaim(policy: PolicyKind) -> (Vec<Status>, u32, u32) {
        use Status::*;
        let cfg = Config {
            qi_length: 4,
            submitters: 2,
            policy,
            faults: crate::config::FaultConfig {
                ite_walk: IteWalk::Stride2,
                ..Default::default()
            },
            ..Config::default()
        };
        let mut sys = System::new(&cfg);
        sys.ring.desc_status = vec![InUse, Done, Done, Free];
        sys.ring.free_head = 3;
        sys.ring.free_tail = 0;
        sys.ring.free_cnt = 1;
        sys.ring.q_lock = Some(0);
        let s = &mut sys.subs[0];
        (s.pc, s.index, s.wait_index, s.count) = (Pc::Mark, 0, 1, 1);
        sys.apply(Actor::Submitter(0), 0, 0, &mut NoTrace);
        sys.apply(Actor::Submitter(0), 1, 0, &mut NoTrace);
        assert_eq!(sys.subs[0].pc, Pc::Unlock);
        (sys.ring.desc_status, sys.ring.free_tail, sys.ring.free_cnt)
    }

    #[test]
    fn legacy_reclaims_someone_elses_done_wait() {
        use Status::*;
        assert_eq!(
            mark_and_reclaim(PolicyKind::Legacy),
            (vec![Free, Free, Free, Free], 3, 4)
        );
    }

    #[test]
    fn fixed_leaves_someone_elses_done_wait() {
        use Status::*;
        assert_eq!(
            mark_and_reclaim(PolicyKind::Fixed),
            (vec![Free, Free, Done, Free], 2, 3)
        );
    }
}
