//! The reclaim policy: which of the two reclaims of `qi_submit_sync()` a config's shorthand
//! runs (a leaf: the kernel library names programs by it).

use serde::{Deserialize, Serialize};

/// Reclaim policy (steps 7 and 8 of `qi_submit_sync`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum PolicyKind {
    /// Before the fix: mark own invalidation slots `QI_DONE`, reclaim every `QI_DONE`/`QI_ABORT`.
    Legacy,
    /// The fix: mark own slots (wait slot too) `QI_FREE`, reclaim only `QI_FREE`.
    #[default]
    Fixed,
}

impl PolicyKind {
    /// Lower-case name as used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Legacy => "legacy",
            PolicyKind::Fixed => "fixed",
        }
    }
}
