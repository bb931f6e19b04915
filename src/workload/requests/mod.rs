//! The exact per-request model (issue 14, "exact mode"): every request of one service is routed
//! to a target (a task), waits in that target's FIFO queue for one of its `concurrency` slots,
//! is served for a seeded service time, and completes, times out or fails.
//!
//! The engine calls [`RequestModel::run`] once per stretch of simulated time (a trace interval,
//! or the time until the task set changes) and changes the targets between stretches
//! ([`RequestModel::add_target`], [`RequestModel::set_state`], [`RequestModel::remove_target`],
//! all at [`RequestModel::now`]); requests in service and queued carry over from one stretch to
//! the next. Each stretch returns a [`StretchReport`]: counts, response- and wait-time
//! sketches, and each target's busy fraction and requests held at the end.
//!
//! Semantics (facts from the shared `latency-and-copilot.md`, Part A4, cited "Latency A4"):
//! - Routing: only `Healthy` targets receive new requests. `RoundRobin` takes the healthy
//!   targets in turn, in registration order. `LeastOutstandingRequests` picks the healthy target
//!   with the fewest requests held (in service plus queued); among equals, the first one after
//!   the target chosen last (round robin among the tied), so ties spread evenly and
//!   deterministically. With no healthy target, a request fails at once (ALB's 503).
//! - Slow start (`RoundRobin` only: ALB cannot combine it with least outstanding requests,
//!   Latency A4, so that configuration is an error): a target that becomes healthy while at
//!   least one other healthy target is not in slow start (and did not become healthy at the same
//!   instant: targets registered together into an empty group do not enter it) has weight
//!   `w = elapsed / duration`, rising linearly from 0 to 1. When the round-robin turn reaches it,
//!   it adds `w` to a credit and takes the request only if the credit reaches 1 (then spends 1),
//!   else the turn passes on: over a cycle it receives `w` of a full target's share. If every
//!   healthy target is in slow start, a full cycle without a taker gives the request to the next
//!   target in turn.
//! - Timeout (ALB's idle timeout, Latency A4: a 504 when the target does not answer in time):
//!   a request not answered `timeout_ms` after it arrived times out. Still queued, it leaves the
//!   queue at that instant; in service, its slot is freed at that instant (the target abandons
//!   the work when the connection closes). Timed-out requests are not in the response sketch.
//! - `Unhealthy` and `Draining` targets receive nothing new but finish what they hold (their
//!   queue included). A removed target's held requests fail (5XX), counted in the next stretch.
//! - Same instant: completions first, then queue timeouts, then arrivals, so a slot freed at
//!   time t is free for a request arriving at t.
//!
//! Times: the model's clock is integer nanoseconds (`_ns`), so no float accumulates time and a
//! 180 ms service time keeps its precision; inputs and outputs are milliseconds (`SimTime`, or
//! `f64` with `_ms`). Randomness: arrivals and service times come from two caller-given
//! `ChaCha8Rng` streams, so changing the routing never changes the arrival times (common
//! random numbers).
//!
//! Architecture invariants: nothing allocates per request once queues reached their size;
//! percentiles come from `QuantileSketch`es, never from stored requests; no input panics (bad
//! input is a [`RequestError`]); no result depends on hash order.

mod arrivals;
mod model;
mod report;
mod routing;
mod serving;
mod stretch;
mod target;

pub use arrivals::{Arrivals, RateStep};
pub use model::RequestModel;
pub use report::{StretchReport, TargetReport};
pub use serving::{ExactServing, ExactTotals};

use crate::sim::time::SimTime;
use crate::workload::latency::LatencyError;

/// ALB's default idle timeout, 60 s (Latency A4).
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;
/// Shortest slow start ALB accepts, 30 s (Latency A4).
pub const SLOW_START_MIN_MS: u64 = 30_000;
/// Longest slow start ALB accepts, 900 s (Latency A4).
pub const SLOW_START_MAX_MS: u64 = 900_000;
/// Most slots one target may have.
pub const MAX_CONCURRENCY: u32 = 1 << 20;
/// Highest Poisson rate accepted, requests per second.
pub const MAX_RATE_PER_S: f64 = 1e9;
/// Nanoseconds in a millisecond.
const NS_PER_MS: u64 = 1_000_000;

