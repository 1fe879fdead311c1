//! The kernel matrix as text: the grid a maintainer reads on one screen (`qisim matrix`), the
//! page `docs/kernels.md` and the page `docs/patches.md` (tests keep both current).

use super::answer::{answers, TimeOut};
use super::cell_run::{consequence_command, replay_command};
use super::cell_text::{path_text, short};
use super::matrix::{Cell, Fault, MatrixSpec, Mix};
use crate::config::kernel::Kernel;
use crate::program::library::Shipped;
use crate::program::patches::{diff, PATCHES};

/// What the grid's cells say.
pub const LEGEND: &str = "ok: proved (no lockup, deadlock or safety violation in any interleaving); otherwise the shortest counterexample's finding and its steps (premature: prematureCompletion, stray: strayStatusWrite, misattributed: misattributedError); ⇒ X@k: that first cause ends in X with k calls per CPU";

/// The rows of `cells` in order, each with its cells by fault column.
fn rows(cells: &[Cell], mix: Mix) -> Vec<(String, Vec<&Cell>)> {
    let mut out: Vec<(String, Vec<&Cell>)> = Vec::new();
    for c in cells.iter().filter(|c| c.mix == mix) {
        match out.last_mut() {
            Some((name, v)) if *name == c.row => v.push(c),
            _ => out.push((c.row.clone(), vec![c])),
        }
    }
    out
}

