//! The shared queue state of one IOMMU (DESIGN.md section 1), named as in `dmar.c`.

use serde::{Deserialize, Serialize};

use crate::model::state::Visitor;
use crate::model::types::{Desc, Status};

/// The ring, its bookkeeping and the two queue registers.
#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ring {
    /// `QI_LENGTH`.
    pub qi_length: u32,
    pub desc: Vec<Desc>,
    pub desc_status: Vec<Status>,
    pub free_head: u32,
    pub free_tail: u32,
    pub free_cnt: u32,
    /// `q_lock` owner (submitter index).
    pub q_lock: Option<u32>,
    /// Last owner of `q_lock`, to tell a hand-off from a re-acquire (costs differ).
    pub last_lock_owner: Option<u32>,
    /// Tail register: written by software (the doorbell).
    pub iqt: u32,
    /// Head register: next slot hardware fetches. VT-d spec 6.5.2: "incremented by hardware
    /// after fetching a valid descriptor", so it moves at fetch, not at completion.
    pub iqh: u32,
    /// First fetched descriptor hardware has not completed: descriptors `pending_from..IQH` are
    /// fetched and pending in hardware (hardware state, no kernel name; completion is in queue
    /// order).
    pub pending_from: u32,
    /// Every slot's descriptor is fetched and pending (`pending_from == IQH` then means the
    /// whole ring, not nothing): possible once software reuses slots hardware has fetched but
    /// not completed, which VT-d allows (hardware holds its copy).
    pub pending_full: bool,
    /// Hardware's copy of each pending descriptor, taken at fetch (valid for
    /// `pending_from..IQH`): software may rewrite a slot after hardware fetched it, and
    /// hardware then completes the copy it holds.
    pub fetched: Vec<Desc>,
    /// Fault status bits (see [`fsts`](crate::model::fsts)).
    pub fsts: u8,
    /// The device of the last `ITE` is gone (`IQER.ITESID` names a device that
    /// `pci_device_is_present()` denies): `qi_check_fault` returns `-ETIMEDOUT`.
    pub ite_gone: bool,
    /// A device-TLB invalidation timed out at a device that is gone: the device never answers
    /// again, so a retry of that invalidation times out again, forever.
    pub device_gone: bool,
    /// The descriptor in `bad_slot` is invalid (an `IQE` fault made it so): hardware raises
    /// `IQE` again at every fetch of it until software overwrites it (the kernel's repair
    /// copies the wait descriptor over it) — clearing `IQE` alone does not make it valid.
    pub bad: bool,
    pub bad_slot: u32,
    /// Faults injected so far (a model counter, not kernel state: bounds fault injection with
    /// `faults.maxFaults`, which keeps exhaustive exploration finite).
    pub faults: u32,
}

impl Clone for Ring {
    fn clone(&self) -> Self {
        let mut r = Ring::new(0);
        r.clone_from(self);
        r
    }

    /// Reuses `self`'s vectors: the explorer copies a state per transition.
    fn clone_from(&mut self, src: &Self) {
        let Ring {
            qi_length,
            desc,
            desc_status,
            free_head,
            free_tail,
            free_cnt,
            q_lock,
            last_lock_owner,
            iqt,
            iqh,
            pending_from,
            pending_full,
            fetched,
            fsts,
            ite_gone,
            device_gone,
            bad,
            bad_slot,
            faults,
        } = src;
        self.qi_length = *qi_length;
        self.desc.clone_from(desc);
        self.desc_status.clone_from(desc_status);
        self.free_head = *free_head;
        self.free_tail = *free_tail;
        self.free_cnt = *free_cnt;
        self.q_lock = *q_lock;
        self.last_lock_owner = *last_lock_owner;
        self.iqt = *iqt;
        self.iqh = *iqh;
        self.pending_from = *pending_from;
        self.pending_full = *pending_full;
        self.fetched.clone_from(fetched);
        self.fsts = *fsts;
        self.ite_gone = *ite_gone;
        self.device_gone = *device_gone;
        self.bad = *bad;
        self.bad_slot = *bad_slot;
        self.faults = *faults;
    }
}

