//! Importers: other descriptions of an ECS setup -> a scenario file.

pub mod terraform;
