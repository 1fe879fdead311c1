use super::*;
use crate::program::library::kernel;
use crate::program::Program;

fn facts_of(src: &str, bits: u8) -> Facts {
    Program::parse(src).unwrap().compile(8, bits).unwrap().facts
}

#[test]
fn the_shipped_kernels_keep_their_reductions() {
    use fsts::{ICE, IQE, ITE};
    for (name, parity, revives, marks_wait) in [
        ("6.9", 1, Some(0), false),
        ("6.12", 1, None, true),
        ("7.0", 0, None, true),
    ] {
        let src = kernel(name).unwrap().source;
        let f = facts_of(src, 0);
        assert!(f.quiet_without_fault, "{name}");
        assert_eq!(f.rotation, Some(0), "{name}");
        assert_eq!(facts_of(src, ITE).rotation, Some(parity), "{name}");
        // The IQE branch reads no slot parity: the walk is out of reach without ITE.
        assert_eq!(facts_of(src, IQE | ICE).rotation, Some(0), "{name}");
        assert_eq!(
            (f.mark_revives, f.revives_anywhere),
            (revives, false),
            "{name}"
        );
        assert_eq!(f.marks_wait_slot, Some(marks_wait), "{name}");
        assert!(f.copies && f.copies_own_wait_only, "{name}");
        // Clearing ITE before the walk lets hardware step in between; clearing IQE right
        // before `return -EINVAL`, or ICE at the end, does not.
        assert_eq!(facts_of(src, ITE).yields, [true, false, false], "{name}");
        assert_eq!(facts_of(src, IQE | ICE).yields, [false; 3], "{name}");
    }
}

#[test]
fn what_breaks_a_reduction_switches_it_off() {
    use fsts::ITE;
    let base = kernel("7.0").unwrap().source;
    // A slot compared with a number: no rotation where the walk runs.
    let src = base.replace(
        "} while (head != tail);",
        "} while (head != tail && head != 0);",
    );
    assert_eq!(facts_of(&src, ITE).rotation, None);
    assert_eq!(facts_of(&src, 0).rotation, Some(0));
    // A mark that writes QI_DONE anywhere: revives any slot.
    let f = facts_of(
        &base.replace(
            "desc_status[(index + i) % QI_LENGTH] = QI_FREE;",
            "desc_status[(index + i + 1) % QI_LENGTH] = QI_DONE;",
        ),
        0,
    );
    assert!(f.revives_anywhere);
    // An unguarded QI_ABORT in the walk.
    let f = facts_of(
        &base.replace(
            "if (desc_status[head] == QI_IN_USE)\n\t\t\t\tdesc_status[head] = QI_ABORT;",
            "desc_status[head] = QI_ABORT;",
        ),
        0,
    );
    assert!(f.revives_anywhere);
    // qi_check_fault that writes on every poll is not quiet.
    let f = facts_of(
        &base.replace(
            "fault = readl(FSTS);",
            "fault = readl(FSTS);\n\tfree_cnt = free_cnt;",
        ),
        0,
    );
    assert!(!f.quiet_without_fault);
    // The repair copying from elsewhere.
    let f = facts_of(
        &base.replace(
            "desc[head] = desc[wait_index];",
            "desc[head] = desc[index];",
        ),
        0,
    );
    assert!(!f.copies_own_wait_only);
}
