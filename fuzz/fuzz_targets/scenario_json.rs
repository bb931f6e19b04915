//! `cargo fuzz run scenario_json`: see `ecsim_fuzz::targets::scenario_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::scenario_json(data));
