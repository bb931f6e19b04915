//! `cargo fuzz run duration`: see `ecsim_fuzz::targets::duration`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::duration(data));
