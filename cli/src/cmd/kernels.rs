//! `qisim kernels` and `qisim show`: the shipped kernel programs, and checking one's own.

use std::process::ExitCode;

use clap::Args;
use qisim_core::program::library::KERNELS;
use qisim_core::program::{Entry, Program};
use serde::Serialize;

use crate::args::read_program;
use crate::{print_json, Usage};

#[derive(Args, Debug)]
pub(crate) struct KernelsArgs {
    /// Machine-readable JSON output (each kernel with its program's text).
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args, Debug)]
pub(crate) struct ShowArgs {
    /// A shipped kernel: print its program.
    #[arg(long, value_name = "VERSION")]
    pub(crate) kernel: Option<String>,
    /// A program of one's own: check it and say what the explorer may assume of it.
    #[arg(long, value_name = "FILE")]
    pub(crate) program: Option<String>,
    /// QI_LENGTH the facts are computed for.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub(crate) ring: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KernelJson {
    name: &'static str,
    range: &'static str,
    program: &'static str,
}

pub(crate) fn list(a: &KernelsArgs) -> Result<ExitCode, Usage> {
    if a.json {
        let v: Vec<KernelJson> = KERNELS
            .iter()
            .map(|k| KernelJson {
                name: k.name,
                range: k.range,
                program: k.source,
            })
            .collect();
        print_json(&v);
    } else {
        for k in KERNELS {
            let first = k
                .source
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("// ");
            println!("{:<6} {:<14} {first}", k.name, k.range);
        }
        println!("\n`qisim show --kernel VERSION` prints one; `--program FILE` runs your own.");
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn show(a: &ShowArgs) -> Result<ExitCode, Usage> {
    match (&a.kernel, &a.program) {
        (Some(k), None) => {
            let shipped = qisim_core::program::library::kernel(k).ok_or_else(|| {
                let names: Vec<&str> = KERNELS.iter().map(|k| k.name).collect();
                Usage(format!(
                    "flag --kernel: `{k}` is not a shipped kernel; allowed: {}",
                    names.join(", ")
                ))
            })?;
            print!("{}", shipped.source);
            Ok(ExitCode::SUCCESS)
        }
        (None, Some(path)) => {
            let text = read_program(path)?;
            if !(qisim_core::config::MIN_QI_LENGTH..=qisim_core::config::MAX_QI_LENGTH)
                .contains(&a.ring)
            {
                return Err(Usage(format!(
                    "flag --ring is {}; allowed range is {}..={}",
                    a.ring,
                    qisim_core::config::MIN_QI_LENGTH,
                    qisim_core::config::MAX_QI_LENGTH
                )));
            }
            let p = Program::parse(&text).map_err(|e| Usage(format!("{path}:{e}")))?;
            println!("{path}: the program checks.");
            for bits in [0u8, 0x10, 0x40, 0x20] {
                let c = p
                    .compile(a.ring, bits)
                    .map_err(|e| Usage(format!("{path}:{e}")))?;
                let f = &c.facts;
                let faults = match bits {
                    0 => "no faults",
                    0x10 => "IQE",
                    0x40 => "ITE / device gone",
                    _ => "ICE",
                };
                let yields: Vec<&str> = Entry::ALL
                    .iter()
                    .filter(|e| f.yields[**e as usize])
                    .map(|e| e.name())
                    .collect();
                println!(
                    "  with {faults}: rotation symmetry {}; suspends after writel in {}",
                    match f.rotation {
                        Some(0) => "on".to_string(),
                        Some(p) => format!("by multiples of {}", 1 << p),
                        None => "off".to_string(),
                    },
                    if yields.is_empty() {
                        "no function".to_string()
                    } else {
                        yields.join(", ")
                    }
                );
            }
            let c = p
                .compile(a.ring, 0)
                .map_err(|e| Usage(format!("{path}:{e}")))?;
            let f = &c.facts;
            println!(
                "  qi_check_fault without a fault: {}",
                if f.quiet_without_fault {
                    "returns 0 and changes nothing (skipped on such polls)"
                } else {
                    "may act (run on every poll)"
                }
            );
            println!(
                "  dead descriptors: {}",
                if f.revives_anywhere || (f.copies && !f.copies_own_wait_only) {
                    "off (a freed slot may be read or revived anywhere)"
                } else {
                    "on"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(Usage(
            "`qisim show` takes one of --kernel VERSION or --program FILE".into(),
        )),
    }
}
