//! A submitter's program counter: the atomic steps of `qi_submit_sync()` (DESIGN.md section 2)
//! as states, and who can move from them ([`can_move`], the one definition).

use serde::{Deserialize, Serialize};

use crate::model::state::enum_word;

/// The next step a submitter will take (its program counter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Pc {
    /// 1. `lock`: wait for `q_lock` (not enabled while another CPU holds it).
    Lock,
    /// 2. `check_space`: `free_cnt >= count + 2`?
    CheckSpace,
    /// 2'. Not enough space: `unlock`, relax, back to `lock`.
    SpaceUnlock,
    /// 3. `write` the batch and its wait descriptor.
    Write,
    /// 4. `doorbell`: `IQT = free_head`.
    Doorbell,
    /// 5. `poll` `desc_status[wait_index]`, `qi_check_fault` when not done.
    Poll,
    /// 6. `unlock` and relax inside the poll loop.
    PollUnlock,
    /// 6'. `lock` again inside the poll loop.
    PollLock,
    /// 7. `mark` own slots (policy).
    Mark,
    /// 8. `reclaim` (policy).
    Reclaim,
    /// 9./10. `unlock`, then return `rc` (or restart on `-EAGAIN`).
    Unlock,
    /// Workload done.
    Finished,
    /// 5'. Inside `qi_check_fault`, suspended after a `writel` (`q_lock` held).
    InCheckFault,
    /// 7'. Inside `mark`, suspended after a `writel`.
    InMark,
    /// 8'. Inside `reclaim`, suspended after a `writel`.
    InReclaim,
}

enum_word!(Pc: 4);

impl Pc {
    /// Every step, in declaration order.
    pub const ALL: [Pc; 15] = [
        Pc::Lock,
        Pc::CheckSpace,
        Pc::SpaceUnlock,
        Pc::Write,
        Pc::Doorbell,
        Pc::Poll,
        Pc::PollUnlock,
        Pc::PollLock,
        Pc::Mark,
        Pc::Reclaim,
        Pc::Unlock,
        Pc::Finished,
        Pc::InCheckFault,
        Pc::InMark,
        Pc::InReclaim,
    ];

    /// True for steps that need `q_lock` free.
    #[inline]
    pub fn needs_lock(self) -> bool {
        matches!(self, Pc::Lock | Pc::PollLock)
    }

    /// This step's bits for [`can_move`]: (runs without `q_lock`, waits for `q_lock`).
    #[inline(always)]
    pub fn mobility(self) -> (u64, u64) {
        let waits = self.needs_lock();
        (u64::from((self != Pc::Finished) & !waits), u64::from(waits))
    }

    /// True before the call's `write` (or after the last call): `index`, `wait_index` and
    /// `hw_done` are dead, as `write` overwrites them (a late hardware credit to a finished
    /// batch included).
    #[inline]
    pub fn before_write(self) -> bool {
        matches!(
            self,
            Pc::Lock | Pc::CheckSpace | Pc::SpaceUnlock | Pc::Write | Pc::Finished
        )
    }

    /// True after the call's `write` and up to its `mark` (included): the step 7 to come
    /// sets the statuses of the call's slots.
    #[inline]
    pub fn before_mark(self) -> bool {
        matches!(
            self,
            Pc::Doorbell
                | Pc::Poll
                | Pc::PollUnlock
                | Pc::PollLock
                | Pc::Mark
                | Pc::InCheckFault
                | Pc::InMark
        )
    }

    /// True while inside the poll loop (steps 5 and 6).
    #[inline]
    pub fn polling(self) -> bool {
        matches!(
            self,
            Pc::Poll | Pc::PollUnlock | Pc::PollLock | Pc::InCheckFault
        )
    }

    /// The program function suspended at this step, if any.
    #[inline]
    pub fn suspended(self) -> Option<crate::program::Entry> {
        use crate::program::Entry;
        match self {
            Pc::InCheckFault => Some(Entry::CheckFault),
            Pc::InMark => Some(Entry::Mark),
            Pc::InReclaim => Some(Entry::Reclaim),
            _ => None,
        }
    }

    /// Kernel-style name of the step.
    pub fn name(self) -> &'static str {
        match self {
            Pc::Lock => "lock",
            Pc::CheckSpace => "check_space",
            Pc::SpaceUnlock => "unlock (no space)",
            Pc::Write => "write",
            Pc::Doorbell => "doorbell",
            Pc::Poll => "poll",
            Pc::PollUnlock => "unlock (poll)",
            Pc::PollLock => "lock (poll)",
            Pc::Mark => "mark",
            Pc::Reclaim => "reclaim",
            Pc::Unlock => "unlock",
            Pc::Finished => "finished",
            Pc::InCheckFault => "qi_check_fault (after writel)",
            Pc::InMark => "mark (after writel)",
            Pc::InReclaim => "reclaim (after writel)",
        }
    }
}

/// Who can move, the one definition: of the submitters whose [`Pc::mobility`] bits are
/// `runs` and `waits_lock` (one bit each, or a bit mask of many), those that can step now.
/// Branch-free: a random scheduler's choice would mispredict branches on the chosen state.
#[inline(always)]
pub fn can_move(runs: u64, waits_lock: u64, lock_free: bool) -> u64 {
    runs | (waits_lock & 0u64.wrapping_sub(u64::from(lock_free)))
}
