//! "Is the kernel I ship affected?": for each kernel behaviour and kind of device-TLB time-out
//! (device present, gone, gone on hardware without `ITESID`), whether a CPU can hang — here or
//! at the end of a chain of causes — with the shortest such run. `docs/kernels.md` prints this
//! table, and the playground's article asks the same function for one kernel, so the page and
//! the document cannot disagree.

use serde::{Deserialize, Serialize};

use super::cell_run::{cell_run, consequence_command, replay_command};
use super::cell_text::short;
use super::matrix::{run_cells, Cell, Fault, MatrixSpec, Mix, Row};
use crate::config::kernel::Kernel;
use crate::{Config, ConfigError, FindingKind};

/// The three kinds of time-out the question is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum TimeOut {
    /// `ITE` with the device still present.
    Present,
    /// The device is gone.
    Gone,
    /// The device is gone and the hardware reports no `ITESID`.
    GoneNoItesid,
}

impl TimeOut {
    pub const ALL: [TimeOut; 3] = [TimeOut::Present, TimeOut::Gone, TimeOut::GoneNoItesid];

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            TimeOut::Present => "`ITE`, device present",
            TimeOut::Gone => "device gone",
            TimeOut::GoneNoItesid => "device gone, hardware without `ITESID`",
        }
    }

    /// The kind of time-out a matrix fault column is, if it is one.
    pub fn of(f: Fault) -> Option<TimeOut> {
        match f {
            Fault::Ite | Fault::IteWaitFetched | Fault::IteAllFetched | Fault::IteTwice => {
                Some(TimeOut::Present)
            }
            Fault::GoneNoItesid => Some(TimeOut::GoneNoItesid),
            f if f.time_out() => Some(TimeOut::Gone),
            _ => None,
        }
    }
}

/// The answer for one kernel and kind of time-out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub time_out: TimeOut,
    /// Its column heading ([`TimeOut::label`]).
    pub label: String,
    /// A CPU never returns (a lockup, an endless walk, retrying forever), directly or at the
    /// end of a chain.
    pub hangs: bool,
    /// The cell in the matrix's words (`stray 10 ⇒ lockup@3`, `walkLoop 8`), with its fault
    /// column; for no hang, every finding of the kind's columns.
    pub text: String,
    /// The finding kinds of that run, in order (a cause first, then the hang it ends in).
    pub kinds: Vec<String>,
    /// The run that shows it (the hang, or the first finding when nothing hangs), to replay.
    pub config: Option<Config>,
    pub replay: Option<String>,
    /// Its `qisim replay` command.
    pub command: Option<String>,
}

/// The answers of one kernel behaviour (a matrix row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KernelAnswer {
    /// The presets with this behaviour (`5.15.203 · 6.6.130`).
    pub row: String,
    pub answers: Vec<Answer>,
}

/// The cells an answer needs: the kernels' own callers, the time-out columns.
pub fn needed(mix: Mix, fault: Fault) -> bool {
    mix == Mix::Realistic && TimeOut::of(fault).is_some()
}

/// Answers every row of `cells` (the matrix, or the part of it [`needed`] selects).
pub fn answers(spec: &MatrixSpec, cells: &[Cell]) -> Vec<KernelAnswer> {
    let mut out: Vec<(String, Vec<&Cell>)> = Vec::new();
    for c in cells.iter().filter(|c| needed(c.mix, c.fault)) {
        match out.last_mut() {
            Some((row, v)) if *row == c.row => v.push(c),
            _ => out.push((c.row.clone(), vec![c])),
        }
    }
    out.into_iter()
        .map(|(row, cs)| KernelAnswer {
            row,
            answers: TimeOut::ALL.iter().map(|&t| answer(spec, &cs, t)).collect(),
        })
        .collect()
}

