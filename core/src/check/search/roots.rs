//! What an exploration accepts: its roots, checked against each other and the options, the
//! number of partitions, and the rules of each of its searches.

use crate::check::partition::Rules;
use crate::check::wire::MAX_EXPLORE_SUBMITTERS;
use crate::check::{explorable, ExploreOptions, MAX_THREADS};
use crate::config::Config;
use crate::error::ConfigError;

/// The explored roots of `cfgs`, checked against each other and `opts`.
pub(super) fn roots(cfgs: &[Config], opts: &ExploreOptions) -> Result<Vec<Config>, ConfigError> {
    let first = cfgs
        .first()
        .ok_or_else(|| ConfigError::new("config", "no configuration to explore".into()))?;
    let mut roots = Vec::with_capacity(cfgs.len());
    for c in cfgs {
        let c = explorable(c)?;
        for (field, same) in [
            ("qiLength", c.qi_length == first.qi_length),
            ("submitters", c.submitters == first.submitters),
            ("policy", c.policy == first.policy),
            ("hardware", c.hardware == first.hardware),
        ] {
            if !same {
                return Err(ConfigError::new(
                    field,
                    "differs between the explored configurations; only workloads may differ".into(),
                ));
            }
        }
        roots.push(c);
    }
    if opts.max_states == 0 {
        return Err(ConfigError::range("maxStates", 0.0, 1.0, u64::MAX as f64)
            .with_message("is 0; allowed range is >= 1".into()));
    }
    if opts.cycles && first.submitters > 63 {
        return Err(
            ConfigError::range("submitters", first.submitters as f64, 1.0, 63.0)
                .with_message("is above 63; the cycle analysis handles at most 63".into()),
        );
    }
    if first.submitters > MAX_EXPLORE_SUBMITTERS {
        return Err(ConfigError::range(
            "submitters",
            first.submitters as f64,
            1.0,
            MAX_EXPLORE_SUBMITTERS as f64,
        )
        .with_message(format!(
            "is above {MAX_EXPLORE_SUBMITTERS}; the explorer handles at most {MAX_EXPLORE_SUBMITTERS}"
        )));
    }
    Ok(roots)
}

/// `parts` as decided by [`partitions`](crate::check::partitions).
pub(super) fn check_parts(opts: &ExploreOptions, parts: usize) -> Result<(), ConfigError> {
    let max = if opts.cycles { 1 } else { MAX_THREADS as usize };
    if parts == 0 || parts > max {
        return Err(
            ConfigError::range("threads", parts as f64, 1.0, max as f64).with_message(format!(
                "gives {parts} partitions; allowed range is 1 to {max}"
            )),
        );
    }
    Ok(())
}

/// The rules of a search of `roots`.
pub(super) fn rules(roots: &[Config], opts: &ExploreOptions, parts: usize, por: bool) -> Rules {
    Rules::new(
        roots.to_vec(),
        opts.symmetry,
        opts.rotation,
        por,
        opts.stop_on_cause,
        opts.target,
        opts.cycles,
        parts,
    )
}
