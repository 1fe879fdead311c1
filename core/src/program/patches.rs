//! Proposed fixes as patch programs: each a shipped kernel with a small change
//! (`core/patches/*.qi`), run as a row of the kernel matrix (`docs/patches.md`).

use crate::config::kernel::Kernel;

/// A proposed fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patch {
    /// Its name (`qisim matrix --patch NAME`).
    pub name: &'static str,
    /// The kernel it changes.
    pub base: Kernel,
    /// The fault path (`docs/findings.md`) or issue it addresses.
    pub addresses: &'static str,
    /// One line: what it changes.
    pub title: &'static str,
    pub source: &'static str,
}

/// Every proposed fix.
#[rustfmt::skip]
pub const PATCHES: [Patch; 7] = [
    Patch { name: "reclaim-fix", base: Kernel::V5_15, addresses: "lost completion (the seed)", title: "the seed's reclaim fix (3cf74230c139) on 5.15: owners free their own slots", source: include_str!("../../patches/reclaim-fix.qi") },
    Patch { name: "abort-before-clear", base: Kernel::V7_0, addresses: "F5", title: "mark QI_ABORT before clearing ITE", source: include_str!("../../patches/abort-before-clear.qi") },
    Patch { name: "own-timeout", base: Kernel::V7_0, addresses: "F6", title: "-ETIMEDOUT only to the caller whose own wait was aborted", source: include_str!("../../patches/own-timeout.qi") },
    Patch { name: "iqe-wait-for-batch", base: Kernel::V7_0, addresses: "F2", title: "repair an IQE with a no-op and return -EINVAL only once the batch's wait completed", source: include_str!("../../patches/iqe-wait-for-batch.qi") },
    Patch { name: "iqe-any-slot", base: Kernel::V7_0, addresses: "F1", title: "repair an IQE at any invalidation of the caller's batch (as iqe-wait-for-batch)", source: include_str!("../../patches/iqe-any-slot.qi") },
    Patch { name: "retry-hit-batch", base: Kernel::V7_0, addresses: "F5", title: "a batch the ITE walk marked retries after its wait completed", source: include_str!("../../patches/retry-hit-batch.qi") },
    Patch { name: "all-fixes", base: Kernel::V7_0, addresses: "F1, F2, F5, F6", title: "iqe-any-slot, retry-hit-batch and own-timeout together", source: include_str!("../../patches/all-fixes.qi") },
];

/// The patch called `name`.
pub fn patch(name: &str) -> Option<&'static Patch> {
    PATCHES.iter().find(|p| p.name == name)
}

/// The code of a program without its leading comment block (the header that says where it
/// comes from), for diffs.
fn code(text: &str) -> &str {
    text.split_once("\n\n").map_or(text, |(_, rest)| rest)
}

/// A unified diff of `text` against `base` (their code, headers left out), three lines of
/// context, as `diff -u` prints it after the file names.
pub fn diff(base: &str, text: &str) -> String {
    similar::TextDiff::from_lines(code(base), code(text))
        .unified_diff()
        .context_radius(3)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::Program;

    #[test]
    fn every_patch_parses_and_is_a_small_change_of_its_base() {
        for p in PATCHES {
            Program::parse(p.source).unwrap_or_else(|e| panic!("{}: {e}", p.name));
            let d = diff(p.base.shipped().source, p.source);
            let changed = d
                .lines()
                .filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("@@"))
                .count();
            assert!(
                (1..=80).contains(&changed),
                "{}: {changed} lines\n{d}",
                p.name
            );
        }
        assert!(patch("own-timeout").is_some() && patch("nope").is_none());
    }
}