fn answer(spec: &MatrixSpec, cells: &[&Cell], t: TimeOut) -> Answer {
    let mine: Vec<&Cell> = cells
        .iter()
        .copied()
        .filter(|c| TimeOut::of(c.fault) == Some(t))
        .collect();
    // The shortest hang: a counterexample that hangs, or a cause that ends in one.
    let hang = mine
        .iter()
        .filter_map(|c| match &c.consequence {
            Some(q) => {
                let kinds = q.findings.iter().map(|k| k.name().to_string()).collect();
                Some((q.steps, *c, q.calls, q.replay.clone(), kinds))
            }
            None if hangs(c) => Some((
                c.steps.unwrap_or(0),
                *c,
                1,
                c.replay.clone()?,
                c.kind.iter().cloned().collect(),
            )),
            None => None,
        })
        .min_by_key(|(steps, ..)| *steps);
    let found: Vec<&Cell> = mine.iter().copied().filter(|c| c.kind.is_some()).collect();
    let others: Vec<String> = found
        .iter()
        .map(|c| format!("{} ({})", short(c), c.fault.label()))
        .collect();
    match hang {
        Some((_, c, calls, replay, kinds)) => {
            let command = if calls > 1 {
                consequence_command(spec, c)
            } else {
                replay_command(spec, c)
            };
            Answer {
                time_out: t,
                label: t.label().into(),
                hangs: true,
                text: format!("{} with `{}`", short(c), c.fault.label()),
                kinds,
                config: cell_run(spec, c, calls),
                replay: Some(replay),
                command,
            }
        }
        None => {
            let first = found.first();
            Answer {
                time_out: t,
                label: t.label().into(),
                hangs: false,
                text: if others.is_empty() {
                    "no finding".into()
                } else {
                    format!("no hang; {}", others.join(", "))
                },
                kinds: first.and_then(|c| c.kind.clone()).into_iter().collect(),
                config: first.and_then(|c| cell_run(spec, c, 1)),
                replay: first.and_then(|c| c.replay.clone()),
                command: first.and_then(|c| replay_command(spec, c)),
            }
        }
    }
}

/// The cell's counterexample is a CPU that never returns.
pub fn hangs(c: &Cell) -> bool {
    c.kind
        .as_deref()
        .is_some_and(|k| FindingKind::ALL.iter().any(|f| f.name() == k && f.hangs()))
}

/// Answers for the behaviour of kernel `k` alone: only the cells [`needed`] are explored.
pub fn answer_kernel(spec: &MatrixSpec, k: Kernel) -> Result<KernelAnswer, ConfigError> {
    let row: Row = Row::kernels()
        .into_iter()
        .find(|r| r.presets.contains(&k))
        .expect("every kernel preset has a row");
    let cells = run_cells(spec, std::slice::from_ref(&row), needed, |_| {})?;
    Ok(answers(spec, &cells)
        .pop()
        .expect("one row explored gives one answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_kernel_alone_gives_the_row_of_the_whole_matrix() {
        let spec = MatrixSpec::default();
        let one = answer_kernel(&spec, Kernel::V6_12).unwrap();
        assert_eq!(one.row, "6.12 · 6.18");
        assert_eq!(one.answers.len(), 3);
        // 6.12's stride-2 walk never ends on a time-out (docs/kernels.md): a hang in every column.
        assert!(one.answers.iter().all(|a| a.hangs), "{one:?}");
        let a = &one.answers[0];
        assert!(a.text.starts_with("walkLoop"), "{}", a.text);
        assert_eq!(a.kinds, ["walkLoop"]);
        // The run it names replays to the hang.
        let mut cfg = a.config.clone().unwrap();
        cfg.scheduler = crate::SchedulerConfig::Replay {
            choices: a.replay.clone().unwrap(),
        };
        let r = crate::Simulation::new(cfg).unwrap().run();
        assert!(r.findings.iter().any(|f| f.kind == FindingKind::WalkLoop));
    }

    #[test]
    fn a_cause_followed_to_its_hang_names_both_and_replays() {
        let spec = MatrixSpec::default();
        let a = &answer_kernel(&spec, Kernel::V7_0).unwrap().answers[1];
        assert_eq!(a.time_out, TimeOut::Gone);
        assert!(a.hangs);
        assert_eq!(
            a.kinds.first().map(String::as_str),
            Some("strayStatusWrite")
        );
        assert_eq!(a.kinds.last().map(String::as_str), Some("lockup"));
        assert!(a
            .command
            .as_deref()
            .unwrap()
            .contains("--per-submitter 1,1,1"));
        let mut cfg = a.config.clone().unwrap();
        cfg.scheduler = crate::SchedulerConfig::Replay {
            choices: a.replay.clone().unwrap(),
        };
        let r = crate::Simulation::new(cfg).unwrap().run();
        let kinds: Vec<&str> = r.findings.iter().map(|f| f.kind.name()).collect();
        assert_eq!(kinds, a.kinds, "the run shows what the answer says");
    }
}
