//! Demand a service receives over simulated time, and how its healthy tasks serve it.
//!
//! `shapes` turns a [`LoadProfile`] into a mean request rate at any instant, `noise` turns that
//! mean into the demand actually observed over one load step (and holds the other random
//! samplers), `replay` reads recorded demand from CSV (and `arrival_times` recorded request
//! arrivals, one timestamp per line), and `serving` splits demand among healthy
//! tasks and averages utilization over a trace interval. `queue` is the other way to consume
//! demand: messages wait in a FIFO queue until a worker task takes them. `latency` estimates request
//! latency from queueing theory; `request_queue` serves requests through a queue with a timeout
//! when a task has a service model, and `alb_metrics` turns what it saw in a metric period into
//! the load balancer's CloudWatch metrics; `requests` simulates every request across a service's
//! tasks.
//!
//! Architecture invariants: nothing here reads the OS clock or does I/O (CSV arrives as text);
//! every random number comes from the caller's `ChaCha8Rng`, with no hidden caching, so a seed
//! reproduces a run; evaluating demand never allocates.

pub mod alb_metrics;
pub mod arrival_times;
pub mod arrivals;
pub mod latency;
pub mod noise;
pub mod queue;
pub mod replay;
pub mod request_queue;
pub mod requests;
pub mod revisions;
pub mod serving;
pub mod shapes;
pub mod traffic_weights;

pub use alb_metrics::{AlbMetric, AlbStatistic, Percentile, RequestPeriod};
pub use arrival_times::{MAX_REPLAYED_ARRIVALS, demand_of_arrivals, parse_arrival_times};
pub use arrivals::Arrivals;
pub use noise::{Noise, exponential_ms, lognormal_ms, standard_normal};
pub use queue::{Drained, MessageQueue};
pub use replay::{ReplaySeries, parse_replay_csv};
pub use request_queue::{IntervalLatency, RequestQueue, RunLatency};
pub use revisions::{DemandSplit, RevisionGroup, RevisionsServed};
pub use serving::{IntervalAccumulator, IntervalAverages, Served, ServingModel};
pub use shapes::{Interpolation, LoadProfile, LoadShape, SpikeEffect};

/// Wall-clock anchor used when a scenario names none: 2026-01-05T00:00:00Z, a Monday.
pub const DEFAULT_START_EPOCH_MS: i64 = 1_767_571_200_000;
