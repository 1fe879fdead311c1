//! The compiled form of a program: per function, a flat list of stack-machine instructions
//! with resolved locals, folded constants and the source line of each. Flat, so a function
//! suspended at a `writel` resumes from an instruction index (the [`Frame`](super::Frame) the explorer
//! stores), never from a position in a tree.

use super::ast::{BinOp, UnOp};
use serde::{Deserialize, Serialize};

/// The functions qisim calls, in the order of `qi_submit_sync()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Entry {
    /// `int qi_check_fault(int index, int wait_index)`: from the poll loop, `q_lock` held.
    CheckFault,
    /// `void mark(int index, int wait_index, int count)`: the caller's own slots after its wait.
    /// It may be `int mark(...)`: a nonzero return becomes the call's rc when the poll loop
    /// ended with 0 (the code after the poll loop deciding the outcome).
    Mark,
    /// `void reclaim(void)`: `reclaim_free_desc()`.
    Reclaim,
}

impl Entry {
    pub const ALL: [Entry; 3] = [Entry::CheckFault, Entry::Mark, Entry::Reclaim];

    /// The name a program gives it.
    pub fn name(self) -> &'static str {
        match self {
            Entry::CheckFault => "qi_check_fault",
            Entry::Mark => "mark",
            Entry::Reclaim => "reclaim",
        }
    }

    /// Its parameters, in order.
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Entry::CheckFault => &["index", "wait_index"],
            Entry::Mark => &["index", "wait_index", "count"],
            Entry::Reclaim => &[],
        }
    }

    /// Its C signature, for error messages and docs.
    pub fn signature(self) -> &'static str {
        match self {
            Entry::CheckFault => "int qi_check_fault(int index, int wait_index)",
            Entry::Mark => "void mark(int index, int wait_index, int count)",
            Entry::Reclaim => "void reclaim(void)",
        }
    }

    /// Whether it must return a value (`mark` may, too).
    pub fn returns_value(self) -> bool {
        self == Entry::CheckFault
    }
}

/// The ring's software fields a program reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Global {
    FreeHead,
    FreeTail,
    FreeCnt,
}

/// The hardware registers a program reads (`readl`); only `FSTS` is written (`writel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reg {
    Iqh,
    Iqt,
    Fsts,
    /// The `ITESID` field of `IQER` (VT-d 11.4.9.9): the source of the timed-out device-TLB
    /// invalidation while `ITE` is set, else 0.
    Itesid,
}

impl Reg {
    pub fn name(self) -> &'static str {
        match self {
            Reg::Iqh => "IQH",
            Reg::Iqt => "IQT",
            Reg::Fsts => "FSTS",
            Reg::Itesid => "ITESID",
        }
    }
}

/// One instruction. Operands come from the value stack; results go onto it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Const(i64),
    Load(u8),
    Store(u8),
    Global(Global),
    SetGlobal(Global),
    /// `desc_status[pop]`.
    Status,
    /// `desc_status[idx] = v` with `v` on top, `idx` below.
    SetStatus,
    /// `desc[dst] = desc[src]` with `src` on top, `dst` below.
    CopyDesc,
    /// `desc[pop] = QI_NOP`: a wait descriptor without status write (`QI_IWD_TYPE` without
    /// `QI_IWD_STATUS_WRITE`), which completes and writes nothing.
    NopDesc,
    Readl(Reg),
    /// `writel(FSTS, pop)`; `yields`: hardware may step before the function goes on.
    Writel {
        yields: bool,
    },
    /// `pci_device_is_present(pop)`.
    DevicePresent,
    Bin(BinOp),
    Un(UnOp),
    Jump(u32),
    JumpIfZero(u32),
    /// A loop's jump back to its start: counted against the loop bound.
    Loop(u32),
    Return,
    ReturnVoid,
    /// The end of an `int` function reached without `return`.
    FellOff,
    /// `(a + b) % m` in one step (`fuse.rs`: `Bin(Add) Const(m) Bin(Rem)`).
    AddRem(i64),
    /// A comparison and the jump on it in one step: jump to the target when it is false
    /// (`fuse.rs`: `Bin(cmp) JumpIfZero(t)`).
    CmpJump(BinOp, u32),
    /// A recognised loop (`idiom.rs`), `Code::idioms[k]`.
    Idiom(u16),
}

impl Op {
    /// Whether the instruction reads or writes state shared with hardware or other CPUs.
    pub fn shared(self) -> bool {
        matches!(
            self,
            Op::Global(_)
                | Op::SetGlobal(_)
                | Op::Status
                | Op::SetStatus
                | Op::CopyDesc
                | Op::NopDesc
                | Op::Readl(_)
                | Op::Writel { .. }
        )
    }
}

/// A compiled function.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub entry: Entry,
    pub ops: Vec<Op>,
    /// The source line of each instruction.
    pub lines: Vec<u32>,
    /// Locals, parameters first; their names (for errors).
    pub locals: Vec<String>,
    /// The line of the function's header.
    pub line: u32,
    /// The loops `Op::Idiom` runs (`idiom.rs`).
    pub idioms: Vec<Idiom>,
}

// The loops `super::idiom` recognises, as data of the code (`Op::Idiom` indexes them).

/// `for (i = ...; i < n (or <=); i++) desc_status[(a + i) % m] = v;` from its test on.
#[derive(Clone, Debug, PartialEq)]
pub struct Fill {
    pub i: u8,
    pub n: u8,
    pub le: bool,
    pub a: u8,
    pub m: i64,
    pub v: i64,
    /// Lines of the test, the index arithmetic, the store and the loop's back jump.
    pub lines: [u32; 4],
}

/// `while (<status test on desc_status[free_tail]>) { [desc_status[free_tail] = f;]
/// free_tail = (free_tail + 1) % m; free_cnt++; }`.
#[derive(Clone, Debug, PartialEq)]
pub struct TailWalk {
    /// `st == s1 || st == s2`, or (`and_head`) `st == s1 && free_tail != free_head`.
    pub s1: i64,
    pub s2: i64,
    pub and_head: bool,
    /// The status the body writes at `free_tail`, if it writes one.
    pub free: Option<i64>,
    pub m: i64,
    /// Lines of the test, the status store, the `free_tail` store, the `free_cnt` store, the jump back.
    pub lines: [u32; 5],
}

/// A recognised loop.
#[derive(Clone, Debug, PartialEq)]
pub enum Idiom {
    Fill(Fill),
    TailWalk(TailWalk),
}
