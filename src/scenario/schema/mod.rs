//! `ecsim schema`: a JSON Schema (draft 2020-12) of the scenario format, recorded from the reader.

pub mod recorder;
