//! `cargo fuzz run expectation`: see `ecsim_fuzz::targets::expectation`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::expectation(data));