impl Ring {
    /// An empty ring of `qi_length` slots, all `QI_FREE`.
    pub fn new(qi_length: u32) -> Self {
        Ring {
            qi_length,
            desc: vec![Desc::Empty; qi_length as usize],
            desc_status: vec![Status::Free; qi_length as usize],
            free_head: 0,
            free_tail: 0,
            free_cnt: qi_length,
            q_lock: None,
            last_lock_owner: None,
            iqt: 0,
            iqh: 0,
            pending_from: 0,
            pending_full: false,
            fetched: vec![Desc::Empty; qi_length as usize],
            fsts: 0,
            ite_gone: false,
            device_gone: false,
            bad: false,
            bad_slot: 0,
            faults: 0,
        }
    }

    /// Whether the descriptor in slot `k` is dead (no step reads it before software rewrites
    /// it): the slot is `QI_FREE` and outside hardware's window `pending_from..IQT`, unless
    /// `reads_free(k)`. Hardware reads descriptors only in its window, software writes a slot
    /// before publishing it again, and the oracles read a descriptor only where hardware
    /// writes a status (in the window) or where a status leaves `QI_DONE`/`QI_ABORT`; what a
    /// freed slot still holds shows only in a finding's wording.
    #[inline]
    pub fn desc_dead(&self, k: u32, reads_free: impl Fn(u32) -> bool) -> bool {
        let hw = self.hw_window();
        Self::free_outside(
            self.desc_status[k as usize],
            self.dist(self.pending_from, k),
            hw,
        ) && !reads_free(k)
    }

    /// A `QI_FREE` status at `offset` from `pending_from`, hardware's window being `hw` long.
    #[inline(always)]
    fn free_outside(status: Status, offset: u32, hw: u32) -> bool {
        status == Status::Free && offset >= hw
    }

    /// Every field (see [`crate::model::state`]). Hardware's copies outside the pending
    /// window are dead: the next fetch overwrites them; so is a descriptor
    /// [`desc_dead`](Self::desc_dead) says no step reads. `last_lock_owner` only tells the
    /// trace and the timed costs a hand-off from a re-acquire.
    #[inline]
    pub fn visit<V: Visitor>(&mut self, v: &mut V, reads_free: impl Fn(u32) -> bool) {
        let window = (self.pending_from, self.pending());
        let hw = (self.pending_from, self.hw_window());
        let Ring {
            qi_length: _,
            desc,
            desc_status,
            free_head,
            free_tail,
            free_cnt,
            q_lock,
            last_lock_owner,
            iqt,
            iqh,
            pending_from,
            pending_full,
            fetched,
            fsts,
            ite_gone,
            device_gone,
            bad,
            bad_slot,
            faults,
        } = self;
        let len = desc.len() as u32;
        v.slots(desc.len(), |v, k| {
            let offset = (k as u32 + len - hw.0) % len;
            let dead = Self::free_outside(desc_status[k], offset, hw.1) && !reads_free(k as u32);
            v.key(&mut desc_status[k]);
            v.dead_if(dead, |v| desc[k].visit(v));
            let pending = (k as u32 + len - window.0) % len < window.1;
            v.dead_if(!pending, |v| fetched[k].visit(v));
        });
        v.slot(free_head);
        v.slot(free_tail);
        v.key(free_cnt);
        v.owner(q_lock);
        v.kept(last_lock_owner);
        v.slot(iqt);
        v.slot(iqh);
        v.slot(pending_from);
        v.key(pending_full);
        v.key(fsts);
        v.key(ite_gone);
        v.key(device_gone);
        v.key(bad);
        v.dead_if(!*bad, |v| v.slot(bad_slot));
        v.key(faults);
    }

    /// Software wrote a new descriptor into `slot`: an invalid one there is gone.
    #[inline(always)]
    pub fn rewritten(&mut self, slot: u32) {
        if self.bad_slot == slot {
            self.bad = false;
        }
    }

