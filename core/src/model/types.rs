//! The vocabulary the config and the model share: descriptor types, statuses, labels,
//! descriptors, `FSTS` bits and hardware faults. Imports only `state.rs` (which imports
//! nothing), so the config, the replay format and the model can all use it without cycles.

use serde::{Deserialize, Serialize};

use crate::model::state::{enum_word, Visitor};

/// Invalidation descriptor types (VT-d 6.5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum InvType {
    Iotlb,
    Devtlb,
    Context,
    Iec,
    Pasid,
}

impl InvType {
    /// All types, in a fixed order.
    pub const ALL: [InvType; 5] = [
        InvType::Iotlb,
        InvType::Devtlb,
        InvType::Context,
        InvType::Iec,
        InvType::Pasid,
    ];
}

enum_word!(InvType: 3);

/// camelCase name of an invalidation type.
pub fn inv_type_name(t: InvType) -> &'static str {
    match t {
        InvType::Iotlb => "iotlb",
        InvType::Devtlb => "devtlb",
        InvType::Context => "context",
        InvType::Iec => "iec",
        InvType::Pasid => "pasid",
    }
}

/// `desc_status[i]` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Status {
    #[serde(rename = "QI_FREE")]
    Free,
    #[serde(rename = "QI_IN_USE")]
    InUse,
    #[serde(rename = "QI_DONE")]
    Done,
    #[serde(rename = "QI_ABORT")]
    Abort,
}

enum_word!(Status: 2);

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; 4] = [Status::Free, Status::InUse, Status::Done, Status::Abort];

    /// The kernel's name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Free => "QI_FREE",
            Status::InUse => "QI_IN_USE",
            Status::Done => "QI_DONE",
            Status::Abort => "QI_ABORT",
        }
    }
}

/// Which descriptor of which submission occupies a slot: lets the oracles tell a slot's current
/// owner from the one a status write was meant for. Not kernel state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Label {
    /// Submitter index (T1 is 0).
    pub submitter: u32,
    /// Attempt number of that submitter (one per `write`, so a restart gets a new one).
    pub attempt: u32,
    /// Position in the batch (`0..count`), or `count` for the wait descriptor.
    pub part: u32,
    /// The batch's descriptor count.
    pub count: u32,
}

impl Label {
    /// Every field; the submitter is renamed under symmetry.
    #[inline(always)]
    pub fn visit<V: Visitor>(&mut self, v: &mut V) {
        let Label {
            submitter,
            attempt,
            part,
            count,
        } = self;
        v.who(submitter);
        v.key(attempt);
        v.key(part);
        v.key(count);
    }

    /// True for the wait descriptor of the batch.
    pub fn is_wait(&self) -> bool {
        self.part == self.count
    }

    /// Timeline name: `ID1`/`WD1` for T1's first batch, `ID1b` for the second descriptor of a
    /// larger batch, `WD1'` / `WD1''` / `WD1^4` for T1's second, third, fourth batch written.
    pub fn name(&self) -> String {
        let t = self.submitter + 1;
        let mut s = if self.is_wait() {
            format!("WD{t}")
        } else if self.count == 1 {
            format!("ID{t}")
        } else if self.part < 26 {
            format!("ID{t}{}", (b'a' + self.part as u8) as char)
        } else {
            format!("ID{t}.{}", self.part)
        };
        match self.attempt {
            0 => {}
            1 => s.push('\''),
            2 => s.push_str("''"),
            n => s.push_str(&format!("^{}", n + 1)),
        }
        s
    }
}

/// A descriptor as written into the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Desc {
    /// Never written.
    Empty,
    /// An invalidation descriptor; it never writes `desc_status`.
    Inv { ty: InvType, label: Label },
    /// A wait descriptor: with SW set, hardware writes `QI_DONE` to `desc_status[status_addr]`.
    Wait {
        status_addr: u32,
        sw: bool,
        drain: bool,
        label: Label,
    },
}

