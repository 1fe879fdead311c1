//! `qisim matrix`: prove or refute every kernel version × caller mix × fault.

use std::process::ExitCode;

use clap::Args;

use crate::args::Output;
use crate::{print_json, progress_bar, Usage};

#[derive(Args, Debug)]
pub(crate) struct MatrixArgs {
    /// QI_LENGTH of the explored ring.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub(crate) ring: u32,
    /// CPUs.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub(crate) submitters: u32,
    /// Calls per CPU.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) submissions: u64,
    /// Largest batch explored (realistic counts above it are left out).
    #[arg(long = "max-batch", default_value_t = 3, value_name = "N")]
    pub(crate) max_batch: u32,
    /// Stop a cell with `boundReached` after this many states.
    #[arg(long = "max-states", default_value_t = 5_000_000, value_name = "N")]
    pub(crate) max_states: u64,
    /// Print the Markdown page (docs/kernels.md).
    #[arg(long)]
    pub(crate) markdown: bool,
    /// Rows for these kernel programs (`qil` files) instead of the shipped kernels; each runs
    /// with the callers of `--callers`.
    #[arg(long, value_name = "FILE")]
    pub(crate) program: Vec<String>,
    /// Rows for the proposed fixes (`core/patches/`) next to their base kernels
    /// (docs/patches.md with --markdown).
    #[arg(long)]
    pub(crate) patches: bool,
    /// The kernel version whose callers' batch sizes the `--program` rows explore.
    #[arg(long, value_name = "VERSION", default_value = "7.0")]
    pub(crate) callers: String,
    #[command(flatten)]
    pub(crate) out: Output,
}

pub(crate) fn run(a: &MatrixArgs) -> Result<ExitCode, Usage> {
    use qisim_core::check::tools::matrix::{self, MatrixSpec};
    use qisim_core::check::tools::matrix_doc;
    let spec = MatrixSpec {
        qi_length: a.ring,
        submitters: a.submitters,
        submissions: a.submissions,
        max_batch: a.max_batch,
        max_states: a.max_states,
        consequences: true,
    };
    if a.max_batch == 0 || a.max_batch + 2 > a.ring {
        return Err(Usage(format!(
            "flag --max-batch is {}; allowed range is 1..={} on a ring of {} (a batch needs count + 2 free slots)",
            a.max_batch,
            a.ring.saturating_sub(2),
            a.ring
        )));
    }
    let rows = if a.patches {
        let mut rows: Vec<matrix::Row> = matrix::Row::kernels()
            .into_iter()
            .filter(|r| {
                qisim_core::program::patches::PATCHES
                    .iter()
                    .any(|p| r.presets.contains(&p.base))
            })
            .collect();
        rows.extend(matrix::Row::patches());
        rows
    } else if a.program.is_empty() {
        matrix::Row::kernels()
    } else {
        let callers = qisim_core::config::kernel::Kernel::parse(&a.callers)
            .map_err(|e| Usage(format!("flag --callers: {e}")))?;
        let mut rows = Vec::new();
        for path in &a.program {
            rows.push(matrix::Row {
                callers,
                program: Some((path.clone(), crate::args::read_program(path)?)),
                presets: Vec::new(),
            });
        }
        rows
    };
    let pb = progress_bar(None, a.out.quiet || a.out.json || a.markdown);
    let cells = matrix::run_rows(&spec, &rows, |c| {
        pb.set_message(format!(
            "{} / {} / {}: {}",
            c.row,
            c.mix.label(),
            c.fault.label(),
            c.verdict
        ))
    })?;
    pb.finish_and_clear();
    if a.out.json {
        print_json(&cells);
    } else if a.markdown && a.patches {
        print!("{}", matrix_doc::render_patches(&spec, &cells));
    } else if a.markdown {
        print!("{}", matrix_doc::render_kernels(&spec, &cells));
    } else {
        print!("{}", matrix_doc::render_grid(&cells));
    }
    Ok(if cells.iter().any(|c| c.verdict == "boundReached") {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
