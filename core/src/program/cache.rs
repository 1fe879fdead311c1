//! Compiled programs, shared: a hunt builds one simulation per seed and an exploration one
//! state per root from the same config, and parsing, checking and analysing the program each
//! time would cost more than a short run. The result is a pure function of the text, the ring
//! length and the fault bits, so it is kept for the last few of them (no clock, no I/O).

use std::sync::{Arc, Mutex};

use super::{Compiled, Program, ProgramError};

/// Programs kept (a playground edits one at a time; a matrix has a few rows).
const KEPT: usize = 16;

type Entry = (String, u32, u8, Arc<Compiled>);

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// `text` parsed, checked and compiled for a ring of `qi_length` and fault bits `bits`.
pub fn compiled(text: &str, qi_length: u32, bits: u8) -> Result<Arc<Compiled>, ProgramError> {
    {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = cache
            .iter()
            .find(|e| e.1 == qi_length && e.2 == bits && e.0 == text)
        {
            return Ok(e.3.clone());
        }
    }
    let c = Arc::new(Program::parse(text)?.compile(qi_length, bits)?);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= KEPT {
        cache.remove(0);
    }
    cache.push((text.to_string(), qi_length, bits, c.clone()));
    Ok(c)
}
