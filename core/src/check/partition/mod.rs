//! The two steps of a level of the breadth-first search, the only code that expands states and
//! deduplicates them, as each partition of the visited set runs them. Every driver runs these
//! (`drivers/`): the one-thread driver, the native thread pool and the owners of a worker pool
//! (each holding [`Rules`] built from the same configs and options, some [`Expander`]s and
//! [`Partition`]s).
//!
//! - [`Expander::expand`] (`expand.rs`): a slice of the current level (consecutive packed
//!   records) → successors, each sent to the partition that owns its fingerprint
//!   ([`owner`](crate::check::wire::owner)), in generation order (record order, then the order
//!   of [`System::enabled_into`](crate::model::System::enabled_into) or the ample set), in an
//!   [`Outbox`] (`outbox.rs`). It stops at the slice's first violation.
//! - [`Partition::absorb`] (`absorb.rs`): the inboxes of one owner, *in slice order* → the
//!   successors not seen before, in that order, appended to an accepted buffer.
//!
//! The search (`search/`) merges the owners' accepted buffers by generation key
//! ([`key`](crate::check::wire::key): parent index, actor, root) into the next level. Why the
//! result is the one-thread search's, state for state: every copy of a fingerprint goes to the
//! same owner, and the owner sees its messages in global generation order (slices are
//! contiguous and absorbed in order, each slice in generation order), so the copy it keeps is
//! the first one generated, the one a sequential search keeps; the merge by generation key
//! restores the sequential order of the next level, so state indices, parents and the next
//! level are equal too. The messages are plain bytes (`wire/`).

mod absorb;
mod expand;
mod outbox;
mod rules;

pub use absorb::Partition;
pub use expand::Expander;
pub use outbox::{Outbox, Violation};
pub use rules::Rules;
