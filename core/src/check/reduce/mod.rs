//! The reductions: what makes two states one. `fingerprint.rs` hashes a state canonically, with
//! the symmetries (interchangeable submitters, and the ring read from a canonical turn:
//! rotation); `future.rs` names a submitter by the calls it has left; `ample.rs` is the
//! partial-order reduction and its soundness argument; `reduction_tests.rs` checks each against
//! the model in lockstep.

pub(crate) mod ample;
pub(crate) mod fingerprint;
mod future;
#[cfg(test)]
mod reduction_tests;
