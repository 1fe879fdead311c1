//! Searching many schedules: [`hunt`] runs seeds and merges what they find, [`shrink`]
//! minimises a finding to a short replayable counterexample.

pub mod hunt;
pub mod shrink;
