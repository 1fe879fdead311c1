//! A kernel program's function run by a CPU (`crate::program`): the bus between the
//! interpreter and the model (the ring, `FSTS`, the trace, the status changes the oracles
//! read), and what the core does with each way a function ends.

use crate::model::fault_path::FaultPath;
use crate::model::finding::FindingKind;
use crate::model::pc::Pc;
use crate::model::policy::{set_status, StatusChange};
use crate::model::ring::Ring;
use crate::model::submitter::{EAGAIN, EINVAL, ETIMEDOUT};
use crate::model::system::System;
use crate::model::types::{fsts, Desc, Status};
use crate::program::exec;
use crate::program::ir::{Global, Reg};
use crate::program::machine::{loop_bound, Exit, Machine};
use crate::program::Entry;
use crate::trace::{Op, TraceSink};
use crate::Actor;

/// The source id `ITESID` reports for a device-TLB time-out; the device behind [`GONE_SID`]
/// is the one that is gone (a device-gone fault).
pub const PRESENT_SID: u32 = 1;
/// See [`PRESENT_SID`].
pub const GONE_SID: u32 = 2;

/// What the interpreter reads and writes, for one CPU's step.
struct Bus<'a, T: TraceSink> {
    ring: &'a mut Ring,
    changes: &'a mut Vec<StatusChange>,
    sink: &'a mut T,
    step: u64,
    actor: Actor,
    /// Hardware without `ITESID` (`faults.noIteSid`).
    no_sid: bool,
}

impl<T: TraceSink> Bus<'_, T> {
    /// A register as `readl` reads it (`no_sid`: hardware that reports no `ITESID`).
    #[inline(always)]
    fn read_reg(ring: &Ring, r: Reg, no_sid: bool) -> u32 {
        match r {
            Reg::Iqh => ring.iqh,
            Reg::Iqt => ring.iqt,
            Reg::Fsts => u32::from(ring.fsts),
            Reg::Itesid if no_sid || ring.fsts & fsts::ITE == 0 => 0,
            Reg::Itesid if ring.ite_gone => GONE_SID,
            Reg::Itesid => PRESENT_SID,
        }
    }
}

impl<T: TraceSink> Machine for Bus<'_, T> {
    #[inline(always)]
    fn qi_length(&self) -> u32 {
        self.ring.qi_length
    }
    #[inline(always)]
    fn status(&mut self, slot: u32) -> Status {
        self.ring.desc_status[slot as usize]
    }
    #[inline(always)]
    fn set_status(&mut self, slot: u32, s: Status) {
        set_status(self.ring, slot, s, self.changes);
    }
    fn copy_desc(&mut self, dst: u32, src: u32) {
        self.ring.desc[dst as usize] = self.ring.desc[src as usize];
        // A copy over the invalid descriptor repairs it. (A copy *of* it would make a second
        // invalid one, which the ring does not hold: the one at `IQH`, `src`, stays invalid.)
        if src != dst {
            self.ring.rewritten(dst);
        }
        self.sink.emit(self.step, self.actor, || Op::IqeRepair {
            slot: dst,
            wait_index: src,
        });
    }
    fn nop_desc(&mut self, dst: u32) {
        // A descriptor that completes without a status write (nobody's: it credits no call).
        self.ring.desc[dst as usize] = Desc::Empty;
        self.ring.rewritten(dst);
        self.sink
            .emit(self.step, self.actor, || Op::NopDesc { slot: dst });
    }
    #[inline(always)]
    fn global(&mut self, g: Global) -> u32 {
        match g {
            Global::FreeHead => self.ring.free_head,
            Global::FreeTail => self.ring.free_tail,
            Global::FreeCnt => self.ring.free_cnt,
        }
    }
    #[inline(always)]
    fn set_global(&mut self, g: Global, v: u32) {
        match g {
            Global::FreeHead => self.ring.free_head = v,
            Global::FreeTail => self.ring.free_tail = v,
            Global::FreeCnt => self.ring.free_cnt = v,
        }
    }
    #[inline(always)]
    fn readl(&mut self, r: Reg) -> u32 {
        Self::read_reg(self.ring, r, self.no_sid)
    }
    fn clear_fsts(&mut self, bits: u32) {
        let bits = (bits & u32::from(fsts::IQE | fsts::ITE | fsts::ICE)) as u8;
        self.ring.fsts &= !bits;
        if bits & fsts::ITE != 0 {
            // ITESID is valid only while ITE is set (VT-d 11.4.9.9).
            self.ring.ite_gone = false;
        }
        if bits != 0 {
            self.sink
                .emit(self.step, self.actor, || Op::ClearFault { bits });
        }
    }
    #[inline(always)]
    fn device_present(&mut self, sid: i64) -> bool {
        sid != i64::from(GONE_SID)
    }
}

