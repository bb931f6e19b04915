//! `cargo fuzz run cql`: see `ecsim_fuzz::targets::cql`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ecsim_fuzz::targets::cql(data));