/// The caller's name for a target (for the engine, a task).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TargetId(pub u64);

/// A target's health as the load balancer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    /// Receives new requests.
    Healthy,
    /// Receives nothing new; finishes what it holds.
    Unhealthy,
    /// Deregistering: receives nothing new; finishes what it holds.
    Draining,
}

/// The target group's `load_balancing.algorithm.type` (Latency A4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// `round_robin`: healthy targets in turn.
    RoundRobin,
    /// `least_outstanding_requests`: the healthy target holding the fewest requests.
    LeastOutstandingRequests,
}

/// The load balancer's settings for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestConfig {
    /// The routing algorithm.
    pub routing: Routing,
    /// `slow_start.duration_seconds` in ms: 0 (off) or 30 000 to 900 000.
    pub slow_start_ms: u64,
    /// How long a request may go unanswered before it times out, ms, at least 1.
    pub timeout_ms: u64,
}

/// One target's service model.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec {
    /// Requests it serves at once (slots), 1 to [`MAX_CONCURRENCY`].
    pub concurrency: u32,
    /// How long one request occupies one slot.
    pub service: crate::workload::latency::ServiceTime,
}

/// An input the request model cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    /// A setting or number outside its valid range.
    #[error("{what} must be {bound}, got {value}")]
    OutOfRange {
        /// Which input, in words.
        what: &'static str,
        /// The valid range, in words.
        bound: &'static str,
        /// The value given.
        value: f64,
    },
    /// ALB refuses slow start with least outstanding requests (Latency A4).
    #[error("slow start cannot be combined with least_outstanding_requests")]
    SlowStartWithLeastOutstanding,
    /// A target id that is already registered.
    #[error("target {0} is already registered")]
    DuplicateTarget(u64),
    /// A target id that is not registered.
    #[error("target {0} is not registered")]
    UnknownTarget(u64),
    /// A stretch must end at or after the model's clock.
    #[error("a stretch cannot end at {until_ms} ms, before the model's clock at {now_ms} ms")]
    StretchBackwards {
        /// The model's clock.
        now_ms: u64,
        /// The end asked for.
        until_ms: u64,
    },
    /// Arrival times or rate steps out of order, or outside the stretch.
    #[error("arrivals must be in order within the stretch [{start_ms}, {until_ms}) ms: {detail}")]
    BadArrivals {
        /// The stretch's start.
        start_ms: u64,
        /// The stretch's end.
        until_ms: u64,
        /// What is wrong.
        detail: &'static str,
    },
    /// A service time the latency library refuses.
    #[error(transparent)]
    Service(#[from] LatencyError),
}

impl RequestConfig {
    /// Ok when the settings are ones ALB accepts (Latency A4).
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.timeout_ms == 0 {
            let (what, bound) = ("timeout (ms)", "at least 1");
            return Err(RequestError::OutOfRange {
                what,
                bound,
                value: 0.0,
            });
        }
        let slow = self.slow_start_ms;
        if slow != 0 && !(SLOW_START_MIN_MS..=SLOW_START_MAX_MS).contains(&slow) {
            let (what, bound) = ("slow start (ms)", "0 or from 30000 to 900000");
            return Err(RequestError::OutOfRange {
                what,
                bound,
                value: slow as f64,
            });
        }
        if slow != 0 && self.routing == Routing::LeastOutstandingRequests {
            return Err(RequestError::SlowStartWithLeastOutstanding);
        }
        Ok(())
    }
}

/// Milliseconds to the model's nanoseconds, saturating.
fn ns_of(time: SimTime) -> u64 {
    time.as_millis().saturating_mul(NS_PER_MS)
}

/// Nanoseconds as milliseconds, for sketches and reports.
fn ms_of_ns(ns: u64) -> f64 {
    ns as f64 / NS_PER_MS as f64
}

#[cfg(test)]
mod behaviour_tests;
#[cfg(test)]
mod mmc_tests;
#[cfg(test)]
mod test_support;
