//! `cargo fuzz run set_path`: see `ecsim_fuzz::targets::set_path`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::set_path(data));
