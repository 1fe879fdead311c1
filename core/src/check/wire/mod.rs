//! The bytes the parts of an exploration exchange, in one place: a round's successor messages,
//! accepted entries, merge keys and actor bytes (`message.rs`), and levels as blocks of
//! encoded records (`block.rs`). A Web Worker pool transfers them as they are; the drivers on
//! this process hand them over by reference.

mod block;
mod message;

pub use block::{decode, pack, read_blocks, unpack, write_blocks, Block, Encoder, BLOCK};
pub(crate) use message::actor_bit;
pub use message::{
    actor_code, actor_of, key, owner, ENTRY_HEAD, KEY, MAX_EXPLORE_SUBMITTERS, MSG_HEAD,
};
