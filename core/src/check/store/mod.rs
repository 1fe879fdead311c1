//! What a search stores: records (`pack.rs`), the visited set (`table.rs`), the levels
//! (`level.rs`: a store of blocks, in RAM or spilled) and, on a pool worker, the owned states of
//! its levels by index (`owned.rs`).

pub mod level;
pub(crate) mod owned;
pub(crate) mod pack;
pub(crate) mod table;
