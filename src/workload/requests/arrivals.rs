//! Where one stretch's requests come from: a seeded Poisson process whose rate may step within
//! the stretch, or a replayed list of arrival times.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::Exp1;

use super::{MAX_RATE_PER_S, NS_PER_MS, RequestError, ns_of};
use crate::sim::time::SimTime;

/// From `from` on (until the next step or the stretch's end), requests arrive at this rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateStep {
    /// When the rate starts, within the stretch.
    pub from: SimTime,
    /// Mean arrivals per second, 0 to [`MAX_RATE_PER_S`].
    pub requests_per_s: f64,
}

/// The arrivals of one stretch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arrivals<'a> {
    /// Poisson arrivals at a piecewise-constant rate, steps in order of `from`; no arrivals
    /// before the first step. Memoryless, so nothing carries over between stretches.
    Poisson(&'a [RateStep]),
    /// Requests arriving at these times (ms since the start of the run, fractions allowed),
    /// in non-decreasing order, all within the stretch.
    Replayed(&'a [f64]),
}

/// The arrivals of one stretch, one at a time, in nanoseconds.
pub(super) enum ArrivalStream<'a> {
    Poisson {
        steps: &'a [RateStep],
        /// The step in force at `cursor_ns`.
        piece: usize,
        /// The last arrival (or the start of the current step).
        cursor_ns: u64,
        until_ns: u64,
    },
    Replayed {
        times_ms: &'a [f64],
        next: usize,
    },
}

impl<'a> ArrivalStream<'a> {
    /// The stream of `arrivals` over [start, until), or why they are not valid there.
    pub(super) fn new(arrivals: Arrivals<'a>, start: SimTime, until: SimTime) -> Result<Self, RequestError> {
        let bad = |detail| RequestError::BadArrivals {
            start_ms: start.as_millis(),
            until_ms: until.as_millis(),
            detail,
        };
        match arrivals {
            Arrivals::Poisson(steps) => {
                let mut previous = start;
                for step in steps {
                    if step.from < previous || step.from > until {
                        return Err(bad("rate steps must be in order and within the stretch"));
                    }
                    let rate = step.requests_per_s;
                    if !(rate.is_finite() && (0.0..=MAX_RATE_PER_S).contains(&rate)) {
                        return Err(bad("rates must be finite, from 0 to 1e9 per second"));
                    }
                    previous = step.from;
                }
                let cursor_ns = steps.first().map_or(ns_of(until), |s| ns_of(s.from));
                let until_ns = ns_of(until);
                Ok(ArrivalStream::Poisson {
                    steps,
                    piece: 0,
                    cursor_ns,
                    until_ns,
                })
            }
            Arrivals::Replayed(times_ms) => {
                let (start_ms, until_ms) = (start.as_millis() as f64, until.as_millis() as f64);
                let mut previous = start_ms;
                for &t in times_ms {
                    if !(t >= previous && t < until_ms) {
                        return Err(bad("replayed times must be in order and within the stretch"));
                    }
                    previous = t;
                }
                Ok(ArrivalStream::Replayed { times_ms, next: 0 })
            }
        }
    }

    /// The next arrival's time, ns, or None when the stretch has no more.
    pub(super) fn next_ns(&mut self, rng: &mut ChaCha8Rng) -> Option<u64> {
        match self {
            ArrivalStream::Poisson {
                steps,
                piece,
                cursor_ns,
                until_ns,
            } => loop {
                let step = steps.get(*piece)?;
                let end_ns = steps.get(*piece + 1).map_or(*until_ns, |s| ns_of(s.from));
                if step.requests_per_s > 0.0 {
                    let mean_gap_ns = 1e3 * NS_PER_MS as f64 / step.requests_per_s;
                    let gap_ns = rng.sample::<f64, _>(Exp1) * mean_gap_ns;
                    let at_ns = cursor_ns.saturating_add((gap_ns + 0.5) as u64);
                    if at_ns < end_ns {
                        *cursor_ns = at_ns;
                        return Some(at_ns);
                    }
                }
                // Memoryless: the draw that overshot is dropped and the next step starts afresh.
                *cursor_ns = end_ns;
                *piece += 1;
            },
            ArrivalStream::Replayed { times_ms, next } => {
                let t = times_ms.get(*next)?;
                *next += 1;
                Some((t * NS_PER_MS as f64).round() as u64)
            }
        }
    }
}
