//! The bytes of a round: successor messages, accepted entries and their merge keys, and the
//! actor byte and owner they are read by. Plain byte buffers, so that a Web Worker can transfer
//! them (`postMessage` with the `ArrayBuffer` in the transfer list) without any serialisation:
//!
//! - successor message ([`MSG_HEAD`] + record): fingerprint `u64`, parent index `u32`
//!   (`u32::MAX` for a root), actor byte ([`actor_code`]), then the packed record (root `u32`
//!   and the state, `store/pack.rs`); all little-endian;
//! - accepted entry ([`ENTRY_HEAD`] + record): parent `u32`, actor byte, record;
//! - merge key ([`KEY`] bytes): the head of an accepted entry and the record's root, what an
//!   owner that keeps its states sends the coordinator instead of the entry.

use crate::check::store::pack::Packed;
use crate::model::HwFault;
use crate::Actor;

/// Bytes before the record in a successor message: fingerprint, parent, actor.
pub const MSG_HEAD: usize = 13;
/// Bytes before the record in an accepted entry: parent, actor.
pub const ENTRY_HEAD: usize = 5;
/// Bytes of a merge key: parent `u32`, actor byte, root `u32` (little-endian; the head of an
/// accepted entry and the first field of its record, so `key` reads both).
pub const KEY: usize = ENTRY_HEAD + 4;
/// Most submitters the actor byte can name (the rest of the byte names the hardware's steps).
pub const MAX_EXPLORE_SUBMITTERS: u32 = 248;

/// The actor byte: submitter `i` is `i`, then hardware, fetch and the faults. Increasing in
/// the order [`System::enabled_into`](crate::model::System::enabled_into) lists actors, so (parent, actor) orders a parent's
/// successors as they were generated.
pub fn actor_code(a: Actor) -> u8 {
    const HW: u32 = MAX_EXPLORE_SUBMITTERS;
    match a {
        Actor::Submitter(i) => {
            debug_assert!(i < HW);
            i as u8
        }
        Actor::Hardware => HW as u8,
        Actor::Fetch => (HW + 1) as u8,
        Actor::Fault(f) => {
            (HW + 2 + HwFault::ALL.iter().position(|x| *x == f).unwrap_or(0) as u32) as u8
        }
    }
}

/// The actor of an actor byte.
pub fn actor_of(c: u8) -> Actor {
    const HW: u8 = MAX_EXPLORE_SUBMITTERS as u8;
    match c {
        c if c < HW => Actor::Submitter(u32::from(c)),
        HW => Actor::Hardware,
        c if c == HW + 1 => Actor::Fetch,
        c => Actor::Fault(HwFault::ALL[usize::from(c - HW - 2)]),
    }
}

/// The partition that owns fingerprint `fp` among `parts`: its low 32 bits scaled (the
/// visited set indexes by the high bits).
#[inline(always)]
pub fn owner(fp: u64, parts: usize) -> usize {
    (((fp & 0xffff_ffff) * parts as u64) >> 32) as usize
}

/// The merge key of an accepted entry: (parent, actor, root). Unique within a level (a parent
/// generates one successor per actor; roots, without a parent, differ by root), increasing in
/// generation order.
#[inline(always)]
pub fn key(entry: &[u8]) -> (u32, u8, u32) {
    let parent = u32::from_le_bytes(entry[..4].try_into().expect("4 bytes"));
    (parent, entry[4], Packed::root(&entry[ENTRY_HEAD..]))
}

/// Bit of an actor in the enabled and taken masks of the fair-cycle analysis
/// (`search/cycles.rs`): submitter i is bit i (< 63), hardware bit 63.
pub(crate) fn actor_bit(a: Actor) -> u64 {
    match a {
        Actor::Submitter(i) if i < 63 => 1 << i,
        _ => 1 << 63,
    }
}

#[cfg(test)]
mod tests {
    use super::{actor_code, actor_of, owner};
    use crate::model::HwFault;
    use crate::Actor;

    #[test]
    fn actor_bytes_round_trip_in_enabled_order() {
        let mut all: Vec<Actor> = (0..super::MAX_EXPLORE_SUBMITTERS)
            .map(Actor::Submitter)
            .collect();
        all.extend([Actor::Hardware, Actor::Fetch]);
        all.extend(HwFault::ALL.map(Actor::Fault));
        let codes: Vec<u8> = all.iter().map(|a| actor_code(*a)).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        for a in all {
            assert_eq!(actor_of(actor_code(a)), a);
        }
    }

    #[test]
    fn owners_are_in_range_and_spread() {
        let mut counts = [0u32; 3];
        let mut x = 1u64;
        for _ in 0..30_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            counts[owner(x, 3)] += 1;
        }
        assert!(
            counts.iter().all(|c| (9_000..11_000).contains(c)),
            "{counts:?}"
        );
        assert_eq!(owner(u64::MAX, 1), 0);
    }
}
