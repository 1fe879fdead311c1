//! Typed errors: every message names the offending field and what is allowed.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A rejected configuration: `field` is the JSON path (camelCase), `message` says what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

impl ConfigError {
    /// A new error for `field`.
    pub fn new(field: &str, message: String) -> Self {
        ConfigError {
            field: field.to_string(),
            message,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid config: `{}` {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A replay string that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayError {
    /// Byte offset in the replay string.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid replay string at position {}: {}",
            self.position, self.message
        )
    }
}

impl std::error::Error for ReplayError {}