/// A dry run's view of the ring: reads through to it, writes into an overlay, and notes what
/// the function did: `wrote` (any status, descriptor, pointer or `FSTS` write) and
/// `hardware` (a status in hardware's window read or written, a register read or written, a
/// descriptor copied: anything a hardware step could change or see).
pub struct DryRun<'a> {
    ring: &'a Ring,
    statuses: Vec<(u32, Status)>,
    globals: [Option<u32>; 3],
    no_sid: bool,
    pub wrote: bool,
    pub hardware: bool,
}

impl<'a> DryRun<'a> {
    pub fn new(ring: &'a Ring, no_sid: bool) -> Self {
        DryRun {
            ring,
            statuses: Vec::new(),
            globals: [None; 3],
            no_sid,
            wrote: false,
            hardware: false,
        }
    }
}

impl Machine for DryRun<'_> {
    fn qi_length(&self) -> u32 {
        self.ring.qi_length
    }
    fn status(&mut self, slot: u32) -> Status {
        self.hardware |= self.ring.in_hw_window(slot);
        let own = self.statuses.iter().rev().find(|(k, _)| *k == slot);
        own.map_or(self.ring.desc_status[slot as usize], |(_, s)| *s)
    }
    fn set_status(&mut self, slot: u32, s: Status) {
        self.hardware |= self.ring.in_hw_window(slot);
        self.wrote = true;
        self.statuses.push((slot, s));
    }
    fn copy_desc(&mut self, _dst: u32, _src: u32) {
        self.hardware = true;
        self.wrote = true;
    }
    fn nop_desc(&mut self, _dst: u32) {
        self.hardware = true;
        self.wrote = true;
    }
    fn global(&mut self, g: Global) -> u32 {
        self.globals[g as usize].unwrap_or(match g {
            Global::FreeHead => self.ring.free_head,
            Global::FreeTail => self.ring.free_tail,
            Global::FreeCnt => self.ring.free_cnt,
        })
    }
    fn set_global(&mut self, g: Global, v: u32) {
        self.wrote = true;
        self.globals[g as usize] = Some(v);
    }
    fn readl(&mut self, r: Reg) -> u32 {
        self.hardware = true;
        Bus::<crate::trace::NoTrace>::read_reg(self.ring, r, self.no_sid)
    }
    fn clear_fsts(&mut self, _bits: u32) {
        self.hardware = true;
        self.wrote = true;
    }
    fn device_present(&mut self, sid: i64) -> bool {
        sid != i64::from(GONE_SID)
    }
}

impl System {
    /// A dry run of submitter `i`'s call of `entry` from its start, on this state: how it
    /// ends, and what it would have touched.
    pub fn dry_run(&self, i: u32, entry: Entry) -> (Exit, bool, bool) {
        self.dry_run_from(i, entry, None).0
    }

    /// [`System::dry_run`] with `free_tail` first set to `free_tail` (when given); also
    /// returns `free_tail` at the end.
    pub fn dry_run_from(
        &self,
        i: u32,
        entry: Entry,
        free_tail: Option<u32>,
    ) -> ((Exit, bool, bool), u32) {
        thread_local! {
            // The explorer asks this of many states: no allocation per question.
            static SCRATCH: std::cell::RefCell<(crate::program::Frame, Vec<(u32, Status)>)> =
                std::cell::RefCell::default();
        }
        let s = &self.subs[i as usize];
        let code = self.params.program.code(entry);
        let args = [
            i64::from(s.index),
            i64::from(s.wait_index),
            i64::from(s.count),
        ];
        SCRATCH.with(|scratch| {
            let (frame, statuses) = &mut *scratch.borrow_mut();
            frame.start(code, &args[..entry.params().len()]);
            statuses.clear();
            let mut m = DryRun {
                ring: &self.ring,
                statuses: std::mem::take(statuses),
                globals: [None; 3],
                no_sid: self.params.faults.no_ite_sid,
                wrote: false,
                hardware: false,
            };
            m.globals[Global::FreeTail as usize] = free_tail;
            let exit = exec::run(code, frame, &mut m);
            let tail = m.global(Global::FreeTail);
            *statuses = m.statuses;
            ((exit, m.wrote, m.hardware), tail)
        })
    }

