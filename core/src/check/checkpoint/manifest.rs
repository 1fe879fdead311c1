//! The manifest of a checkpoint: what was explored ([`Identity`], compared field by field on a
//! resume so that a refusal names what differs), where the search is ([`SearchState`]), the
//! first search's result while the shortest re-search runs ([`FirstSearch`]), and every file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Files, PartRecord, Protocol};
use crate::check::{ExploreOptions, ExploreStats, Violation};
use crate::config::Config;
use crate::error::ConfigError;
use crate::hash::stable_hash;

/// The layout of checkpoints this build writes and reads.
pub const FORMAT: u32 = 1;

/// What a checkpoint is a checkpoint of: a resume must match it field for field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub format: u32,
    /// The version of the core that wrote it (the model and the state layout go with it).
    pub qisim: String,
    pub protocol: Protocol,
    /// Partitions it was written on (owners must match; slices may differ).
    pub parts: usize,
    /// The options but `threads` (which changes no result).
    pub options: Value,
    /// Records per round and per block (where a violation or the bound stops depends on them).
    pub rounds: [usize; 2],
    /// Bytes of a packed state.
    pub record_bytes: usize,
    /// The first root config, and a hash of each root's JSON.
    pub config: Value,
    pub roots: Vec<u64>,
}

impl Identity {
    pub(crate) fn new(
        roots: &[Config],
        opts: &ExploreOptions,
        protocol: Protocol,
        parts: usize,
        rounds: [usize; 2],
        record_bytes: usize,
    ) -> Self {
        let json = |c: &Config| serde_json::to_value(c).expect("a config serialises");
        let mut options = serde_json::to_value(opts).expect("options serialise");
        if let Some(o) = options.as_object_mut() {
            o.remove("threads");
        }
        Identity {
            format: FORMAT,
            qisim: env!("CARGO_PKG_VERSION").to_string(),
            protocol,
            parts,
            options,
            rounds,
            record_bytes,
            config: json(&roots[0]),
            roots: roots
                .iter()
                .map(|c| stable_hash(&json(c).to_string()))
                .collect(),
        }
    }

    /// Whether a checkpoint written as `self` may be resumed by an exploration that is
    /// `here`: an error naming the first field that differs.
    pub(crate) fn check(&self, here: &Identity) -> Result<(), ConfigError> {
        let differs = |field: &str, there: String, here: String| {
            Err(ConfigError::new(
                &format!("checkpoint.{field}"),
                format!(
                    "the checkpoint is of another exploration: {field} is {there} in it and \
                     {here} in this run"
                ),
            ))
        };
        if self.format != here.format {
            return differs("format", self.format.to_string(), here.format.to_string());
        }
        if self.qisim != here.qisim {
            return differs("qisimVersion", self.qisim.clone(), here.qisim.clone());
        }
        if self.protocol != here.protocol {
            let name = |p| match p {
                Protocol::Slices => "threads of one process (slices)".to_string(),
                Protocol::Owners => "a pool of owners".to_string(),
            };
            return differs("protocol", name(self.protocol), name(here.protocol));
        }
        if self.protocol == Protocol::Owners && self.parts != here.parts {
            return differs("owners", self.parts.to_string(), here.parts.to_string());
        }
        if let Some((path, a, b)) = first_difference(&self.options, &here.options, "") {
            return differs(&path, a, b);
        }
        if self.rounds != here.rounds {
            return differs(
                "rounds",
                format!("{:?}", self.rounds),
                format!("{:?}", here.rounds),
            );
        }
        if let Some((path, a, b)) = first_difference(&self.config, &here.config, "") {
            return differs(&path, a, b);
        }
        if self.roots.len() != here.roots.len() {
            return differs(
                "roots",
                format!("{} roots", self.roots.len()),
                format!("{} roots", here.roots.len()),
            );
        }
        if let Some(i) = (0..self.roots.len()).find(|&i| self.roots[i] != here.roots[i]) {
            return differs(
                "roots",
                format!("a family whose root {i} differs"),
                "another".into(),
            );
        }
        if self.record_bytes != here.record_bytes {
            // Same configs, another state layout: another model.
            return differs(
                "recordBytes",
                self.record_bytes.to_string(),
                here.record_bytes.to_string(),
            );
        }
        Ok(())
    }
}

/// The first path where two JSON values differ, and both values there.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<(String, String, String)> {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let (u, v) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                first_difference(u, v, &join(k))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => {
            let show = |v: &Value| {
                let s = v.to_string();
                match s.char_indices().nth(60) {
                    Some((at, _)) => format!("{}…", &s[..at]),
                    None => s,
                }
            };
            Some((at.to_string(), show(a), show(b)))
        }
    }
}

/// Where a search stands at a level boundary: the level at `depth` is to be expanded next.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchState {
    pub depth: u64,
    /// Index of the level's first state, and its records.
    pub level_base: u32,
    pub level_records: u64,
    /// States stored (links), transitions counted, deepest level expanded so far.
    pub states: u64,
    pub transitions: u64,
    pub max_depth: u64,
    /// The memory accounting so far (statistics).
    pub peak_transient: u64,
    pub table_bytes: u64,
    /// Root config of each root state.
    pub root_of: Vec<(u32, u32)>,
}

/// The first search, kept while the shortest re-search runs: its violation and statistics,
/// its states (links in `s0-links`) and roots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstSearch {
    pub violation: Violation,
    pub stats: ExploreStats,
    pub states: u64,
    pub root_of: Vec<(u32, u32)>,
}

/// A checkpoint (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub identity: Identity,
    /// The search running: 0, or 1 for the shortest re-search.
    pub search: u32,
    pub state: SearchState,
    pub first: Option<FirstSearch>,
    /// The coordinator's files, and each partition's.
    pub files: Files,
    pub parts: Vec<PartRecord>,
}

impl Manifest {
    /// Reads a manifest, checking it is of a format and version this build reads before
    /// reading the rest, so that an old checkpoint is refused for what it is.
    pub fn parse(text: &str, here: &Identity) -> Result<Manifest, ConfigError> {
        let bad = |e: String| {
            ConfigError::new(
                "checkpoint",
                format!("the manifest is not a qisim checkpoint manifest: {e}"),
            )
        };
        let v: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let id = &v["identity"];
        for (field, key, mine) in [
            ("format", "format", Value::from(here.format)),
            ("qisimVersion", "qisim", Value::from(here.qisim.clone())),
        ] {
            match &id[key] {
                Value::Null => return Err(bad(format!("no identity.{key}"))),
                x if *x != mine => {
                    return Err(ConfigError::new(
                        &format!("checkpoint.{field}"),
                        format!(
                            "the checkpoint is of another exploration: {field} is {x} in it \
                             and {mine} in this run"
                        ),
                    ))
                }
                _ => {}
            }
        }
        let m: Manifest = serde_json::from_value(v).map_err(|e| bad(e.to_string()))?;
        m.identity.check(here)?;
        Ok(m)
    }

    /// Every file of the checkpoint, the coordinator's and the parts'.
    pub fn all_files(&self) -> impl Iterator<Item = (&String, &super::FileMark)> {
        self.files
            .0
            .iter()
            .chain(self.parts.iter().flat_map(|p| p.files.0.iter()))
    }
}
