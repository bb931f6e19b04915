//! Request latency from queueing theory: service-time distributions, M/M/c (Erlang B and C),
//! the G/G/c approximations, the response-time distribution and its percentiles, overload
//! carried over between intervals, and a streaming quantile sketch.
//!
//! Pure functions over their arguments; nothing here knows the engine. Times are `f64`
//! milliseconds (`_ms` in every name), rates are per second (`_per_s`, `_rps`), probabilities and
//! utilizations are fractions. Formulas and reference values come from the shared latency
//! reference, `latency-and-copilot.md`, Part A (M/M/c in A1, the approximations in A2, test
//! values in A3); tests cite it as "Latency A1", "Latency A3 row 7" (not "reference ...", which
//! `tests/integration/citations.rs` reserves for `docs/aws-behaviour.md`).
//!
//! Architecture invariants: no function panics on any input (bad input is a [`LatencyError`],
//! utilization at or above 1 is [`Stability::Overloaded`]); no result is NaN for valid input;
//! randomness comes only from the caller's `ChaCha8Rng`; no result depends on hash order.

pub mod approximation;
mod bucket_index;
pub mod carryover;
pub mod erlang;
pub mod grid;
pub mod normal;
pub mod response;
pub mod service_time;
pub mod sketch;

pub use approximation::{Approximation, QueueModel, StableLatency, estimate};
pub use carryover::{Carryover, IntervalDemand, carry_over};
pub use erlang::{erlang_b, erlang_c, erlang_c_upper_bound};
pub use response::{ResponseTime, WaitTime};
pub use service_time::{Histogram, ServiceTime};
pub use sketch::QuantileSketch;

/// A steady-state result, or the statement that the queue has no steady state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stability<T> {
    /// Utilization below 1: the queue settles and `T` describes it.
    Stable(T),
    /// Utilization at or above 1 (or no servers for a positive arrival rate): the queue grows
    /// without bound; `utilization` is arrivals over capacity (infinite with no servers).
    Overloaded {
        /// Offered load over capacity, at least 1.
        utilization: f64,
    },
}

/// An input the latency model cannot use, with the value that was given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LatencyError {
    /// A number outside its valid range (NaN and infinities included).
    #[error("{what} must be a finite number {bound}, got {value}")]
    OutOfRange {
        /// Which input, in words.
        what: &'static str,
        /// The valid range, in words ("above 0", "in [0, 1)").
        bound: &'static str,
        /// The value given.
        value: f64,
    },
    /// A histogram without buckets, or whose counts are all zero.
    #[error("a service-time histogram needs at least one bucket with a positive count")]
    EmptyHistogram,
    /// Histogram bucket upper bounds that do not strictly increase.
    #[error("histogram bucket bounds must increase: {upper_ms} ms follows {previous_ms} ms")]
    UnsortedHistogram {
        /// The bound before.
        previous_ms: f64,
        /// The bound that is not above it.
        upper_ms: f64,
    },
    /// Two sketches with different accuracies cannot be merged bucket by bucket.
    #[error("cannot merge sketches of relative accuracy {ours} and {theirs}")]
    SketchMismatch {
        /// This sketch's relative accuracy.
        ours: f64,
        /// The other sketch's relative accuracy.
        theirs: f64,
    },
}

/// `value` if finite and above `min` (at or above when `inclusive`), else an `OutOfRange` error.
pub(crate) fn check_at_least(what: &'static str, value: f64, min: f64, inclusive: bool) -> Result<f64, LatencyError> {
    let ok = value.is_finite() && (value > min || (inclusive && value == min));
    let bound = match (inclusive, min == 0.0) {
        (true, true) => "at least 0",
        (false, true) => "above 0",
        (true, false) => "at least its minimum",
        (false, false) => "above its minimum",
    };
    if ok {
        Ok(value)
    } else {
        Err(LatencyError::OutOfRange { what, bound, value })
    }
}

#[cfg(test)]
mod reference_tests;
#[cfg(test)]
pub(crate) mod test_support;
