//! The `query` fuzz target: see `checks::query`.
#![no_main]

#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(init: checks::warm_up(), |data: &[u8]| checks::query(data));
