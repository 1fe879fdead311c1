//! The parent link and actor byte of every stored state, in the order the search numbers
//! them: generation order.

/// The parent index (`u32::MAX` for a root) and the actor byte of the transition from it, of
/// every stored state: 5 bytes a state. Paths are rebuilt by replaying the actors (`path.rs`).
/// In pages of 2^20 states: a growing `Vec` would hold up to twice its length, and copy it.
#[derive(Default)]
pub(super) struct Links {
    parent: Vec<Vec<u32>>,
    actor: Vec<Vec<u8>>,
    len: usize,
}

impl Links {
    const PAGE: usize = 1 << 20;

    pub(super) fn push(&mut self, parent: u32, actor: u8) {
        if self.len % Self::PAGE == 0 {
            self.parent.push(Vec::with_capacity(Self::PAGE));
            self.actor.push(Vec::with_capacity(Self::PAGE));
        }
        self.parent.last_mut().expect("a page").push(parent);
        self.actor.last_mut().expect("a page").push(actor);
        self.len += 1;
    }

    /// (parent, actor) of state `i`.
    pub(super) fn get(&self, i: u32) -> (u32, u8) {
        let (p, o) = (i as usize / Self::PAGE, i as usize % Self::PAGE);
        (self.parent[p][o], self.actor[p][o])
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn bytes(&self) -> u64 {
        (self.parent.len() * Self::PAGE * 5) as u64
    }
}