impl Desc {
    /// The occupant label, if any.
    pub fn label(&self) -> Option<Label> {
        match self {
            Desc::Empty => None,
            Desc::Inv { label, .. } | Desc::Wait { label, .. } => Some(*label),
        }
    }

    /// Every field of every variant, as one flat record: a kind (0 empty, 1 invalidation,
    /// 2 wait), then each variant's fields, dead unless the kind is that variant's.
    #[inline]
    pub fn visit<V: Visitor>(&mut self, v: &mut V) {
        const NONE: Label = Label {
            submitter: 0,
            attempt: 0,
            part: 0,
            count: 0,
        };
        let (mut kind, mut ty, mut status_addr, mut sw, mut drain, mut label) = match *self {
            Desc::Empty => (0u8, InvType::Iotlb, 0, false, false, NONE),
            Desc::Inv { ty, label } => (1, ty, 0, false, false, label),
            Desc::Wait {
                status_addr,
                sw,
                drain,
                label,
            } => (2, InvType::Iotlb, status_addr, sw, drain, label),
        };
        v.key(&mut kind);
        v.dead_if(kind != 1, |v| v.key(&mut ty));
        v.dead_if(kind != 2, |v| {
            v.slot(&mut status_addr);
            v.key(&mut sw);
            v.key(&mut drain);
        });
        // An empty slot has no label: no submitter to rename.
        v.dead_if(kind == 0, |v| label.visit(v));
        if V::WRITES {
            *self = match kind {
                0 => Desc::Empty,
                1 => Desc::Inv { ty, label },
                _ => Desc::Wait {
                    status_addr,
                    sw,
                    drain,
                    label,
                },
            };
        }
    }
}

/// Fault status register bits (`FSTS`).
pub mod fsts {
    /// Invalidation queue error.
    pub const IQE: u8 = 1 << 4;
    /// Invalidation completion error.
    pub const ICE: u8 = 1 << 5;
    /// Invalidation time-out error.
    pub const ITE: u8 = 1 << 6;

    /// The names of the fault bits in `bits` (`IQE`, `ITE`, `ICE`), joined by `|`.
    pub fn names(bits: u8) -> String {
        let v: Vec<&str> = [(IQE, "IQE"), (ITE, "ITE"), (ICE, "ICE")]
            .iter()
            .filter(|(b, _)| bits & b != 0)
            .map(|(_, n)| *n)
            .collect();
        v.join("|")
    }
}

/// A hardware fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum HwFault {
    /// Invalid descriptor at `IQH` (at fetch): `IQE` is set and fetching stops there.
    Iqe,
    /// Device-TLB invalidation time-out (at completion): `ITE` is set, pending waits are
    /// aborted, fetching stops until software clears `ITE`.
    Ite,
    /// Invalidation completion error on a device-TLB invalidation: `ICE` is set; the
    /// descriptor completes and hardware goes on.
    Ice,
    /// An `ITE` whose device is gone (`IQER.ITESID` names a device that is no longer present).
    Gone,
}

impl HwFault {
    /// Every fault kind.
    pub const ALL: [HwFault; 4] = [HwFault::Iqe, HwFault::Ite, HwFault::Ice, HwFault::Gone];

    /// Short name (register bit, or `GONE` for a device-gone `ITE`).
    pub fn name(self) -> &'static str {
        match self {
            HwFault::Iqe => "IQE",
            HwFault::Ite => "ITE",
            HwFault::Ice => "ICE",
            HwFault::Gone => "GONE",
        }
    }

    /// The `FSTS` bit it sets.
    pub fn bit(self) -> u8 {
        match self {
            HwFault::Iqe => fsts::IQE,
            HwFault::Ite | HwFault::Gone => fsts::ITE,
            HwFault::Ice => fsts::ICE,
        }
    }

    /// True for the faults that happen at fetch (the others happen at completion).
    pub fn at_fetch(self) -> bool {
        self == HwFault::Iqe
    }
}
