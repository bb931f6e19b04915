//! `ecsim import copilot`: an AWS Copilot workload manifest, merged with one environment's
//! overrides, as the scenario Copilot would deploy (reference B of latency-and-copilot.md).

pub mod count;
pub mod duration;
pub mod manifest;
pub mod merge;
pub mod read;
pub mod schedule;
pub mod tree;
