//! `cargo fuzz run import_copilot`: see `ecsim_fuzz::targets::import_copilot`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::import_copilot(data));
