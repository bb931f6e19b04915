//! The lowest layer: simulated time, the event queue and seeded random-number streams.

pub mod queue;
pub mod rng;
pub mod time;

pub use queue::EventQueue;
pub use rng::RngStreams;
pub use time::{SimDuration, SimTime};
