//! The replay string: a compact, stable encoding of a schedule (the actor chosen at each step).
//!
//! Format, version 1:
//!
//! ```text
//! replay  := "q1:" token*
//! token   := actor count?
//! actor   := "H"                 the hardware engine completes its oldest pending descriptor
//!                                (fetching it first when nothing is pending)
//!          | "F"                 the hardware engine fetches one more descriptor ahead
//!          | "E" | "T" | "C" | "G"  the hardware engine faulting: IQE (at fetch), ITE, ICE,
//!                                ITE with the device gone (at the completion of a pending
//!                                device-TLB invalidation)
//!          | "a".."z"            submitter 0..25 (T1..T26 in timelines)
//!          | "{" decimal "}"     submitter N, any N (needed only above 25)
//! count   := decimal >= 2        the actor runs that many consecutive steps
//! ```
//!
//! Spaces, tabs and newlines between tokens are ignored. Example: the canonical lockup of
//! DESIGN.md section 5 is `q1:a6b6H3a5b2`. Runs are always written maximal and counts of 1 are
//! omitted, so a schedule has exactly one canonical string.

use crate::error::ReplayError;
use crate::model::HwFault;
use crate::Actor;

/// Version prefix of the replay format.
pub const PREFIX: &str = "q1:";

/// Largest run length accepted in one token.
pub const MAX_RUN: u64 = 1 << 40;

/// A schedule as run-length encoded choices: cheap to record at tens of millions of steps/s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    runs: Vec<(Actor, u64)>,
    len: u64,
}

impl Schedule {
    /// Empty schedule.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one choice.
    #[inline]
    pub fn push(&mut self, a: Actor) {
        self.len += 1;
        if let Some(last) = self.runs.last_mut() {
            if last.0 == a {
                last.1 += 1;
                return;
            }
        }
        self.runs.push((a, 1));
    }

    /// Appends `n` consecutive choices of `a`.
    pub fn push_run(&mut self, a: Actor, n: u64) {
        if n == 0 {
            return;
        }
        self.len += n;
        match self.runs.last_mut() {
            Some(last) if last.0 == a => last.1 += n,
            _ => self.runs.push((a, n)),
        }
    }

    /// Number of choices.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when no choice was made.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The runs (actor, length).
    pub fn runs(&self) -> &[(Actor, u64)] {
        &self.runs
    }

    /// Every choice, expanded.
    pub fn to_vec(&self) -> Vec<Actor> {
        let mut v = Vec::with_capacity(self.len as usize);
        for (a, n) in &self.runs {
            for _ in 0..*n {
                v.push(*a);
            }
        }
        v
    }

    /// Builds a schedule from single choices.
    pub fn from_choices(choices: &[Actor]) -> Self {
        let mut s = Schedule::new();
        for c in choices {
            s.push(*c);
        }
        s
    }

    /// The canonical replay string.
    pub fn encode(&self) -> String {
        let mut out = String::from(PREFIX);
        for (a, n) in &self.runs {
            out.push_str(&actor_token(*a));
            if *n > 1 {
                out.push_str(&n.to_string());
            }
        }
        out
    }
}

/// The one-letter tokens of the hardware actors (submitters are `a`..`z` and `{N}`).
pub const HW_TOKENS: [(u8, Actor); 6] = [
    (b'H', Actor::Hardware),
    (b'F', Actor::Fetch),
    (b'E', Actor::Fault(HwFault::Iqe)),
    (b'T', Actor::Fault(HwFault::Ite)),
    (b'C', Actor::Fault(HwFault::Ice)),
    (b'G', Actor::Fault(HwFault::Gone)),
];

/// The token naming an actor.
pub fn actor_token(a: Actor) -> String {
    if let Some((t, _)) = HW_TOKENS.iter().find(|(_, x)| *x == a) {
        return (*t as char).to_string();
    }
    match a {
        Actor::Submitter(i) if i < 26 => ((b'a' + i as u8) as char).to_string(),
        Actor::Submitter(i) => format!("{{{i}}}"),
        _ => unreachable!("every hardware actor has a token"),
    }
}

/// Encodes a list of choices.
pub fn encode(choices: &[Actor]) -> String {
    Schedule::from_choices(choices).encode()
}

