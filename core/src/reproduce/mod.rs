//! The command line that reproduces a run: `qisim replay` of a config and a replay string, or
//! `qisim explore` of a config. One function for the CLI's own output, the kernel matrix's
//! documents and the playground's reproduce box, so a command pasted from any of them runs
//! the same config.
//!
//! A field with a flag of its own (`--ring`, `--policy`, `--per-submitter`, the fault rates,
//! ...) is written as that flag; everything else that differs from the defaults goes into
//! `--config-json` (inline) or a config file, which the CLI reads before the flags. A kernel
//! program goes into a file of its own (`--program`). The CLI's tests parse these commands
//! back and compare the config they build with the one given.

use serde::{Deserialize, Serialize};

mod flags;

pub use flags::as_reproduced;
use flags::config_args;

use crate::check::ExploreOptions;
use crate::Config;

/// A file the command names (the config or the kernel program), with its contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReproFile {
    pub name: String,
    pub contents: String,
}

/// A command line and the files it reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reproduce {
    /// The shell command (`qisim replay --ring 8 ... q1:...`).
    pub command: String,
    /// Its arguments after `qisim`, unquoted.
    pub args: Vec<String>,
    /// The files it names, to be saved beside it (empty when everything is inline).
    pub files: Vec<ReproFile>,
}

/// Where the command finds what does not fit on the line.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ReproNames {
    /// The kernel program's file (`--program`); default `program.qi`.
    pub program_file: Option<String>,
    /// Put the rest of the config in this file (`--config`) when it is longer than
    /// [`INLINE_MAX`] characters; without a name it is always inline (`--config-json`).
    pub config_file: Option<String>,
}

/// The longest rest of a config written inline (`--config-json`) when a file may take it.
pub const INLINE_MAX: usize = 300;

/// What a run is, in words for a result's heading: the kernel (or program, or reclaim policy),
/// the faults injected and when a time-out fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Description {
    /// `kernel 7.0`, `a kernel program` or `legacy reclaim`.
    pub subject: String,
    /// `no faults`, or the rates (`ITE 50%, device gone 50%; at most 1 fault`).
    pub faults: String,
    /// When a time-out may fire (`any fetched`), or `None` without time-outs.
    pub timing: Option<String>,
}

/// Describes `config` ([`Description`]).
pub fn describe(config: &Config) -> Description {
    let subject = match (&config.program, config.kernel) {
        (Some(_), _) => "a kernel program".to_string(),
        (None, Some(k)) => format!("kernel {}", k.name()),
        (None, None) => format!("{} reclaim", config.policy.name()),
    };
    let f = &config.faults;
    let rates: Vec<String> = [
        ("IQE", f.iqe_rate),
        ("ITE", f.ite_rate),
        ("ICE", f.ice_rate),
        ("device gone", f.device_gone_rate),
    ]
    .iter()
    .filter(|(_, r)| *r > 0.0)
    .map(|(n, r)| format!("{n} {}%", (r * 100.0 * 100.0).round() / 100.0))
    .collect();
    let faults = if rates.is_empty() {
        "no faults".to_string()
    } else {
        let mut s = rates.join(", ");
        if f.no_ite_sid {
            s.push_str(", hardware without ITESID");
        }
        if f.max_faults > 0 {
            let n = f.max_faults;
            s.push_str(&format!(
                "; at most {n} fault{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        s
    };
    let timing = (f.ite_rate > 0.0 || f.device_gone_rate > 0.0)
        .then(|| format!("time-out once {}", f.ite_timing.flag().replace('-', " ")));
    Description {
        subject,
        faults,
        timing,
    }
}

/// `qisim replay` of `replay` against `config`.
pub fn replay(config: &Config, replay: &str, names: &ReproNames) -> Reproduce {
    let mut args = vec!["replay".to_string()];
    let files = config_args(config, names, &mut args);
    args.push(replay.to_string());
    finish(args, files)
}

/// `qisim explore` of `config` with `opts` (the options the CLI has flags for).
pub fn explore(config: &Config, opts: &ExploreOptions, names: &ReproNames) -> Reproduce {
    let mut args = vec!["explore".to_string()];
    let files = config_args(config, names, &mut args);
    let d = ExploreOptions::default();
    if opts.max_states != d.max_states {
        args.extend(["--max-states".into(), opts.max_states.to_string()]);
    }
    for (on, flag) in [
        (!opts.por, "--no-por"),
        (!opts.symmetry, "--no-symmetry"),
        (!opts.rotation, "--no-rotation"),
        (opts.stop_on_cause, "--stop-on-cause"),
        (opts.cycles, "--cycles"),
    ] {
        if on {
            args.push(flag.into());
        }
    }
    if let Some(k) = opts.target {
        args.extend(["--target".into(), k.name().into()]);
    }
    finish(args, files)
}

fn finish(args: Vec<String>, files: Vec<ReproFile>) -> Reproduce {
    let quoted: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
    Reproduce {
        command: format!("qisim {}", quoted.join(" ")),
        args,
        files,
    }
}

/// Single-quotes `s` for a POSIX shell unless it is plain.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/=+@%^".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests;
