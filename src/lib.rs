//! ecsim: a deterministic discrete-event simulator of Amazon ECS autoscaling and deployments.
//!
//! The crate is layered (see `ARCHITECTURE.md`): `sim` at the bottom, then `model`, `workload`
//! and `metrics`, `policy`, `spec` and `trace`, the `engine`, then the file-facing layers
//! `scenario`, `output`, `check` and `sweep`, and `cli` on top. A module uses only lower layers.

pub mod check;
pub mod cli;
pub mod engine;
pub mod import;
pub mod metrics;
pub mod model;
pub mod output;
pub mod policy;
pub mod scenario;
pub mod sim;
pub mod spec;
pub mod sweep;
pub mod trace;
pub mod workload;
