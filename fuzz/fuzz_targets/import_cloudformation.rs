//! `cargo fuzz run import_cloudformation`: see `ecsim_fuzz::targets::import_cloudformation`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::import_cloudformation(data));
