//! Bytes → `Config` (serde_json) → `validate()` → a bounded run (see `common::check_json`):
//! parsing and validation never panic, a rejected config names a field, a valid one survives a
//! JSON round trip and runs (clamped to 2000 steps) without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check_json(data);
});