    /// Whether submitter `i`'s poll of its (not done) wait would spin without effect: the
    /// poll runs no `qi_check_fault` (a quiet program, no fault), or a dry run of it returns 0
    /// having written nothing. The one rule the lockup predicate uses for a polling CPU.
    pub fn poll_spins(&self, i: u32) -> bool {
        let s = &self.subs[i as usize];
        let faulted =
            self.ring.desc_status[s.wait_index as usize] == Status::Abort || self.ring.fsts != 0;
        if !faulted && self.params.program.facts.quiet_without_fault {
            return true;
        }
        matches!(
            self.dry_run(i, Entry::CheckFault),
            (Exit::Returned(0), false, _)
        )
    }

    /// Runs `entry` for submitter `i` from its start (or, with `resume`, from where it was
    /// suspended); the caller then reports its step and checks the status changes it made
    /// (`software_changes`), in that order, as the trace shows them. `Some(v)`: it returned `v`; `None`:
    /// it was suspended at a `writel` (the CPU's `pc` says where) or stopped the run (a
    /// finding: an endless loop or a run-time error).
    pub(super) fn call<T: TraceSink>(
        &mut self,
        i: u32,
        entry: Entry,
        resume: bool,
        step: u64,
        sink: &mut T,
    ) -> Option<i64> {
        let actor = Actor::Submitter(i);
        let System {
            ring,
            changes,
            params,
            subs,
            ..
        } = self;
        let s = &mut subs[i as usize];
        let code = params.program.code(entry);
        if !resume {
            let args = [
                i64::from(s.index),
                i64::from(s.wait_index),
                i64::from(s.count),
            ];
            s.frame.start(code, &args[..entry.params().len()]);
        }
        let mut bus = Bus {
            ring,
            changes,
            sink: &mut *sink,
            step,
            actor,
            no_sid: params.faults.no_ite_sid,
        };
        let exit = exec::run(code, &mut s.frame, &mut bus);
        match exit {
            Exit::Returned(v) => {
                let line = code.lines[s.frame.ip as usize];
                s.frame.clear();
                let rc_ok = entry == Entry::Reclaim
                    || [0, EAGAIN, EINVAL, ETIMEDOUT].contains(&(v as i32))
                        && v == i64::from(v as i32);
                if !rc_ok {
                    self.report_bad_rc(i, entry, line, v, step);
                    return None;
                }
                Some(v)
            }
            Exit::Yielded => {
                s.pc = match entry {
                    Entry::CheckFault => Pc::InCheckFault,
                    Entry::Mark => Pc::InMark,
                    Entry::Reclaim => Pc::InReclaim,
                };
                let line = code.lines[s.frame.ip as usize - 1];
                sink.emit(step, actor, || Op::Suspend {
                    function: entry,
                    line,
                });
                None
            }
            Exit::Loops { line } => {
                s.frame.clear();
                self.report_loop(i, entry, line, step);
                None
            }
            Exit::Error { line, message } => {
                s.frame.clear();
                self.report_program_error(i, entry, line, message, step);
                None
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn report_loop(&mut self, i: u32, entry: Entry, line: u32, step: u64) {
        let bound = loop_bound(self.ring.qi_length);
        let msg = format!(
            "T{} runs the loop of {} at line {line} more than {bound} times (2 × QI_LENGTH): it never ends, with q_lock held and interrupts off (hard lockup)",
            i + 1,
            entry.name()
        );
        let own = (entry == Entry::CheckFault).then_some(FaultPath::F3);
        let slot = Some(self.subs[i as usize].wait_index);
        let actor = Actor::Submitter(i);
        self.report_on(own, FindingKind::WalkLoop, step, actor, Some(i), slot, msg);
        self.halted = true;
        self.hung = true;
    }

    #[cold]
    #[inline(never)]
    fn report_bad_rc(&mut self, i: u32, entry: Entry, line: u32, v: i64, step: u64) {
        let msg = format!(
            "returns {v}, which qi_submit_sync() does not handle (0, -EAGAIN, -EINVAL or -ETIMEDOUT)"
        );
        self.report_program_error(i, entry, line, msg, step);
    }

    #[cold]
    #[inline(never)]
    fn report_program_error(
        &mut self,
        i: u32,
        entry: Entry,
        line: u32,
        message: String,
        step: u64,
    ) {
        let msg = format!(
            "T{}'s {} fails at line {line} of the kernel program: {message}",
            i + 1,
            entry.name()
        );
        let actor = Actor::Submitter(i);
        self.report(FindingKind::ProgramError, step, actor, Some(i), None, msg);
        self.halted = true;
        self.hung = true;
    }
}
