//! `cargo fuzz run import_terraform`: see `ecsim_fuzz::targets::import_terraform`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::import_terraform(data));
