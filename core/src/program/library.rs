//! The shipped kernels: one program per version, embedded from `core/kernels/*.qi`, and the
//! programs behind the config's `policy` × `faults.iteWalk` shorthand.

use crate::config::{IteWalk, PolicyKind};

use super::ir::Entry;
use super::Program;

/// A shipped kernel program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shipped {
    /// The name `--kernel` and config `kernel` take.
    pub name: &'static str,
    /// The versions it stands for.
    pub range: &'static str,
    pub source: &'static str,
}

/// Every shipped kernel, oldest first.
pub const KERNELS: [Shipped; 3] = [
    Shipped {
        name: "6.9",
        range: "up to 6.11",
        source: include_str!("../../kernels/6.9.qi"),
    },
    Shipped {
        name: "6.12",
        range: "6.12 to 6.19",
        source: include_str!("../../kernels/6.12.qi"),
    },
    Shipped {
        name: "7.0",
        range: "7.0 and later",
        source: include_str!("../../kernels/7.0.qi"),
    },
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