    /// `(i + n) % QI_LENGTH`.
    #[inline]
    pub fn add(&self, i: u32, n: u32) -> u32 {
        // Every caller has i < QI_LENGTH and n <= QI_LENGTH, where one conditional subtraction
        // is the modulo: no division on every step.
        let len = u64::from(self.qi_length);
        let s = u64::from(i) + u64::from(n);
        let r = if s >= len { s - len } else { s };
        if r < len {
            r as u32
        } else {
            (s % len) as u32
        }
    }

    /// Distance from `from` forward to `to`.
    #[inline]
    pub fn dist(&self, from: u32, to: u32) -> u32 {
        if to >= from {
            let d = to - from;
            if d < self.qi_length {
                d
            } else {
                d % self.qi_length
            }
        } else {
            self.add(to, self.qi_length - from)
        }
    }

    /// True when hardware has nothing to fetch and nothing pending.
    #[inline]
    pub fn hw_idle(&self) -> bool {
        self.iqh == self.iqt && self.pending() == 0
    }

    /// Descriptors fetched and pending in hardware.
    #[inline]
    pub fn pending(&self) -> u32 {
        if self.pending_full {
            self.qi_length
        } else {
            self.dist(self.pending_from, self.iqh)
        }
    }

    /// The length of hardware's window from `pending_from`: the pending descriptors, then
    /// those published and not fetched (`IQH..IQT`); the whole ring at most (software may
    /// have reused pending slots).
    #[inline]
    pub fn hw_window(&self) -> u32 {
        (self.pending() + self.dist(self.iqh, self.iqt)).min(self.qi_length)
    }

    /// True when `slot` is in hardware's window ([`Ring::hw_window`]): fetched and pending, or
    /// not yet fetched. Hardware reads and writes only there (descriptors at fetch, statuses
    /// at completion).
    #[inline]
    pub fn in_hw_window(&self, slot: u32) -> bool {
        self.dist(self.pending_from, slot) < self.hw_window()
    }

    /// True when `slot` is in `IQH..IQT`: published but not yet fetched by hardware.
    #[inline]
    pub fn unfetched(&self, slot: u32) -> bool {
        self.dist(self.iqh, slot) < self.dist(self.iqh, self.iqt)
    }

    /// `free_cnt` expected from the pointers (DESIGN.md section 1 invariant).
    pub fn expected_free_cnt(&self) -> u32 {
        self.qi_length - self.dist(self.free_tail, self.free_head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::Label;

    #[test]
    fn label_names() {
        let l = |part, count, attempt| Label {
            submitter: 0,
            attempt,
            part,
            count,
        };
        assert_eq!(l(0, 1, 0).name(), "ID1");
        assert_eq!(l(1, 1, 0).name(), "WD1");
        assert_eq!(l(0, 0, 0).name(), "WD1");
        assert_eq!(l(1, 3, 0).name(), "ID1b");
        assert_eq!(l(3, 3, 1).name(), "WD1'");
        assert_eq!(l(3, 3, 4).name(), "WD1^5");
    }

    #[test]
    fn add_and_dist_are_modular() {
        for len in [2u32, 3, 8, 255, 256] {
            let r = Ring::new(len);
            for i in 0..len {
                for n in 0..=len {
                    assert_eq!(r.add(i, n), (i + n) % len, "add({i}, {n}) mod {len}");
                }
                for j in 0..len {
                    assert_eq!(
                        r.dist(i, j),
                        (j + len - i) % len,
                        "dist({i}, {j}) mod {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn unfetched_window_wraps() {
        let mut r = Ring::new(8);
        r.iqh = 6;
        r.iqt = 2;
        assert!(r.unfetched(6) && r.unfetched(7) && r.unfetched(0) && r.unfetched(1));
        assert!(!r.unfetched(2) && !r.unfetched(5));
        assert_eq!(r.expected_free_cnt(), 8);
    }
}
