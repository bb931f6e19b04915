//! The simulation: the one `Event` enum, the `World`, the dispatcher and the bounded run loop.
//! `run` simulates a whole scenario; `Simulation` builds one run to step and inspect.

mod accounting;
mod capacity;
mod eks;
mod event;
mod invariants;
mod jobs;
mod run;
mod scaling;
mod service;
mod simulation;
mod tasks;
mod timeline;
mod world;

pub use run::{EngineError, RunOptions, run};
pub use simulation::{RetainedRecords, ServiceView, Simulation};
