//! The simulation: the one `Event` enum, the `World`, the dispatcher and the bounded run loop.

mod autoscaling;
mod cost;
mod draining;
mod event;
mod faults;
mod instances;
mod invariants;
mod lifecycle;
mod load;
mod queue;
mod run;
mod scheduler;
mod service_cost;
mod spot;
mod timeline;
mod tracing;
mod world;

pub use run::{EngineError, RunOptions, run};
