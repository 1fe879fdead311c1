//! The BFS levels in RAM or elsewhere: a store of the blocks of two levels (`wire/block.rs`
//! encodes them), the one being built and the one being expanded.

use crate::check::wire::Block;

/// Where the levels of a search live: the blocks of the level being built (pushed in order)
/// and of the level being expanded (read back in the same order, once). In RAM by default
/// ([`MemLevels`]); the native CLI spills them to sequential files (`--spill-dir`), as TLC
/// does, keeping RAM for the visited set and the links. The core does no I/O itself.
pub trait LevelStore: Send {
    /// Appends a block to the level being built.
    fn push(&mut self, block: Block);
    /// The level being built becomes the one read by [`LevelStore::pop`]; what was left of
    /// the previous one is dropped.
    fn advance(&mut self);
    /// The next block of the level being read, in the order pushed; `None` at its end.
    fn pop(&mut self) -> Option<Block>;
    /// Bytes held in RAM.
    fn ram_bytes(&self) -> u64;
}

/// Both levels in RAM.
#[derive(Default)]
pub struct MemLevels {
    cur: std::collections::VecDeque<Block>,
    next: Vec<Block>,
    bytes: u64,
}

impl LevelStore for MemLevels {
    fn push(&mut self, block: Block) {
        self.bytes += block.bytes.capacity() as u64;
        self.next.push(block);
    }

    fn advance(&mut self) {
        self.cur = std::mem::take(&mut self.next).into();
        self.bytes = self.cur.iter().map(|b| b.bytes.capacity() as u64).sum();
    }

    fn pop(&mut self) -> Option<Block> {
        let b = self.cur.pop_front()?;
        self.bytes -= b.bytes.capacity() as u64;
        Some(b)
    }

    fn ram_bytes(&self) -> u64 {
        self.bytes
    }
}