/// Parses a replay string into its expanded choices (at most `limit` of them).
pub fn parse_limited(s: &str, limit: u64) -> Result<Vec<Actor>, ReplayError> {
    let sched = parse_schedule(s)?;
    if sched.len() > limit {
        return Err(ReplayError {
            position: s.len(),
            message: format!(
                "encodes {} steps; at most {} are allowed",
                sched.len(),
                limit
            ),
        });
    }
    Ok(sched.to_vec())
}

/// Parses a replay string into its expanded choices (at most 10^8 steps).
pub fn parse(s: &str) -> Result<Vec<Actor>, ReplayError> {
    parse_limited(s, 100_000_000)
}

/// Parses a replay string into a run-length schedule.
pub fn parse_schedule(s: &str) -> Result<Schedule, ReplayError> {
    let err = |position: usize, message: String| ReplayError { position, message };
    let body = s.strip_prefix(PREFIX).ok_or_else(|| {
        err(
            0,
            format!(
                "must start with `{PREFIX}` (the format version); got `{}`",
                s.chars().take(8).collect::<String>()
            ),
        )
    })?;
    let bytes = body.as_bytes();
    let base = PREFIX.len();
    let mut i = 0;
    let mut sched = Schedule::new();
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let hw = HW_TOKENS.iter().find(|(t, _)| *t == c).map(|(_, a)| *a);
        let actor = match c {
            _ if hw.is_some() => {
                i += 1;
                hw.unwrap_or(Actor::Hardware)
            }
            b'a'..=b'z' => {
                i += 1;
                Actor::Submitter(u32::from(c - b'a'))
            }
            b'{' => {
                let close = body[i..]
                    .find('}')
                    .ok_or_else(|| err(base + i, "`{` without a closing `}`".to_string()))?
                    + i;
                let num = &body[i + 1..close];
                let n: u32 = num.parse().map_err(|_| {
                    err(
                        base + i + 1,
                        format!("`{{{num}}}` is not a submitter number (0..=4294967295)"),
                    )
                })?;
                i = close + 1;
                Actor::Submitter(n)
            }
            _ => {
                let ch = body[i..].chars().next().unwrap_or('?');
                return Err(err(
                    base + i,
                    format!("unexpected `{ch}`; expected an actor: `H`, `F`, `E`, `T`, `C`, `G`, `a`..`z` or `{{N}}`"),
                ));
            }
        };
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = if i > digits_start {
            let digits = &body[digits_start..i];
            let n: u64 = digits
                .parse()
                .ok()
                .filter(|n| (1..=MAX_RUN).contains(n))
                .ok_or_else(|| {
                    err(
                        base + digits_start,
                        format!("run length `{digits}` out of range 1..={MAX_RUN}"),
                    )
                })?;
            n
        } else {
            1
        };
        if sched.len().saturating_add(run) > MAX_RUN {
            return Err(err(
                base + start,
                format!("schedule longer than {MAX_RUN} steps"),
            ));
        }
        sched.push_run(actor, run);
    }
    Ok(sched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Actor::{Hardware as H, Submitter as S};

    #[test]
    fn round_trip() {
        let c = vec![
            S(0),
            S(0),
            S(0),
            S(1),
            H,
            H,
            S(30),
            S(0),
            Actor::Fault(HwFault::Ite),
            Actor::Fetch,
            Actor::Fault(HwFault::Gone),
        ];
        let s = encode(&c);
        assert_eq!(s, "q1:a3bH2{30}aTFG");
        assert_eq!(parse(&s).unwrap(), c);
    }

    #[test]
    fn whitespace_and_merging() {
        assert_eq!(parse("q1: a2 a H").unwrap(), vec![S(0), S(0), S(0), H]);
        assert_eq!(parse("q1:").unwrap(), vec![]);
    }

    #[test]
    fn rejects_bad_input() {
        for (s, pos) in [
            ("a3", 0),
            ("q1:a0", 4),
            ("q1:X", 3),
            ("q1:aD", 4),
            ("q1:{12", 3),
            ("q1:{-1}", 4),
            ("q1:a99999999999999999999", 4),
            ("q1:3", 3),
            ("q1:é", 3),
        ] {
            let e = parse(s).unwrap_err();
            assert_eq!(e.position, pos, "{s}: {e}");
        }
    }

    #[test]
    fn limit() {
        assert!(parse_limited("q1:a5", 4).is_err());
        assert!(parse_limited("q1:a4", 4).is_ok());
    }
}
