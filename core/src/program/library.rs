//! The shipped kernels: one program per version, embedded from `core/kernels/*.qi`, and the
//! programs behind the config's `policy` × `faults.iteWalk` shorthand.

use crate::config::{IteWalk, PolicyKind};

use super::ir::Entry;
use super::Program;

/// Which of the fixes to `qi_submit_sync()` a kernel has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fixes {
    /// "iommu/vt-d: Fix potential lockup if qi_submit_sync called with 0 count"
    /// (3cf74230c139, 6.12-rc1): owners mark their slots `QI_FREE`, reclaim frees only those.
    pub reclaim: bool,
    /// "iommu/vt-d: Fix intel iommu iotlb sync hardlockup and retry" (fe89277c9ceb, 7.0-rc):
    /// the stride-1 `ITE` walk.
    pub stride1: bool,
    /// "iommu/vt-d: Improve ITE fault handling if target device isn't present" (6.9): the
    /// device-gone branch, `-ETIMEDOUT` when `ITESID` names a device that is gone.
    pub device_gone: bool,
}

/// A shipped kernel: a version range with one `qi_submit_sync()` behaviour and its program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shipped {
    /// The name `--kernel` and config `kernel` take.
    pub name: &'static str,
    /// The versions it stands for.
    pub range: &'static str,
    /// The program's file in `core/kernels/` (presets of one behaviour share it).
    pub file: &'static str,
    pub source: &'static str,
    /// Where the behaviour was read (tree, commit, the Makefile's version).
    pub read_at: &'static str,
    pub fixes: Fixes,
    /// Callers batch with `qi_batch` (1 to 16 descriptors); before it, count 1 and the PRQ
    /// drain's 3.
    pub qi_batch: bool,
}

const P5_15: &str = include_str!("../../kernels/5.15.qi");
const P5_15_168: &str = include_str!("../../kernels/5.15.168.qi");
const P5_15_203: &str = include_str!("../../kernels/5.15.203.qi");
const P6_9: &str = include_str!("../../kernels/6.9.qi");
const P6_12: &str = include_str!("../../kernels/6.12.qi");
const P7_0: &str = include_str!("../../kernels/7.0.qi");

const LEGACY: Fixes = Fixes {
    reclaim: false,
    stride1: false,
    device_gone: false,
};
const RECLAIM: Fixes = Fixes {
    reclaim: true,
    ..LEGACY
};
const RECLAIM_STRIDE1: Fixes = Fixes {
    stride1: true,
    ..RECLAIM
};
const GONE: Fixes = Fixes {
    device_gone: true,
    ..LEGACY
};
const GONE_RECLAIM: Fixes = Fixes {
    reclaim: true,
    ..GONE
};
const ALL_FIXES: Fixes = Fixes {
    stride1: true,
    ..GONE_RECLAIM
};

const fn shipped(
    name: &'static str,
    range: &'static str,
    file: &'static str,
    source: &'static str,
    read_at: &'static str,
    fixes: Fixes,
    qi_batch: bool,
) -> Shipped {
    Shipped {
        name,
        range,
        file,
        source,
        read_at,
        fixes,
        qi_batch,
    }
}

