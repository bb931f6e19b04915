//! Fuzz targets of ecsim's parsers of untrusted input; the binaries are in `fuzz_targets/`.

pub mod seeds;
pub mod targets;
