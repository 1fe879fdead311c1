//! The owner protocol for a pool of workers outside the core — the browser's Web Workers
//! (`wasm/src/explore_pool.rs`) — and [`OwnerPool`], the same protocol on this thread.
//!
//! The coordinator is an [`Exploration`](super::Exploration) (its owner-protocol side is
//! [`Exploration::owners`](super::Exploration::owners)); each worker is an [`Owner`] built from
//! the exploration's [`Rules`] (`Exploration::worker_rules`). What crosses between them is
//! bytes (an [`Outbox`] per expansion, merge keys of [`MERGE_KEY_BYTES`] each), numbers and
//! JSON, so any transport can carry them; one between machines packs the successor messages
//! ([`pack_messages`], [`unpack_messages`]: XOR-deltas of consecutive messages).

pub use super::drivers::{Owner, OwnerPool};
pub use super::partition::{Outbox, Rules};
pub use super::wire::KEY as MERGE_KEY_BYTES;
pub use super::wire::{pack as pack_messages, unpack as unpack_messages};
