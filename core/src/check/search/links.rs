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

    /// Inlined: the merge calls it once a state (outlined, +17 instructions a state).
    #[inline(always)]
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

impl Links {
    /// Appends the links of states `from..to` to `out`, 5 bytes each: parent `u32`
    /// little-endian, actor byte (a checkpoint's links file).
    pub(super) fn write(&self, from: u64, to: u64, out: &mut Vec<u8>) {
        for i in from..to {
            let (p, a) = self.get(i as u32);
            out.extend_from_slice(&p.to_le_bytes());
            out.push(a);
        }
    }

    /// Links read back from bytes [`Links::write`] wrote, in pieces.
    pub(super) fn reader() -> impl FnMut(&mut Links, &[u8]) {
        let mut carry: Vec<u8> = Vec::with_capacity(5);
        move |links, mut piece| {
            while !piece.is_empty() {
                let take = (5 - carry.len()).min(piece.len());
                if carry.is_empty() && piece.len() >= 5 {
                    let (l, rest) = piece.split_at(5);
                    links.push(u32::from_le_bytes(l[..4].try_into().expect("4")), l[4]);
                    piece = rest;
                    continue;
                }
                carry.extend_from_slice(&piece[..take]);
                piece = &piece[take..];
                if carry.len() == 5 {
                    links.push(
                        u32::from_le_bytes(carry[..4].try_into().expect("4")),
                        carry[4],
                    );
                    carry.clear();
                }
            }
        }
    }
}
