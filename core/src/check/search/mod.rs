//! The one exploration state machine: an [`Exploration`] (`exploration.rs`) is one or two
//! searches (the search, and the shortest re-search) and gives the verdict; a search
//! (`rounds.rs`) issues the rounds of each level, takes the first violation, merges the new
//! states into generation order and links each to its parent (`links.rs`), checks
//! `maxStates` and reports progress; `roots.rs` checks what is explored, `path.rs` rebuilds a
//! counterexample, `cycles.rs` is the fair-cycle cross-check. A driver reports a round through one of two protocols: slices
//! (`slices.rs`) or owners (`owners.rs`).

mod checkpoint;
mod cycles;
mod exploration;
mod links;
mod owners;
mod path;
mod roots;
mod rounds;
mod slices;

pub use exploration::{Exploration, Next};
pub use owners::Owners;
pub use rounds::Round;
#[cfg(test)]
pub(crate) use rounds::CHUNK;
pub use slices::{Edges, Slices};