/// Every shipped kernel, by branch, oldest first (the order of [`crate::config::kernel::Kernel`]).
/// Versions are where the trees read confirm them (`notes/kernels-research.md`); no preset is
/// guessed.
#[rustfmt::skip]
pub const KERNELS: [Shipped; 15] = [
    shipped("5.15", "5.15.0 to 5.15.167", "5.15.qi", P5_15, "Tptogiar/linux-5.15.85 08a9b7421 (5.15.85)", LEGACY, false),
    shipped("5.15.168", "5.15.168 to 5.15.202", "5.15.168.qi", P5_15_168, "unifreq/linux-5.15.y 7351b6ef1 (5.15.168)", RECLAIM, false),
    shipped("5.15.203", "5.15.203 and later (read to 5.15.215)", "5.15.203.qi", P5_15_203, "unifreq/linux-5.15.y 69d4974c9 (5.15.203), 5c88653f6cce (5.15.215)", RECLAIM_STRIDE1, false),
    shipped("6.1", "6.1.0 to 6.1.112", "5.15.qi", P5_15, "unifreq/linux-6.1.y history (the reclaim fix lands at fb821e194, 6.1.113)", LEGACY, false),
    shipped("6.1.113", "6.1.113 and later (read to 6.1.166; no stride-1 backport found)", "5.15.168.qi", P5_15_168, "unifreq/linux-6.1.y 525d1212a (6.1.166), HDevices/linux-6.1.158 21e2a0b7a (6.1.158)", RECLAIM, false),
    shipped("6.6", "6.6.0 to 6.6.54", "5.15.qi", P5_15, "unifreq/linux-6.6.y history (the reclaim fix lands in 6.6.55)", LEGACY, false),
    shipped("6.6.55", "6.6.55 to 6.6.129", "5.15.168.qi", P5_15_168, "unifreq/linux-6.6.y d425ae9c3^ (6.6.129)", RECLAIM, false),
    shipped("6.6.130", "6.6.130 and later (read to 6.6.150)", "5.15.203.qi", P5_15_203, "unifreq/linux-6.6.y d425ae9c3 (6.6.130), 3c7c31e62 (6.6.150)", RECLAIM_STRIDE1, false),
    shipped("6.9", "6.9 to 6.11 (6.11.y until the reclaim fix; 6.11.11 has it)", "6.9.qi", P6_9, "greearb/linux-ct-6.9 e2f745d742eb, ec-jt/linux-6.9.0 dd616aa63 (6.9.0)", GONE, false),
    shipped("6.12", "6.12 to 6.12.77, and 6.13 to 6.19", "6.12.qi", P6_12, "RBCSFQ/linux-6.12.y ff9796ed9 (6.12.10) to 0448452f2^ (6.12.77), matankalina/linux-6.19.10-fork 094d86945 (6.19.0)", GONE_RECLAIM, true),
    shipped("6.12.78", "6.12.78 and later (read to 6.12.94)", "7.0.qi", P7_0, "RBCSFQ/linux-6.12.y 0448452f2 (6.12.78), f98186d5cccb (6.12.94)", ALL_FIXES, true),
    shipped("6.18", "6.18.y before the stride-1 backport (read at 6.18.2)", "6.12.qi", P6_12, "gfunkmonk/linux-6.18.2 57dc26c98 (6.18.2)", GONE_RECLAIM, true),
    shipped("6.18.26", "6.18.y after the stride-1 backport (read at 6.18.26; the first such release not pinned)", "7.0.qi", P7_0, "nickfox-taterli/nanopi-r5c-linux-6.18.26 85a779324 (6.18.26)", ALL_FIXES, true),
    shipped("7.0", "7.0 and 7.1", "7.0.qi", P7_0, "greearb/linux-ct-7.0 230c8676d12c", ALL_FIXES, true),
    shipped("7.2", "7.2", "7.0.qi", P7_0, "greearb/linux-ct-7.2 c8bbbb260e27", ALL_FIXES, true),
];

/// The shipped kernel called `name`.
pub fn kernel(name: &str) -> Option<&'static Shipped> {
    KERNELS.iter().find(|k| k.name == name)
}

/// The text of the program a config without `kernel` or `program` runs: the marking and
/// reclaim of `policy` (legacy: 6.9's; fixed: 6.12's) and the `qi_check_fault` of `walk`
/// (stride 2: 6.9's; stride 1: 7.0's). Three of the four are a shipped kernel's text; legacy
/// with stride 1 is composed of the two kernels' functions.
pub fn for_parts(policy: PolicyKind, walk: IteWalk) -> String {
    let by_name = |n| kernel(n).expect("shipped").source.to_string();
    // 6.9, 6.12 and 7.0: the programs with the device-gone branch.
    match (policy, walk) {
        (PolicyKind::Legacy, IteWalk::Stride2) => by_name("6.9"),
        (PolicyKind::Fixed, IteWalk::Stride2) => by_name("6.12"),
        (PolicyKind::Fixed, IteWalk::Stride1) => by_name("7.0"),
        (PolicyKind::Legacy, IteWalk::Stride1) => {
            let walk = kernel("7.0").expect("shipped").source;
            let reclaim = kernel("6.9").expect("shipped").source;
            format!(
                "// qi_check_fault() of 7.0 (the stride-1 ITE walk) with the legacy marking and\n// reclaim of 6.9, composed by qisim from the two shipped kernels.\n\n{}\n{}\n{}\n",
                function_text(walk, Entry::CheckFault),
                function_text(reclaim, Entry::Mark),
                function_text(reclaim, Entry::Reclaim)
            )
        }
    }
}

/// The source lines of one function of a shipped program, with the comment lines right above it.
pub fn function_text(source: &str, e: Entry) -> String {
    let p = Program::parse(source).expect("shipped programs parse");
    let (from, to) = p.function(e).lines;
    let lines: Vec<&str> = source.lines().collect();
    let mut start = from as usize - 1;
    while start > 0 && lines[start - 1].trim_start().starts_with("//") {
        start -= 1;
    }
    lines[start..to as usize].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_program_and_composition_parses() {
        for k in KERNELS {
            Program::parse(k.source).unwrap_or_else(|e| panic!("{}: {e}", k.name));
        }
        for p in [PolicyKind::Legacy, PolicyKind::Fixed] {
            for w in [IteWalk::Stride1, IteWalk::Stride2] {
                Program::parse(&for_parts(p, w)).unwrap_or_else(|e| panic!("{p:?} {w:?}: {e}"));
            }
        }
    }
}