/// The grid of one caller mix: a row per kernel behaviour or program, a column per fault.
fn grid(cells: &[Cell], mix: Mix, markdown: bool) -> String {
    let rows = rows(cells, mix);
    let width = rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let cols: Vec<Fault> = Fault::ALL
        .into_iter()
        .filter(|f| cells.iter().any(|c| c.fault == *f))
        .collect();
    let mut s = String::new();
    if markdown {
        s.push_str("| kernel |");
        for f in &cols {
            s.push_str(&format!(" {} |", f.label()));
        }
        s.push_str("\n|---|");
        s.push_str(&"---|".repeat(cols.len()));
        s.push('\n');
        for (name, cs) in &rows {
            s.push_str(&format!("| {name} |"));
            for f in &cols {
                let v = cs.iter().find(|c| c.fault == *f).map(|c| short(c));
                let v = v.unwrap_or_default();
                let v = if v == "ok" { v } else { format!("**{v}**") };
                s.push_str(&format!(" {v} |"));
            }
            s.push('\n');
        }
    } else {
        let text = |cs: &[&Cell], f: Fault| {
            cs.iter()
                .find(|c| c.fault == f)
                .map(|c| short(c))
                .unwrap_or_default()
        };
        let widths: Vec<usize> = cols
            .iter()
            .map(|f| {
                rows.iter()
                    .map(|(_, cs)| text(cs, *f).chars().count())
                    .chain([f.label().chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        s.push_str(&format!("{:<width$}", "kernel"));
        for (f, w) in cols.iter().zip(&widths) {
            s.push_str(&format!("  {:<w$}", f.label()));
        }
        s.push('\n');
        for (name, cs) in &rows {
            s.push_str(&format!("{name:<width$}"));
            for (f, w) in cols.iter().zip(&widths) {
                s.push_str(&format!("  {:<w$}", text(cs, *f)));
            }
            s.push('\n');
        }
    }
    s
}

/// The plain-text grids of `qisim matrix`: realistic callers, then with count-0 calls.
pub fn render_grid(cells: &[Cell]) -> String {
    let mut s = String::new();
    for mix in Mix::ALL {
        if cells.iter().any(|c| c.mix == mix) {
            s.push_str(&format!("callers: {}\n", mix.label()));
            s.push_str(&grid(cells, mix, false));
            s.push('\n');
        }
    }
    s.push_str(LEGEND);
    s.push_str(" (`--json` has the replays)\n");
    s
}

fn fixes(k: &Shipped) -> String {
    let yes = |b: bool| if b { "yes" } else { "—" };
    format!(
        "{} | {} | {} | {}",
        yes(k.fixes.reclaim),
        yes(k.fixes.stride1),
        yes(k.fixes.device_gone),
        yes(k.qi_batch)
    )
}

fn intro(spec: &MatrixSpec) -> String {
    format!(
        "Every cell is an exhaustive exploration (every interleaving, breadth first) of {} CPUs × \
         {} call(s) each on a ring of {}, device-TLB invalidations, hardware fetching ahead \
         without limit, at most one fault per run (two in `ITE ×2`). `ok`: no lockup, \
         deadlock or safety violation is reachable; otherwise the shortest counterexample's \
         finding and its length in steps, which replays in the simulator (the commands are \
         listed below the grids). Batch sizes above {} are left out on this ring.\n\n\
         Fault columns: `any`, `wait`, `all` say when a time-out (`ITE`, device gone) may \
         fire: as soon as the timed-out invalidation is fetched (the VT-d spec), once its \
         batch's wait descriptor is fetched (what the stride-1 walk needs), or once hardware \
         fetched everything published (`faults.iteTiming`, docs/model.md). `ITE ×2`: a second \
         time-out may hit the retry. `gone, no ITESID`: hardware that reports no `ITESID`. \
         Findings: docs/findings.md.\n\n",
        spec.submitters, spec.submissions, spec.qi_length, spec.max_batch
    )
}

fn counterexamples(spec: &MatrixSpec, cells: &[Cell]) -> String {
    let mut s =
        String::from("| kernel | callers | fault | finding | command |\n|---|---|---|---|---|\n");
    for c in cells.iter().filter(|c| c.kind.is_some()) {
        s.push_str(&format!(
            "| {} | {} | {} | {} | `{}` |\n",
            c.row,
            c.mix.label(),
            c.fault.label(),
            short(c),
            replay_command(spec, c).unwrap_or_default()
        ));
        if let (Some(q), Some(cmd)) = (&c.consequence, consequence_command(spec, c)) {
            s.push_str(&format!(
                "| | | | → {} {} ({} calls per CPU) | `{cmd}` |\n",
                q.kind.name(),
                q.steps,
                q.calls
            ));
        }
    }
    s
}

/// The page `docs/kernels.md`: which versions have which fixes, and the verdict of each
/// behaviour per fault. `headline` is the answer paragraph written over the grids.
pub fn render_kernels(spec: &MatrixSpec, cells: &[Cell]) -> String {
    let headline = headline(spec, cells);
    let mut s = String::from("# The kernels in use × faults\n\n");
    s.push_str(
        "Generated by `qisim matrix --markdown` (a test fails when this page is stale: \
         `QISIM_BLESS=1 cargo test -p qisim-core --test kernels_doc` rewrites it).\n\n",
    );
    s.push_str(&headline);
    s.push_str("\n## Versions\n\n");
    s.push_str("Each preset is a range of releases with one `qi_submit_sync()` behaviour, read in the tree named (`notes/kernels-research.md` has the notes); no preset is guessed. Fixes: the reclaim fix (3cf74230c139), the stride-1 `ITE` walk (fe89277c9ceb), the device-gone branch (6.9); `qi_batch`: callers submit 1 to 16 descriptors (before it: 1, and 3 for the PRQ drain).\n\n");
    s.push_str("| preset | versions | reclaim fix | stride-1 walk | device-gone branch | qi_batch | program | read at |\n|---|---|---|---|---|---|---|---|\n");
    for k in Kernel::ALL {
        let sh = k.shipped();
        s.push_str(&format!(
            "| {} | {} | {} | `core/kernels/{}` | {} |\n",
            sh.name,
            sh.range,
            fixes(sh),
            sh.file,
            sh.read_at
        ));
    }
    s.push_str("\n## Verdicts\n\n");
    s.push_str(&intro(spec));
    for mix in Mix::ALL {
        s.push_str(&format!("### Callers: {}\n\n", mix.label()));
        s.push_str(&grid(cells, mix, true));
        s.push('\n');
    }
    s.push_str(LEGEND);
    s.push_str(".\n\n## Shortest counterexamples\n\n");
    s.push_str(&counterexamples(spec, cells));
    s
}

/// The page `docs/patches.md`: each proposed fix, its diff, and what it changes in the matrix
/// against its base kernel (`cells` holds both the base rows and the patch rows).
pub fn render_patches(spec: &MatrixSpec, cells: &[Cell]) -> String {
    let mut s = String::from("# Proposed fixes as patch programs\n\n");
    s.push_str(
        "Generated by `qisim matrix --patches --markdown` (a test fails when this page is \
         stale: `QISIM_BLESS=1 cargo test -p qisim-core --test kernels_doc` rewrites it). Each \
         patch is a kernel program in `core/patches/`, a small change of a shipped kernel, run \
         over the same grid as docs/kernels.md. *Removes*: a finding of the base that the \
         patch proves absent; *leaves*: the same finding; *adds*: a finding the base did not \
         have in that cell (or a different one).\n\n",
    );
    s.push_str(&intro(spec));
    for p in PATCHES {
        let base = p.base.name();
        s.push_str(&format!(
            "## `{}` — {} (on {}, for {})\n\n```diff\n{}```\n\n",
            p.name,
            p.title,
            base,
            p.addresses,
            diff(p.base.shipped().source, p.source)
        ));
        let (mut removes, mut leaves, mut adds) = (Vec::new(), Vec::new(), Vec::new());
        for c in cells
            .iter()
            .filter(|c| c.program.as_deref() == Some(p.name))
        {
            let Some(b) = cells.iter().find(|b| {
                b.program.is_none()
                    && b.row.split(" · ").any(|n| n == base)
                    && b.mix == c.mix
                    && b.fault == c.fault
            }) else {
                continue;
            };
            let at = format!("{} / {}", c.mix.label(), c.fault.label());
            match (&b.kind, &c.kind) {
                (Some(bk), None) if c.verdict == "proved" => removes.push(format!("{bk} ({at})")),
                (Some(bk), Some(ck)) if bk == ck => leaves.push(format!("{ck} ({at})")),
                (_, Some(ck)) => adds.push(format!("{ck} ({at})")),
                _ => {}
            }
        }
        for (what, v) in [("Removes", removes), ("Leaves", leaves), ("Adds", adds)] {
            if v.is_empty() {
                s.push_str(&format!("- **{what}**: nothing\n"));
            } else {
                s.push_str(&format!("- **{what}**: {}\n", v.join("; ")));
            }
        }
        s.push('\n');
    }
    s.push_str(&path_checks(spec));
    s.push_str("## The grid\n\n");
    for mix in Mix::ALL {
        s.push_str(&format!("### Callers: {}\n\n", mix.label()));
        s.push_str(&grid(cells, mix, true));
        s.push('\n');
    }
    s.push_str("## Shortest counterexamples of the patches\n\n");
    let patched: Vec<Cell> = cells
        .iter()
        .filter(|c| c.program.is_some())
        .cloned()
        .collect();
    s.push_str(&counterexamples(spec, &patched));
    s
}

/// The answer to the question a distribution maintainer asks first, from the cells.
fn headline(spec: &MatrixSpec, cells: &[Cell]) -> String {
    let mut s = String::from(
        "## Is the kernel I ship affected?\n\nWith its own callers, by the kind of device-TLB \
         time-out: the device still present (`ITE`), or gone. *Hangs* is a CPU that never \
         returns (a lockup, an endless walk, retrying forever), here or at the end of a chain \
         (`⇒`); the shortest is given with its command.\n\n| kernel |",
    );
    for t in TimeOut::ALL {
        s.push_str(&format!(" {} |", t.label()));
    }
    s.push_str("\n|---|---|---|---|\n");
    for k in answers(spec, cells) {
        let cols: Vec<String> = k
            .answers
            .iter()
            .map(|a| match (&a.command, a.hangs) {
                (Some(cmd), true) => format!("**hangs**: {}: `{cmd}`", a.text),
                _ => a.text.clone(),
            })
            .collect();
        s.push_str(&format!("| {} | {} |\n", k.row, cols.join(" | ")));
    }
    s
}

/// The fault paths' own configurations for each patch and its base (`check::tools::patch_checks`).
fn path_checks(spec: &MatrixSpec) -> String {
    use crate::check::tools::matrix::Row;
    use crate::check::tools::patch_checks::PathVerdict;
    use crate::check::tools::patch_checks::{check, PATHS};
    let mut s = String::from("## Each fault path's own configuration\n\n");
    s.push_str(
        "The grids below show a family's shortest finding, which can hide a path a patch fixes \
         behind one it does not. Here each path's configuration of docs/findings.md by itself \
         (F1: one CPU, a batch of 2, `IQE`; F2: 2 CPUs × 2 calls of one descriptor, `IQE`; \
         F5: 2 CPUs × 1 call, `ITE` as soon as fetched; F6: the same, device gone once \
         everything is fetched):\n\n| kernel |",
    );
    for (name, ..) in PATHS {
        s.push_str(&format!(" {name} |"));
    }
    s.push_str("\n|---|");
    s.push_str(&"---|".repeat(PATHS.len()));
    s.push('\n');
    let mut rows: Vec<Row> = Vec::new();
    for p in PATCHES {
        let base = Row::kernels()
            .into_iter()
            .find(|r| r.presets.contains(&p.base));
        if let Some(b) = base {
            if !rows
                .iter()
                .any(|r| r.program.is_none() && r.presets == b.presets)
            {
                rows.push(b);
            }
        }
    }
    rows.extend(Row::patches());
    for row in &rows {
        s.push_str(&format!("| {} |", row.name()));
        for v in check(spec, row) {
            match v {
                PathVerdict::Proved => s.push_str(" ok |"),
                v => s.push_str(&format!(" **{}** |", path_text(&v))),
            }
        }
        s.push('\n');
    }
    s.push('\n');
    s
}
