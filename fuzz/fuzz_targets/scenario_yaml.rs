//! `cargo fuzz run scenario_yaml`: see `ecsim_fuzz::targets::scenario_yaml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::scenario_yaml(data));
