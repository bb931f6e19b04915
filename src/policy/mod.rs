//! Pure decisions: given read-only state, return what to do. No state of their own, no I/O.

pub mod az_rebalancing;
pub mod capacity_provider_strategy;
pub mod cluster_scaling;
pub mod deployment;
pub mod event_pattern;
pub mod group_step_scaling;
pub mod k8s;
pub mod placement;
pub mod predictive;
pub mod rounding;
pub mod scaling_decision;
pub mod schedule;
pub mod step_scaling;
pub mod target_tracking;
pub mod task_selection;
