//! The lowest layer: simulated time, the event queue, seeded random-number streams and typed
//! indices.

pub mod id_map;
pub mod ids;
pub mod queue;
pub mod rng;
pub mod time;

pub use id_map::IdMap;
pub use ids::{ProviderIdx, ServiceIdx};
pub use queue::EventQueue;
pub use rng::RngStreams;
pub use time::{SimDuration, SimTime};
