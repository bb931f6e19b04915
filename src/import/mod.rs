//! Importers: what users already have (Copilot manifests) as a scenario file.

pub mod copilot;
