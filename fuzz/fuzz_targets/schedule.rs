//! `cargo fuzz run schedule`: see `ecsim_fuzz::targets::schedule`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::schedule(data));
