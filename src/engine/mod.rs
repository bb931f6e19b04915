//! The simulation: the one `Event` enum, the `World`, the dispatcher and the bounded run loop.
//! `run` simulates a whole scenario; `Simulation` builds one run to step and inspect.

mod accounting;
mod asg_target_tracking;
mod autoscaling;
mod capacity;
mod cluster_autoscaling;
mod event;
mod invariants;
mod managed_alarms;
mod run;
mod scaling_policies;
mod scheduled_actions;
mod service;
mod simulation;
mod tasks;
mod timeline;
mod world;

pub use run::{EngineError, RunOptions, run};
pub use simulation::{ServiceView, Simulation};
