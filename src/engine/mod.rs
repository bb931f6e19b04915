//! The simulation: the one `Event` enum, the `World`, the dispatcher and the bounded run loop.

mod asg_scale_in;
mod cost;
mod deployments;
mod draining;
mod event;
mod faults;
mod health;
mod instances;
mod invariants;
mod lifecycle;
mod load;
mod placement;
mod protection;
mod queue;
mod run;
mod scaling;
mod scheduler;
mod service_cost;
mod spot;
mod throttle;
mod timeline;
mod tracing;
mod world;

pub use run::{EngineError, RunOptions, run};
